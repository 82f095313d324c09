"""Filters of the units list; also meant for the HTML unit list when there is one."""

import django_filters

from ..models import Level, Unit


class UnitFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(
        choices=Level.choices,
        error_messages={"invalid_choice": f'Cấp "%(value)s" không hợp lệ ({", ".join(Level.values)}).'},
    )
    parent = django_filters.ModelChoiceFilter(
        field_name="parent",
        to_field_name="code",
        queryset=Unit.objects.all(),
        error_messages={"invalid_choice": 'Không có đơn vị mã "%(value)s".'},
    )

    class Meta:
        model = Unit
        fields = ["level", "parent"]
