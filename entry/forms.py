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
