from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    """随手拍: reports from the public, their triage into issues, tracking, 回访 and the public pages."""

    name = "citizens"
    verbose_name = _("Citizen reports")
