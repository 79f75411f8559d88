import datetime
import html
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from grids.tests.factories import GridFactory, PlaceFactory
from inspections import services
from inspections.forms import DEPARTMENT_GROUPS
from inspections.models import Criterion, ExtensionRequest, Issue, IssueEvent, IssuePhoto
from inspections.tests.factories import CriterionFactory, issue_set

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def photo(name: str = "after.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def campaign():
    return CampaignFactory()


@pytest.fixture
def bureau():
    return DepartmentFactory(code="CGJ", name="市城管局")


@pytest.fixture
def other_bureau():
    return DepartmentFactory(code="JTJ", name="市交通局")


@pytest.fixture
def staff(bureau):
    return UserFactory(username="chengguan", department=bureau, role=Role.STAFF)


@pytest.fixture
def outsider(other_bureau):
    return UserFactory(username="jiaotong", department=other_bureau, role=Role.STAFF)


@pytest.fixture
def inspector():
    return UserFactory(username="ducha", role=Role.INSPECTOR)


@pytest.fixture
def leader():
    return UserFactory(username="lingdao", role=Role.LEADER)


@pytest.fixture
def grid():
    return GridFactory(name="古楼网格")


@pytest.fixture
def place(grid, bureau):
    return PlaceFactory(name="柳园小区", grid=grid, assigned_department=bureau)


@pytest.fixture
def criterion():
    return CriterionFactory(category="市容环境", title="主次干道无暴露垃圾", lead=Criterion.Lead.ASSIGNED)


@pytest.fixture
def issue(inspector, place, criterion):
    return services.issue_file(reporter=inspector, place=place, criterion=criterion, description="路边有暴露垃圾")


def issue_codes(response) -> list[str]:
    return [issue.code for issue in response.context["issues"]]


def status_of(issue: Issue) -> str:
    issue.refresh_from_db()
    return issue.status


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADER, Role.INSPECTOR, Role.ADMINISTRATOR])
def test_it_shows_the_issue_list_and_page_to_readers(client, issue, role):
    client.force_login(UserFactory(role=role))
    assert client.get("/issues/").status_code == 200
    assert client.get(f"/issues/{issue.pk}/").status_code == 200


def test_it_shows_staff_only_their_departments_issues(client, issue, staff, outsider):
    client.force_login(staff)
    assert issue_codes(client.get("/issues/")) == [issue.code]
    assert client.get(f"/issues/{issue.pk}/").status_code == 200

    client.force_login(outsider)
    assert issue_codes(client.get("/issues/")) == []
    assert client.get(f"/issues/{issue.pk}/").status_code == 404


def test_it_hides_the_actions_of_another_department_and_changes_nothing(client, issue, outsider):
    client.force_login(outsider)
    for action, data in [
        ("start", {}),
        ("submit", {"note": "已清理", "photos": [photo()]}),
        ("return", {"reason": "不归我们管"}),
        ("extend", {"new_deadline": "2099-01-01", "reason": "需要更多时间"}),
    ]:
        assert client.post(f"/issues/{issue.pk}/{action}/", data).status_code == 404
    assert status_of(issue) == Issue.Status.DISPATCHED
    assert issue.events.count() == 2  # filed, dispatched
    assert not IssuePhoto.objects.exists()
    assert not ExtensionRequest.objects.exists()


def test_it_forbids_steps_the_role_may_not_take(client, issue, staff, inspector, leader):
    client.force_login(inspector)
    assert client.post(f"/issues/{issue.pk}/start/").status_code == 403
    client.force_login(staff)
    assert client.post(f"/issues/{issue.pk}/verify/", {"note": "自己核验"}).status_code == 403
    assert client.post(f"/issues/{issue.pk}/dispatch/").status_code == 403
    client.force_login(leader)
    assert client.post(f"/issues/{issue.pk}/submit/", {"note": "代交"}).status_code == 403
    assert status_of(issue) == Issue.Status.DISPATCHED


def test_it_shows_only_the_steps_allowed_now(client, issue, staff, inspector):
    client.force_login(staff)
    assert set(client.get(f"/issues/{issue.pk}/").context["actions"]) == {
        "start",
        "submit",
        "extend",
        "return",
        "suspend",
    }
    client.force_login(inspector)
    assert set(client.get(f"/issues/{issue.pk}/").context["actions"]) == set()


# --- filing an issue -------------------------------------------------------------------------


def test_it_files_an_issue_that_lands_in_the_right_departments_list(client, inspector, staff, outsider, place, grid):
    criterion = CriterionFactory(title="墙面无乱贴乱画", lead=Criterion.Lead.ASSIGNED)
    client.force_login(inspector)
    assert client.get("/issues/new/").status_code == 200

    response = client.post(
        "/issues/new/",
        {
            "grid": grid.pk,
            "place": place.pk,
            "criterion": criterion.pk,
            "description": "楼道墙面有小广告",
            "photos": [photo("found.png")],
            "latitude": "36.456789",
            "longitude": "115.985432",
        },
    )

    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/issues/{issue.pk}/"
    assert (issue.status, issue.department, issue.reported_by) == (Issue.Status.DISPATCHED, staff.department, inspector)
    assert issue.photos.get().stage == IssuePhoto.Stage.FOUND
    assert str(issue.latitude) == "36.456789"
    client.force_login(staff)
    assert issue_codes(client.get("/issues/")) == [issue.code]
    assert staff.notifications.filter(url=f"/issues/{issue.pk}/").exists()
    client.force_login(outsider)
    assert issue_codes(client.get("/issues/")) == []


@pytest.mark.parametrize(
    ("latitude", "longitude", "errors"),
    [
        ("136.5", "115.98", {"latitude": ["纬度须为 -90 到 90 之间的数，最多 6 位小数。"]}),
        ("36.45", "", {"longitude": ["位置须同时填写纬度和经度。"]}),
        ("36.1234567", "115.98", {"latitude": ["纬度须为 -90 到 90 之间的数，最多 6 位小数。"]}),
    ],
)
def test_a_bad_location_gets_one_message_on_the_field_to_blame(
    client, inspector, place, grid, criterion, latitude, longitude, errors
):
    client.force_login(inspector)
    response = client.post(
        "/issues/new/",
        {
            "grid": grid.pk,
            "place": place.pk,
            "criterion": criterion.pk,
            "description": "有垃圾",
            "photos": [photo("found.png")],
            "latitude": latitude,
            "longitude": longitude,
        },
    )
    assert response.status_code == 200
    assert {field: messages for field, messages in response.context["form"].errors.items()} == errors
    assert not Issue.objects.exists()


def test_it_refuses_a_place_outside_the_chosen_grid(client, inspector, place, criterion):
    client.force_login(inspector)
    response = client.post(
        "/issues/new/",
        {"grid": GridFactory().pk, "place": place.pk, "criterion": criterion.pk, "description": "有垃圾"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["place"]
    assert not Issue.objects.exists()


def test_it_refuses_a_bad_photo_when_filing_and_saves_nothing(client, inspector, place, grid, criterion):
    client.force_login(inspector)
    response = client.post(
        "/issues/new/",
        {
            "grid": grid.pk,
            "place": place.pk,
            "criterion": criterion.pk,
            "description": "有垃圾",
            "photos": [SimpleUploadedFile("fake.jpg", b"GIF89a but not really")],
        },
    )
    assert "fake.jpg" in response.content.decode()
    assert not Issue.objects.exists()


def test_it_lets_only_inspectors_file(client, staff, leader):
    for user in (staff, leader):
        client.force_login(user)
        refused = client.get("/issues/new/")
        assert refused.status_code == 403
        assert "无权操作" in refused.content.decode()
        assert client.get("/issues/places/").status_code == 403


def test_it_searches_the_places_of_a_grid_by_name(client, inspector, grid, bureau):
    for number in range(35):
        PlaceFactory(grid=grid, name=f"柳园{number:02d}号院", assigned_department=bureau)
    PlaceFactory(grid=grid, name="东关街", assigned_department=bureau)
    PlaceFactory(name="柳园外网格", assigned_department=bureau)
    client.force_login(inspector)

    all_of_them = client.get(f"/issues/places/?grid={grid.pk}&q=柳园").content.decode()
    assert all_of_them.count('<option value="') == 31  # the empty choice and 30 places
    assert "柳园00号院" in all_of_them
    assert "柳园外网格" not in all_of_them
    assert "东关街" in client.get(f"/issues/places/?grid={grid.pk}&q=东关").content.decode()
    assert "柳园" not in client.get("/issues/places/?q=柳园").content.decode()  # choose the grid first


def test_it_searches_the_checklist(client, inspector, criterion):
    CriterionFactory(title="公厕干净无异味", category="公共卫生")
    CriterionFactory(title="停用的条目", is_active=False)
    client.force_login(inspector)

    found = client.get("/issues/criteria/?q=公厕").content.decode()

    assert "公厕干净无异味" in found
    assert criterion.title not in found
    assert "停用的条目" not in client.get("/issues/criteria/?q=停用").content.decode()


def test_it_keeps_the_search_working_without_javascript(client, inspector, place, grid):
    client.force_login(inspector)
    response = client.get(f"/issues/new/?grid={grid.pk}&place_q=柳园&description=有垃圾")
    page = response.content.decode()
    assert f'<option value="{place.pk}">柳园小区' in page
    assert "有垃圾" in page


# --- the workflow through the pages ----------------------------------------------------------


def test_it_runs_the_whole_rectification_through_the_pages(client, issue, staff, inspector):
    client.force_login(staff)
    assert client.post(f"/issues/{issue.pk}/start/").status_code == 302
    assert status_of(issue) == Issue.Status.RECTIFYING
    client.post(f"/issues/{issue.pk}/submit/", {"note": "已清理完毕", "photos": [photo()]})
    assert status_of(issue) == Issue.Status.SUBMITTED

    client.force_login(inspector)
    client.post(f"/issues/{issue.pk}/send-back/", {"reason": "仍有残留垃圾"})
    issue.refresh_from_db()
    assert (issue.status, issue.rework_count) == (Issue.Status.RECTIFYING, 1)

    client.force_login(staff)
    client.post(f"/issues/{issue.pk}/submit/", {"note": "再次清理", "photos": [photo("again.png")]})
    assert status_of(issue) == Issue.Status.SUBMITTED

    client.force_login(inspector)
    response = client.post(f"/issues/{issue.pk}/verify/", {"note": "现场核验合格"}, follow=True)
    issue.refresh_from_db()
    assert (issue.status, issue.rework_count) == (Issue.Status.CLOSED, 1)
    assert issue.photos.filter(stage=IssuePhoto.Stage.RECTIFIED).count() == 2
    assert list(issue.events.values_list("action", flat=True)) == [
        IssueEvent.Action.FILED,
        IssueEvent.Action.DISPATCHED,
        IssueEvent.Action.STARTED,
        IssueEvent.Action.SUBMITTED,
        IssueEvent.Action.SENT_BACK,
        IssueEvent.Action.SUBMITTED,
        IssueEvent.Action.VERIFIED,
    ]
    page = response.content.decode()
    assert "现场核验合格" in page
    assert "仍有残留垃圾" in page
    assert response.context["actions"] == {}


def test_it_needs_an_after_photo_to_submit(client, issue, staff):
    client.force_login(staff)
    response = client.post(f"/issues/{issue.pk}/submit/", {"note": "已清理"})
    error = response.context["actions"]["submit"]["form"].non_field_errors()[0]
    assert html.escape(error) in response.content.decode()
    assert status_of(issue) == Issue.Status.DISPATCHED


def test_it_returns_an_issue_with_a_reason_and_it_can_be_dispatched_elsewhere(
    client, issue, staff, inspector, other_bureau
):
    client.force_login(staff)
    client.post(f"/issues/{issue.pk}/return/", {"reason": "该路段属交通局管护"})
    issue.refresh_from_db()
    assert (issue.status, issue.return_reason) == (Issue.Status.RETURNED, "该路段属交通局管护")
    assert client.get(f"/issues/{issue.pk}/").status_code == 200  # still visible to who returned it

    client.force_login(inspector)
    assert "dispatch" in client.get(f"/issues/{issue.pk}/").context["actions"]
    client.post(f"/issues/{issue.pk}/dispatch/", {"department": other_bureau.pk})
    issue.refresh_from_db()
    assert (issue.status, issue.department) == (Issue.Status.DISPATCHED, other_bureau)


def test_it_requests_an_extension_that_a_leader_approves(client, issue, staff, leader):
    new_day = (timezone.localdate(issue.deadline) + datetime.timedelta(days=5)).isoformat()  # within the limit
    client.force_login(staff)
    client.post(f"/issues/{issue.pk}/extend/", {"new_deadline": new_day, "reason": "需采购设备"})
    request = ExtensionRequest.objects.get()
    assert request.status == ExtensionRequest.Status.PENDING
    assert "extend" not in client.get(f"/issues/{issue.pk}/").context["actions"]  # one pending at a time

    client.force_login(leader)
    listing = client.get("/issues/extensions/")
    assert list(listing.context["pending"]) == [request]
    client.post(f"/issues/{issue.pk}/decide/", {"request_id": request.pk, "decision": "approve", "note": "同意"})

    issue.refresh_from_db()
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.APPROVED
    expected = datetime.datetime.combine(datetime.date.fromisoformat(new_day), datetime.time(23, 59, 59), SHANGHAI)
    assert issue.deadline == expected
    assert issue.rectification_task.due_date == expected.date()
    assert list(client.get("/issues/extensions/").context["pending"]) == []


def test_it_lets_a_leader_refuse_an_extension(client, issue, staff, leader):
    client.force_login(staff)
    client.post(
        f"/issues/{issue.pk}/extend/",
        {"new_deadline": "2099-12-31", "reason": "人手不够", "beyond_limit_note": "须经法院强制执行"},
    )
    deadline = Issue.objects.get().deadline
    client.force_login(leader)
    request = ExtensionRequest.objects.get()
    client.post(f"/issues/{issue.pk}/decide/", {"request_id": request.pk, "decision": "refuse", "note": "按期完成"})
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REFUSED
    assert Issue.objects.get().deadline == deadline


def test_it_keeps_extension_decisions_to_leaders(client, issue, staff):
    client.force_login(staff)
    client.post(
        f"/issues/{issue.pk}/extend/",
        {"new_deadline": "2099-12-31", "reason": "人手不够", "beyond_limit_note": "须经法院强制执行"},
    )
    request = ExtensionRequest.objects.get()
    assert client.get("/issues/extensions/").status_code == 403
    assert (
        client.post(f"/issues/{issue.pk}/decide/", {"request_id": request.pk, "decision": "approve"}).status_code == 403
    )
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.PENDING


def test_it_shows_why_a_transition_is_refused_and_changes_nothing(client, issue, inspector):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(admin)
    events = issue.events.count()

    response = client.post(f"/issues/{issue.pk}/verify/", {"note": "直接关闭"})

    assert response.status_code == 200
    error = response.context["actions"]["verify"]["form"].non_field_errors()[0]
    assert html.escape(error) in response.content.decode()
    assert status_of(issue) == Issue.Status.DISPATCHED
    assert issue.events.count() == events


# --- the list --------------------------------------------------------------------------------


def test_it_filters_and_counts_the_issue_list(client, inspector, leader, place, criterion, bureau, other_bureau):
    first = services.issue_file(reporter=inspector, place=place, criterion=criterion, description="垃圾")
    other_place = PlaceFactory(name="东关街", assigned_department=other_bureau)
    hygiene = CriterionFactory(category="公共卫生", title="公厕干净")
    second = services.issue_file(reporter=leader, place=other_place, criterion=hygiene, description="公厕脏乱")
    services.issue_start(issue=second, actor=leader)
    client.force_login(inspector)

    assert issue_codes(client.get("/issues/?status=rectifying")) == [second.code]
    assert issue_codes(client.get(f"/issues/?grid={place.grid_id}")) == [first.code]
    assert issue_codes(client.get(f"/issues/?department={other_bureau.pk}")) == [second.code]
    assert issue_codes(client.get("/issues/?category=公共卫生")) == [second.code]
    assert issue_codes(client.get("/issues/?mine=on")) == [first.code]
    assert issue_codes(client.get("/issues/?q=东关")) == [second.code]
    assert issue_codes(client.get(f"/issues/?q={first.code}")) == [first.code]
    response = client.get("/issues/?status=dispatched")
    assert response.context["counts"]["total"] == 2
    assert response.context["counts"]["rectifying"] == 1


def test_it_filters_overdue_issues_and_sorts_by_deadline(client, inspector, place, criterion):
    late = services.issue_file(reporter=inspector, place=place, criterion=criterion, description="逾期")
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    issue_set(  # its department's clock ran out two days ago
        late, reported_at=timezone.now() - datetime.timedelta(days=20), deadline=two_days_ago, clock_due_at=two_days_ago
    )
    fresh = services.issue_file(reporter=inspector, place=place, criterion=criterion, description="新的")
    client.force_login(inspector)

    assert issue_codes(client.get("/issues/?overdue=yes")) == [late.code]
    assert issue_codes(client.get("/issues/?overdue=no")) == [fresh.code]
    assert issue_codes(client.get("/issues/?sort=deadline")) == [late.code, fresh.code]
    assert issue_codes(client.get("/issues/")) == [fresh.code, late.code]
    assert client.get("/issues/").context["counts"]["overdue"] == 1


def test_it_tells_what_to_do_when_there_are_no_issues(client, inspector, staff):
    client.force_login(inspector)
    assert 'href="/issues/new/"' in client.get("/issues/").content.decode()
    client.force_login(staff)
    response = client.get("/issues/")
    assert "empty-state" in response.content.decode()
    assert 'href="/issues/new/"' not in response.content.decode()


def test_its_query_count_does_not_grow_with_the_rows(client, inspector, criterion, bureau):
    client.force_login(inspector)

    def make(count: int) -> None:
        for _number in range(count):
            issue = services.issue_file(
                reporter=inspector,
                place=PlaceFactory(assigned_department=bureau),
                criterion=criterion,
                description="垃圾",
            )
            services.issue_start(issue=issue, actor=inspector)

    make(2)
    with CaptureQueriesContext(connection) as few:
        assert len(issue_codes(client.get("/issues/?sort=deadline"))) == 2
    make(10)
    with CaptureQueriesContext(connection) as many:
        assert len(issue_codes(client.get("/issues/?sort=deadline"))) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_its_extension_list_query_count_does_not_grow(client, leader, staff, place, criterion, inspector):
    client.force_login(leader)

    def make(count: int) -> None:
        for _number in range(count):
            issue = services.issue_file(reporter=inspector, place=place, criterion=criterion, description="垃圾")
            services.extension_request(
                issue=issue,
                actor=staff,
                reason="需要时间",
                new_deadline=timezone.localdate(issue.deadline + datetime.timedelta(days=7)),
            )

    make(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/issues/extensions/")
    make(10)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/issues/extensions/").context["pending"]) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_keeps_the_chosen_place_and_item_when_the_form_is_refused(client, inspector, place, grid, criterion):
    client.force_login(inspector)
    response = client.post(
        "/issues/new/",
        {"grid": grid.pk, "place": place.pk, "criterion": criterion.pk, "place_q": "不匹配", "description": ""},
    )
    page = response.content.decode()
    assert response.context["form"].errors["description"]
    assert f'<option value="{place.pk}" selected>柳园小区' in page
    assert f'<option value="{criterion.pk}" selected>' in page
    assert not Issue.objects.exists()


# --- routing a person can follow ---------------------------------------------------------------


def test_it_shows_on_the_dispatch_form_whom_the_rule_picks_and_why_in_a_grouped_list(client, inspector, place):
    district = DepartmentFactory(code="DCF", name="东昌府区", kind=Department.Kind.DISTRICT)
    education = DepartmentFactory(code="DCF-JT", name="区教育和体育局", parent=district)
    subdistrict = DepartmentFactory(code="DCF-GL", name="古楼街道", kind=Department.Kind.SUBDISTRICT, parent=district)
    community = DepartmentFactory(code="DCF-GL-01", name="楼西社区", kind=Department.Kind.COMMUNITY, parent=subdistrict)
    section = DepartmentFactory(code="CGJ-SR", name="市容环卫科", kind=Department.Kind.SECTION)
    criterion = CriterionFactory(title="校园周边流动摊贩", lead=Criterion.Lead.OWNER, default_department=education)
    issue = services.issue_file(
        reporter=inspector, place=place, criterion=criterion, description="放学时段有流动摊贩", dispatch=False
    )
    client.force_login(inspector)

    page = client.get(f"/issues/{issue.pk}/")

    form = page.context["actions"]["dispatch"]["form"]
    route = services.issue_route(place=place, criterion=criterion)
    assert (route.department, route.rule) == (education, "owner")
    assert html.escape(route.reason) in page.content.decode()
    assert 'data-filter-options="id_dispatch_department"' in page.content.decode()
    labels = dict(DEPARTMENT_GROUPS)
    groups = {
        str(label): {name for _pk, name in options} for label, options in form.fields["department"].widget.choices[1:]
    }
    assert list(groups) == [str(label) for label in labels.values()]  # 市直部门, 区直部门, 街道, 社区
    assert "市城管局" in groups[str(labels["city"])]
    assert {"东昌府区", "区教育和体育局"} <= groups[str(labels["district"])]
    assert "古楼街道" in groups[str(labels["subdistrict"])]
    assert groups[str(labels["community"])] == {"楼西社区"}
    assert section.name not in page.content.decode()
    assert community.name in page.content.decode()

    client.post(f"/issues/{issue.pk}/dispatch/", {"department": ""})
    issue.refresh_from_db()
    assert issue.department == education


# --- extensions with guard rails -----------------------------------------------------------------


def ask(client, issue, day: datetime.date, **more) -> None:
    client.post(f"/issues/{issue.pk}/extend/", {"new_deadline": day.isoformat(), "reason": "需采购设备", **more})


def test_it_refuses_on_the_page_a_request_beyond_the_limit_without_a_note_and_saves_nothing(client, issue, staff):
    client.force_login(staff)
    response = client.post(
        f"/issues/{issue.pk}/extend/", {"new_deadline": "2035-12-31", "reason": "人手不够"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "An extension may reach" in response.content.decode()
    assert response.context["actions"]["extend"]["failed"]
    assert not ExtensionRequest.objects.exists()
    assert not issue.events.filter(action=IssueEvent.Action.EXTENSION_REQUESTED).exists()


def test_it_needs_a_reason_to_refuse_and_shows_it_to_the_department(client, issue, staff, leader):
    client.force_login(staff)
    ask(client, issue, timezone.localdate(issue.deadline) + datetime.timedelta(days=2))
    request = ExtensionRequest.objects.get()
    client.force_login(leader)

    silent = client.post(
        f"/issues/{issue.pk}/decide/",
        {"request_id": request.pk, "decision": "refuse", "note": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Say why the extension is refused" in silent.content.decode()
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.PENDING

    client.post(f"/issues/{issue.pk}/decide/", {"request_id": request.pk, "decision": "refuse", "note": "可调配人员"})
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REFUSED

    client.force_login(staff)
    seen = client.get(f"/issues/{issue.pk}/").content.decode()
    assert "可调配人员" in seen
    task_page = client.get(f"/tasks/{issue.rectification_task_id}/").content.decode()
    assert "可调配人员" in task_page


def test_it_lets_a_leader_approve_an_earlier_date_and_confirm_one_beyond_the_limit(client, issue, staff, leader):
    deadline = timezone.localdate(issue.deadline)
    client.force_login(staff)
    ask(client, issue, datetime.date(2035, 12, 31), beyond_limit_note="须经法院强制执行")
    request = ExtensionRequest.objects.get()
    assert request.beyond_limit
    client.force_login(leader)
    page = client.get(f"/issues/{issue.pk}/")
    assert 'name="confirm_beyond_limit"' in page.content.decode()
    assert "须经法院强制执行" in page.content.decode()
    assert page.context["actions"]["decide"]["form"].initial["approved_deadline"] == datetime.date(2035, 12, 31)

    # As asked, beyond the limit: only when confirmed.
    client.post(f"/issues/{issue.pk}/decide/", {"request_id": request.pk, "decision": "approve"})
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.PENDING

    earlier = deadline + datetime.timedelta(days=3)
    client.post(
        f"/issues/{issue.pk}/decide/",
        {"request_id": request.pk, "decision": "approve", "approved_deadline": earlier.isoformat()},
    )
    request.refresh_from_db()
    issue.refresh_from_db()
    assert request.status == ExtensionRequest.Status.APPROVED
    assert timezone.localdate(request.approved_deadline) == earlier == timezone.localdate(issue.deadline)
