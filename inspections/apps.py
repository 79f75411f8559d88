from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def recount_clocks(sender, days=None, **kwargs) -> None:
    """The office hours or the calendar changed (``core.signals.working_time_changed``): count the clocks
    again (``inspections.clocks.clocks_recompute_soon``)."""
    from inspections.clocks import clocks_recompute_soon

    clocks_recompute_soon(days=days)


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and issues")

    def ready(self) -> None:
        from core.signals import working_time_changed

        working_time_changed.connect(recount_clocks, dispatch_uid="inspections.recount_clocks")
