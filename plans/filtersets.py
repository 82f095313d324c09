"""The filters of the plan's task list, shared by the dashboard `/ke-hoach/<year>/` and the API
`/api/v1/plan-tasks/`: year, agency (unit code), latest approved state, pillar, kind, overdue.

The queryset must be annotated with `PlanTask.objects.with_latest()`. Every error message is
Vietnamese and names the bad value.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone

from core.periods import MAX_YEAR, MIN_YEAR
from indicators.choices import Pillar
from units.models import Unit

from .choices import TaskKind, TaskState
from .models import PlanTask

NO_REPORT = "none"
STATE_CHOICES = [*TaskState.choices, (NO_REPORT, "Chưa có báo cáo được duyệt")]


def _choice_message(what, values):
    return f'{what} "%(value)s" không hợp lệ (cho phép: {", ".join(values)}).'


class PlanTaskFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        field_name="plan__year",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "invalid": "Năm phải là số (ví dụ 2023).",
            "min_value": "Năm phải từ 2000 đến 2100.",
            "max_value": "Năm phải từ 2000 đến 2100.",
        },
    )
    unit = django_filters.ModelChoiceFilter(
        field_name="unit",
        to_field_name="code",
        queryset=Unit.objects.all(),
        error_messages={"invalid_choice": 'Không có đơn vị mã "%(value)s".'},
    )
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES,
        method="filter_state",
        error_messages={"invalid_choice": _choice_message("Tình trạng", [v for v, _l in STATE_CHOICES])},
    )
    pillar = django_filters.ChoiceFilter(
        choices=Pillar.choices,
        error_messages={"invalid_choice": _choice_message("Trụ cột", Pillar.values)},
    )
    kind = django_filters.ChoiceFilter(
        choices=TaskKind.choices,
        error_messages={"invalid_choice": _choice_message("Loại", TaskKind.values)},
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("1", "Quá hạn"), ("0", "Chưa quá hạn")],
        method="filter_overdue",
        error_messages={"invalid_choice": 'Tham số overdue "%(value)s" không hợp lệ (cho phép: 1, 0).'},
    )

    class Meta:
        model = PlanTask
        fields = ["year", "unit", "state", "pillar", "kind", "overdue"]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_state(self, qs, name, value):
        if value == NO_REPORT:
            return qs.filter(latest_state__isnull=True)
        return qs.filter(latest_state=value)

    def filter_overdue(self, qs, name, value):
        overdue = Q(due__lt=self.today) & (Q(latest_state__isnull=True) | ~Q(latest_state=TaskState.DONE))
        return qs.filter(overdue) if value == "1" else qs.exclude(overdue)
