"""Background work of the intake: thin wrappers taking ids. With no broker they run eagerly."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError


def _user(user_id):
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def analyse_batch(batch_id: int, user_id: int | None = None) -> str:
    """Read and validate an uploaded batch's file (the preview). Expected failures (unreadable
    files) end as a FAILED batch with a Vietnamese message, never as a task error."""
    from .models import ImportBatch
    from .services import refresh_preview

    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    refresh_preview(batch, user=_user(user_id))
    return batch.status
