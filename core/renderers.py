"""The form renderer: Django's, with select boxes written in Python.

Django renders a select box by including a template for each of its options. A filter of the task or issue
list offers every grid and every accountable person of the city (3,000 and 2,000 options at city scale), and
rendering those templates took most of the list page's time (0.6 s of 0.85 s). ``FormRenderer`` writes a
select box whose options all use Django's own option template as those templates would, byte for byte
(``core/tests/test_renderers.py`` compares the two), and leaves every other widget to the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _text(value) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless it is safe already."""
    text = str(value) if isinstance(value, tuple) else "%s" % (value,)  # noqa: UP031 - the filter's own formatting
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(out)


def select_html(widget: dict, context: Context) -> str:
    """``django/forms/widgets/select.html`` and its options, for a widget context whose options all use
    ``select_option.html``."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{render_value_in_context(group_name, context)}">')
        for option in group_choices:
            label = render_value_in_context(option["label"], context)
            parts.append(f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips what the template leaves around it
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped as the templates escape it


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(
            option["template_name"] == OPTION for _name, options, _index in widget["optgroups"] for option in options
        ):
            return select_html(widget, Context(autoescape=True))
        return super().render(template_name, context, request)
