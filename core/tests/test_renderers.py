"""Select boxes written by ``core.renderers.FormRenderer`` are the HTML Django's templates write, byte for byte."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.tests.factories import UserFactory
from core.renderers import FormRenderer
from grids.tests.factories import GridFactory

CHOICES = [
    ("", gettext_lazy("All")),
    (1, "市住建局 & <科室>"),
    ('a"b', mark_safe("<b>safe</b>")),
    ("组", [(2, "二"), (3, "三 'quoted'")]),
    (4, 4000),
]


# What differs between any two requests: the CSP nonce, the CSRF token.
_per_request = re.compile(rb'"[A-Za-z0-9+/=_-]{32,}"')


class Radios(forms.RadioSelect):
    pass


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), 3),
        (forms.Select(choices=CHOICES, attrs={"class": "x", "aria-describedby": 'h"elp', "disabled": True}), ""),
        (forms.Select(choices=CHOICES, attrs={"required": False}), None),
        (forms.SelectMultiple(choices=CHOICES), [1, 2, 'a"b']),
        (forms.NullBooleanSelect(), True),
        (forms.Select(choices=[]), None),
    ],
)
def test_a_select_box_is_the_html_djangos_templates_write(widget, value):
    ours = widget.render("status", value, attrs={"id": "id_status"}, renderer=FormRenderer())
    djangos = widget.render("status", value, attrs={"id": "id_status"}, renderer=DjangoTemplates())

    assert ours == djangos


def test_other_widgets_are_left_to_the_templates():
    widget = Radios(choices=CHOICES[:3])

    assert widget.render("r", 1, renderer=FormRenderer()) == widget.render("r", 1, renderer=DjangoTemplates())


@pytest.mark.django_db
def test_the_task_lists_filters_are_the_same_page_either_way(client, settings):
    GridFactory.create_batch(3)
    client.force_login(UserFactory(role="leader"))
    ours = client.get("/tasks/").content

    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    djangos = client.get("/tasks/").content

    assert ours.count(b"<option") > 5
    assert _per_request.sub(b"", ours) == _per_request.sub(b"", djangos)
