"""Forms of the plan's pages. The quarterly report's task rows are read by `read_report_post` (their
fields depend on the agency's tasks); the checks themselves are the services' (`plans.rules`)."""

from __future__ import annotations

from django import forms

from core.periods import PeriodError, parse_quarter
from core.uploads import EVIDENCE_ACCEPT
from indicators.choices import Pillar
from units.models import Unit

from .choices import TaskState
from .filtersets import STATE_CHOICES
from .services.progress import ProgressInput


class QuarterField(forms.CharField):
    """A ``YYYY-Qn`` quarter of an accepted year, refused with the one quarter message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return parse_quarter(value)
        except PeriodError as exc:
            raise forms.ValidationError(str(exc), code="invalid_quarter") from exc


class PickForm(forms.Form):
    unit = forms.ModelChoiceField(label="Cơ quan", queryset=Unit.objects.none(), to_field_name="code", empty_label=None)
    quarter = QuarterField(label="Quý (YYYY-Qn)")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class DashboardFilterForm(forms.Form):
    """The dashboard's filters; the filtering itself is `PlanTaskFilterSet` (the API's)."""

    unit = forms.ChoiceField(label="Cơ quan", required=False)
    state = forms.ChoiceField(label="Tình trạng", required=False, choices=[("", "Tất cả"), *STATE_CHOICES])
    pillar = forms.ChoiceField(label="Trụ cột", required=False, choices=[("", "Tất cả"), *Pillar.choices])
    overdue = forms.ChoiceField(
        label="Thời hạn", required=False, choices=[("", "Tất cả"), ("1", "Quá hạn"), ("0", "Chưa quá hạn")]
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "Tất cả")] + [(u.code, u.display_name) for u in units]


class DecisionForm(forms.Form):
    """Approve / return (comment); `version` catches a decision on a stale page."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    comment = forms.CharField(
        label="Ý kiến (bắt buộc khi trả lại)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp kế hoạch (.xlsx hoặc .csv UTF-8, cùng các cột với fixtures/plan_tasks.csv)",
        error_messages={"required": "Hãy chọn tệp kế hoạch.", "empty": "Tệp kế hoạch rỗng."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )


class PublishForm(forms.Form):
    number = forms.CharField(label="Số văn bản", required=False, max_length=60)


TASK_STATE_CHOICES = [("", "— Chọn tình trạng —"), *TaskState.choices]
FILE_ACCEPT = EVIDENCE_ACCEPT


def read_report_post(tasks, data, files) -> tuple[list[ProgressInput], dict[int, dict]]:
    """The task rows of a report form: (inputs for rows with anything filled in, the raw values per task
    id to show again). A row left wholly blank is not reported yet and is skipped."""
    inputs, raw = [], {}
    for task in tasks:
        prefix = f"t{task.pk}"
        row = {
            "state": data.get(f"{prefix}-state", "").strip(),
            "percent": data.get(f"{prefix}-percent", "").strip(),
            "done": data.get(f"{prefix}-done", ""),
            "issues": data.get(f"{prefix}-issues", ""),
        }
        uploads = [f for f in files.getlist(f"{prefix}-files") if f]
        raw[task.pk] = row
        if not any(v.strip() for v in row.values()) and not uploads:
            continue
        inputs.append(ProgressInput(task, row["state"], row["percent"], row["done"], row["issues"], uploads))
    return inputs, raw
