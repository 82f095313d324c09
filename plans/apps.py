from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Kế hoạch hoạt động của Ban Chỉ đạo")

    def ready(self):
        from core.overview import register_overview_line

        from .services.overview import plan_line

        # The overview (dashboards) shows the plan's progress without importing this app.
        register_overview_line("plan", plan_line)
