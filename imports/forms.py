from django import forms
from django.utils.translation import gettext_lazy as _

from .periods import valid_period


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
    period = forms.CharField(label=_("Kỳ báo cáo (YYYY-MM)"), required=False, max_length=7)

    def clean_period(self):
        period = self.cleaned_data["period"].strip()
        if period and not valid_period(period):
            raise forms.ValidationError(_("Kỳ báo cáo phải có dạng YYYY-MM, ví dụ 2023-08."))
        return period


class TemplateForm(forms.Form):
    unit = forms.CharField(label=_("Mã đơn vị"), max_length=40)
    period = forms.CharField(label=_("Kỳ báo cáo (YYYY-MM)"), max_length=7)

    def clean_period(self):
        period = self.cleaned_data["period"].strip()
        if not valid_period(period):
            raise forms.ValidationError(_("Kỳ báo cáo phải có dạng YYYY-MM, ví dụ 2023-08."))
        return period
