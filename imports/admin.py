from django.contrib import admin

from .models import SavedMapping


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):
    """Staff list and delete the mappings people confirmed; a wrong one is deleted here and the
    next import of that header asks again."""

    list_display = ("sheet", "unit", "user", "fingerprint", "column_count", "unit_count", "updated_at")
    list_filter = ("unit",)
    search_fields = ("sheet", "fingerprint", "unit__code", "unit__name", "user__username")
    readonly_fields = ("fingerprint", "created_by", "updated_at")

    @admin.display(description="số cột")
    def column_count(self, obj):
        return len(obj.columns or [])

    @admin.display(description="số đơn vị")
    def unit_count(self, obj):
        return len(obj.units or [])
