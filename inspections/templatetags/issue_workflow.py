"""An issue's state and the steps the user can take on it, for pages outside the issue's own: the
rectification task's page shows them (``{% issue_panel issue %}``), so that a task follows its issue
and its department works in one place. The steps come back to the page they were taken from."""

from django import template

from inspections.models import Issue
from inspections.views import issue_actions

register = template.Library()


@register.inclusion_tag("inspections/_issue_panel.html", takes_context=True)
def issue_panel(context: template.Context, issue: Issue) -> dict:
    request = context["request"]
    return {**issue_actions(request, issue, next_url=request.get_full_path()), "request": request}
