"""A stock GeoReport v2 client (the ``georeport`` package, in the development lock) lists the services and
the public requests, JSON and XML, without special handling; a partner app posts as the spec's form does."""

import georeport
import pytest
import requests
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory
from citizens.models import Report
from citizens.tests.factories import INSIDE, CityGridFactory, PartnerFactory, PublicCategoryFactory
from inspections.models import Issue
from inspections.tests.factories import IssueFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_stock_client_lists_services_and_public_requests_and_a_partner_posts(live_server):
    CityGridFactory()
    category = PublicCategoryFactory()
    issue = IssueFactory(
        source=Issue.Source.CITIZEN,
        status=Issue.Status.CLOSED,
        closed_at=timezone.now(),
        department=DepartmentFactory(),
    )
    IssueFactory()  # not public
    root = f"{live_server.url}/open311/v2"

    for output_format in ("json", "xml"):
        client = georeport.GeoReport(root, output_format=output_format)
        services = client.get_service_list()
        assert category.criterion.code in str(services)
        client.get_service_definition(category.criterion.code)
        found = client.get_service_requests()
        assert issue.code in str(found)
        assert client.get_service_request(issue.code)

    partner = PartnerFactory()
    posted = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": partner.key,
            "service_code": category.criterion.code,
            "lat": INSIDE[0],
            "long": INSIDE[1],
            "description": "路灯不亮",
        },
        timeout=10,
    )
    assert posted.status_code == 201
    token = posted.json()[0]["token"]
    assert Report.objects.get(tracking_code=token).status == Report.Status.PENDING
