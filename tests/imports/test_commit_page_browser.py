"""The batch page of a batch being committed by a worker, in a real browser (Debian's Chromium) under
the deployment's CSP: it says "Đang nhập…", polls the status endpoint and reloads once the worker is
done. Screenshot in test-artifacts/import-committing.png."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from imports.models import ImportBatch
from imports.services import create_preview, start_commit

from .xlsx_builders import build_xlsx

CSP = "script-src 'self'; object-src 'none'; base-uri 'self'"


@pytest.mark.django_db(transaction=True)
def test_the_page_of_a_committing_batch_reloads_when_the_worker_is_done(browser_page, staff):
    rows = [
        ["indicator", "unit", "period", "value", "note"],
        ["APP-BPTODAY-USERS", "DONGXOAI", "2024-01", 1039, ""],
    ]
    batch = create_preview(
        SimpleUploadedFile("so-lieu.xlsx", build_xlsx({"so-lieu": rows})), period=None, user=staff
    )
    assert start_commit(batch) is True  # the worker has not picked it up yet

    def with_csp(route):
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page = browser_page.page
    page.route("**/*", with_csp)
    browser_page.login("staff", "pw-staff")  # the persona's password
    browser_page.goto(f"/nhap-lieu/lo/{batch.pk}/")
    assert page.locator("#status-label").inner_text() == "Đang nhập"
    assert page.get_by_text("Đang nhập… Trang sẽ tự tải lại khi ghi xong số liệu.").is_visible()
    browser_page.screenshot("import-committing")

    # The worker finishes (here: the row it would write), and the page notices by itself.
    ImportBatch.objects.filter(pk=batch.pk).update(status="committed", committed_at=timezone.now())
    page.locator('#batch-status[data-status="committed"]').wait_for(timeout=10000)  # reloaded
    assert page.locator("#status-label").inner_text() == "Đã nhập"
    assert browser_page.console_errors == []
