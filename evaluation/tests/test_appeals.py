import datetime
import uuid

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.errors import ApplicationError, Conflict
from core.images import photos_prepare
from core.tests.factories import photo_upload
from evaluation import services
from evaluation.models import Appeal
from evaluation.selectors import round_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(running, monkeypatch):
    """The round closed with one failure (worth 1 of 4 points) charged to a department."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: running["now"])
    photo = tuple(photos_prepare([photo_upload()]))
    standards = running["standards"]
    sheet, _new = services.sheet_submit(
        round_point=running["points"][0],
        actor=running["inspector"],
        answers={
            standards[0].pk: services.Answer("pass"),
            standards[1].pk: services.Answer("fail", "路面有垃圾", photo),
            standards[2].pk: services.Answer("pass"),
        },
        idempotency_key=uuid.uuid4(),
    )
    services.round_close(round_=running["round"], now=running["now"])
    observation = sheet.observations.get(result="fail")
    staff = UserFactory(role=Role.STAFF, department=observation.department)
    return {"observation": observation, "staff": staff, "round": running["round"], "today": datetime.date(2018, 3, 6)}


def test_an_upheld_appeal_gives_the_points_back_and_the_history_shows_both(failed):
    leader = UserFactory(role=Role.LEADER, department=None)
    assert round_summary(round_=failed["round"])["score_rate"] == 75.0

    appeal = services.appeal_file(
        observation=failed["observation"], actor=failed["staff"], reason="该处已于测评前清理", today=failed["today"]
    )
    services.appeal_decide(appeal=appeal, actor=leader, uphold=True, note="经核实属实")

    assert round_summary(round_=failed["round"])["score_rate"] == 100.0
    history = list(failed["observation"].history.order_by("history_date").values_list("points_earned", flat=True))
    assert history[-2:] == [0, 1]
    assert Appeal.objects.get().status == Appeal.Status.UPHELD


def test_a_rejected_appeal_needs_a_reason_and_changes_no_score(failed):
    leader = UserFactory(role=Role.LEADER, department=None)
    appeal = services.appeal_file(
        observation=failed["observation"], actor=failed["staff"], reason="不属实", today=failed["today"]
    )
    with pytest.raises(ApplicationError):
        services.appeal_decide(appeal=appeal, actor=leader, uphold=False)
    services.appeal_decide(appeal=appeal, actor=leader, uphold=False, note="照片清楚")
    assert round_summary(round_=failed["round"])["score_rate"] == 75.0
    with pytest.raises(Conflict):
        services.appeal_decide(appeal=appeal, actor=leader, uphold=True)


def test_an_appeal_is_refused_late_twice_or_from_another_department(failed):
    observation = failed["observation"]
    with pytest.raises(Conflict) as late:
        services.appeal_file(
            observation=observation, actor=failed["staff"], reason="晚了", today=datetime.date(2018, 4, 30)
        )
    assert late.value.code == "appeal_too_late"
    with pytest.raises(ApplicationError) as other:
        services.appeal_file(
            observation=observation, actor=UserFactory(role=Role.STAFF), reason="x", today=failed["today"]
        )
    assert other.value.code == "not_charged"
    services.appeal_file(observation=observation, actor=failed["staff"], reason="一", today=failed["today"])
    with pytest.raises(Conflict):
        services.appeal_file(observation=observation, actor=failed["staff"], reason="二", today=failed["today"])


def test_the_department_appeals_on_the_round_page_and_the_office_decides_there(client, failed, monkeypatch):
    monkeypatch.setattr("evaluation.services.appeal_deadline", lambda round_: datetime.date(2099, 1, 1))
    client.force_login(failed["staff"])
    page = client.get(reverse("evaluation:round_detail", args=[failed["round"].pk]))
    assert [observation.pk for observation in page.context["failures"]] == [failed["observation"].pk]

    client.post(
        reverse("evaluation:appeal_create", args=[failed["observation"].pk]),
        {"reason": "已清理", "photos": [photo_upload()]},
    )
    appeal = Appeal.objects.get()
    photo = appeal.photos.get()
    assert client.get(photo.url).status_code == 200
    client.force_login(UserFactory(role=Role.STAFF))  # another department's
    assert client.get(photo.url).status_code == 404

    client.force_login(UserFactory(role=Role.LEADER, department=None))
    assert list(
        client.get(reverse("evaluation:round_detail", args=[failed["round"].pk])).context["pending_appeals"]
    ) == [appeal]
    client.post(reverse("evaluation:appeal_decide", args=[appeal.pk]), {"decision": "uphold"})
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD
