from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PeriodField


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
    period = PeriodField(label=_("Kỳ báo cáo (YYYY-MM)"), required=False)


class TemplateForm(forms.Form):
    unit = forms.CharField(label=_("Mã đơn vị"), max_length=40)
    period = PeriodField(label=_("Kỳ báo cáo (YYYY-MM)"))
