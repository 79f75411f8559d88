from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    """Open311 GeoReport v2 over the checklist (services) and the issues (service requests)."""

    name = "open311"
    verbose_name = _("Open311 GeoReport v2")
