from django.contrib import admin
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin

from units.models import Unit

from .models import AuditEntry, DataValue, DTIPillar, DTIScore, Indicator, Target, ValueChange
from .recompute import targets_changed


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
    # the header phrasings, `|`-separated as in fixtures/indicators.csv
    headers = fields.Field(attribute="headers", column_name="headers", widget=LevelsWidget())

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
            "headers",
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

    # An admin import recomputes each touched indicator once, after it commits (a dry run rolls back,
    # and its on-commit callback with it).
    def before_import(self, dataset, **kwargs):
        self._touched = set()
        return super().before_import(dataset, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        self._touched.add(instance.indicator_id)

    def after_delete_instance(self, instance, row, **kwargs):
        self._touched.add(instance.indicator_id)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        targets_changed(self._touched)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Indicator)
class IndicatorAdmin(ImportExportModelAdmin):
    resource_classes = [IndicatorResource]
    list_display = ("code", "name", "pillar", "group", "measure", "periodicity", "aggregation", "direction")
    list_filter = ("pillar", "group", "measure", "periodicity")
    search_fields = ("code", "name", "headers")
    inlines = [TargetInline]

    def save_related(self, request, form, formsets, change):
        # The indicator's own fields (direction, measure) and its inline targets decide its statuses.
        super().save_related(request, form, formsets, change)
        targets_changed([form.instance.pk])


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

    # A target decides the statuses of its indicator's values: recompute them once the change commits.
    def save_model(self, request, obj, form, change):
        before = form.initial.get("indicator") if change else None
        super().save_model(request, obj, form, change)
        targets_changed([obj.indicator_id, before])

    def delete_model(self, request, obj):
        indicator_id = obj.indicator_id
        super().delete_model(request, obj)
        targets_changed([indicator_id])

    def delete_queryset(self, request, queryset):
        indicator_ids = set(queryset.values_list("indicator_id", flat=True))
        super().delete_queryset(request, queryset)
        targets_changed(indicator_ids)


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


@admin.register(ValueChange)
class ValueChangeAdmin(admin.ModelAdmin):
    """The change log of values, written by the write door; nobody edits or deletes it."""

    list_display = (
        "created_at",
        "action",
        "indicator",
        "unit",
        "period",
        "value_before",
        "value_after",
        "user",
        "source",
        "batch_id",
    )
    list_filter = ("action", "source")
    search_fields = ("indicator__code", "unit__code", "period")
    list_select_related = ("indicator", "unit", "user")
    show_full_result_count = False  # a count(*) of millions of rows on every page

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
