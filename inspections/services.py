"""Writes of the inspections app: an issue's way from the inspector's report to its closing.

    reported ──dispatch──▶ dispatched ──start──▶ rectifying ──submit──▶ submitted ──verify──▶ closed
        ▲                      │                   ▲    │                   │
        │                      └──────submit───────┼────┘                   │
        └──dispatch── returned ◀──return── (dispatched, rectifying)         │
                                                   └──────send back─────────┘  (rework + 1)

Every transition locks the issue row, checks that the workflow allows it, writes an
``IssueEvent`` (who, when, why), keeps the stage's clock (``inspections.clocks``) and the
rectification ``Task`` in step and tells the people concerned through their inbox. A refused
transition raises ``ApplicationError`` and changes nothing.

Dispatching a returned issue to the department that returned it overrules the return (with a
reason: one 推诿 for that department). While the department holds an issue, a leader may suspend
its clock (挂起, asked for and decided as an extension is) until it is released; an issue that
leaves the department's hands takes its suspension with it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department, Role, User
from accounts.services import department_contacts, notification_send
from campaign.models import Campaign, Task
from campaign.rollups import TaskFacts, task_rollups_move
from campaign.services import task_delete
from core.capture import Capture
from core.errors import ApplicationError, Conflict
from core.geo import LocationError, location_pair, metres_between
from core.history import history_author
from core.images import Photo
from core.limits import TEXT_LIMITS, text_check
from core.working_time import MAX_WORKING_DAYS, Limit, WorkingTime, end_of_day, office_working_time
from grids.models import Place
from inspections.clocks import clock_extend, clock_follow, clock_resume, clock_suspend
from inspections.models import (
    Criterion,
    ExtensionRequest,
    Inspection,
    Issue,
    IssueEvent,
    IssuePhoto,
    Stage,
    Suspension,
)
from inspections.rollups import IssueFacts, issue_rollups_move

Status = Issue.Status
Action = IssueEvent.Action

# The workflow: from which states each step may be taken. The pages read it to offer only the
# steps that can succeed; the services below enforce it.
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "dispatch": (Status.REPORTED, Status.RETURNED),
    "start": (Status.DISPATCHED,),
    "submit": (Status.DISPATCHED, Status.RECTIFYING),
    "extend": (Status.DISPATCHED, Status.RECTIFYING),
    "return": (Status.DISPATCHED, Status.RECTIFYING),
    "verify": (Status.SUBMITTED,),
    "send_back": (Status.SUBMITTED,),
    "decide": (Status.DISPATCHED, Status.RECTIFYING, Status.SUBMITTED),
    # A suspension (挂起) stops the department's clock: asked for, decided and released while it holds the issue.
    "suspend": (Status.DISPATCHED, Status.RECTIFYING),
    "decide_suspension": (Status.DISPATCHED, Status.RECTIFYING),
    "resume": (Status.DISPATCHED, Status.RECTIFYING),
}

# Where a dispatched issue's rectification task stands, for each state the issue can be in: the
# steps below keep the task in step by this table (and the demo and scale data follow it).
RECTIFICATION_STATUS: dict[str, str] = {
    Status.DISPATCHED: Task.Status.TODO,
    Status.RECTIFYING: Task.Status.IN_PROGRESS,
    # Handed in: the department waits on the inspectors, and is not late for their wait.
    Status.SUBMITTED: Task.Status.AWAITING_VERIFICATION,
    Status.CLOSED: Task.Status.DONE,
    Status.RETURNED: Task.Status.CANCELLED,
}


# The principle each way of leading follows, as the routing reason names it.
PRINCIPLES = {
    Criterion.Lead.TERRITORIAL: gettext_lazy("territorial"),
    Criterion.Lead.ASSIGNED: gettext_lazy("assigned"),
    Criterion.Lead.OWNER: gettext_lazy("owner"),
}


@dataclass(frozen=True)
class Route:
    """Who the routing rule sends a finding to, by which rule (a ``Criterion.Lead``), and why, in
    words a reader can follow."""

    department: Department
    rule: str
    place: str  # the place's name, which the reason names

    @property
    def why(self) -> str:
        """Why this department, in the language of whoever reads it."""
        if self.rule == Criterion.Lead.OWNER:
            return _("the department responsible for this checklist item")
        if self.rule == Criterion.Lead.TERRITORIAL:
            return _("the subdistrict or community %(place)s belongs to") % {"place": self.place}
        return _("the department assigned to %(place)s") % {"place": self.place}

    @property
    def reason(self) -> str:
        """E.g. "按属主原则由区教育和体育局负责：该测评项目的责任部门"."""
        return _("By the %(principle)s principle, %(department)s is responsible: %(why)s") % {
            "principle": PRINCIPLES[self.rule],
            "department": self.department,
            "why": self.why,
        }


def issue_route(*, place: Place, criterion: Criterion) -> Route:
    """The one routing rule: the criterion says who leads the rectification of a finding at a place.

    Territorial (属地): the place's territorial unit, its subdistrict or community; assigned (帮包):
    the department assigned to the place; owner (属主): the criterion's own department. An owner
    criterion without a department falls back to the place's assigned department."""
    Lead = Criterion.Lead
    if criterion.lead == Lead.OWNER and criterion.default_department_id:
        return Route(criterion.default_department, Lead.OWNER, place.name)
    if criterion.lead == Lead.TERRITORIAL:
        return Route(place.territorial_unit, Lead.TERRITORIAL, place.name)
    return Route(place.assigned_department, Lead.ASSIGNED, place.name)


def extension_reach(criterion: Criterion) -> Limit:
    """How far beyond the deadline an extension may reach unconfirmed: ``EXTENSION_LIMIT_TIME_LIMITS`` times
    the criterion's rectification limit, in its unit."""
    limit = criterion.limit(Stage.RECTIFY)
    factor = settings.EXTENSION_LIMIT_TIME_LIMITS
    if limit.unit == Limit.DAYS:
        return Limit(min(limit.amount * factor, MAX_WORKING_DAYS), limit.unit)
    return limit.times(factor)


def extension_limit(
    *, deadline: datetime.datetime, criterion: Criterion, working_time: WorkingTime | None = None
) -> datetime.datetime:
    """The latest deadline an extension may ask for without a leader's explicit confirmation: the end of
    the day ``extension_reach`` runs out when counted from ``deadline``. ``working_time`` spares a caller
    planning many issues a query each."""
    working_time = working_time or office_working_time()
    reached = working_time.add(deadline, extension_reach(criterion))
    return end_of_day(timezone.localtime(reached, timezone.get_default_timezone()).date())


def _locked(issue: Issue, *, actor: User) -> Issue:
    """The issue, locked for the transition, whose history records name ``actor``."""
    locked = Issue.objects.select_for_update(of=("self",)).select_related("criterion", "department").get(pk=issue.pk)
    locked._counted_as = IssueFacts.of(locked)
    return history_author(locked, actor=actor)


def _counts_follow(issue: Issue) -> None:
    """The rollups follow the issue just saved: its counts move from where they stood when it was locked (or
    before it was filed) to where it stands now. In the step's transaction, under the issue's lock."""
    after = IssueFacts.of(issue)
    issue_rollups_move(getattr(issue, "_counted_as", None), after)
    issue._counted_as = after


def _require(issue: Issue, allowed: tuple[str, ...], action: str) -> None:
    if issue.status not in allowed:
        raise Conflict(
            _("An issue that is “%(status)s” cannot be %(action)s.")
            % {"status": issue.get_status_display(), "action": action},
            code="transition_not_allowed",
        )


def _record(issue: Issue, *, action: str, from_status: str, actor: User, note: str = "") -> IssueEvent:
    issue._change_reason = note or action
    return IssueEvent.objects.create(
        issue=issue,
        action=action,
        from_status=from_status,
        to_status=issue.status,
        actor=actor,
        department=issue.department,
        note=note,
    )


def _issue_url(issue: Issue) -> str:
    return reverse("inspections:issue_detail", args=[issue.pk])


def _add_photos(issue: Issue, photos: list[Photo], *, stage: str, actor: User) -> None:
    for photo in photos:
        capture = photo.capture or Capture()
        distance = None
        if capture.has_position:
            place = issue.place
            distance = metres_between(capture.latitude, capture.longitude, place.latitude, place.longitude)
        IssuePhoto.objects.create(
            issue=issue,
            stage=stage,
            image=photo.image,
            thumbnail=photo.thumbnail,
            uploaded_by=actor,
            captured_at=capture.taken_at,
            time_source=capture.time_source,
            latitude=capture.latitude,
            longitude=capture.longitude,
            position_source=capture.position_source,
            distance_m=distance,
        )


def _inspectors_of(issue: Issue) -> list[User]:
    """Who verifies: the inspector who filed it, and the round's leader."""
    people = [issue.reported_by]
    if issue.inspection_id and issue.inspection.leader_id:
        people.append(issue.inspection.leader)
    return people


# The codes people read and say: an issue is WT-<the day it was filed>-<its number that day>, its
# rectification task ZG- and the same (WT-20261205-0007, ZG-20261205-0007). Codes given before keep
# their form (WT20261205-000123, ZG-WT20261205-000123).
ISSUE_CODE_PREFIX = "WT-"
RECTIFICATION_CODE_PREFIX = "ZG-"


def issue_code_next(day: datetime.date) -> str:
    """The next free code of the issues filed on ``day``: the day's highest number plus one."""
    stem = f"{ISSUE_CODE_PREFIX}{day:%Y%m%d}-"
    last = (
        Issue.objects.filter(code__regex=rf"^{stem}[0-9]+$")
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.removeprefix(stem)) + 1 if last else 1
    return f"{stem}{number:04d}"


def rectification_task_code(issue_code: str) -> str:
    """The code of an issue's rectification task: its issue's, with ZG- for WT-."""
    return RECTIFICATION_CODE_PREFIX + issue_code.removeprefix(ISSUE_CODE_PREFIX)


def _insert_numbered(issue: Issue, *, day: datetime.date, tries: int = 5) -> None:
    """Insert a new issue under the next free code of ``day``, so that its first history record
    already has its real code. A number taken meanwhile by a filing at the same moment is tried again."""
    for attempt in range(tries):
        issue.code = issue_code_next(day)
        try:
            with transaction.atomic():  # a savepoint: a failed insert leaves the filing's transaction usable
                issue.save(force_insert=True)
        except IntegrityError:
            if attempt == tries - 1 or not Issue.objects.filter(code=issue.code).exists():
                raise
        else:
            return


def issue_file(
    *,
    reporter: User,
    place: Place,
    criterion: Criterion,
    description: str,
    campaign: Campaign | None = None,
    inspection: Inspection | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: list[Photo] = (),
    dispatch: bool = True,
    source: str = Issue.Source.INSPECTION,
) -> Issue:
    """File a problem found on site (or brought by ``source``: a leader, the media, the hotline). By
    default it is routed and dispatched at once, so that it lands in the responsible department's list
    without waiting for a desk clerk; otherwise the office's dispatch clock runs from now."""
    description = description.strip()
    if not description:
        raise ApplicationError(_("Describe the problem."), code="description_required")
    text_check(description, limit=TEXT_LIMITS.description, what=_("The description"))
    if not criterion.is_active:
        raise Conflict(_("This checklist item is no longer in use."), code="criterion_inactive")
    if source not in Issue.Source.values:
        raise ApplicationError(_("Choose where the issue came from."), code="source_unknown")
    try:
        location_pair(latitude, longitude)
    except LocationError as error:
        raise ApplicationError(error.message, code="location_incomplete") from None
    campaign = campaign or (inspection.campaign if inspection else None)
    if campaign is None:
        campaign = Campaign.objects.order_by("-start_date", "pk").first()
        if campaign is None:
            raise Conflict(_("There is no campaign to file the issue under."), code="no_campaign")

    with transaction.atomic():
        now = timezone.now()
        issue = Issue(
            campaign=campaign,
            inspection=inspection,
            place=place,
            grid_id=place.grid_id,
            criterion=criterion,
            description=description,
            points=criterion.points,
            reported_by=reporter,
            reported_at=now,
            latitude=latitude,
            longitude=longitude,
            source=source,
        )
        history_author(issue, actor=reporter)
        _insert_numbered(issue, day=timezone.localdate(now))
        _counts_follow(issue)
        # The clock's columns keep no history: written apart from the filing's one record.
        fields = clock_follow(issue, at=now)
        Issue.objects.filter(pk=issue.pk).update(**{field: getattr(issue, field) for field in fields})
        _add_photos(issue, photos, stage=IssuePhoto.Stage.FOUND, actor=reporter)
        _record(issue, action=Action.FILED, from_status="", actor=reporter, note=description)
        if dispatch:
            issue = issue_dispatch(issue=issue, actor=reporter)
    return issue


def issue_dispatch(*, issue: Issue, actor: User, department: Department | None = None, note: str = "") -> Issue:
    """Send an issue to the department that must rectify it and open its rectification task.

    Without ``department`` the routing rule decides. The department's clock starts now with the
    criterion's rectification limit in working time (``inspections.clocks``). Sending a returned issue
    back to the department that returned it overrules the return: only with ``note`` saying why it was
    unjustified, recorded as ``return_overruled`` (one 推诿 for that department)."""
    note = note.strip()
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["dispatch"], _("dispatched"))
        department = department or issue_route(place=issue.place, criterion=issue.criterion).department
        overruled = issue.status == Status.RETURNED and department.pk == issue.department_id
        if overruled and not note:
            # The request is whole; the issue's state (returned by that very department) asks for more.
            raise Conflict(
                _(
                    "%(department)s returned this issue. Dispatch it to another department, or send it back to "
                    "%(department)s with the reason the return is not justified."
                )
                % {"department": department},
                code="overrule_reason_required",
            )
        now = timezone.now()
        previous = issue.status
        issue.department = department
        issue.status = Status.DISPATCHED
        issue.dispatched_at = now
        issue.return_reason = ""
        fields = clock_follow(issue, at=now)
        issue.save(update_fields=["department", "status", "dispatched_at", "return_reason", *fields, "updated"])
        _counts_follow(issue)
        _open_rectification_task(issue, actor=actor)
        action = Action.RETURN_OVERRULED if overruled else Action.DISPATCHED
        _record(issue, action=action, from_status=previous, actor=actor, note=note)
        body = _("%(place)s — %(criterion)s. Deadline %(deadline)s.") % {
            "place": issue.place,
            "criterion": issue.criterion.title,
            "deadline": f"{timezone.localtime(issue.deadline):%Y-%m-%d %H:%M}",
        }
        if overruled:
            body = _("Your return was overruled: %(reason)s") % {"reason": note} + " " + body
        notification_send(
            recipients=department_contacts(department=department),
            title=(_("Return overruled: %(code)s") if overruled else _("New issue to rectify: %(code)s"))
            % {"code": issue.code},
            body=body,
            url=_issue_url(issue),
        )
        _inform_assisting(issue)
    return issue


def _inform_assisting(issue: Issue) -> None:
    """Tell the criterion's assisting departments (协办) what the leading department was given."""
    for assisting in issue.criterion.assisting_departments.exclude(pk=issue.department_id):
        notification_send(
            recipients=department_contacts(department=assisting),
            title=_("Issue to assist with: %(code)s") % {"code": issue.code},
            body=_("%(place)s — %(criterion)s. %(department)s leads; please assist. Deadline %(deadline)s.")
            % {
                "place": issue.place,
                "criterion": issue.criterion.title,
                "department": issue.department,
                "deadline": f"{timezone.localtime(issue.deadline):%Y-%m-%d %H:%M}",
            },
            # No link: the issue's page is for the leading department's people and the inspectors.
        )


def _open_rectification_task(issue: Issue, *, actor: User) -> Task:
    """Dispatch opens (or, after a return, reassigns) the task through which reminders follow it."""
    department = issue.department
    values = {
        "campaign": issue.campaign,
        "title": _("Rectify %(code)s: %(criterion)s") % {"code": issue.code, "criterion": issue.criterion.title},
        "description": issue.description,
        "kind": Task.Kind.RECTIFICATION,
        "priority": Task.Priority.HIGH,
        "department": department,
        "section": None,
        "accountable": department.head,
        "due_date": timezone.localtime(issue.deadline).date(),
        "due_at": issue.clock_due_at,
        "yellow_at": issue.clock_yellow_at,
        "suspended_at": None,
        "start_date": min(timezone.localdate(), timezone.localtime(issue.deadline).date()),
        "status": RECTIFICATION_STATUS[issue.status],
        "percent": 0,
        "completed_at": None,
    }
    task = issue.rectification_task
    if task is None:
        task = history_author(Task(code=rectification_task_code(issue.code), created_by=actor, **values), actor=actor)
        task.save(force_insert=True)
        task_rollups_move(None, TaskFacts.of(task))
        issue.rectification_task = task
        issue.save(update_fields=["rectification_task"])
    else:
        before = TaskFacts.of(task)
        for field, value in values.items():
            setattr(task, field, value)
        history_author(task, actor=actor, reason=_("Dispatched again"))
        task.save()
        task_rollups_move(before, TaskFacts.of(task))
    task.places.set([issue.place])
    task.grids.set([issue.grid])
    return task


def _set_task(issue: Issue, *, actor: User, reason: str) -> None:
    """Bring the issue's rectification task to where the issue's new state puts it."""
    task = issue.rectification_task
    if task is None:
        return
    before = TaskFacts.of(task)
    task.status = status = RECTIFICATION_STATUS[issue.status]
    task.completed_at = timezone.now() if status == Task.Status.DONE else None
    if status == Task.Status.DONE:
        task.percent = 100
    history_author(task, actor=actor, reason=reason)
    task.save(update_fields=["status", "completed_at", "percent", "updated"])
    task_rollups_move(before, TaskFacts.of(task))


def _close_pending_extensions(issue: Issue, *, actor: User, note: str) -> None:
    """An issue that leaves the department's hands takes its open extension request with it,
    refused by whoever took it out of their hands."""
    now = timezone.now()
    ExtensionRequest.objects.filter(issue=issue, status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.REFUSED, decided_by=actor, decided_at=now, decision_note=note, updated=now
    )


def issue_start(*, issue: Issue, actor: User) -> Issue:
    """The department takes the issue on (dispatched → rectifying)."""
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["start"], _("started"))
        issue.status = Status.RECTIFYING
        fields = clock_follow(issue, at=timezone.now())  # the department's clock runs on
        issue.save(update_fields=["status", *fields, "updated"])
        _counts_follow(issue)
        _set_task(issue, actor=actor, reason=_("Rectification started"))
        _record(issue, action=Action.STARTED, from_status=Status.DISPATCHED, actor=actor)
    return issue


def issue_submit(*, issue: Issue, actor: User, note: str, photos: list[Photo] = ()) -> Issue:
    """The department reports the rectification done, with after-photos and a note."""
    note = note.strip()
    if not note:
        raise ApplicationError(_("Say what was done to rectify the issue."), code="note_required")
    if not photos:
        raise ApplicationError(_("Add at least one photo taken after the rectification."), code="photo_required")
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["submit"], _("submitted"))
        previous = issue.status
        now = timezone.now()
        ended = _end_suspensions(issue, actor=actor, at=now, note=_("Rectification submitted"))
        issue.status = Status.SUBMITTED
        issue.submitted_at = now
        issue.rectification_note = note
        fields = {*ended, *clock_follow(issue, at=now)}  # the department's clock stops; the inspectors' runs
        issue.save(update_fields=["status", "submitted_at", "rectification_note", *fields, "updated"])
        _counts_follow(issue)
        _add_photos(issue, photos, stage=IssuePhoto.Stage.RECTIFIED, actor=actor)
        _set_task(issue, actor=actor, reason=_("Rectification submitted"))
        _record(issue, action=Action.SUBMITTED, from_status=previous, actor=actor, note=note)
        notification_send(
            recipients=_inspectors_of(issue),
            title=_("Rectification to verify: %(code)s") % {"code": issue.code},
            body=note,
            url=_issue_url(issue),
        )
    return issue


def issue_verify(*, issue: Issue, actor: User, note: str = "") -> Issue:
    """An inspector confirms the rectification on site and closes the issue."""
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["verify"], _("verified"))
        issue.status = Status.CLOSED
        issue.closed_at = timezone.now()
        fields = clock_follow(issue, at=issue.closed_at)  # the inspectors' clock stops; none runs any more
        issue.save(update_fields=["status", "closed_at", *fields, "updated"])
        _counts_follow(issue)
        _set_task(issue, actor=actor, reason=_("Verified and closed"))
        _close_pending_extensions(issue, actor=actor, note=_("Issue closed"))
        _record(issue, action=Action.VERIFIED, from_status=Status.SUBMITTED, actor=actor, note=note)
        notification_send(
            recipients=department_contacts(department=issue.department),
            title=_("Issue closed: %(code)s") % {"code": issue.code},
            body=note,
            url=_issue_url(issue),
        )
    return issue


def issue_send_back(*, issue: Issue, actor: User, reason: str) -> Issue:
    """An inspector finds the rectification wanting: back to the department, counted as rework. The
    department gets a new rectification clock from now, with the criterion's whole limit, and is told
    when it is due."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why the rectification is not accepted."), code="reason_required")
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["send_back"], _("sent back"))
        issue.status = Status.RECTIFYING
        issue.rework_count += 1
        issue.submitted_at = None
        fields = clock_follow(issue, at=timezone.now())
        issue.save(update_fields=["status", "rework_count", "submitted_at", *fields, "updated"])
        _counts_follow(issue)
        _set_task(issue, actor=actor, reason=_("Sent back for rework"))
        _record(issue, action=Action.SENT_BACK, from_status=Status.SUBMITTED, actor=actor, note=reason)
        notification_send(
            recipients=department_contacts(department=issue.department),
            title=_("Rectification sent back: %(code)s") % {"code": issue.code},
            body=_("%(reason)s New deadline %(deadline)s.")
            % {"reason": reason, "deadline": f"{timezone.localtime(issue.deadline):%Y-%m-%d %H:%M}"},
            url=_issue_url(issue),
        )
    return issue


def issue_return(*, issue: Issue, actor: User, reason: str) -> Issue:
    """The department says the issue is not its responsibility (回退); it waits for re-routing, and the
    office's dispatch clock starts again."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why this issue is not your department's responsibility."), code="reason_required")
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["return"], _("returned"))
        previous = issue.status
        now = timezone.now()
        ended = _end_suspensions(issue, actor=actor, at=now, note=_("Issue returned"))
        issue.status = Status.RETURNED
        issue.return_reason = reason
        fields = {*ended, *clock_follow(issue, at=now)}
        issue.save(update_fields=["status", "return_reason", *fields, "updated"])
        _counts_follow(issue)
        _set_task(issue, actor=actor, reason=_("Returned for re-routing"))
        _close_pending_extensions(issue, actor=actor, note=_("Issue returned"))
        _record(issue, action=Action.RETURNED, from_status=previous, actor=actor, note=reason)
        notification_send(
            recipients=[*_inspectors_of(issue), *User.objects.filter(groups__name=Role.ADMINISTRATOR, is_active=True)],
            title=_("Issue returned for re-routing: %(code)s") % {"code": issue.code},
            body=reason,
            url=_issue_url(issue),
        )
    return issue


def extension_request(
    *, issue: Issue, actor: User, reason: str, new_deadline: datetime.date, beyond_limit_note: str = ""
) -> ExtensionRequest:
    """The department asks a leader for more time (延期): to rectify by the end of ``new_deadline``
    (23:59:59 local time, as every deadline in days).

    A request may reach ``extension_limit()`` at most; beyond it only with ``beyond_limit_note``
    saying why, and then the leader must confirm it explicitly (``extension_decide``)."""
    requested_deadline = end_of_day(new_deadline)
    reason = reason.strip()
    beyond_limit_note = beyond_limit_note.strip()
    if not reason:
        raise ApplicationError(_("Say why more time is needed."), code="reason_required")
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["extend"], _("extended"))
        if issue.deadline and new_deadline <= timezone.localdate(issue.deadline):
            raise Conflict(_("The new deadline must be later than the current one."), code="deadline_not_later")
        limit = extension_limit(deadline=issue.deadline or timezone.now(), criterion=issue.criterion)
        if requested_deadline > limit and not beyond_limit_note:
            raise ApplicationError(
                _(
                    "An extension may reach %(limit)s at most (%(factor)s times the time limit of %(time_limit)s). "
                    "To ask for more, say why beyond the limit; a leader must confirm it."
                )
                % {
                    "limit": f"{timezone.localtime(limit):%Y-%m-%d}",
                    "factor": settings.EXTENSION_LIMIT_TIME_LIMITS,
                    "time_limit": issue.criterion.limit(Stage.RECTIFY).text,
                },
                code="beyond_limit",
            )
        if issue.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
            raise Conflict(_("An extension request is already waiting for a decision."), code="pending_exists")
        request = ExtensionRequest.objects.create(
            issue=issue,
            requested_by=actor,
            reason=reason,
            requested_deadline=requested_deadline,
            limit_deadline=limit,
            beyond_limit_note=beyond_limit_note if requested_deadline > limit else "",
        )
        _record(issue, action=Action.EXTENSION_REQUESTED, from_status=issue.status, actor=actor, note=reason)
        notification_send(
            recipients=User.objects.filter(groups__name=Role.LEADER, is_active=True),
            title=_("Extension requested: %(code)s") % {"code": issue.code},
            body=reason,
            url=_issue_url(issue),
        )
    return request


def extension_decide(
    *,
    request: ExtensionRequest,
    actor: User,
    approve: bool,
    note: str = "",
    approved_deadline: datetime.date | None = None,
    confirm_beyond_limit: bool = False,
) -> ExtensionRequest:
    """A leader approves (the deadline and the task's due date move) or refuses an extension.

    Refusing needs a reason, which the department sees. Approving moves the deadline to the end of
    ``approved_deadline`` when given — a day after the current deadline and no later than the one
    asked for — else to the one asked for; past the request's limit only with ``confirm_beyond_limit``."""
    note = note.strip()
    if not approve and not note:
        raise ApplicationError(
            _("Say why the extension is refused; the department will see it."), code="reason_required"
        )
    if not approve and approved_deadline is not None:
        raise ApplicationError(_("An approved date goes with approving."), code="approved_deadline_with_refusal")
    with transaction.atomic():
        request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ExtensionRequest.Status.PENDING:
            raise Conflict(_("This extension request has already been decided."), code="already_decided")
        issue = _locked(request.issue, actor=actor)
        _require(issue, ALLOWED_FROM["decide"], _("extended"))
        deadline = None
        if approve:
            deadline = _approved_deadline(request, issue, approved_deadline)
            if request.limit_deadline is not None and deadline > request.limit_deadline and not confirm_beyond_limit:
                raise ApplicationError(
                    _(
                        "%(day)s is beyond the limit of %(limit)s. Confirm the extension beyond the limit, or "
                        "approve an earlier date."
                    )
                    % {
                        "day": f"{timezone.localtime(deadline):%Y-%m-%d}",
                        "limit": f"{timezone.localtime(request.limit_deadline):%Y-%m-%d}",
                    },
                    code="confirm_beyond_limit",
                )
        request.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note
        request.approved_deadline = deadline
        request.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "approved_deadline", "updated"]
        )
        if approve:
            fields = clock_extend(issue, until=deadline)
            issue.deadline = deadline if not fields else issue.deadline
            issue.save(update_fields=sorted({"deadline", *fields, "updated"}))
            _counts_follow(issue)
            task = issue.rectification_task
            if task is not None:
                before = TaskFacts.of(task)
                task.due_date = timezone.localtime(issue.deadline).date()
                history_author(task, actor=actor, reason=_("Extension approved"))
                task.save(update_fields=["due_date", "updated"])
                task_rollups_move(before, TaskFacts.of(task))
        _record(
            issue,
            action=Action.EXTENSION_APPROVED if approve else Action.EXTENSION_REFUSED,
            from_status=issue.status,
            actor=actor,
            note=_extension_decision_note(request) if approve else note,
        )
        notification_send(
            recipients=[request.requested_by, *department_contacts(department=issue.department)],
            title=(_("Extension approved: %(code)s") if approve else _("Extension refused: %(code)s"))
            % {"code": issue.code},
            body=_extension_decision_note(request) if approve else note,
            url=_issue_url(issue),
        )
    return request


def _approved_deadline(request: ExtensionRequest, issue: Issue, approved: datetime.date | None) -> datetime.datetime:
    """The deadline approving moves to: the one asked for, or an earlier day the leader chose."""
    if approved is None:
        return request.requested_deadline
    deadline = end_of_day(approved)
    current = issue.deadline
    if (current is not None and approved <= timezone.localdate(current)) or deadline > request.requested_deadline:
        raise ApplicationError(
            _("The approved date must be after the current deadline (%(current)s) and no later than %(asked)s.")
            % {
                "current": f"{timezone.localtime(current):%Y-%m-%d}" if current else "—",
                "asked": f"{timezone.localtime(request.requested_deadline):%Y-%m-%d}",
            },
            code="approved_deadline_out_of_range",
        )
    return deadline


def _extension_decision_note(request: ExtensionRequest) -> str:
    """What an approval says: the new deadline when it is earlier than asked, and the leader's note."""
    parts = []
    if request.approved_deadline != request.requested_deadline:
        parts.append(
            _("Approved until %(day)s (asked: %(asked)s).")
            % {
                "day": f"{timezone.localtime(request.approved_deadline):%Y-%m-%d}",
                "asked": f"{timezone.localtime(request.requested_deadline):%Y-%m-%d}",
            }
        )
    if request.decision_note:
        parts.append(request.decision_note)
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# Suspensions (挂起 / 缓办)


def suspension_request(*, issue: Issue, actor: User, reason: str) -> Suspension:
    """The department asks a leader to stop the clock for a while (挂起): a case that cannot be handled now
    (seasonal work, coordination with others, a court). Until a leader decides, the clock runs on."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why the clock should stop."), code="reason_required")
    text_check(reason, limit=TEXT_LIMITS.reason, what=_("The reason"))
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["suspend"], _("suspended"))
        if issue.suspensions.filter(status__in=Suspension.ACTIVE_STATUSES).exists():
            raise Conflict(
                _("This issue already has a suspension waiting for a decision or in force."), code="suspension_exists"
            )
        suspension = Suspension.objects.create(issue=issue, requested_by=actor, reason=reason)
        _record(issue, action=Action.SUSPENSION_REQUESTED, from_status=issue.status, actor=actor, note=reason)
        notification_send(
            recipients=User.objects.filter(groups__name=Role.LEADER, is_active=True),
            title=_("Suspension requested: %(code)s") % {"code": issue.code},
            body=reason,
            url=_issue_url(issue),
        )
    return suspension


def suspension_decide(*, suspension: Suspension, actor: User, approve: bool, note: str = "") -> Suspension:
    """A leader approves (the clock stops now, its light shows suspended) or refuses a suspension; refusing
    needs a reason, which the department sees."""
    note = note.strip()
    if not approve and not note:
        raise ApplicationError(
            _("Say why the suspension is refused; the department will see it."), code="reason_required"
        )
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if suspension.status != Suspension.Status.PENDING:
            raise Conflict(_("This suspension request has already been decided."), code="already_decided")
        issue = _locked(suspension.issue, actor=actor)
        _require(issue, ALLOWED_FROM["decide_suspension"], _("suspended"))
        now = timezone.now()
        suspension.status = Suspension.Status.APPROVED if approve else Suspension.Status.REFUSED
        suspension.decided_by, suspension.decided_at, suspension.decision_note = actor, now, note
        suspension.started_at = now if approve else None
        suspension.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "started_at", "updated"])
        if approve:
            issue.save(update_fields=[*clock_suspend(issue, at=now), "updated"])
            _counts_follow(issue)
        _record(
            issue,
            action=Action.SUSPENDED if approve else Action.SUSPENSION_REFUSED,
            from_status=issue.status,
            actor=actor,
            note=note,
        )
        notification_send(
            recipients=[suspension.requested_by, *department_contacts(department=issue.department)],
            title=(_("Suspension approved: %(code)s") if approve else _("Suspension refused: %(code)s"))
            % {"code": issue.code},
            body=note or _("The clock is stopped until the suspension is released."),
            url=_issue_url(issue),
        )
    return suspension


def suspension_release(*, issue: Issue, actor: User, note: str = "") -> Suspension:
    """The suspension ends: the clock runs again from now, its due moment later by the time it was stopped,
    which the department is told."""
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["resume"], _("resumed"))
        suspension = (
            issue.suspensions.select_for_update().filter(status=Suspension.Status.APPROVED).order_by("-pk").first()
        )
        if suspension is None:
            raise Conflict(_("This issue is not suspended."), code="not_suspended")
        now = timezone.now()
        minutes, fields = clock_resume(issue, at=now)
        _released(suspension, actor=actor, at=now, minutes=minutes)
        issue.save(update_fields=[*fields, "updated"])
        _counts_follow(issue)
        text = _("Suspended for %(time)s of office time; due %(deadline)s.") % {
            "time": _hours(minutes),
            "deadline": f"{timezone.localtime(issue.clock_due_at):%Y-%m-%d %H:%M}",
        }
        _record(issue, action=Action.RESUMED, from_status=issue.status, actor=actor, note=note.strip())
        notification_send(
            recipients=department_contacts(department=issue.department),
            title=_("Suspension released: %(code)s") % {"code": issue.code},
            body=text,
            url=_issue_url(issue),
        )
    return suspension


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}"


def _released(suspension: Suspension, *, actor: User, at: datetime.datetime, minutes: int) -> None:
    suspension.status = Suspension.Status.RELEASED
    suspension.released_at, suspension.released_by, suspension.suspended_minutes = at, actor, minutes
    suspension.save(update_fields=["status", "released_at", "released_by", "suspended_minutes", "updated"])


def _end_suspensions(issue: Issue, *, actor: User, at: datetime.datetime, note: str) -> list[str]:
    """An issue leaving the department's hands takes its suspension with it: a pending request is refused,
    one in force released (the clock that stops now counts the time suspended)."""
    Suspension.objects.filter(issue=issue, status=Suspension.Status.PENDING).update(
        status=Suspension.Status.REFUSED, decided_by=actor, decided_at=at, decision_note=note, updated=at
    )
    suspension = issue.suspensions.filter(status=Suspension.Status.APPROVED).first()
    if suspension is None or issue.clock_suspended_at is None:
        return []
    minutes, fields = clock_resume(issue, at=at)
    _released(suspension, actor=actor, at=at, minutes=minutes)
    return fields


def issue_delete(*, issue: Issue, actor: User) -> None:
    """Remove an issue filed in error (the admin's), with its events, photos, clocks and rectification task:
    their counts go with them. (A task left behind would also keep the issue's code taken: the day's next
    filing reuses the number.)"""
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        task = issue.rectification_task
        issue_rollups_move(issue._counted_as, None)
        issue.delete()
        if task is not None:
            task_delete(task=task)
