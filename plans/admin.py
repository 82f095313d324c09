"""The plan in the Django admin (Sở TT&TT staff): a later year's plan is entered here, task by task, or
imported from a file at /ke-hoach/nhap/. Quarterly reports, reminders and published syntheses are
shown read-only: they change through the reporting pages, the API and the review, which keep the
approval rules and the audit trail."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Plan, PlanReminder, PlanSynthesis, PlanTask, ProgressEvidence, QuarterReport, TaskProgress
from .rules import deadlines_in_text


class PlanTaskInline(admin.StackedInline):
    model = PlanTask
    extra = 0
    fields = (("ref", "kind", "unit"), "title", "text", ("due", "pillar", "order"), "indicators")
    autocomplete_fields = ("unit", "indicators")
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "number", "decided_on", "task_count")
    search_fields = ("title", "number")
    inlines = [PlanTaskInline]

    @admin.display(description=_("số nhiệm vụ"))
    def task_count(self, obj):
        return obj.tasks.count()


@admin.register(PlanTask)
class PlanTaskAdmin(admin.ModelAdmin):
    list_display = ("ref", "title", "unit", "kind", "due", "pillar", "plan")
    list_filter = ("plan", "kind", "pillar", "unit")
    search_fields = ("ref", "title", "text", "unit__name", "unit__code")
    autocomplete_fields = ("unit", "indicators")
    readonly_fields = ("printed_deadlines",)
    fields = ("plan", ("ref", "section", "kind"), "unit", "title", "text", "printed_deadlines",
              ("due", "pillar", "order"), "indicators")

    @admin.display(description=_("thời hạn ghi trong nội dung"))
    def printed_deadlines(self, obj):
        found = deadlines_in_text(obj.text) if obj and obj.text else []
        return "; ".join(f"{phrase} → {date:%d/%m/%Y}" for date, phrase in found) or "—"

    def save_model(self, request, obj, form, change):
        if not obj.section:
            obj.section = obj.ref.rsplit(".", 1)[0] if "." in obj.ref else obj.ref
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TaskProgressInline(admin.TabularInline):
    model = TaskProgress
    fields = ("task", "state", "percent", "done", "issues", "author", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(QuarterReport)
class QuarterReportAdmin(ReadOnlyAdmin):
    list_display = ("unit", "quarter", "state", "deadline", "submitted_at", "decided_at")
    list_filter = ("quarter", "state")
    search_fields = ("unit__name", "unit__code")
    inlines = [TaskProgressInline]


@admin.register(ProgressEvidence)
class ProgressEvidenceAdmin(ReadOnlyAdmin):
    list_display = ("filename", "progress", "content_type", "size", "uploaded_by", "uploaded_at")


@admin.register(PlanReminder)
class PlanReminderAdmin(ReadOnlyAdmin):
    list_display = ("unit", "quarter", "kind", "sent_at")
    list_filter = ("quarter", "kind")


@admin.register(PlanSynthesis)
class PlanSynthesisAdmin(ReadOnlyAdmin):
    list_display = ("quarter", "version", "number", "published_at", "published_by")
    list_filter = ("quarter",)
    exclude = ("document",)
