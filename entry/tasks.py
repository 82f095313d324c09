"""Background work of the entry app. Thin wrappers: ids in, service call, counts out."""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import reminders


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def send_reminders(today=None):
    """Celery beat, daily: e-mail reporters of units that have not submitted (see
    `entry.services.reminders.send_reminders`; idempotent through the Reminder log). ``today`` is an ISO
    date for replays; by default the local date."""
    day = datetime.date.fromisoformat(today) if today else None
    return reminders.send_reminders(day)
