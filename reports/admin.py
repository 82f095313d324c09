from django.contrib import admin

from .models import Report, ReportFile, ReportSection, ReportVersion


class ReportSectionInline(admin.TabularInline):
    model = ReportSection
    extra = 0
    fields = ("order", "kind", "title")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("period", "number", "issue_date", "status")
    list_filter = ("status",)
    inlines = [ReportSectionInline]


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    list_display = ("report", "number", "published_at", "published_by")
    readonly_fields = ("snapshot", "changes")


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ("report", "format", "version", "state", "progress", "created_at")
