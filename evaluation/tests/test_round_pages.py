"""The evaluation office plans, changes, draws, starts and closes a round on its pages: bad input comes back
with the reason beside the field and nothing is saved; the draw is the one ``sample_round`` makes."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from evaluation import services
from evaluation.models import Round, RoundPoint, Team
from evaluation.tests.factories import PointTypeFactory, make_round, observation_point
from grids.tests.factories import GridFactory
from inspections.models import Inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client):
    """A leader of the evaluation office, signed in; four inspectors; 6 主次干道 and 4 农贸市场 in each of two
    streets."""
    leader = UserFactory(role=Role.LEADER, department=None)
    client.force_login(leader)
    people = [
        UserFactory(
            username=f"inspector{n}", last_name=name[0], first_name=name[1:], role=Role.INSPECTOR, department=None
        )
        for n, name in enumerate(("王芳", "李强", "张伟", "刘洋"))
    ]
    road, market = PointTypeFactory(code="ROAD", name="主次干道"), PointTypeFactory(code="MARKET", name="农贸市场")
    for street in (DepartmentFactory(code=f"JD{n}", kind=Department.Kind.SUBDISTRICT) for n in (1, 2)):
        grid = GridFactory(subdistrict=street)
        for n in range(6):
            observation_point(road, grid=grid, code=f"{street.code}-R{n}")
        for n in range(4):
            observation_point(market, grid=grid, code=f"{street.code}-M{n}")
    return {"leader": leader, "people": people, "campaign": CampaignFactory(), "road": road, "market": market}


def round_form(office, **changes) -> dict:
    """The round's form: two teams of two, 2 points of 主次干道 per street."""
    first, second, third, fourth = (person.pk for person in office["people"])
    data = {
        "code": "PC-2018-04",
        "title": "2018年4月模拟测评",
        "campaign": office["campaign"].pk,
        "start_date": "2018-04-16",
        "end_date": "2018-04-20",
        "point_types": [office["road"].pk],
        "points_per_type": "2",
        "by_street": "on",
        "exclude_rounds": "0",
        "team-TOTAL_FORMS": "3",
        "team-INITIAL_FORMS": "0",
        "team-0-name": "第一组",
        "team-0-first": first,
        "team-0-second": second,
        "team-1-name": "第二组",
        "team-1-first": third,
        "team-1-second": fourth,
        "team-2-name": "",
        "team-2-first": "",
        "team-2-second": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def saved() -> tuple[int, int, int]:
    return Round.objects.count(), Team.objects.count(), Inspection.objects.count()


def test_the_office_plans_a_round_on_its_page(client, office):
    assert client.get(reverse("evaluation:round_create")).status_code == 200

    response = client.post(reverse("evaluation:round_create"), round_form(office))

    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:round_detail", args=[round_.pk])
    assert (round_.code, round_.status, round_.points_per_type, round_.by_street) == ("PC-2018-04", "planned", 2, True)
    assert (round_.start_date, round_.end_date) == (datetime.date(2018, 4, 16), datetime.date(2018, 4, 20))
    assert list(round_.point_types.all()) == [office["road"]]
    teams = {team.name: {member.username for member in team.members.all()} for team in round_.teams.all()}
    assert teams == {"第一组": {"inspector0", "inspector1"}, "第二组": {"inspector2", "inspector3"}}
    assert round_.inspection.code == "PC-2018-04"
    assert round_.inspection.members.count() == 4
    assert round_.history.get().history_user == office["leader"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"team-1-second": ""}, None),  # a team of one inspector
        ({"team-1-second": "first"}, None),  # the same inspector twice in a team
        ({"team-1-first": "first"}, None),  # an inspector on two teams
        ({"team-0-name": ""}, None),  # a team without a name
        ({"team-0-first": "", "team-0-second": "", "team-0-name": "", "team-1-name": ""} | {"team-1-first": ""}, None),
        ({"end_date": "2018-04-15"}, "end_date"),  # the window ends before it starts
        ({"points_per_type": "0"}, "points_per_type"),
        ({"start_date": "2018-02-30"}, "start_date"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_input_comes_back_with_the_reason_and_saves_nothing(client, office, changes, field):
    first = office["people"][0].pk
    changes = {key: first if value == "first" else value for key, value in changes.items()}
    before = saved()

    response = client.post(reverse("evaluation:round_create"), round_form(office, **changes))

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors.get(field or "__all__"), form.errors
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "data-error-summary" in page
    assert saved() == before


def test_everything_wrong_is_said_at_once(client, office):
    data = round_form(office, end_date="2018-04-15", points_per_type="0", **{"team-0-second": office["people"][0].pk})

    errors = client.post(reverse("evaluation:round_create"), data).context["form"].errors

    assert set(errors) == {"end_date", "points_per_type", "__all__"}
    assert not Round.objects.exists()


def test_a_team_s_fault_names_the_team_and_the_person(client, office):
    data = round_form(office, **{"team-1-second": office["people"][0].pk})

    errors = client.post(reverse("evaluation:round_create"), data).context["form"].non_field_errors()

    assert "第二组" in errors[0]
    assert "王芳" in errors[0]


def test_a_code_already_used_is_refused_beside_the_code(client, office):
    make_round(code="PC-2018-04")
    before = saved()

    response = client.post(reverse("evaluation:round_create"), round_form(office))

    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    assert saved() == before


def test_someone_who_is_not_an_inspector_is_not_put_on_a_team(client, office):
    staff = UserFactory(role=Role.STAFF)
    response = client.post(reverse("evaluation:round_create"), round_form(office, **{"team-1-second": staff.pk}))

    assert response.status_code == 400  # not among the choices
    assert not Round.objects.exists()


def test_the_page_draws_the_points_as_sample_round_does_and_shows_the_seed(client, office):
    client.post(reverse("evaluation:round_create"), round_form(office))
    round_ = Round.objects.get()

    response = client.post(reverse("evaluation:round_draw", args=[round_.pk]), {"seed": "2018"}, follow=True)

    round_.refresh_from_db()
    assert round_.seed == 2018
    drawn = list(RoundPoint.objects.filter(round=round_).order_by("order").values_list("place__code", flat=True))
    assert len(drawn) == 4  # 2 主次干道 in each of two streets
    out = io.StringIO()
    call_command("sample_round", round_.code, "--seed", "2018", "--dry-run", stdout=out)
    assert [line.split()[-1] for line in out.getvalue().splitlines()[1:]] == drawn
    page = response.content.decode()
    assert "<strong>2018</strong>" in page
    assert "data-draw-summary" in page
    # The points are shared between the two teams in turn.
    assert RoundPoint.objects.filter(round=round_, team__name="第一组").count() == 2
    assert RoundPoint.objects.filter(round=round_, team__name="第二组").count() == 2


def test_a_seed_that_is_not_a_number_is_refused_and_draws_nothing(client, office):
    client.post(reverse("evaluation:round_create"), round_form(office))
    round_ = Round.objects.get()

    response = client.post(reverse("evaluation:round_draw", args=[round_.pk]), {"seed": "二〇一八"}, follow=True)

    assert not RoundPoint.objects.exists()
    assert [message.level_tag for message in response.context["messages"]][-1] == "error"


def test_the_office_starts_and_closes_the_round_from_its_page(client, office):
    client.post(reverse("evaluation:round_create"), round_form(office))
    round_ = Round.objects.get()
    client.post(reverse("evaluation:round_start", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.status == "planned"  # not drawn yet: refused

    client.post(reverse("evaluation:round_draw", args=[round_.pk]))
    client.post(reverse("evaluation:round_start", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.status == "in_progress"
    client.post(reverse("evaluation:round_close", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.status == "closed"


def edit_form(office, round_: Round, **changes) -> dict:
    data = round_form(office, **changes)
    data.pop("code")
    data["team-INITIAL_FORMS"] = str(round_.teams.count())
    return data


def test_the_office_changes_a_planned_round_and_its_teams(client, office):
    client.post(reverse("evaluation:round_create"), round_form(office))
    round_ = Round.objects.get()
    client.post(reverse("evaluation:round_draw", args=[round_.pk]), {"seed": "7"})
    drawn = list(round_.points.order_by("order").values_list("place_id", flat=True))
    page = client.get(reverse("evaluation:round_edit", args=[round_.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial["title"] == "2018年4月模拟测评"

    # The second team is taken away: its points go to the first, the draw stands (its settings did not change).
    response = client.post(
        reverse("evaluation:round_edit", args=[round_.pk]),
        edit_form(office, round_, title="2018年4月模拟测评（调整）", **{"team-1-name": "", "team-1-first": ""})
        | {"team-1-second": ""},
    )

    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.title == "2018年4月模拟测评（调整）"
    assert round_.inspection.title == "2018年4月模拟测评（调整）"
    assert list(round_.teams.values_list("name", flat=True)) == ["第一组"]
    assert list(round_.points.order_by("order").values_list("place_id", flat=True)) == drawn
    assert set(round_.points.values_list("team__name", flat=True)) == {"第一组"}
    assert round_.inspection.members.count() == 2
    assert round_.history.first().history_change_reason == "edited"
    record = client.get(reverse("evaluation:round_detail", args=[round_.pk])).context["record"]
    removed = [entry for entry in record if entry.get("team") == "removed"]
    assert [(entry["what"], entry["user"]) for entry in removed] == [("第二组", office["leader"])]
    assert any(entry.get("team") == "set" and entry["members"] == "李强、王芳" for entry in record)


def test_changing_how_the_points_are_drawn_undoes_the_draw(client, office):
    client.post(reverse("evaluation:round_create"), round_form(office))
    round_ = Round.objects.get()
    client.post(reverse("evaluation:round_draw", args=[round_.pk]), {"seed": "7"})

    client.post(reverse("evaluation:round_edit", args=[round_.pk]), edit_form(office, round_, points_per_type="3"))

    round_.refresh_from_db()
    assert (round_.points_per_type, round_.seed, round_.sampled_at) == (3, None, None)
    assert not round_.points.exists()
    assert round_.history.first().history_change_reason == "draw_undone"


def test_bad_input_on_a_change_saves_nothing(client, office):
    client.post(reverse("evaluation:round_create"), round_form(office))
    round_ = Round.objects.get()
    records = round_.history.count()

    response = client.post(
        reverse("evaluation:round_edit", args=[round_.pk]),
        edit_form(office, round_, title="新标题", **{"team-0-second": office["people"][0].pk}),
    )

    assert response.status_code == 400
    round_.refresh_from_db()
    assert round_.title == "2018年4月模拟测评"
    assert round_.history.count() == records
    assert {member.username for member in round_.teams.get(name="第一组").members.all()} == {"inspector0", "inspector1"}


def test_a_round_under_way_is_not_changed(client, office):
    round_ = make_round(code="RUNNING", inspectors=office["people"][:2])
    services.round_sample(round_=round_, seed=1)
    services.round_start(round_=round_)

    response = client.post(
        reverse("evaluation:round_edit", args=[round_.pk]), edit_form(office, round_, title="改名"), follow=True
    )

    round_.refresh_from_db()
    assert round_.title == "模拟测评RUNNING"
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    assert client.get(reverse("evaluation:round_edit", args=[round_.pk])).status_code == 302


def test_the_round_form_reads_the_inspectors_once(client, office, django_assert_max_num_queries):
    client.post(reverse("evaluation:round_create"), round_form(office))
    round_ = Round.objects.get()
    url = reverse("evaluation:round_edit", args=[round_.pk])
    # Two teams and two empty rows: eight lists of inspectors, read with one query.
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_admin_keeps_the_team_rules_too(client, office):
    round_ = make_round(code="ADMIN-1", inspectors=office["people"][:2])
    team = round_.teams.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, department=None))
    data = {
        "code": round_.code,
        "title": round_.title,
        "campaign": round_.campaign_id,
        "start_date": "2018-03-01",
        "end_date": "2018-03-10",
        "points_per_type": "3",
        "exclude_rounds": "0",
        "teams-TOTAL_FORMS": "1",
        "teams-INITIAL_FORMS": "1",
        "teams-0-id": team.pk,
        "teams-0-round": round_.pk,
        "teams-0-name": "第一组",
        "teams-0-members": [office["people"][0].pk],  # one inspector left
    }

    response = client.post(reverse("admin:evaluation_round_change", args=[round_.pk]), data)

    assert response.status_code == 200  # the form again, with the team's fault
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert team.members.count() == 2


def test_moving_the_window_keeps_the_draw_unless_earlier_rounds_are_left_out(client, office):
    client.post(reverse("evaluation:round_create"), round_form(office))
    round_ = Round.objects.get()
    client.post(reverse("evaluation:round_draw", args=[round_.pk]), {"seed": "7"})
    edit = reverse("evaluation:round_edit", args=[round_.pk])

    client.post(edit, edit_form(office, round_, start_date="2018-04-17"))
    round_.refresh_from_db()
    assert (round_.start_date, round_.seed) == (datetime.date(2018, 4, 17), 7)

    client.post(edit, edit_form(office, round_, start_date="2018-04-17", exclude_rounds="1"))
    round_.refresh_from_db()
    assert (round_.exclude_rounds, round_.seed) == (1, None)  # which rounds are earlier now matters
