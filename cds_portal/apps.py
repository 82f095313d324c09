from django.apps import AppConfig


class CdsPortalConfig(AppConfig):
    """Wiring only (settings, URLs, Celery, health, backups): no models, no rules."""

    name = "cds_portal"
    verbose_name = "CĐS Portal"
