"""The DTI import says how many scores it stored (issue 17: "0 mới … 0 lỗi" after storing 36)."""

import pytest

from imports.services import create_preview, import_file
from indicators.models import DTIScore

from .test_formats import DTI_ROWS
from .xlsx_builders import build_xlsx

pytestmark = pytest.mark.django_db


def test_the_dti_import_counts_the_scores_it_stores(catalogue, staff):
    outcome = import_file(build_xlsx({"DTI": DTI_ROWS}), user=staff, filename="dti.xlsx", skip_invalid=True)
    assert outcome.status == "committed"
    assert DTIScore.objects.count() == 18
    assert (outcome.counts["dti_new"], outcome.counts["dti_changed"], outcome.counts["dti_unchanged"]) == (18, 0, 0)
    assert outcome.summary() == (
        "Đã nhập: 0 mới, 0 thay đổi, 0 không đổi, 0 bỏ qua; điểm DTI: 18 mới, 0 thay đổi, 0 không đổi; "
        "0 lỗi, 2 cảnh báo"
    )
    again = import_file(build_xlsx({"DTI": DTI_ROWS}), user=staff, filename="dti.xlsx", skip_invalid=True)
    assert "điểm DTI: 0 mới, 0 thay đổi, 18 không đổi" in again.summary()


def test_the_dti_preview_counts_the_scores_it_will_store(catalogue, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("dti.xlsx", build_xlsx({"DTI": DTI_ROWS}))
    batch = create_preview(upload, period=None, user=staff)
    assert (batch.counts["dti_new"], batch.counts["dti_unchanged"]) == (18, 0)
