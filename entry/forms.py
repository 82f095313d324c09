"""Small forms of the entry pages. The value rows themselves are read by `entry.services.rows`
(their fields depend on the unit's indicators), not by a Django Form."""

from django import forms

from core.forms import PeriodField


class PeriodPickForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=None, to_field_name="code", empty_label=None)
    period = PeriodField(label="Kỳ báo cáo (YYYY-MM)")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Minh chứng (PDF, PNG, JPEG)",
        error_messages={"required": "Hãy chọn tệp minh chứng.", "empty": "Tệp minh chứng rỗng."},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )


class DecisionForm(forms.Form):
    """Approve / return (comment) / unlock (reason); `version` catches a decision on a stale page."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label="Ý kiến / lý do", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class QueueFilterForm(forms.Form):
    """The approval queue's picker: a month that has data or is due, a state, a level."""

    period = forms.ChoiceField(label="Kỳ báo cáo")
    state = forms.ChoiceField(label="Trạng thái", required=False)
    level = forms.ChoiceField(label="Cấp", required=False)

    def __init__(self, *args, periods, states, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, f"Tháng {int(p[5:])}/{p[:4]}") for p in periods]
        self.fields["state"].choices = [("", "Tất cả trạng thái"), *states.items()]
        self.fields["level"].choices = [("", "Tất cả các cấp"), *levels.items()]
