"""The Celery app. With no CELERY_BROKER_URL the tasks run eagerly in-process (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cds_portal.settings")

app = Celery("cds_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _no_broker_means_memory():
    """With no broker the tasks run eagerly and nothing is sent; an empty URL would still make kombu
    fall back to amqp://localhost (and log "No hostname was supplied" on every command)."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        app.conf.broker_url = "memory://localhost/"


_no_broker_means_memory()
