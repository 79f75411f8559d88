import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Department, Role, User
from campaign.models import Campaign, Pledge, ProgressReport, Target, Task
from campaign.tests.factories import task_made
from core.errors import ApplicationError
from demo import data, names
from demo.services import demo_counts, demo_load, demo_reset
from grids.models import Grid, Place
from inspections.models import Criterion, ExtensionRequest, Inspection, Issue, IssueEvent
from inspections.services import issue_route

pytestmark = pytest.mark.django_db

# A Monday seven weeks after the mobilization meeting.
TODAY = datetime.date(2018, 4, 16)

EXPECTED = {
    "departments": 73,
    "users": 187,
    "campaigns": 2,
    "pledges": 5,
    "targets": 13,
    "grids": 61,
    "places": 922,
    "tasks": 359,
    "progress_reports": 498,
    "criteria": 30,
    "inspections": 9,
    "issues": 294,
    "issue_events": 1471,
    "extension_requests": 4,
    "assessment_schemes": 1,
    "publications": 1,
    "appeals": 1,
    "citizen_reports": 11,
    "followups": 3,
    "evaluation_rounds": 2,
    "evaluation_standards": 60,
    "evaluation_observations": 940,
}


def all_rows() -> dict[str, int]:
    models = (Department, User, Campaign, Pledge, Target, Grid, Place, Task, ProgressReport, Criterion, Inspection)
    return {model.__name__: model.objects.count() for model in (*models, Issue)}


@pytest.fixture
def demo() -> dict[str, int]:
    return demo_load(today=TODAY)


def test_it_loads_the_exact_counts(demo):
    assert demo == EXPECTED
    assert demo_counts() == EXPECTED


def test_it_loads_the_seeds_numbers_of_grids_and_places(demo):
    assert Grid.objects.count() == 61
    assert set(Grid.objects.values_list("code", flat=True)) == {f"LC-G{n:02d}" for n in range(1, 62)}
    assert Place.objects.filter(kind=Place.Kind.STREET).count() == 142
    assert Place.objects.filter(kind=Place.Kind.COMPOUND).count() == 662
    assert Place.objects.filter(kind=Place.Kind.VILLAGE).count() == 54
    others = Place.objects.exclude(kind__in=["street", "compound", "village"])
    assert set(others.values_list("kind", flat=True)) == {
        "community",
        "market",
        "school",
        "small_trade",
        "public_place",
    }


def test_it_changes_nothing_on_a_second_run(demo):
    before = all_rows()

    assert demo_load(today=TODAY) == EXPECTED
    assert demo_load() == EXPECTED
    assert all_rows() == before


def test_it_loads_the_same_counts_whatever_the_day():
    # Counts and codes must not depend on the weekday the demo is loaded on.
    first = demo_load(today=datetime.date(2018, 4, 21))  # a Saturday
    codes = set(Task.objects.values_list("code", flat=True))

    assert demo_load(reset=True, today=datetime.date(2026, 1, 1)) == first == EXPECTED
    assert set(Task.objects.values_list("code", flat=True)) == codes


def test_it_reloads_with_reset_and_removes_rows_added_to_demo_data(demo):
    task = Task.objects.get(code="LC-CGJ-1-1")
    place = Place.objects.get(code="LC-CP-001")
    place.name = "改过名的小区"
    place.save()  # leaves a history record behind
    added_report = ProgressReport.objects.create(task=task, author=task.accountable, note="额外填报")
    added_issue = Issue.objects.create(
        campaign=task.campaign,
        code="LC-Q999",
        place=place,
        grid=place.grid,
        criterion=Criterion.objects.get(code="LC-C20"),
        description="额外问题",
        points=Decimal(1),
        reported_by=User.objects.get(username="inspector"),
    )
    out = StringIO()

    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", "--reset", stdout=out)  # DEBUG is off in tests, as in production
    assert Place.objects.get(code="LC-CP-001").name == "改过名的小区"  # refused: nothing deleted
    call_command("load_demo", "--reset", "--force", stdout=out)

    assert demo_counts() == EXPECTED
    assert not ProgressReport.objects.filter(pk=added_report.pk).exists()
    assert not Issue.objects.filter(pk=added_issue.pk).exists()
    assert Place.objects.get(code="LC-CP-001").name != "改过名的小区"
    assert not Place.history.filter(id=place.pk).exists()
    assert not Issue.history.filter(id=added_issue.pk).exists()
    assert not Task.history.filter(id=task.pk).exists()


def test_it_resets_only_the_demo(demo):
    outsider = Department.objects.create(code="X-1", name="其他单位", kind=Department.Kind.BUREAU)
    user = User.objects.create_user("someone", department=Department.objects.get(code=data.URBAN_MANAGEMENT))

    demo_reset()

    assert demo_counts() == dict.fromkeys(EXPECTED, 0)
    assert Department.objects.filter(pk=outsider.pk).exists()
    user.refresh_from_db()
    assert user.department is None


def test_it_refuses_to_reset_when_rows_outside_the_demo_need_it(demo):
    campaign = Campaign.objects.create(code="X-2019", name="其他活动", kind="civilized", start_date=TODAY)
    department = Department.objects.create(code="X-1", name="其他单位", kind=Department.Kind.BUREAU)
    task_made(
        campaign=campaign,
        code="X-T1",
        title="其他任务",
        department=department,
        accountable=User.objects.get(username="staff"),
        due_date=TODAY,
    )

    with pytest.raises(ApplicationError, match="cannot be removed"):
        demo_reset()

    assert demo_counts() == EXPECTED


def test_it_prints_the_counts(settings):
    settings.DEBUG = True
    out = StringIO()

    call_command("load_demo", stdout=out)
    again = StringIO()
    call_command("load_demo", stdout=again)

    text = out.getvalue()
    assert "网格 grids" in text
    for label, count in (("网格 grids", 61), ("点位 places", 922), ("问题 issues", EXPECTED["issues"])):
        line = next(line for line in text.splitlines() if label in line)
        assert line.split()[-1] == str(count)
    assert "liaocheng2018" in text
    assert "already loaded" in again.getvalue()
    assert "点位 places" in again.getvalue()


def test_it_dates_the_activity_from_the_day_it_is_told(settings):
    settings.DEBUG = True
    call_command("load_demo", "--today", "2018-04-16", stdout=StringIO())

    assert Inspection.objects.order_by("date").first().date == datetime.date(2018, 3, 14)
    assert Task.objects.overdue(TODAY).exists()


def test_it_refuses_to_load_over_a_user_with_a_demo_username(settings):
    settings.DEBUG = True
    User.objects.create_user("admin")

    with pytest.raises(ApplicationError, match="admin"):
        demo_load(today=TODAY)
    with pytest.raises(CommandError, match="--reset"):
        call_command("load_demo", stdout=StringIO())


def test_it_creates_the_four_logins_with_the_demo_password(demo):
    for username, role in (("admin", Role.ADMINISTRATOR), ("leader", Role.LEADER), ("inspector", Role.INSPECTOR),
                           ("staff", Role.STAFF)):  # fmt: skip
        user = authenticate(RequestFactory().post("/login/"), username=username, password="liaocheng2018")
        assert user is not None, username
        assert user.groups.filter(name=role).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    staff = User.objects.get(username="staff")
    assert staff.department.code == data.URBAN_MANAGEMENT
    assert not staff.is_staff
    assert User.objects.get(username="ronghongzhi").check_password("liaocheng2018")


def test_it_gives_users_chinese_names_titles_and_valid_phones(demo):
    users = User.objects.filter(username__in=data.usernames())
    assert users.filter(last_name="").count() == 0
    assert users.filter(title="").count() == 0
    assert users.exclude(phone__regex=r"^(0635-8\d{6}|1\d{10})$").count() == 0
    full_names = [user.display_name for user in users]
    assert len(set(full_names)) == len(full_names)


def test_it_makes_the_speakers_heads_of_their_departments(demo):
    heads = dict(Department.objects.filter(head__isnull=False).values_list("code", "head__username"))
    assert heads[data.DISTRICT] == "ronghongzhi"
    assert heads[data.HEALTH_COMMISSION] == "zhaojinxing"
    assert heads[data.URBAN_MANAGEMENT] == "libaozhong"
    assert heads[data.HOUSING] == "guoxinhua"
    assert heads[data.TRAFFIC_POLICE] == "liuzhanjun"
    assert User.objects.get(username="liuzhanjun").display_name == "刘占军"


def test_it_gives_every_department_a_head_of_its_own(demo):
    departments = Department.objects.filter(code__startswith="LC-")
    assert departments.filter(head__isnull=True).count() == 0
    assert departments.exclude(head__department=F("pk")).count() == 0
    subdistricts = departments.filter(kind=Department.Kind.SUBDISTRICT)
    assert set(subdistricts.values_list("name", flat=True)) == {s.name for s in data.SUBDISTRICTS}
    for subdistrict in subdistricts.annotate(communities=Count("children")):
        assert 2 <= subdistrict.communities <= 4
    for code in (data.HEALTH_COMMISSION, data.URBAN_MANAGEMENT, data.HOUSING, data.TRAFFIC_POLICE):
        assert 3 <= Department.objects.filter(parent__code=code, kind=Department.Kind.SECTION).count() <= 5


def test_it_records_the_five_pledges_as_spoken(demo):
    pledges = {pledge.speaker: pledge for pledge in Pledge.objects.select_related("campaign", "department")}

    assert set(pledges) == {"荣红智", "赵金星", "李保忠", "郭新华", "刘占军"}
    assert pledges["荣红智"].headline == "网格化落实“创城”任务，六大区域规范提升"
    assert pledges["赵金星"].speaker_title == "聊城市卫计委党委委员、副主任"
    assert pledges["赵金星"].campaign.kind == Campaign.Kind.SANITARY_CITY
    assert pledges["李保忠"].headline == "开展五项专项治理活动，彻底取缔露天烧烤"
    assert pledges["郭新华"].headline == "力争到2020年全面消除规划区内的棚户区"
    assert pledges["刘占军"].headline == "年内城区主干道通行效率提高15%以上"
    assert "61个网格" in pledges["荣红智"].statement
    assert "169处监控卡口和电子警察" in pledges["刘占军"].statement
    assert all(pledge.date == datetime.date(2018, 2, 28) for pledge in pledges.values())
    for speaker in ("荣红智", "李保忠", "郭新华", "刘占军"):
        assert pledges[speaker].campaign.kind == Campaign.Kind.CIVILIZED_CITY


def test_it_starts_both_campaigns_at_the_meeting(demo):
    campaigns = Campaign.objects.filter(code__startswith="LC-")
    assert set(campaigns.values_list("name", flat=True)) == {"创建全国文明城市", "迎接国家卫生城市复审"}
    for campaign in campaigns:
        assert campaign.start_date == datetime.date(2018, 2, 28)
        assert campaign.end_date is None
        assert campaign.leader.username == "leader"


def test_it_sets_the_seed_targets_and_reports_progress_toward_them(demo):
    targets = {target.name: target for target in Target.objects.with_current_value()}

    assert targets["棚户区改造新开工"].target_value == 49000
    assert targets["老旧小区改造"].target_value == 104
    assert targets["新增改造监控卡口和电子警察"].target_value == 169
    remaining = targets["规划区内棚户区剩余比例"]
    assert (remaining.direction, remaining.baseline, remaining.target_value) == ("decrease", 100, 0)
    assert remaining.deadline == datetime.date(2020, 12, 31)
    for target in targets.values():
        assert target.code.startswith("LC-T")
        assert target.reported > 0, target.name
        assert target.reported < abs(target.target_value - target.baseline), target.name


def test_it_has_every_workflow_state_of_an_issue(demo):
    statuses = set(Issue.objects.values_list("status", flat=True))
    assert statuses == set(Issue.Status.values)
    assert Issue.objects.filter(status=Issue.Status.RECTIFYING, rework_count__gt=0).exists()
    assert Issue.objects.filter(status=Issue.Status.CLOSED, closed_at__gt=F("deadline")).exists()
    assert Issue.objects.filter(status=Issue.Status.RETURNED).exclude(return_reason="").exists()
    assert not Issue.objects.filter(status=Issue.Status.SUBMITTED, submitted_at__isnull=True).exists()
    assert not Issue.objects.filter(status=Issue.Status.SUBMITTED, rectification_note="").exists()
    start_of_today = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time()))
    open_issues = Issue.objects.filter(status__in=[Issue.Status.DISPATCHED, Issue.Status.RECTIFYING])
    assert open_issues.filter(deadline__lt=start_of_today).exists()
    assert open_issues.filter(deadline__gte=start_of_today).exists()


def test_it_routes_issues_and_opens_their_rectification_tasks(demo):
    routed = Issue.objects.filter(status__in=Issue.ROUTED_STATUSES).select_related(
        "criterion", "place", "rectification_task"
    )
    assert routed.exists()
    for issue in routed:
        assert issue.department == issue_route(place=issue.place, criterion=issue.criterion).department
        assert issue.grid_id == issue.place.grid_id
        assert issue.points == issue.criterion.points
        assert issue.deadline >= issue.reported_at
        task = issue.rectification_task
        assert task.kind == Task.Kind.RECTIFICATION
        assert task.department_id == issue.department_id
        assert task.due_date == timezone.localtime(issue.deadline).date()
        if issue.status == Issue.Status.CLOSED:
            assert task.status == Task.Status.DONE
            assert task.completed_at == issue.closed_at
        else:
            assert task.status != Task.Status.DONE
    assert not Issue.objects.filter(status=Issue.Status.REPORTED, rectification_task__isnull=False).exists()
    for issue in Issue.objects.filter(status=Issue.Status.RETURNED).select_related("rectification_task"):
        assert issue.department_id is not None  # the department that returned it
        assert issue.rectification_task.status == Task.Status.CANCELLED


def test_it_records_every_issues_way_as_events(demo):
    for issue in Issue.objects.prefetch_related("events"):
        events = list(issue.events.all())
        assert events[0].action == IssueEvent.Action.FILED
        assert events[0].created == issue.reported_at
        assert [event.created for event in events] == sorted(event.created for event in events)
        assert events[-1].to_status == issue.status, issue.code
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status, issue.code
        assert sum(event.action == IssueEvent.Action.SENT_BACK for event in events) == issue.rework_count


def test_it_has_extension_requests_of_every_outcome(demo):
    requests = ExtensionRequest.objects.select_related("issue")
    assert set(requests.values_list("status", flat=True)) == set(ExtensionRequest.Status.values)
    for request in requests:
        assert request.requested_deadline > request.created
        # Within the limit the services set: no demo request needs a leader's confirmation.
        assert request.limit_deadline is not None
        assert not request.beyond_limit
        if request.status == ExtensionRequest.Status.APPROVED:
            assert request.issue.deadline == request.requested_deadline == request.approved_deadline
        if request.status == ExtensionRequest.Status.REFUSED:
            assert request.decision_note  # the reason the department sees


def test_it_has_overdue_tasks_and_tasks_due_soon(demo):
    assert Task.objects.overdue(TODAY).exclude(kind=Task.Kind.RECTIFICATION).exists()
    assert Task.objects.overdue(TODAY).filter(kind=Task.Kind.RECTIFICATION).exists()
    soon = Task.objects.open().filter(due_date__gte=TODAY, due_date__lte=TODAY + datetime.timedelta(days=4))
    assert soon.exists()
    assert set(Task.objects.values_list("status", flat=True)) == set(Task.Status.values)
    assert not Task.objects.filter(status=Task.Status.DONE, percent__lt=100).exists()
    assert not Task.objects.filter(status=Task.Status.TODO, percent__gt=0).exists()


def test_it_breaks_pledged_work_down_to_a_section_and_a_person(demo):
    pledged = Task.objects.exclude(kind=Task.Kind.RECTIFICATION)
    assert 60 <= pledged.count() <= 150
    assert pledged.filter(section__isnull=True).count() == 0
    assert pledged.filter(accountable__isnull=True).count() == 0
    assert pledged.exclude(section__parent=F("department")).count() == 0
    assert pledged.filter(kind=Task.Kind.SPECIAL, department__code=data.URBAN_MANAGEMENT).count() >= 5
    # Work on the ground names where; city-wide targets (e.g. 49,000 shanty-town units) may not.
    unscoped = pledged.annotate(places_count=Count("places"), grids_count=Count("grids"))
    assert not unscoped.filter(target__isnull=True, places_count=0, grids_count=0).exists()


def test_it_keeps_every_report_and_finding_in_the_past():
    demo_load()
    now = timezone.now()

    assert not ProgressReport.objects.filter(created__gt=now).exists()
    assert not Issue.objects.filter(reported_at__gt=now).exists()
    assert not Issue.objects.filter(closed_at__gt=now).exists()
    assert not Task.objects.filter(completed_at__gt=now).exists()
    assert not IssueEvent.objects.filter(created__gt=now).exists()
    assert not ExtensionRequest.objects.filter(created__gt=now).exists()


def test_it_gives_every_grid_a_leader_and_an_assigned_department(demo):
    grids = Grid.objects.annotate(departments_count=Count("departments"))
    assert grids.filter(leader__isnull=True).count() == 0
    assert grids.filter(departments_count=0).count() == 0
    assert grids.filter(departments_count__gt=3).count() == 0
    led = Grid.objects.values("leader").annotate(grids=Count("pk"))
    assert 25 <= led.count() <= 35
    assert {row["grids"] for row in led} <= {1, 2, 3}
    assert User.objects.filter(led_grids__isnull=False, groups__name=Role.LEADER).distinct().count() == led.count()


def test_it_gives_every_street_compound_and_village_a_department_and_leader(demo):
    for place in Place.objects.filter(kind__in=["street", "compound", "village"]).select_related("grid"):
        assert place.assigned_department_id is not None
        assert place.assigned_leader_id is not None
        assert place.territorial_unit_id is not None
        assert place.address.startswith("东昌府区")
    assigned_elsewhere = Place.objects.exclude(assigned_department__assigned_grids=F("grid"))
    assert assigned_elsewhere.count() == 0
    assert Place.objects.filter(kind="compound", households__isnull=True).count() == 0
    assert Place.objects.filter(kind="street", length_m__isnull=True).count() == 0
    assert Place.objects.filter(kind="compound").exclude(property_company="").exists()


def test_it_tiles_the_city_and_puts_every_place_inside_its_grid(demo):
    grids = {grid.pk: grid for grid in Grid.objects.all()}
    for grid in grids.values():
        assert grid.boundary["type"] == "Polygon"
        ring = grid.boundary["coordinates"][0]
        assert ring[0] == ring[-1]
        assert 36.35 < float(grid.latitude) < 36.55
        assert 115.88 < float(grid.longitude) < 116.08
    for place in Place.objects.all():
        ring = grids[place.grid_id].boundary["coordinates"][0]
        assert _inside(float(place.longitude), float(place.latitude), ring), place.code


def _inside(x: float, y: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def test_it_runs_at_least_one_inspection_of_each_kind(demo):
    inspections = Inspection.objects.annotate(members_count=Count("members"), grids_count=Count("grids"))
    assert set(inspections.values_list("kind", flat=True)) == set(Inspection.Kind.values)
    for inspection in inspections:
        assert inspection.leader.groups.filter(name=Role.INSPECTOR).exists()
        assert inspection.members_count >= 1
        assert inspection.grids_count >= 1
        assert TODAY - datetime.timedelta(days=42) <= inspection.date < TODAY


def test_it_generates_stable_unique_names():
    assert names.street_names(142) == names.street_names(142)
    assert names.street_names(142)[:20] == names.street_names(20)
    for generate, count in ((names.street_names, 142), (names.compound_names, 662), (names.village_names, 54)):
        generated = generate(count)
        assert len(set(generated)) == count
    assert all(name.endswith("村") for name in names.village_names(54))
    assert all(name.endswith(("路", "街", "巷")) for name in names.street_names(142))
    people = names.person_names(300, exclude={"荣红智"})
    assert len({family + given for family, given in people}) == 300


def test_with_debug_off_it_refuses_to_load_without_force():
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())

    assert demo_counts() == dict.fromkeys(EXPECTED, 0)


def test_with_debug_off_and_force_the_demo_sign_ins_get_random_passwords_shown_once():
    out = StringIO()

    call_command("load_demo", "--force", stdout=out)

    text = out.getvalue()
    assert "liaocheng2018" not in text
    request = RequestFactory().post("/login/")
    for username in ("admin", "leader", "inspector", "staff"):
        line = next(line for line in text.splitlines() if line.split()[:1] == [username])
        password = line.split()[1]
        assert authenticate(request, username=username, password=password) is not None, username
        assert authenticate(request, username=username, password="liaocheng2018") is None, username
    liaison = User.objects.get(username=data.liaison_username(data.HOUSING))
    assert not liaison.has_usable_password()

    again = StringIO()
    call_command("load_demo", "--force", stdout=again)
    assert "already loaded" in again.getvalue()
    assert not any(line.split()[:1] == ["admin"] for line in again.getvalue().splitlines())  # shown once


def test_it_leads_each_finding_the_way_its_checklist_item_says(demo):
    """楼道堆物 in a compound goes to the compound's community (属地); 校园周边 to the district education
    bureau as the item's owner (属主), with urban management and market supervision assisting (协办);
    market hygiene to the market's assigned department (帮包)."""
    assert set(Criterion.objects.values_list("lead", flat=True)) == set(Criterion.Lead.values)
    hallway = Criterion.objects.get(code="LC-C20")
    campus = Criterion.objects.get(code="LC-C28")
    market = Criterion.objects.get(code="LC-C27")
    assert (hallway.lead, campus.lead, market.lead) == ("territorial", "owner", "assigned")
    assert campus.default_department.name == "东昌府区教育和体育局"
    assert set(campus.assisting_departments.values_list("code", flat=True)) == {"LC-DCF-CG", "LC-DCF-SJ"}

    routed = Issue.objects.exclude(department=None).select_related("place", "criterion")
    territorial = routed.filter(criterion__lead=Criterion.Lead.TERRITORIAL)
    assert territorial.exists()
    for issue in territorial:
        assert issue.department_id == issue.place.territorial_unit_id, issue.code
        assert issue.department.kind in (Department.Kind.SUBDISTRICT, Department.Kind.COMMUNITY)
    for issue in routed.filter(criterion=campus):
        assert issue.department == campus.default_department
