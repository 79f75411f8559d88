"""Open311 GeoReport v2 representations: checklist items as services, issues as service requests,
and the spec's JSON and XML formats (the XML element names are the spec's)."""

import datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Criterion, Issue

PLACE_ATTRIBUTE = "place"


def iso(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 with the offset, in Beijing time, as the spec's examples write it."""
    return None if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


def service(criterion: Criterion) -> dict:
    return {
        "service_code": criterion.code,
        "service_name": criterion.title,
        "description": criterion.requirement,
        "metadata": True,
        "type": "realtime",
        "keywords": criterion.category,
        "group": criterion.category,
    }


def service_definition(criterion: Criterion) -> dict:
    """One attribute: the place, by its code. ``address_id`` may carry the same code instead."""
    return {
        "service_code": criterion.code,
        "attributes": [
            {
                "variable": True,
                "code": PLACE_ATTRIBUTE,
                "datatype": "string",
                "required": False,
                "datatype_description": _(
                    "The code of the place (see /api/v1/places/). Required unless address_id or "
                    "address_string names the place."
                ),
                "order": 1,
                "description": _("Place"),
                "values": [],
            }
        ],
    }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _status_notes(issue: Issue) -> str:
    if issue.status == Issue.Status.RETURNED:
        return issue.return_reason
    if issue.status in (Issue.Status.SUBMITTED, Issue.Status.CLOSED):
        return issue.rectification_note
    return ""


def service_request(issue: Issue, *, media_url: str = "") -> dict:
    """An issue as a service request. ``status`` is the spec's open/closed; the workflow state and
    the campaign's own facts are in ``extended_attributes``."""
    place = issue.place
    latitude = issue.latitude if issue.latitude is not None else place.latitude
    longitude = issue.longitude if issue.longitude is not None else place.longitude
    return {
        "service_request_id": issue.code,
        "status": "closed" if issue.status == Issue.Status.CLOSED else "open",
        "status_notes": _status_notes(issue),
        "service_name": issue.criterion.title,
        "service_code": issue.criterion.code,
        "description": issue.description,
        "agency_responsible": issue.department.name if issue.department_id else "",
        "service_notice": issue.get_source_display(),
        "requested_datetime": iso(issue.reported_at),
        "updated_datetime": iso(issue.updated),
        "expected_datetime": iso(issue.deadline),
        "address": place.address or place.name,
        "address_id": place.code,
        "zipcode": None,
        "lat": _number(latitude),
        "long": _number(longitude),
        "media_url": media_url,
        "extended_attributes": {
            "workflow_status": issue.status,
            "workflow_status_name": issue.get_status_display(),
            "place_name": place.name,
            "grid_code": issue.grid.code,
            "department_code": issue.department.code if issue.department_id else None,
            "points": str(issue.points),
            "rework_count": issue.rework_count,
            "closed_datetime": iso(issue.closed_at),
        },
    }


# ---------------------------------------------------------------------------------------------
# Formats


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ET.Element, tag: str, value) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _element(node, key, item)
    elif isinstance(value, list):
        # The spec's lists inside an element: <attributes><attribute>..., <values><value>...
        for item in value:
            _element(node, tag[:-1] if tag.endswith("s") else "item", item)
    else:
        node.text = _text(value)


def render(data: list | dict, *, fmt: str, root: str, item: str, status: int = 200) -> HttpResponse:
    """JSON as it is; XML with ``root`` around a list of ``item`` elements (or one object as ``root``)."""
    if fmt == "json":
        return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    top = ET.Element(root)
    if isinstance(data, list):
        for row in data:
            _element(top, item, row)
    else:
        for key, value in data.items():
            _element(top, key, value)
    body = ET.tostring(top, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The spec's error format: a list of ``{code, description}``."""
    return render(
        [{"code": status, "description": str(description)}], fmt=fmt, root="errors", item="error", status=status
    )
