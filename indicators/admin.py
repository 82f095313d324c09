from django.contrib import admin
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin

from units.models import Unit

from .models import AuditEntry, DataValue, DTIPillar, DTIScore, Indicator, Target


class LevelsWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return [v for v in str(value or "").split("|") if v]

    def render(self, value, obj=None, **kwargs):
        return "|".join(value or [])


class IndicatorResource(resources.ModelResource):
    owner = fields.Field(
        attribute="owner", column_name="owner", widget=widgets.ForeignKeyWidget(Unit, "code")
    )
    reported_by = fields.Field(attribute="reported_by", column_name="reported_by", widget=LevelsWidget())

    class Meta:
        model = Indicator
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "pillar",
            "group",
            "measure",
            "periodicity",
            "reported_by",
            "aggregation",
            "direction",
            "cumulative",
            "owner",
            "source",
            "order",
        )
        skip_unchanged = True


class TargetResource(resources.ModelResource):
    indicator = fields.Field(
        attribute="indicator", column_name="indicator", widget=widgets.ForeignKeyWidget(Indicator, "code")
    )
    unit = fields.Field(attribute="unit", column_name="unit", widget=widgets.ForeignKeyWidget(Unit, "code"))

    class Meta:
        model = Target
        fields = (
            "id",
            "indicator",
            "year",
            "level",
            "unit",
            "comparator",
            "value",
            "value_max",
            "effective_from",
            "deadline",
            "source_text",
        )
        skip_unchanged = True


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Indicator)
class IndicatorAdmin(ImportExportModelAdmin):
    resource_classes = [IndicatorResource]
    list_display = ("code", "name", "pillar", "group", "measure", "periodicity", "aggregation", "direction")
    list_filter = ("pillar", "group", "measure", "periodicity")
    search_fields = ("code", "name")
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(ImportExportModelAdmin):
    resource_classes = [TargetResource]
    list_display = (
        "indicator",
        "year",
        "level",
        "unit",
        "comparator",
        "value",
        "value_max",
        "effective_from",
        "deadline",
    )
    list_filter = ("year", "level", "comparator")
    search_fields = ("indicator__code", "indicator__name", "source_text")
    autocomplete_fields = ("indicator", "unit")


@admin.register(DTIPillar)
class DTIPillarAdmin(admin.ModelAdmin):
    list_display = ("level", "order", "code", "name", "max_points")
    list_filter = ("level",)


@admin.register(DTIScore)
class DTIScoreAdmin(admin.ModelAdmin):
    list_display = ("unit", "year", "pillar", "score")
    list_filter = ("year", "pillar__level")
    search_fields = ("unit__code", "unit__name")


@admin.register(DataValue)
class DataValueAdmin(admin.ModelAdmin):
    """Read-only here: values change through services (forms, import, API), which audit every change."""

    list_display = ("indicator", "unit", "period", "value", "raw", "source", "updated_at")
    list_filter = ("period", "source", "indicator__group")
    search_fields = ("indicator__code", "unit__code", "unit__name")
    list_select_related = ("indicator", "unit")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Nobody edits or deletes audit entries, superusers included."""

    list_display = ("created_at", "action", "object_key", "user", "source", "batch_id")
    list_filter = ("action", "source")
    search_fields = ("object_key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
