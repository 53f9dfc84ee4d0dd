from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplaceConfig(AppConfig):
    name = "workplace"
    verbose_name = _("Workplace democracy")
    default_auto_field = "django.db.models.BigAutoField"
