"""Background rendering of report files. Thin: an id in, `printing.generate_file` renders, the row records
progress."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .models import ReportFile
from .printing import generate_file


@shared_task(
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def render_report_file(self, report_file_id: int):
    """Render the DOCX/PDF of ReportFile ``report_file_id``; the page polls its progress. A rendering
    error is recorded on the row (state "failed" with the message) instead of being retried."""
    rf = ReportFile.objects.select_related("report", "version").filter(pk=report_file_id).first()
    if rf is None or rf.state == ReportFile.State.DONE:
        return None

    def progress(percent):
        ReportFile.objects.filter(pk=rf.pk).update(progress=percent, state=ReportFile.State.RUNNING)

    progress(10)
    try:
        generate_file(rf, progress=progress)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # noqa: BLE001 - any rendering failure is shown to the user on the file row
        ReportFile.objects.filter(pk=rf.pk).update(
            state=ReportFile.State.FAILED,
            message=f"Không tạo được tệp: {exc}"[:300],
            finished_at=timezone.now(),
        )
        return {"id": rf.pk, "state": ReportFile.State.FAILED}
    return {"id": rf.pk, "state": ReportFile.State.DONE, "size": rf.size}
