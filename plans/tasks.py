"""Background work of the plan. Thin wrappers: ids in, service call, counts out."""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import reminders


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def send_reminders(today=None):
    """Celery beat, daily: e-mail the reporters of member agencies that have not submitted their
    quarterly report (idempotent through the PlanReminder log). ``today`` is an ISO date for replays."""
    day = datetime.date.fromisoformat(today) if today else None
    return reminders.send_reminders(day)
