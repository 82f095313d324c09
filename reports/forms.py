from django import forms
from django.forms import inlineformset_factory

from core.forms import PeriodField

from .models import Report, ReportSection


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NewReportForm(forms.Form):
    period = PeriodField(label="Kỳ báo cáo (YYYY-MM)")


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["number", "issue_date", "data_date", "apps_date", "opening", "signer_title", "signer_name"]
        widgets = {
            "issue_date": DateInput(),
            "data_date": DateInput(),
            "apps_date": DateInput(),
            "opening": forms.Textarea(attrs={"rows": 3}),
        }


class SectionForm(forms.ModelForm):
    class Meta:
        model = ReportSection
        fields = ["title", "order", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8, "class": "rich-text"})}

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.kind == ReportSection.Kind.DATA and data.get("DELETE"):
            raise forms.ValidationError("Không thể xóa phần số liệu của báo cáo.")
        return data


SectionFormSet = inlineformset_factory(
    Report, ReportSection, form=SectionForm, extra=1, can_delete=True, min_num=0
)
