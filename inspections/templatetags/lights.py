"""The lights of the clocks the user sees, counted, for pages outside the issue list: the inbox and the
dashboard show ``{% lights_panel %}``, each count linking to the issue list filtered by its light."""

from django import template
from django.utils import timezone

from core.clocks import Light
from inspections.selectors import clock_lights, issue_visible_to

register = template.Library()

DEPARTMENTS_SHOWN = 10


@register.inclusion_tag("inspections/_lights.html", takes_context=True)
def lights_panel(context: template.Context, by_department: bool = False) -> dict:
    """Counts by light of the issues the user may see; with ``by_department``, the departments' own
    clocks too (the most red first)."""
    user = context["request"].user
    now = timezone.now()
    lights = clock_lights(issues=issue_visible_to(user=user), now=now, departments=DEPARTMENTS_SHOWN)
    counts = lights["totals"]
    return {
        "lights": [{"value": light.value, "label": light.label, "count": counts[light.value]} for light in Light],
        "departments": lights["departments"] if by_department else [],
        "by_department": by_department,
        "now": now,
    }
