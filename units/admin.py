from django.contrib import admin
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin

from .models import Unit


class AliasesWidget(widgets.Widget):
    """Aliases as one cell, separated by '|', as in fixtures/units.csv."""

    def clean(self, value, row=None, **kwargs):
        return [a.strip() for a in str(value or "").split("|") if a.strip()]

    def render(self, value, obj=None, **kwargs):
        return "|".join(value or [])


class UnitResource(resources.ModelResource):
    parent = fields.Field(
        attribute="parent", column_name="parent", widget=widgets.ForeignKeyWidget(Unit, "code")
    )
    aliases = fields.Field(attribute="aliases", column_name="aliases", widget=AliasesWidget())

    class Meta:
        model = Unit
        import_id_fields = ("code",)
        fields = ("code", "name", "short_name", "level", "parent", "aliases", "order", "active")
        skip_unchanged = True
        report_skipped = True


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = ("code", "name", "short_name", "level", "parent", "order", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name", "short_name", "aliases")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("members",)
