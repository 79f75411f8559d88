"""The ``<title>`` of a page (base.html): the page's own name, then the site's, each said once."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter(is_safe=True)
def page_title(name) -> str:
    """``{% filter page_title %}{% block title %}{% endblock %}{% endfilter %}``: "待办 · 创城督办平台";
    the site's name alone for a page that names nothing else, or only the site."""
    site = conditional_escape(gettext("Civic campaign desk"))
    # The block's output arrives rendered (escaped already), across lines as the template wrote it.
    words = " ".join(str(name).split())
    name = mark_safe(words) if isinstance(name, SafeData) else conditional_escape(words)  # noqa: S308
    if not name or name == site:
        return site
    return format_html("{} · {}", name, site)
