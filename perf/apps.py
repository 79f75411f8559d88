from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerfConfig(AppConfig):
    """City-scale synthetic data (``seed_scale``) and the benchmark (``bench``): never routed."""

    name = "perf"
    verbose_name = _("Performance")
