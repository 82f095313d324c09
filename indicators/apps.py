from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Chỉ tiêu và số liệu")

    def ready(self):
        from units.models import Unit

        from .models import DTIPillar, DTIScore, Indicator, Submission, Target
        from .signals import catalogue_changed

        for model in (Unit, Indicator, Target, DTIPillar, DTIScore, Submission):
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"cds-cache-{model.__name__}")
            post_delete.connect(
                catalogue_changed, sender=model, dispatch_uid=f"cds-cache-del-{model.__name__}"
            )
