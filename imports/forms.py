from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PeriodField

# What the reader takes (the format is told by the content; the list only guides the file picker).
ACCEPT = (
    ".xlsx,.xlsm,.xlsb,.xls,.ods,.csv,.txt,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,"
    "application/vnd.ms-excel.sheet.macroEnabled.12,application/vnd.ms-excel.sheet.binary.macroEnabled.12,"
    "application/vnd.oasis.opendocument.spreadsheet,text/csv,text/plain"
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp bảng tính (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv, .txt)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    period = PeriodField(label=_("Kỳ báo cáo (YYYY-MM)"), required=False)


class TemplateForm(forms.Form):
    unit = forms.CharField(label=_("Mã đơn vị"), max_length=40)
    period = PeriodField(label=_("Kỳ báo cáo (YYYY-MM)"))
