"""Load and remove the Liaocheng 2018 campaign demo.

``demo_load`` builds the whole city of the mobilization meeting of 2018-02-28 — departments and
people, 61 grids with their streets, compounds and villages, the five pledges and their targets, the
tasks they break into, and a few weeks of progress, inspections and issues dated relative to
``today`` so that the product looks alive. ``demo_reset`` removes exactly that again.

Demo rows are recognised by ``data.CODE_PREFIX`` on every coded row and by ``data.usernames()``.
Rows are written with ``bulk_create``, so they have no simple-history records of their creation.
"""

import dataclasses
import datetime
import itertools
import math
import random
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone

from accounts.models import Department, User
from assessment.models import Scheme
from campaign.models import Campaign, Pledge, ProgressReport, Target, Task
from core.errors import ApplicationError
from core.rollups import rollups_rebuild
from core.working_time import WorkingCalendar, end_of_day, office_working_time, yellow_share
from demo import data, names
from demo.assessment import demo_assessment_counts, demo_assessment_delete, demo_assessment_load
from demo.citizens import demo_citizens_counts, demo_citizens_delete, demo_citizens_load
from demo.evaluation import Failure as EvaluationFailure
from demo.evaluation import demo_evaluation_counts, demo_evaluation_delete, plan_failures, write_observations
from demo.planner import Actor, Extension, Overrule, SendBack, Timeline, Workflow, plan_workflow
from demo.planner import Suspension as PlannedSuspension
from grids.models import Grid, Place
from inspections.models import (
    Criterion,
    ExtensionRequest,
    Inspection,
    Issue,
    IssueEvent,
    Stage,
    StageClock,
    Suspension,
)
from inspections.services import extension_limit, issue_route

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SEED = 2018

# How the pledged (non-rectification) tasks stand, as shares of all of them; the rest are running.
SCHEDULE_MIX = (
    ("done", 0.18),
    ("done_late", 0.05),
    ("overdue", 0.13),
    ("due_soon", 0.10),
    ("todo", 0.08),
    ("cancelled", 0.03),
)
# Year-long target tasks are never finished within the weeks the demo shows.
TARGET_SCHEDULES = ("running", "running", "due_soon", "overdue", "running")

# How likely each issue status is, by how many days ago the issue was reported: old issues are
# mostly closed, fresh ones still waiting to be dispatched.
ISSUE_STATUS_WEIGHTS = (
    (20, {"closed": 76, "submitted": 5, "rectifying": 5, "returned": 8, "dispatched": 2, "reported": 4}),
    (10, {"closed": 50, "submitted": 18, "rectifying": 14, "returned": 8, "dispatched": 5, "reported": 5}),
    (4, {"closed": 14, "submitted": 22, "rectifying": 30, "dispatched": 18, "returned": 4, "reported": 12}),
    (0, {"rectifying": 12, "dispatched": 40, "reported": 48}),
)
EXTENSION_OUTCOMES = ("pending", "approved", "refused", None)


# Reading ---------------------------------------------------------------------------------------------


def demo_is_loaded() -> bool:
    """Whether the demo is in the database (its district is the first thing it creates)."""
    return Department.objects.filter(code=data.DISTRICT).exists()


def demo_counts() -> dict[str, int]:
    """How many rows of each model belong to the demo."""
    coded = Q(code__startswith=data.CODE_PREFIX)
    return {
        "departments": Department.objects.filter(coded).count(),
        "users": User.objects.filter(username__in=data.usernames()).count(),
        "campaigns": Campaign.objects.filter(coded).count(),
        "pledges": Pledge.objects.filter(campaign__code__startswith=data.CODE_PREFIX).count(),
        "targets": Target.objects.filter(coded).count(),
        "grids": Grid.objects.filter(coded).count(),
        "places": Place.objects.filter(coded).count(),
        "tasks": Task.objects.filter(coded).count(),
        "progress_reports": ProgressReport.objects.filter(task__code__startswith=data.CODE_PREFIX).count(),
        "criteria": Criterion.objects.filter(coded).count(),
        "inspections": Inspection.objects.filter(coded).count(),
        "issues": Issue.objects.filter(coded).count(),
        "issue_events": IssueEvent.objects.filter(issue__code__startswith=data.CODE_PREFIX).count(),
        "extension_requests": ExtensionRequest.objects.filter(issue__code__startswith=data.CODE_PREFIX).count(),
        **demo_assessment_counts(),
        **demo_citizens_counts(),
        **demo_evaluation_counts(),
    }


# Writing ---------------------------------------------------------------------------------------------


@transaction.atomic
def demo_load(*, reset: bool = False, today: datetime.date | None = None) -> dict[str, int]:
    """Load the Liaocheng 2018 demo and return how many rows of each model it has.

    Loading is idempotent: when the demo is already there nothing changes. ``reset`` first removes
    the demo (and whatever was added onto it) and then loads it afresh. Activity — tasks, progress,
    inspections, issues — is dated relative to ``today`` (default: today in the local time zone);
    codes and counts do not depend on it."""
    if reset:
        demo_reset()
    elif demo_is_loaded():
        return demo_counts()
    _refuse_leftovers()
    _DemoBuilder(today=today or timezone.localdate()).build()
    rollups_rebuild()  # the demo's rows are written past the services, which keep the rollups
    return demo_counts()


@transaction.atomic
def demo_reset() -> dict[str, int]:
    """Delete the demo's rows, the rows that hang on them (e.g. a progress report someone added to a
    demo task), and the simple-history records of everything deleted. Returns deleted rows per model.

    Raises ``ApplicationError`` (and deletes nothing) when rows outside the demo protect a demo row,
    e.g. an import uploaded by the demo's ``admin``."""
    try:
        deleted = _delete_demo()
        rollups_rebuild()
        return deleted
    except (ProtectedError, RestrictedError) as error:
        blocking = sorted({str(obj._meta.verbose_name_plural) for obj in error.args[1]})
        raise ApplicationError(
            f"The demo cannot be removed: {', '.join(blocking)} outside the demo refer to it. Delete those first.",
            code="demo_protected",
        ) from error


def _delete_demo() -> dict[str, int]:
    coded = Q(code__startswith=data.CODE_PREFIX)
    campaign_ids = _ids(Campaign.objects.filter(coded))
    grid_ids = _ids(Grid.objects.filter(coded))
    place_ids = _ids(Place.objects.filter(coded | Q(grid__in=grid_ids)))
    department_ids = _ids(Department.objects.filter(coded))
    user_ids = _ids(User.objects.filter(username__in=data.usernames()))
    issue_ids = _ids(
        Issue.objects.filter(coded | Q(campaign__in=campaign_ids) | Q(place__in=place_ids) | Q(grid__in=grid_ids))
    )
    rectification_ids = Issue.objects.filter(pk__in=issue_ids, rectification_task__isnull=False).values_list(
        "rectification_task", flat=True
    )
    task_ids = _ids(
        Task.objects.filter(
            coded | Q(campaign__in=campaign_ids) | Q(department__in=department_ids) | Q(pk__in=list(rectification_ids))
        )
    )
    pledge_ids = _ids(Pledge.objects.filter(Q(campaign__in=campaign_ids) | Q(department__in=department_ids)))
    target_ids = _ids(Target.objects.filter(coded | Q(pledge__in=pledge_ids)))

    deleted: dict[str, int] = demo_assessment_delete(campaign_ids=campaign_ids)
    deleted.update(demo_citizens_delete(issue_ids=issue_ids))
    deleted |= demo_evaluation_delete(campaign_ids=campaign_ids)
    for key, queryset in (
        ("issues", Issue.objects.filter(pk__in=issue_ids)),
        ("tasks", Task.objects.filter(pk__in=task_ids)),
        ("inspections", Inspection.objects.filter(coded | Q(campaign__in=campaign_ids))),
        ("targets", Target.objects.filter(pk__in=target_ids)),
        ("pledges", Pledge.objects.filter(pk__in=pledge_ids)),
        ("criteria", Criterion.objects.filter(coded)),
        ("campaigns", Campaign.objects.filter(pk__in=campaign_ids)),
        ("places", Place.objects.filter(pk__in=place_ids)),
        ("grids", Grid.objects.filter(pk__in=grid_ids)),
    ):
        deleted[key] = queryset.delete()[0]
    # A user who is not the demo's but was put into a demo department keeps their account.
    User.objects.filter(department__in=department_ids).exclude(pk__in=user_ids).update(department=None)
    deleted["users"] = User.objects.filter(pk__in=user_ids).delete()[0]
    Department.objects.filter(pk__in=department_ids).update(parent=None, head=None)
    deleted["departments"] = Department.objects.filter(pk__in=department_ids).delete()[0]
    history = ((Issue, issue_ids), (Task, task_ids), (Target, target_ids), (Place, place_ids), (Grid, grid_ids))
    for model, ids in history:
        _delete_history(model, ids)
    return deleted


def _ids(queryset: models.QuerySet) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def _delete_history(model: type[models.Model], ids: Sequence[int]) -> None:
    """Remove the simple-history records (and their many-to-many records) of deleted objects."""
    historical = model.history.model
    history_ids = _ids(historical.objects.filter(id__in=ids))
    for relation in historical._meta.related_objects:
        relation.related_model.objects.filter(**{f"{relation.field.name}__in": history_ids}).delete()
    historical.objects.filter(pk__in=history_ids).delete()


def _refuse_leftovers() -> None:
    """Stop before loading on top of a half-removed demo or a user who has a demo username."""
    coded = Q(code__startswith=data.CODE_PREFIX)
    taken = sorted(User.objects.filter(username__in=data.usernames()).values_list("username", flat=True))
    leftovers = [
        model._meta.verbose_name_plural
        for model in (Department, Campaign, Grid, Place, Task, Criterion, Inspection, Issue, Target, Scheme)
        if model.objects.filter(coded).exists()
    ]
    if taken or leftovers:
        what = ", ".join([*map(str, leftovers), *(f"user {name}" for name in taken[:5])])
        raise ApplicationError(
            f"Part of the demo is already in the database ({what}); run load_demo --reset to replace it.",
            code="demo_leftovers",
        )


# The builder -----------------------------------------------------------------------------------------


def _aware(day: datetime.date, minutes: int) -> datetime.datetime:
    """``minutes`` after midnight of ``day`` in Liaocheng."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=minutes), SHANGHAI
    )


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, SHANGHAI).date()


def _coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into whole shares proportional to ``weights`` (largest remainder), each at least
    ``minimum``."""
    rest = total - minimum * len(weights)
    weight_sum = sum(weights)
    exact = [rest * weight / weight_sum for weight in weights]
    counts = [math.floor(share) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for index in by_remainder[: rest - sum(counts)]:
        counts[index] += 1
    return [count + minimum for count in counts]


def grid_lattice(
    *, rng: random.Random, rows: int, cols: int, centre: tuple[float, float], cell_km: float, jitter: float
) -> dict[tuple[int, int], tuple[float, float]]:
    """The corners of a ``rows`` × ``cols`` lattice of square cells of ``cell_km`` centred on
    ``centre`` (latitude, longitude), each moved at random by up to ``jitter`` of a cell. Keys are
    ``(row, column)`` from the north-west corner, values ``(longitude, latitude)``. Neighbouring
    cells share their corners, so grids drawn on it tile the area without gaps."""
    lat_step = cell_km / 111.0
    lng_step = cell_km / (111.32 * math.cos(math.radians(centre[0])))
    north, west = centre[0] + rows / 2 * lat_step, centre[1] - cols / 2 * lng_step
    return {
        (r, c): (
            west + (c + rng.uniform(-jitter, jitter)) * lng_step,
            north - (r + rng.uniform(-jitter, jitter)) * lat_step,
        )
        for r in range(rows + 1)
        for c in range(cols + 1)
    }


class LatticeCell:
    """One grid's quadrilateral of the jittered lattice, as its four corners (lng, lat)."""

    def __init__(
        self, nw: tuple[float, float], ne: tuple[float, float], se: tuple[float, float], sw: tuple[float, float]
    ) -> None:
        self.nw, self.ne, self.se, self.sw = nw, ne, se, sw

    def point(self, u: float, v: float) -> tuple[float, float]:
        """The point at ``u`` (west → east) and ``v`` (north → south), both in [0, 1], inside the cell."""
        north = (self.nw[0] + (self.ne[0] - self.nw[0]) * u, self.nw[1] + (self.ne[1] - self.nw[1]) * u)
        south = (self.sw[0] + (self.se[0] - self.sw[0]) * u, self.sw[1] + (self.se[1] - self.sw[1]) * u)
        return north[0] + (south[0] - north[0]) * v, north[1] + (south[1] - north[1]) * v

    def geometry(self) -> dict:
        # GeoJSON wants the exterior ring counter-clockwise and closed.
        ring = [self.sw, self.se, self.ne, self.nw, self.sw]
        return {"type": "Polygon", "coordinates": [[[round(lng, 6), round(lat, 6)] for lng, lat in ring]]}


class _UserPlan(NamedTuple):
    """A demo account to create; a named person of ``data`` overrides the title and role."""

    username: str
    department: str  # its code
    title: str
    role: str
    is_head: bool = False  # heads, like leaders, answer an office phone


class _DemoBuilder:
    """Builds the demo in memory, model by model, and writes each model with one ``bulk_create``."""

    def __init__(self, *, today: datetime.date) -> None:
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - a demo, not secrets
        # Minutes chosen to fit office hours depend on the weekday of ``today``; drawing them from
        # their own generator keeps every other choice, and so every count, the same on any day.
        self.clock = random.Random(SEED + 1)  # noqa: S311
        # Reasons for sending a rectification back come from their own generator too: however many
        # an issue needs, every other choice, and so every count, stays the same.
        self.reasons = random.Random(SEED + 2)  # noqa: S311
        # Nothing the demo records happens later than the evening before ``today``.
        self.latest = _aware(today - datetime.timedelta(days=1), 19 * 60 + 30)
        self.tasks: list[Task] = []
        self.task_places: list[tuple[Task, Place]] = []
        self.task_grids: list[tuple[Task, Grid]] = []
        self.reports: list[ProgressReport] = []
        self.task_created: dict[str, datetime.datetime] = {}  # task code → when it was set up
        self._rectifying = 0  # issues under rectification so far, to spread extension requests
        # The office hours and the official calendar over everything the demo dates, read once: every
        # clock and due date is counted with them, none with a query of its own.
        self.calendar = WorkingCalendar(today - datetime.timedelta(days=200), today + datetime.timedelta(days=200))
        self.working_time = office_working_time(calendar=self.calendar)

    def build(self) -> None:
        self._departments()
        self._users()
        self._campaigns()
        self._grids()
        self._places()
        self._criteria()
        self._pledged_tasks()
        self._inspections()
        self._issues()
        self._save_tasks()
        demo_assessment_load(
            today=self.today,
            latest=self.latest,
            campaign=self.campaigns[data.CIVILIZED],
            leader=self.users["leader"],
            appellant=self._liaison(data.URBAN_MANAGEMENT),
        )
        demo_citizens_load(latest=self.latest, office=self.users["inspector"])

    # Organisation ------------------------------------------------------------------------------------

    def _departments(self) -> None:
        seeds = data.departments()
        self.departments: dict[str, Department] = {}
        siblings: dict[str | None, int] = defaultdict(int)
        depth: dict[str, int] = {}
        for seed in seeds:
            depth[seed.code] = 0 if seed.parent is None else depth[seed.parent] + 1
        for level in sorted(set(depth.values())):
            batch = []
            for seed in seeds:
                if depth[seed.code] != level:
                    continue
                siblings[seed.parent] += 1
                batch.append(
                    Department(
                        code=seed.code,
                        name=seed.name,
                        short_name=seed.short_name,
                        kind=seed.kind,
                        parent=self.departments[seed.parent] if seed.parent else None,
                        sort_order=siblings[seed.parent],
                    )
                )
            for department in Department.objects.bulk_create(batch):
                self.departments[department.code] = department
        self.subdistricts = [self.departments[seed.code] for seed in data.SUBDISTRICTS]
        self.communities = {
            seed.code: [self.departments[f"{seed.code}-{n:02d}"] for n in range(1, len(seed.communities) + 1)]
            for seed in data.SUBDISTRICTS
        }
        self.bureaus = [self.departments[seed.code] for seed in data.DISTRICT_BUREAUS]

    def _users(self) -> None:
        named = {person.username: person for person in (*data.LOGINS, *data.SPEAKERS)}
        plans: list[_UserPlan] = []
        for seed in data.departments():
            head_role = (
                "inspector"
                if seed.code in data.INSPECTION_UNITS
                else "leader"
                if seed.kind in ("bureau", "district", "subdistrict")
                else "staff"
            )
            plans.append(_UserPlan(data.head_username(seed.code), seed.code, seed.head_title, head_role, is_head=True))
            plans.append(
                _UserPlan(data.liaison_username(seed.code), seed.code, f"{seed.short_name}创城联络员", "staff")
            )
        plans += [
            _UserPlan(username, department, title, "inspector") for username, department, title in data.EXTRA_INSPECTORS
        ]
        plans += [
            _UserPlan(username, data.DISTRICT, title, "leader")
            for username, title in zip(data.county_leader_usernames(), data.COUNTY_LEADER_TITLES, strict=True)
        ]
        planned = {plan.username for plan in plans}
        plans += [
            _UserPlan(p.username, p.department, p.title, p.role) for p in data.LOGINS if p.username not in planned
        ]

        generated = [plan for plan in plans if plan.username not in named]
        reserved = {person.family_name + person.given_name for person in named.values()}
        people = iter(names.person_names(len(generated), exclude=reserved))
        offices = iter(names.phone_numbers(len(plans), office=True))
        mobiles = iter(names.phone_numbers(len(plans), office=False))
        password = make_password(data.PASSWORD)  # hashing is slow by design: once for everyone
        groups = {group.name: group for group in Group.objects.all()}
        missing = {plan.role for plan in plans} - set(groups)
        if missing:
            raise ApplicationError(f"The role groups {sorted(missing)} are missing; run migrate first.")

        users, roles = [], []
        for plan in plans:
            username, title, role = plan.username, plan.title, plan.role
            person = named.get(username)
            if person is not None:
                family, given, title, role = person.family_name, person.given_name, person.title, person.role
            else:
                family, given = next(people)
            users.append(
                User(
                    username=username,
                    password=password,
                    last_name=family,
                    first_name=given,
                    email=f"{username}@liaocheng.example",
                    title=title,
                    phone=next(offices) if plan.is_head or role == "leader" else next(mobiles),
                    department=self.departments[plan.department],
                    is_staff=bool(person and person.is_superuser),
                    is_superuser=bool(person and person.is_superuser),
                )
            )
            roles.append(role)
        User.objects.bulk_create(users)
        self.users = {user.username: user for user in users}
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=user.pk, group_id=groups[role].pk) for user, role in zip(users, roles, strict=True)]
        )
        for code, department in self.departments.items():
            department.head = self.users[data.head_username(code)]
        Department.objects.bulk_update(self.departments.values(), ["head"])

    def _head(self, code: str) -> User:
        return self.users[data.head_username(code)]

    def _liaison(self, code: str) -> User:
        return self.users[data.liaison_username(code)]

    # Campaigns and pledges ---------------------------------------------------------------------------

    def _campaigns(self) -> None:
        leader = self.users["leader"]
        self.campaigns = {
            campaign.code: campaign
            for campaign in Campaign.objects.bulk_create(
                [
                    Campaign(
                        code=seed.code,
                        name=seed.name,
                        kind=seed.kind,
                        description=seed.description,
                        start_date=data.MEETING_DATE,
                        leader=leader,
                    )
                    for seed in data.CAMPAIGNS
                ]
            )
        }
        pledges = Pledge.objects.bulk_create(
            [
                Pledge(
                    campaign=self.campaigns[seed.campaign],
                    department=self.departments[seed.department],
                    speaker=seed.speaker,
                    speaker_title=seed.speaker_title,
                    headline=seed.headline,
                    statement=data.statement(seed.department),
                    date=data.MEETING_DATE,
                    sort_order=order,
                )
                for order, seed in enumerate(data.PLEDGES, start=1)
            ]
        )
        self.pledges = {pledge.department.code: pledge for pledge in pledges}
        targets = Target.objects.bulk_create(
            [
                Target(
                    pledge=self.pledges[seed.pledge],
                    code=seed.code,
                    name=seed.name,
                    unit=seed.unit,
                    baseline=seed.baseline,
                    target_value=seed.target_value,
                    direction=seed.direction,
                    deadline=seed.deadline,
                    sort_order=order,
                )
                for order, seed in enumerate(data.TARGETS, start=1)
            ]
        )
        self.targets = {target.code: target for target in targets}

    # The city ----------------------------------------------------------------------------------------

    def _grids(self) -> None:
        rng = self.rng
        rows, cols = len(data.GRID_MAP), len(data.GRID_MAP[0])
        corners = grid_lattice(
            rng=rng,
            rows=rows,
            cols=cols,
            centre=(data.CENTRE_LATITUDE, data.CENTRE_LONGITUDE),
            cell_km=data.CELL_KM,
            jitter=0.18,
        )
        cells_by_subdistrict: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for r, row in enumerate(data.GRID_MAP):
            for c, key in enumerate(row):
                if key != ".":
                    cells_by_subdistrict[data.GRID_MAP_KEYS[key]].append((r, c))

        self.grids: list[Grid] = []
        self.cells: dict[str, LatticeCell] = {}
        self.outer_grids: list[Grid] = []
        leaders = iter(
            itertools.chain.from_iterable(
                [self.users[username]] * count
                for username, count in zip(data.county_leader_usernames(), data.GRIDS_PER_LEADER, strict=True)
            )
        )
        for subdistrict in self.subdistricts:
            for number, (r, c) in enumerate(cells_by_subdistrict[subdistrict.code], start=1):
                cell = LatticeCell(corners[r, c], corners[r, c + 1], corners[r + 1, c + 1], corners[r + 1, c])
                centre = cell.point(0.5, 0.5)
                grid = Grid(
                    code=f"LC-G{len(self.grids) + 1:02d}",
                    name=f"{subdistrict.name}第{number}网格",
                    subdistrict=subdistrict,
                    leader=next(leaders),
                    boundary=cell.geometry(),
                    latitude=_coordinate(centre[1]),
                    longitude=_coordinate(centre[0]),
                )
                self.grids.append(grid)
                self.cells[grid.code] = cell
                if r in (0, rows - 1) or c in (0, cols - 1):
                    self.outer_grids.append(grid)
        if len(self.grids) != data.GRID_COUNT:
            raise ApplicationError(f"The grid map has {len(self.grids)} cells, not {data.GRID_COUNT}.")
        Grid.objects.bulk_create(self.grids)

        # 帮包: one to three district departments per grid, every department somewhere.
        self.grid_departments: dict[str, list[Department]] = {
            grid.code: rng.sample(self.bureaus, rng.choice((1, 2, 2, 2, 3))) for grid in self.grids
        }
        for bureau in self.bureaus:
            if not any(bureau in assigned for assigned in self.grid_departments.values()):
                fewest = min(self.grids, key=lambda grid: len(self.grid_departments[grid.code]))
                self.grid_departments[fewest.code].append(bureau)
        through = Grid.departments.through
        through.objects.bulk_create(
            [
                through(grid_id=grid.pk, department_id=department.pk)
                for grid in self.grids
                for department in self.grid_departments[grid.code]
            ]
        )

    def _places(self) -> None:
        rng = self.rng
        profile = {seed.code: seed for seed in data.SUBDISTRICTS}
        jitter = [rng.uniform(0.7, 1.3) for _grid in self.grids]

        def weights(kind: str) -> list[float]:
            result = []
            for grid, factor in zip(self.grids, jitter, strict=True):
                weight = getattr(profile[grid.subdistrict.code], kind) * factor
                if kind == "villages":
                    weight *= 1.6 if grid in self.outer_grids else 0.5
                result.append(weight)
            return result

        street_counts = apportion(data.STREET_COUNT, weights("streets"), minimum=1)
        compound_counts = apportion(data.COMPOUND_COUNT, weights("compounds"), minimum=3)
        village_counts = apportion(data.VILLAGE_COUNT, weights("villages"))
        # Streets lie in the neighbourhood their names say (古楼南街 in 古楼街道), compounds beside the
        # street or in the neighbourhood theirs say (兴华佳苑 by 兴华东路); the others fill the grids' places.
        self.grid_streets: dict[str, list[str]] = {}
        street_plan = self._placed_by_name(names.street_names(data.STREET_COUNT), street_counts, minimum=1)
        for grid, own_streets in zip(self.grids, street_plan, strict=True):
            self.grid_streets[grid.code] = own_streets
        compound_plan = self._placed_by_name(names.compound_names(data.COMPOUND_COUNT), compound_counts, minimum=3)
        villages = iter(names.village_names(data.VILLAGE_COUNT))
        companies = names.property_company_names(12)

        self.places: list[Place] = []
        serial: dict[str, int] = defaultdict(int)
        for index, grid in enumerate(self.grids):
            own_streets = self.grid_streets[grid.code]
            for name in own_streets:
                if names.is_road(name):
                    length = rng.randrange(900, 4200, 10)
                elif names.is_lane(name):
                    length = rng.randrange(120, 600, 10)
                else:
                    length = rng.randrange(300, 1500, 10)
                self._place(grid, "street", name, serial, length_m=length, address=self._address(grid, name))
            for name in compound_plan[index]:
                old = names.is_old_compound(name)
                self._place(
                    grid,
                    "compound",
                    name,
                    serial,
                    households=rng.randrange(48, 360) if old else rng.randrange(180, 2600),
                    property_company="" if old or rng.random() < 0.15 else rng.choice(companies),
                    address=self._street_address(grid, name),
                )
            for _ in range(village_counts[index]):
                name = next(villages)
                self._place(
                    grid, "village", name, serial, households=rng.randrange(120, 950), address=self._address(grid, name)
                )

        grids_of = defaultdict(list)
        for grid in self.grids:
            grids_of[grid.subdistrict.code].append(grid)
        for subdistrict in self.subdistricts:
            for number, community in enumerate(self.communities[subdistrict.code]):
                grid = grids_of[subdistrict.code][number % len(grids_of[subdistrict.code])]
                self._place(
                    grid,
                    "community",
                    community.name,
                    serial,
                    territorial_unit=community,
                    address=self._street_address(grid),
                )
        inner = [grid for grid in self.grids if grid not in self.outer_grids]
        for kind, generated, pool in (
            ("market", names.market_names(data.MARKET_COUNT), self.grids),
            ("school", names.school_names(data.SCHOOL_COUNT), self.grids),
            ("small_trade", names.shop_names(data.SMALL_TRADE_COUNT), inner),
        ):
            for name in generated:
                # A school or market named after a street or a neighbourhood (东昌府区利民路中学, 东关早市)
                # stands there; one named otherwise (聊城市第九中学) anywhere.
                homes = [grid for grid in self._grids_named_by(name) if grid in pool] or pool
                grid = rng.choice(homes)
                self._place(grid, kind, name, serial, address=self._street_address(grid, name))
        for name, subdistrict_code in data.PUBLIC_PLACES:
            grid = rng.choice(grids_of[subdistrict_code])
            self._place(grid, "public_place", name, serial, address=self._street_address(grid))

        Place.objects.bulk_create(self.places)
        self.places_by_kind: dict[str, list[Place]] = defaultdict(list)
        for place in self.places:
            self.places_by_kind[place.kind].append(place)

    def _address(self, grid: Grid, name: str) -> str:
        return f"{data.ADDRESS_PREFIX}{grid.subdistrict.name}{name}"

    def _localities(self) -> dict[str, str]:
        """The words that name a neighbourhood → its subdistrict's code: each subdistrict's name and its
        communities' (古楼 and 大隅首 → 古楼街道)."""
        words = {}
        for seed in data.SUBDISTRICTS:
            words[seed.name.removesuffix("街道")] = seed.code
            for community in seed.communities:
                words.setdefault(community.removesuffix("社区"), seed.code)
        return words

    def _grids_named_by(self, name: str, *, streets: bool = True) -> list[Grid]:
        """The grids ``name`` says it lies in: those with a street of the root it begins with (利民路中学:
        the grids of 利民东路 and 利民街), else those of the neighbourhood it names (古楼南街: 古楼街道's);
        none when it names neither."""
        localities = self._localities()
        roots: dict[str, list[Grid]] = defaultdict(list)
        if streets:
            for grid in self.grids:
                for street in self.grid_streets.get(grid.code, ()):
                    roots[names.street_root(street)].append(grid)
        word = names.named_after(name, [*roots, *localities])
        if word is None:
            return []
        if word in roots:
            return list(dict.fromkeys(roots[word]))
        return [grid for grid in self.grids if grid.subdistrict.code == localities[word]]

    def _placed_by_name(self, generated: list[str], counts: list[int], *, minimum: int) -> list[list[str]]:
        """Share ``generated`` names among the grids, ``counts[i]`` to the i-th: a name that says where
        it lies (``_grids_named_by``) goes to the grid there with the most room, taking a place from a
        grid elsewhere when they are full; the other names fill the rest in order."""
        slots = list(counts)
        placed: list[list[str]] = [[] for _grid in self.grids]
        index_of = {grid.code: index for index, grid in enumerate(self.grids)}
        unnamed = []
        for name in generated:
            homes = [index_of[grid.code] for grid in self._grids_named_by(name)]
            if not homes:
                unnamed.append(name)
                continue
            home = max(homes, key=lambda i: (slots[i] - len(placed[i]), -i))
            if len(placed[home]) >= slots[home]:
                donors = [
                    i for i in range(len(slots)) if i not in homes and slots[i] > len(placed[i]) and slots[i] > minimum
                ]
                if not donors:
                    unnamed.append(name)
                    continue
                donor = max(donors, key=lambda i: (slots[i] - len(placed[i]), -i))
                slots[donor] -= 1
                slots[home] += 1
            placed[home].append(name)
        rest = iter(unnamed)
        for index, names_here in enumerate(placed):
            names_here += [next(rest) for _ in range(slots[index] - len(names_here))]
        return placed

    def _street_address(self, grid: Grid, name: str = "") -> str:
        """An address on one of the grid's streets: the one ``name`` is named after, if the grid has it."""
        own = self.grid_streets[grid.code]
        root = names.named_after(name, {names.street_root(street) for street in own}) if name else None
        if root is not None:
            street = next(street for street in own if names.street_root(street) == root)
        else:
            street = self.rng.choice(own)
        return self._address(grid, f"{street}{self.rng.randrange(1, 300)}号")

    def _place(self, grid: Grid, kind: str, name: str, serial: dict[str, int], **facts) -> None:
        """Add a place of ``kind`` in ``grid``, answered for by its subdistrict or one of its communities
        (属地) and by one of the grid's departments and its leader or that department's head (帮包)."""
        rng = self.rng
        serial[kind] += 1
        number = serial[kind]
        prefix = {
            "street": "ST",
            "compound": "CP",
            "village": "VL",
            "community": "CM",
            "market": "MK",
            "school": "SC",
            "small_trade": "SH",
            "public_place": "PP",
        }[kind]
        department = self.grid_departments[grid.code][number % len(self.grid_departments[grid.code])]
        if kind in ("street", "village") or (kind == "compound" and number % 2 == 0):
            leader = grid.leader
        else:
            leader = self._head(department.code)
        communities = self.communities[grid.subdistrict.code]
        facts.setdefault(
            "territorial_unit",
            grid.subdistrict if kind in ("street", "village") else communities[number % len(communities)],
        )
        lng, lat = self.cells[grid.code].point(rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9))
        self.places.append(
            Place(
                code=f"LC-{prefix}-{number:03d}",
                name=name,
                kind=kind,
                grid=grid,
                latitude=_coordinate(lat),
                longitude=_coordinate(lng),
                assigned_department=department,
                assigned_leader=leader,
                **facts,
            )
        )

    def _criteria(self) -> None:
        self.criterion_seeds = {seed.code: seed for seed in data.CRITERIA}
        self.criteria = Criterion.objects.bulk_create(
            [
                Criterion(
                    code=seed.code,
                    category=seed.category,
                    title=seed.title,
                    requirement=seed.requirement,
                    points=seed.points,
                    default_department=self.departments[seed.owner] if seed.owner else None,
                    lead=seed.lead,
                    dispatch_limit=seed.dispatch_limit,
                    rectify_limit=seed.rectify_limit,
                    verify_limit=seed.verify_limit,
                )
                for seed in data.CRITERIA
            ]
        )
        assisting = Criterion.assisting_departments.through
        assisting.objects.bulk_create(
            assisting(criterion_id=criterion.pk, department_id=self.departments[code].pk)
            for criterion in self.criteria
            for code in self.criterion_seeds[criterion.code].assisting
        )

    # Pledged work ------------------------------------------------------------------------------------

    def _task_seeds(self) -> list[tuple[data.TaskSeed, list[Place], list[Grid]]]:
        """Every pledged task with the places or grids it covers, in the order of the pledges."""
        planned = [self._with_scope(seed) for seed in data.URBAN_MANAGEMENT_TASKS]
        for area_number, (area, kind) in enumerate(data.SIX_AREAS):
            for offset in range(data.SUBDISTRICTS_PER_AREA):
                index = (area_number * data.SUBDISTRICTS_PER_AREA + offset) % len(self.subdistricts)
                subdistrict = self.subdistricts[index]
                seed = data.TaskSeed(
                    f"LC-DCF-A{area_number + 1}-{subdistrict.code.rsplit('-', 1)[1]}",
                    data.CIVILIZED,
                    f"{area}规范提升（{subdistrict.name}）",
                    data.DISTRICT,
                    subdistrict.code,
                    description=f"坚持区域属地管理、帮包责任管理双管齐下，发挥党员力量，"
                    f"对{subdistrict.name}辖区{area}进行规范提升。",
                )
                # The area's places in the subdistrict; where it has none (no market), its grids.
                places = [p for p in self.places_by_kind[kind] if p.grid.subdistrict_id == subdistrict.pk]
                grids = [] if places else [g for g in self.grids if g.subdistrict_id == subdistrict.pk]
                planned.append((seed, places, grids))
        for seed in (*data.DISTRICT_TASKS, *data.HEALTH_TASKS, *data.HOUSING_TASKS, *data.TRAFFIC_TASKS):
            planned.append(self._with_scope(seed))
        return planned

    def _with_scope(self, seed: data.TaskSeed) -> tuple[data.TaskSeed, list[Place], list[Grid]]:
        if seed.scope is None:
            return seed, [], []
        what, count = seed.scope
        if what in ("grid", "outer_grid"):
            pool = self.grids if what == "grid" else self.outer_grids
            return seed, [], sorted(self.rng.sample(pool, min(count or len(pool), len(pool))), key=lambda g: g.code)
        pool = self._place_pool(what)
        return seed, sorted(self.rng.sample(pool, min(count or len(pool), len(pool))), key=lambda p: p.code), []

    def _place_pool(self, what: str) -> list[Place]:
        if what == "road":
            return [p for p in self.places_by_kind["street"] if names.is_road(p.name)]
        if what == "lane":
            return [p for p in self.places_by_kind["street"] if names.is_lane(p.name)]
        if what == "old_compound":
            return [p for p in self.places_by_kind["compound"] if names.is_old_compound(p.name)]
        return self.places_by_kind[what]

    def _schedules(self, seeds: list[data.TaskSeed]) -> list[str]:
        """The schedule each pledged task follows: a shuffled SCHEDULE_MIX, the rest running."""
        ordinary = sum(1 for seed in seeds if seed.target is None)
        counts = [(name, round(ordinary * share)) for name, share in SCHEDULE_MIX]
        counts.append(("running", ordinary - sum(number for _name, number in counts)))
        mix = [name for name, number in counts for _ in range(number)]
        self.rng.shuffle(mix)
        mix_iter, target_iter = iter(mix), itertools.cycle(TARGET_SCHEDULES)
        return [next(target_iter) if seed.target else next(mix_iter) for seed in seeds]

    def _pledged_tasks(self) -> None:
        planned = self._task_seeds()
        schedules = self._schedules([seed for seed, _places, _grids in planned])
        special = list(data.SPECIAL_CAMPAIGNS)
        for index, ((seed, places, grids), schedule) in enumerate(zip(planned, schedules, strict=True)):
            description = seed.description
            if seed.department == data.URBAN_MANAGEMENT:
                # LC-CGJ-<n>-<m> is the m-th piece of the n-th special campaign.
                name, text = special[int(seed.code.split("-")[2]) - 1]
                description = f"{name}：{text}"
            start, due, status, percent, completed = self._schedule(schedule, started=seed.target is not None)
            task = Task(
                campaign=self.campaigns[seed.campaign],
                code=seed.code,
                title=seed.title,
                description=description,
                kind=seed.kind,
                priority=seed.priority,
                department=self.departments[seed.department],
                section=self.departments[seed.section],
                accountable=self._liaison(seed.section) if index % 3 == 2 else self._head(seed.section),
                target=self.targets[seed.target] if seed.target else None,
                start_date=start,
                due_date=due,
                status=status,
                percent=percent,
                completed_at=completed,
                created_by=self._head(seed.department),
            )
            task.due_at, task.yellow_at = Task.pledged_clock(due, calendar=self.calendar)
            self._add_task(task, places, grids, created=_aware(start, 9 * 60))
            self._pledged_progress(task, seed)

    def _schedule(
        self, schedule: str, *, started: bool
    ) -> tuple[datetime.date, datetime.date, str, int, datetime.datetime | None]:
        """Start, due date, status, percent and completion of a pledged task following ``schedule``;
        a ``started`` task (one counting toward a target) has always reported some progress."""
        rng, today = self.rng, self.today

        def ago(low: int, high: int) -> datetime.date:
            return today - datetime.timedelta(days=rng.randint(low, high))

        def ahead(low: int, high: int) -> datetime.date:
            return today + datetime.timedelta(days=rng.randint(low, high))

        completed = None
        if schedule in ("done", "done_late"):
            start = ago(24, 42)
            due = max(ago(3, 21) if schedule == "done" else ago(8, 21), start + datetime.timedelta(days=7))
            if schedule == "done":
                finished = max(due - datetime.timedelta(days=rng.randint(0, 5)), start + datetime.timedelta(days=3))
            else:
                finished = min(due + datetime.timedelta(days=rng.randint(1, 6)), today - datetime.timedelta(days=1))
            completed = _aware(finished, rng.randint(15 * 60, 18 * 60))
            return start, due, Task.Status.DONE, 100, completed
        if schedule == "overdue":
            start = ago(20, 42)
            due = max(ago(1, 18), start + datetime.timedelta(days=5))
            if rng.random() < 0.25 and not started:
                return start, due, Task.Status.TODO, 0, None
            return start, due, Task.Status.IN_PROGRESS, rng.randint(30, 85), None
        if schedule == "due_soon":
            return ago(10, 35), ahead(0, 4), Task.Status.IN_PROGRESS, rng.randint(55, 95), None
        if schedule == "todo":
            return ago(1, 10), ahead(14, 56), Task.Status.TODO, 0, None
        if schedule == "cancelled":
            start = ago(14, 40)
            due = max(ahead(-10, 30), start)
            return start, due, Task.Status.CANCELLED, rng.choice((0, 10, 20, 30)), None
        return ago(3, 42), ahead(7, 56), Task.Status.IN_PROGRESS, rng.randint(10, 70), None

    def _pledged_progress(self, task: Task, seed: data.TaskSeed) -> None:
        """A few progress reports climbing to the task's percent, with quantities toward its target."""
        if task.percent == 0:
            return
        rng = self.rng
        steps = 1 + min(task.percent // 25, 3)
        percents = sorted(rng.sample(range(5, task.percent), steps - 1)) if task.percent > steps + 5 else []
        percents.append(task.percent)
        first = max(task.start_date, self.today - datetime.timedelta(days=35))
        last = _local_date(task.completed_at) if task.completed_at else self.today - datetime.timedelta(days=1)
        moments = self._moments(first, last, len(percents), end=task.completed_at)
        authors = [task.accountable, self._liaison(seed.section)]
        target = self.targets[seed.target] if seed.target else None
        reached, total = 0, Decimal(0)
        for number, (percent, moment) in enumerate(zip(percents, moments, strict=True)):
            notes = next(notes for limit, notes in data.PROGRESS_NOTES if percent <= limit)
            note = notes[number % len(notes)]
            quantity = None
            if target is not None and seed.planned is not None:
                step = Decimal(1) if target.unit != "%" else Decimal("0.1")
                quantity = (seed.planned * (percent - reached) / 100).quantize(step)
                total += quantity
                note += data.QUANTITY_NOTE.format(quantity=_plain(quantity), unit=target.unit, total=_plain(total))
            reached = percent
            self.reports.append(
                ProgressReport(
                    task=task,
                    author=authors[number % 2],
                    created=moment,
                    percent=percent,
                    quantity=quantity,
                    note=note,
                    is_final=task.status == Task.Status.DONE and percent == 100,
                )
            )
        if task.status == Task.Status.CANCELLED:
            self.reports.append(
                ProgressReport(
                    task=task,
                    author=task.accountable,
                    created=moments[-1] + datetime.timedelta(minutes=30),
                    note="根据工作部署调整，本任务并入其他任务，予以取消。",
                )
            )

    def _moments(
        self, first: datetime.date, last: datetime.date, count: int, *, end: datetime.datetime | None = None
    ) -> list[datetime.datetime]:
        """``count`` increasing office-hour moments spread from ``first`` to ``last``; the last one is
        ``end`` when given (a task's completion is its final report)."""
        last = max(first, last)
        span = (last - first).days
        days = [first + datetime.timedelta(days=round(span * (n + 1) / count)) for n in range(count)]
        moments = [min(_aware(day, self.rng.randint(8 * 60 + 30, 18 * 60)), self.latest) for day in days]
        if end is not None:
            moments[-1] = end
        # Walk back from the last so that every report is at least 20 minutes before the next.
        for index in range(len(moments) - 2, -1, -1):
            moments[index] = min(moments[index], moments[index + 1] - datetime.timedelta(minutes=20))
        return moments

    def _add_task(
        self, task: Task, places: Sequence[Place], grids: Sequence[Grid], *, created: datetime.datetime
    ) -> None:
        self.tasks.append(task)
        self.task_created[task.code] = created
        self.task_places += [(task, place) for place in places]
        self.task_grids += [(task, grid) for grid in grids]

    # Inspections and issues --------------------------------------------------------------------------

    def _inspections(self) -> None:
        rng = self.rng
        self.inspections = []
        members, scopes = [], []
        for seed in data.INSPECTIONS:
            date = self.today - datetime.timedelta(days=seed.days_ago)
            inspection = Inspection(
                campaign=self.campaigns[seed.campaign],
                code=seed.code,
                title=seed.title,
                kind=seed.kind,
                team=seed.team,
                leader=self.users[seed.leader],
                date=date,
                end_date=date + datetime.timedelta(days=seed.days - 1),
                scope="东昌府区城区全部61个网格"
                if seed.grids >= data.GRID_COUNT
                else f"东昌府区城区{seed.grids}个网格（随机抽查）",
            )
            self.inspections.append(inspection)
            members.append([self.users[username] for username in seed.members])
            scopes.append(sorted(rng.sample(self.grids, min(seed.grids, len(self.grids))), key=lambda g: g.code))
        Inspection.objects.bulk_create(self.inspections)
        Inspection.members.through.objects.bulk_create(
            [
                Inspection.members.through(inspection_id=inspection.pk, user_id=user.pk)
                for inspection, team in zip(self.inspections, members, strict=True)
                for user in team
            ]
        )
        Inspection.grids.through.objects.bulk_create(
            [
                Inspection.grids.through(inspection_id=inspection.pk, grid_id=grid.pk)
                for inspection, grids in zip(self.inspections, scopes, strict=True)
                for grid in grids
            ]
        )
        self.inspection_teams = members
        self.inspection_grids = scopes

    def _issues(self) -> None:
        rng = self.rng
        stories: list[_Story] = []
        for inspection, seed, team, scope in zip(
            self.inspections, data.INSPECTIONS, self.inspection_teams, self.inspection_grids, strict=True
        ):
            criteria = [c for c in self.criteria if data.CATEGORIES[c.category][1] == seed.campaign]
            in_scope = {grid.pk for grid in scope}
            reporters = [inspection.leader, *team]
            for _ in range(seed.issues):
                criterion = rng.choice(criteria)
                kinds = data.CATEGORIES[criterion.category][0]
                candidates = [p for kind in kinds for p in self.places_by_kind[kind] if p.grid_id in in_scope]
                place = rng.choice(candidates or [p for kind in kinds for p in self.places_by_kind[kind]])
                days_ago = seed.days_ago - rng.randrange(seed.days)
                code = f"LC-Q{len(stories) + 1:03d}"
                stories.append(self._story(code, inspection, criterion, place, rng.choice(reporters), days_ago))
        stories += self._showcases(first=len(stories) + 1)
        for number, story in enumerate(stories, start=1):
            story.issue.source = _source(number)
        stories += self._evaluation_failures()
        for story in stories:
            if story.issue.dispatched_at is not None:
                self._rectification_task(story)
        # bulk_create copies the primary keys of the objects it has just saved into those that refer to them.
        Task.objects.bulk_create(self.tasks)
        for task in self.tasks:
            task.created = self.task_created[task.code]
        Task.objects.bulk_update(self.tasks, ["created"])
        issues = Issue.objects.bulk_create([story.issue for story in stories])
        for issue in issues:
            issue.created = issue.reported_at
        Issue.objects.bulk_update(issues, ["created"])
        IssueEvent.objects.bulk_create([event for story in stories for event in self._events(story)])
        StageClock.objects.bulk_create([clock for story in stories for clock in self._clocks(story)])
        suspended = [story for story in stories if story.timeline.suspension is not None]
        suspensions = Suspension.objects.bulk_create([self._suspension(story) for story in suspended])
        for story, suspension in zip(suspended, suspensions, strict=True):
            suspension.created = suspension.updated = story.timeline.suspension.asked
        Suspension.objects.bulk_update(suspensions, ["created", "updated"])
        extended = [story for story in stories if story.timeline.extension is not None]
        requests = ExtensionRequest.objects.bulk_create([self._extension_request(story) for story in extended])
        for story, request in zip(extended, requests, strict=True):
            request.created = request.updated = story.timeline.extension.asked
        ExtensionRequest.objects.bulk_update(requests, ["created", "updated"])
        write_observations(self.evaluation)

    def _evaluation_failures(self) -> list["_Story"]:
        """The mock evaluation's rounds (``demo.evaluation``), and the closed round's failures as issues filed
        when their sheets were sent, from their own random generator so that every other choice stays the same."""
        users = self.users
        observers = [users[name] for name in ("lc-dcf-inspector-1", "lc-dcf-inspector-2", "lc-ccb-dc-2", "lc-ccb-dc-3")]
        self.evaluation = plan_failures(
            today=self.today,
            campaign=self.campaigns[data.CIVILIZED],
            criteria=[c for c in self.criteria if data.CATEGORIES[c.category][1] == data.CIVILIZED],
            places=[place for places in self.places_by_kind.values() for place in places],
            inspector=users["inspector"],
            partner=users["lc-ccb-dc-1"],
            observers=observers,
            leader=users["leader"],
        )
        inspection = self.evaluation.round.inspection
        inspection.leader = observers[0]
        inspection.save(update_fields=["leader"])
        saved, self.rng = self.rng, random.Random(SEED + 3)  # noqa: S311 - a demo, not secrets
        stories = [
            self._evaluation_story(f"LC-PC{number:03d}", inspection, failure)
            for number, failure in enumerate(self.evaluation.failures, start=1)
        ]
        self.rng = saved
        return stories

    def _evaluation_story(self, code: str, inspection: Inspection, failure: EvaluationFailure) -> "_Story":
        """A failure of the March 2018 round as the sheet's submission filed it (``issue_file``: filed and
        dispatched at once by the inspector who sent the sheet), then rectified, verified and closed that
        spring, each step in office hours on that spring's working calendar, whatever day the demo is loaded
        on: the round's figures are its own and nothing of it runs into this week's."""
        rng, wt = self.rng, self.working_time
        criterion, place, filed = failure.criterion, failure.place, failure.filed_at
        # What the inspector wrote on the sheet, and the issue's description as the sheet's submission makes it.
        finding = rng.choice(self.criterion_seeds[criterion.code].findings).format(place=place.name)
        failure.observation.note = finding
        description = f"{failure.observation.standard.text}：{finding}"
        issue = _demo_issue(
            code,
            inspection,
            place,
            criterion,
            description=description,
            reporter=failure.observer,
            at=filed,
            source=Issue.Source.EVALUATION,
            department=issue_route(place=place, criterion=criterion).department,
        )
        failure.issue = issue
        t = Timeline(reported=filed, description=description, dispatched=filed)
        story = _Story(issue=issue, timeline=t, dispatcher=failure.observer)
        story.section, story.accountable = self._in_charge(issue)
        deadline = story.deadline = wt.add(filed, criterion.limit(Stage.RECTIFY))
        # Office minutes from dispatch to the deadline (or to a few days before the load day, for a demo
        # loaded while the round's limits still run): each step is a share of them.
        horizon = min(deadline, self.latest - datetime.timedelta(days=2))
        span = max(wt.between(filed, horizon), 60)
        t.started = wt.add_minutes(filed, span * rng.uniform(0.05, 0.2))
        rectification = self.criterion_seeds[criterion.code].rectification
        late = rng.random() < 0.1 and deadline < horizon  # rectified, but after the deadline
        if rng.random() < 0.15:  # sent back once for rework
            first = wt.add_minutes(filed, span * 0.3)
            back = wt.add_minutes(first, min(120, span * 0.1))
            t.send_backs = [
                SendBack(
                    submitted=first,
                    note=data.submission_note(rectification, 0),
                    sent_back=back,
                    reason=self.reasons.choice(data.SEND_BACK_REASONS),
                )
            ]
            t.submitted = wt.add_minutes(back, span * rng.uniform(0.2, 0.45))
            t.submission_note = data.submission_note(rectification, 1)
        elif late:
            t.submitted = wt.add_minutes(deadline, rng.uniform(60, 600))
            t.submission_note = data.submission_note(rectification, 0)
        else:
            t.submitted = wt.add_minutes(filed, span * rng.uniform(0.3, 0.9))
            t.submission_note = data.submission_note(rectification, 0)
        verify_by = min(wt.add(t.submitted, criterion.limit(Stage.VERIFY)), self.latest)
        t.closed = wt.add_minutes(t.submitted, max(wt.between(t.submitted, verify_by), 1) * rng.uniform(0.2, 0.8))
        t.verification_note = data.VERIFIED_NOTE
        self._plan(story)
        return story

    def _story(
        self,
        code: str,
        inspection: Inspection,
        criterion: Criterion,
        place: Place,
        reporter: User,
        days_ago: int,
        status: str | None = None,
    ) -> "_Story":
        """An issue found ``days_ago``, taken as far along its workflow as its age makes likely (or to ``status``)."""
        rng = self.rng
        seed = self.criterion_seeds[criterion.code]
        weights = next(table for limit, table in ISSUE_STATUS_WEIGHTS if days_ago >= limit)
        status = status or rng.choices(list(weights), list(weights.values()))[0]
        reported_at = min(_aware(self.today - datetime.timedelta(days=days_ago), rng.randint(510, 1050)), self.latest)
        description = rng.choice(seed.findings).format(place=place.name)
        issue = _demo_issue(
            code, inspection, place, criterion, description=description, reporter=reporter, at=reported_at
        )
        story = _Story(
            issue=issue, timeline=Timeline(reported=reported_at, description=description), dispatcher=inspection.leader
        )
        self._walk(story, status, days_ago)
        self._plan(story)
        return story

    def _plan(self, story: "_Story") -> None:
        """The issue's workflow fields and clocks: what the services would have left after its steps."""
        issue = story.issue
        workflow = story.workflow = plan_workflow(
            story.timeline, limits=issue.criterion, working_time=self.working_time
        )
        issue.status = workflow.status
        issue.dispatched_at, issue.deadline = workflow.dispatched_at, workflow.deadline
        issue.submitted_at, issue.closed_at = workflow.submitted_at, workflow.closed_at
        issue.rework_count, issue.rectification_note = workflow.rework_count, workflow.rectification_note
        issue.return_reason = workflow.return_reason
        for field, value in workflow.clock_columns().items():
            setattr(issue, field, value)

    def _walk(self, story: "_Story", status: str, days_ago: int) -> None:
        """Choose when the story's issue took each step on its way to ``status``."""
        rng, issue, t = self.rng, story.issue, story.timeline
        if status == Issue.Status.REPORTED:
            return
        issue.department = issue_route(place=issue.place, criterion=issue.criterion).department
        story.section, story.accountable = self._in_charge(issue)
        t.dispatched = self._clamp(t.reported + datetime.timedelta(hours=rng.uniform(0.5, 20)), t.reported)
        deadline = story.deadline = self.working_time.add(t.dispatched, issue.criterion.limit(Stage.RECTIFY))
        # Until the deadline, or until yesterday evening if that comes first.
        horizon = min(deadline, self.latest)
        if status == Issue.Status.RETURNED:
            t.returned = self._clamp(t.dispatched + datetime.timedelta(hours=rng.uniform(1, 30)), t.dispatched)
            t.return_reason = rng.choice(data.RETURN_REASONS)
            return
        if status == Issue.Status.DISPATCHED:
            return
        rectification = self.criterion_seeds[issue.criterion.code].rectification
        if status == Issue.Status.RECTIFYING:
            t.started = self._office(self._between(t.dispatched, horizon, 0.1, 0.3), before=horizon)
            if days_ago >= 4 and rng.random() < 0.4:
                rework = rng.choice((1, 1, 2))
                last = self._clamp(self.latest - datetime.timedelta(hours=rng.uniform(2, 72)), t.started)
                t.send_backs = self._send_backs(rectification, t.started, last, rework)
            else:
                # Three in four issues under rectification asked for more time, with every outcome.
                self._rectifying += 1
                outcome = EXTENSION_OUTCOMES[self._rectifying % len(EXTENSION_OUTCOMES)]
                if outcome:
                    self._extension(t, outcome, issue.criterion, deadline)
            return
        late = status == Issue.Status.CLOSED and rng.random() < 0.2  # rectified, but after the deadline
        if late:
            submitted = deadline + datetime.timedelta(hours=rng.uniform(2, 60))
        else:
            submitted = self._between(t.dispatched, deadline, 0.2, 0.7)
        t.submitted = self._clamp(submitted, t.dispatched)
        t.submission_note = data.submission_note(rectification, 0)
        t.started = self._office(self._between(t.dispatched, t.submitted, 0.1, 0.3), before=t.submitted)
        if status == Issue.Status.CLOSED:
            closed = t.submitted + datetime.timedelta(hours=rng.uniform(1, 16))
            if not late:  # verified in time: before the department's deadline
                closed = min(closed, max(deadline - datetime.timedelta(minutes=30), t.submitted))
            t.closed = self._clamp(closed, t.submitted)
            t.verification_note = data.VERIFIED_NOTE
            if rng.random() < 0.15:
                last = self._between(t.started, t.submitted, 0.7, 0.8)
                t.send_backs = self._send_backs(rectification, t.started, last, 1)
                t.submission_note = data.submission_note(rectification, 1)

    def _in_charge(self, issue: Issue) -> tuple[Department | None, User]:
        """The section (of an owner criterion's department) and the person who rectify ``issue``."""
        seed = self.criterion_seeds[issue.criterion.code]
        owned = seed.owner_section and issue.department.code == seed.owner
        section = self.departments[seed.owner_section] if owned else None
        owner = section or issue.department
        return section, self._head(owner.code) if issue.code[-1] in "02468" else self._liaison(owner.code)

    def _between(self, start: datetime.datetime, end: datetime.datetime, low: float, high: float) -> datetime.datetime:
        """A moment a random ``low``–``high`` share of the way from ``start`` to ``end``."""
        return start + (max(end, start) - start) * self.rng.uniform(low, high)

    def _send_backs(
        self, rectification: str, started: datetime.datetime, last_sent_back: datetime.datetime, count: int
    ) -> list[SendBack]:
        """``count`` rectifications submitted and sent back between ``started`` and the last send-back."""
        span = (last_sent_back - started) / count
        return [
            SendBack(
                submitted=started + span * (n + 0.6),
                note=data.submission_note(rectification, n),
                sent_back=started + span * (n + 1) if n < count - 1 else last_sent_back,
                reason=self.reasons.choice(data.SEND_BACK_REASONS),
            )
            for n in range(count)
        ]

    def _extension(self, timeline: Timeline, outcome: str, criterion: Criterion, deadline: datetime.datetime) -> None:
        """The department asked for more time (延期) past ``deadline``, within the limit
        (``extension_limit``); a leader approved or refused it, or has yet to."""
        rng, t = self.rng, timeline
        if outcome == ExtensionRequest.Status.PENDING:  # a request waits a day or two for a leader, not weeks
            recently = max(self.latest - datetime.timedelta(days=2), t.dispatched)
            asked = self._between(recently, self.latest, 0.4, 0.9)
        else:
            asked = self._between(t.dispatched, min(deadline, self.latest), 0.4, 0.8)
        limit = extension_limit(deadline=deadline, criterion=criterion, working_time=self.working_time)
        three_days_later = self.calendar.add_working_days(_local_date(max(deadline, asked)), 3)
        requested = min(end_of_day(three_days_later), limit)
        reason = rng.choice(data.EXTENSION_REASONS)
        decided = None
        if outcome != ExtensionRequest.Status.PENDING:
            decided = self._clamp(asked + datetime.timedelta(hours=rng.uniform(2, 20)), asked)
        t.extension = Extension(
            asked=asked,
            reason=reason,
            requested_deadline=requested,
            limit_deadline=limit,
            outcome=outcome,
            decided=decided,
            decision_note=data.EXTENSION_DECISION_NOTES.get(outcome, ""),
        )

    def _clamp(self, moment: datetime.datetime, after: datetime.datetime) -> datetime.datetime:
        """``moment`` moved into office hours, but not later than the evening before today and at least
        ten minutes after ``after``."""
        local = timezone.localtime(moment, SHANGHAI)
        if local.hour < 8:
            local = local.replace(hour=8, minute=self.clock.randrange(60))
        elif local.hour >= 19:
            local = (local + datetime.timedelta(days=1)).replace(hour=8, minute=self.clock.randrange(60))
        return max(min(local, self.latest), after + datetime.timedelta(minutes=10))

    def _office(self, moment: datetime.datetime, *, before: datetime.datetime) -> datetime.datetime:
        """``moment`` moved into office hours, unless that would take it to ``before`` or later."""
        moved = self._clamp(moment, moment - datetime.timedelta(minutes=10))
        return moved if moved < before else moment

    def _rectification_task(self, story: "_Story") -> None:
        """The task that dispatching opens, so that reminders follow the issue's deadline, with the
        department's own log: submitting and verifying are the issue's events, not progress."""
        issue, t, accountable = story.issue, story.timeline, story.accountable
        entries = []
        if t.started is not None:
            entries.append((t.started, self.rng.choice((30, 40, 50, 60)), self.rng.choice(data.RECTIFYING_NOTES)))
            if t.send_backs:
                entries.append((t.send_backs[-1].sent_back + datetime.timedelta(minutes=30), 50, data.SENT_BACK_NOTE))
        plan = story.workflow.rectification_task(reported_percent=entries[-1][1] if entries else 0)
        task = Task(
            campaign=issue.campaign,
            code=f"LC-R-{issue.code.removeprefix(data.CODE_PREFIX)}",
            title=f"整改：{issue.criterion.title}（{issue.place.name}）"[:200],
            description=issue.description,
            kind=Task.Kind.RECTIFICATION,
            priority=Task.Priority.HIGH if issue.points >= 2 else Task.Priority.NORMAL,
            department=issue.department,
            section=story.section,
            accountable=accountable,
            start_date=plan.start_date,
            due_date=plan.due_date,
            status=plan.status,
            percent=plan.percent,
            completed_at=plan.completed_at,
            due_at=plan.due_at,
            yellow_at=plan.yellow_at,
            suspended_at=plan.suspended_at,
            created_by=story.dispatcher,
        )
        self._add_task(task, [issue.place], [issue.grid], created=story.workflow.dispatched_at)
        issue.rectification_task = task
        for moment, percent, note in entries:
            self.reports.append(
                ProgressReport(task=task, author=accountable, created=moment, percent=percent, note=note)
            )

    def _actors(self, story: "_Story") -> dict[Actor, User | None]:
        """Who took each part in the story's issue."""
        issue = story.issue
        return {
            Actor.REPORTER: issue.reported_by,
            Actor.DISPATCHER: story.dispatcher,
            Actor.RECTIFIER: story.accountable,
            Actor.DEPARTMENT_HEAD: self._head(issue.department.code) if issue.department else None,
            Actor.VERIFIER: issue.inspection.leader if issue.inspection else issue.reported_by,
            Actor.LEADER: self.users["leader"],
        }

    def _events(self, story: "_Story") -> list[IssueEvent]:
        """The issue's way as the inspections service records it, one event per step."""
        issue, actors = story.issue, self._actors(story)
        return [
            IssueEvent(
                issue=issue,
                action=event.action,
                from_status=event.from_status,
                to_status=event.to_status,
                actor=actors[event.actor],
                department=issue.department if event.names_department else None,
                note=event.note,
                created=event.moment,
            )
            for event in story.workflow.events
        ]

    def _extension_request(self, story: "_Story") -> ExtensionRequest:
        extension, actors = story.timeline.extension, self._actors(story)
        return ExtensionRequest(
            issue=story.issue,
            requested_by=actors[Actor.RECTIFIER],
            reason=extension.reason,
            requested_deadline=extension.requested_deadline,
            limit_deadline=extension.limit_deadline,
            status=extension.outcome,
            decided_by=actors[Actor.LEADER] if extension.decided else None,
            decided_at=extension.decided,
            decision_note=extension.decision_note,
            approved_deadline=story.workflow.deadline
            if extension.outcome == ExtensionRequest.Status.APPROVED
            else None,
        )

    def _clocks(self, story: "_Story") -> list[StageClock]:
        """The issue's stage runs as planned, each rectification run the department's of its time."""
        for clock in story.workflow.clocks:
            clock.issue = story.issue
            clock.department = story.issue.department if clock.stage == Stage.RECTIFY else None
        return story.workflow.clocks

    def _suspension(self, story: "_Story") -> Suspension:
        planned, actors = story.timeline.suspension, self._actors(story)
        released = planned.released
        minutes = max(self.working_time.between(planned.decided, released), 0) if released else None
        return Suspension(
            issue=story.issue,
            requested_by=actors[Actor.RECTIFIER],
            reason=planned.reason,
            status=Suspension.Status.RELEASED if released else planned.outcome,
            decided_by=actors[Actor.LEADER] if planned.decided else None,
            decided_at=planned.decided,
            decision_note=planned.decision_note,
            started_at=planned.decided if planned.outcome == "approved" else None,
            released_at=released,
            released_by=actors[Actor.RECTIFIER] if released else None,
            suspended_minutes=minutes,
        )

    # The lights on the day the demo is loaded ------------------------------------------------------------

    def _showcases(self, *, first: int) -> list["_Story"]:
        """Cases placed so that, on the day the demo is loaded and whatever that day is (a Sunday, a
        holiday), every light shows: a department's clock green, one yellow, one red; two suspended (挂起),
        one since long and one since yesterday; and a return (回退) the office overruled. Each is counted
        back from the load day in working time, so that its light holds from midnight to midnight."""
        inspection, team = self.inspections[-1], self.inspection_teams[-1]
        # Demolishing an illegal building: 20 working days, long enough to be yellow for a whole day.
        long_limit = next(c for c in self.criteria if c.code == "LC-C07")
        short_limit = next(c for c in self.criteria if c.code == "LC-C08")  # 3 working days
        start_of_day = _aware(self.today, 0)
        end_of_load_day = _aware(self.today + datetime.timedelta(days=1), 0)

        def due_and_yellow(criterion: Criterion, dispatched: datetime.datetime) -> tuple:
            return self.working_time.clock(dispatched, criterion.limit(Stage.RECTIFY), share=yellow_share())

        def dispatched_for(criterion: Criterion, wanted) -> datetime.datetime:
            # Working mornings counted back from the day before the load day, the first one whose clock suits.
            day = self.today
            for _ in range(60):
                day -= datetime.timedelta(days=1)
                if not self.calendar.is_working_day(day):
                    continue
                moment = _aware(day, 9 * 60 + 10)
                if wanted(*due_and_yellow(criterion, moment)):
                    return moment
            raise ValueError("no morning in two months gives the light wanted")

        cases = [
            (long_limit, dispatched_for(long_limit, lambda due, yellow: yellow >= end_of_load_day), {}),
            (
                long_limit,
                dispatched_for(long_limit, lambda due, yellow: yellow <= start_of_day and due >= end_of_load_day),
                {},
            ),
            (
                short_limit,
                dispatched_for(short_limit, lambda due, yellow: due < start_of_day - datetime.timedelta(days=3)),
                {},
            ),
            (long_limit, self.latest - datetime.timedelta(days=20), {"suspended": 12}),
            (short_limit, self.latest - datetime.timedelta(days=6), {"suspended": 1}),
            (short_limit, self.latest - datetime.timedelta(days=3), {"overruled": True}),
        ]
        stories = []
        for number, (criterion, dispatched, extra) in enumerate(cases, start=first):
            kinds = data.CATEGORIES[criterion.category][0]
            place = self.places_by_kind[kinds[0]][number % len(self.places_by_kind[kinds[0]])]
            reporter = team[number % len(team)] if team else inspection.leader
            stories.append(
                self._showcase(f"LC-Q{number:03d}", inspection, criterion, place, reporter, dispatched, **extra)
            )
        return stories

    def _showcase(
        self,
        code: str,
        inspection: Inspection,
        criterion: Criterion,
        place: Place,
        reporter: User,
        dispatched: datetime.datetime,
        *,
        suspended: int = 0,
        overruled: bool = False,
    ) -> "_Story":
        """A case under rectification since ``dispatched``; suspended ``suspended`` days before the load day,
        or returned and sent back to the same department (``overruled``)."""
        dispatched = timezone.localtime(dispatched, SHANGHAI)
        reported = dispatched - datetime.timedelta(minutes=40)
        description = self.criterion_seeds[criterion.code].findings[0].format(place=place.name)
        issue = _demo_issue(
            code,
            inspection,
            place,
            criterion,
            description=description,
            reporter=reporter,
            at=reported,
            department=issue_route(place=place, criterion=criterion).department,
        )
        t = Timeline(reported=reported, description=description, dispatched=dispatched)
        story = _Story(issue=issue, timeline=t, dispatcher=inspection.leader)
        story.section, story.accountable = self._in_charge(issue)
        if overruled:
            t.returned = dispatched + datetime.timedelta(hours=2)
            t.return_reason = data.RETURN_REASON_OVERRULED
            t.overruled = Overrule(at=t.returned + datetime.timedelta(hours=3), reason=data.OVERRULE_REASON)
            t.started = t.overruled.at + datetime.timedelta(hours=1)
        else:
            t.started = dispatched + datetime.timedelta(hours=1)
        if suspended:
            since = _aware(self.today - datetime.timedelta(days=suspended), 10 * 60)
            t.suspension = PlannedSuspension(
                asked=since - datetime.timedelta(hours=20),
                reason=data.SUSPENSION_REASONS[suspended % len(data.SUSPENSION_REASONS)],
                outcome="approved",
                decided=since,
                decision_note=data.SUSPENSION_APPROVED_NOTE,
            )
        self._plan(story)
        return story

    # Saving ------------------------------------------------------------------------------------------

    def _save_tasks(self) -> None:
        """Write what needs the tasks' primary keys: their places, grids and progress reports."""
        ProgressReport.objects.bulk_create(self.reports)
        Task.places.through.objects.bulk_create(
            [Task.places.through(task_id=task.pk, place_id=place.pk) for task, place in self.task_places]
        )
        Task.grids.through.objects.bulk_create(
            [Task.grids.through(task_id=task.pk, grid_id=grid.pk) for task, grid in self.task_grids]
        )


def _demo_issue(
    code: str,
    inspection: Inspection,
    place: Place,
    criterion: Criterion,
    *,
    description: str,
    reporter: User,
    at: datetime.datetime,
    **fields,
) -> Issue:
    """A demo issue found at ``place`` against ``criterion`` in ``inspection`` at ``at``: in the place's grid and at
    its position, losing the item's points."""
    return Issue(
        code=code,
        campaign=inspection.campaign,
        inspection=inspection,
        place=place,
        grid=place.grid,
        criterion=criterion,
        description=description,
        points=criterion.points,
        reported_by=reporter,
        reported_at=at,
        latitude=place.latitude,
        longitude=place.longitude,
        **fields,
    )


@dataclasses.dataclass
class _Story:
    """One issue with the steps chosen for it, from which its events, clocks, task and progress are written."""

    issue: Issue
    timeline: Timeline
    dispatcher: User
    section: Department | None = None
    accountable: User | None = None
    workflow: Workflow | None = None
    deadline: datetime.datetime | None = None  # as dispatching set it, which the steps are chosen around


def _source(number: int) -> str:
    """Where the ``number``-th issue came from: most from the inspections, some brought by a leader, the
    media or the hotline (``data.SOURCES_EVERY``), without drawing from the demo's random generators."""
    return next((source for source, every in data.SOURCES_EVERY if number % every == 0), Issue.Source.INSPECTION)


def _plain(quantity: Decimal) -> str:
    """A quantity as people write it: 1200, 3.5 — no trailing zeros or exponent."""
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
