"""Filters of the indicator, target and value lists (codes and `YYYY-MM` periods, never ids).

One FilterSet per list, meant to serve the HTML lists too. Every error message is Vietnamese and names
the bad value; the views turn them into `{"field": …, "message": …}` items.
"""

import django_filters
from django import forms
from django.db.models import F, Q

from core.periods import is_period, period_message
from units.models import Level, Unit

from ..choices import GROUP_LABELS, Periodicity, Pillar, QualityFlag, Status
from ..models import DataValue, Indicator, ProvinceAggregate, Target
from ..status import FLAG_BITS


def _choice_message(what, choices):
    return f'{what} "%(value)s" không hợp lệ ({", ".join(str(c) for c in choices)}).'


class PeriodField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value and not is_period(value):
            raise forms.ValidationError(period_message(value), code="invalid")
        return value


class PeriodsField(forms.Field):
    """`?period=2023-07&period=2023-08`: a repeatable period."""

    widget = forms.SelectMultiple

    def to_python(self, value):
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        for v in values:
            if not is_period(v):
                raise forms.ValidationError(period_message(v), code="invalid")
        return values


class PeriodFilter(django_filters.CharFilter):
    field_class = PeriodField


class PeriodsFilter(django_filters.Filter):
    field_class = PeriodsField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


class CodesFilter(django_filters.ModelMultipleChoiceFilter):
    """Filters by the resolved rows' ids (`unit_id IN (…)`): no join to the catalogue table."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": list(value)})


def codes_filter(model, what, field_name):
    """A repeatable code filter (`?unit=BP&unit=DONGXOAI`); an unknown code is an error, not an empty list."""
    message = f'Không có {what} mã "%(value)s".'
    return CodesFilter(
        field_name=field_name,
        to_field_name="code",
        queryset=model.objects.all(),
        distinct=False,
        error_messages={"invalid_choice": message, "invalid_pk_value": message},
    )


GROUP_CHOICES = [(code, label) for code, label in GROUP_LABELS.items()]


class IndicatorFilterSet(django_filters.FilterSet):
    pillar = django_filters.ChoiceFilter(
        choices=Pillar.choices, error_messages={"invalid_choice": _choice_message("Trụ cột", Pillar.values)}
    )
    group = django_filters.ChoiceFilter(
        choices=GROUP_CHOICES, error_messages={"invalid_choice": _choice_message("Nhóm", GROUP_LABELS)}
    )
    periodicity = django_filters.ChoiceFilter(
        choices=Periodicity.choices,
        error_messages={"invalid_choice": _choice_message("Kỳ báo cáo", Periodicity.values)},
    )

    class Meta:
        model = Indicator
        fields = ["pillar", "group", "periodicity"]


class TargetFilterSet(django_filters.FilterSet):
    indicator = codes_filter(Indicator, "chỉ tiêu", "indicator")
    year = django_filters.NumberFilter(
        field_name="year", error_messages={"invalid": "Năm phải là số (ví dụ 2023)."}
    )
    level = django_filters.ChoiceFilter(
        choices=Level.choices,
        method="filter_level",
        error_messages={"invalid_choice": _choice_message("Cấp", Level.values)},
    )

    class Meta:
        model = Target
        fields = ["indicator", "year", "level"]

    def filter_level(self, qs, name, value):
        # A level's targets: those set for the level and those set for one of its units.
        return qs.filter(Q(level=value) | Q(unit__level=value))


class DataValueFilterSet(django_filters.FilterSet):
    indicator = codes_filter(Indicator, "chỉ tiêu", "indicator")
    unit = codes_filter(Unit, "đơn vị", "unit")
    level = django_filters.ChoiceFilter(
        field_name="unit__level",
        choices=Level.choices,
        error_messages={"invalid_choice": _choice_message("Cấp", Level.values)},
    )
    pillar = django_filters.ChoiceFilter(
        field_name="indicator__pillar",
        choices=Pillar.choices,
        error_messages={"invalid_choice": _choice_message("Trụ cột", Pillar.values)},
    )
    group = django_filters.ChoiceFilter(
        field_name="indicator__group",
        choices=GROUP_CHOICES,
        error_messages={"invalid_choice": _choice_message("Nhóm", GROUP_LABELS)},
    )
    period = PeriodsFilter(field_name="period")
    # `from` is a Python keyword: declared below under its query-parameter name.
    to = PeriodFilter(field_name="period", lookup_expr="lte")
    status = django_filters.ChoiceFilter(
        field_name="status__status",
        choices=Status.choices,
        error_messages={"invalid_choice": _choice_message("Trạng thái", Status.values)},
    )
    flag = django_filters.ChoiceFilter(
        choices=QualityFlag.choices,
        method="filter_flag",
        error_messages={"invalid_choice": _choice_message("Cảnh báo", QualityFlag.values)},
    )

    class Meta:
        model = DataValue
        fields = []

    def filter_flag(self, qs, name, value):
        # ValueStatus.flags is a bit mask (one bit per QualityFlag), set-based on both databases.
        return qs.alias(_flag=F("status__flags").bitand(FLAG_BITS[value])).filter(_flag__gt=0)


DataValueFilterSet.base_filters["from"] = PeriodFilter(field_name="period", lookup_expr="gte")


class SeriesFilterSet(django_filters.FilterSet):
    unit = codes_filter(Unit, "đơn vị", "unit")
    to = PeriodFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = DataValue
        fields = []


SeriesFilterSet.base_filters["from"] = PeriodFilter(field_name="period", lookup_expr="gte")


class AggregateFilterSet(django_filters.FilterSet):
    indicator = codes_filter(Indicator, "chỉ tiêu", "indicator")
    period = PeriodsFilter(field_name="period")
    to = PeriodFilter(field_name="period", lookup_expr="lte")
    mismatch = django_filters.BooleanFilter()

    class Meta:
        model = ProvinceAggregate
        fields = []


AggregateFilterSet.base_filters["from"] = PeriodFilter(field_name="period", lookup_expr="gte")
