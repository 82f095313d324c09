from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _catalogue_changed(sender, **kwargs):
    """A unit, indicator, target or DTI row saved or deleted one by one (admin, load_catalogue):
    cached pages show them, so they are stale once the change commits."""
    from .cache import bump_on_commit

    bump_on_commit()


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Chỉ tiêu và số liệu")

    def ready(self):
        from units.models import Unit

        from .models import DTIPillar, DTIScore, Indicator, Submission, Target

        for model in (Unit, Indicator, Target, DTIPillar, DTIScore, Submission):
            post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"cds-cache-{model.__name__}")
            post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"cds-cache-del-{model.__name__}")
