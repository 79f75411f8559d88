"""Writes of the inspections app: an issue's way from the inspector's report to its closing.

    reported ──dispatch──▶ dispatched ──start──▶ rectifying ──submit──▶ submitted ──verify──▶ closed
        ▲                      │                   ▲    │                   │
        │                      └──────submit───────┼────┘                   │
        └──dispatch── returned ◀──return── (dispatched, rectifying)         │
                                                   └──────send back─────────┘  (rework + 1)

Every transition locks the issue row, checks that the workflow allows it, writes an
``IssueEvent`` (who, when, why), keeps the rectification ``Task`` in step and tells the people
concerned through their inbox. A refused transition raises ``ApplicationError`` and changes nothing.
"""

import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, Role, User
from accounts.services import department_contacts, notification_send
from campaign.models import Campaign, Task
from core.errors import ApplicationError, Conflict
from core.geo import LocationError, location_pair
from core.history import history_author
from core.images import Photo
from core.working_time import deadline_after, end_of_day
from grids.models import Place
from inspections.models import Criterion, ExtensionRequest, Inspection, Issue, IssueEvent, IssuePhoto

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
}

# Where a dispatched issue's rectification task stands, for each state the issue can be in: the
# steps below keep the task in step by this table (and the demo and scale data follow it).
RECTIFICATION_STATUS: dict[str, str] = {
    Status.DISPATCHED: Task.Status.TODO,
    Status.RECTIFYING: Task.Status.IN_PROGRESS,
    Status.SUBMITTED: Task.Status.IN_PROGRESS,
    Status.CLOSED: Task.Status.DONE,
    Status.RETURNED: Task.Status.CANCELLED,
}


def issue_route(*, place: Place, criterion: Criterion) -> Department:
    """The one routing rule: the criterion says who leads its rectification.

    Territorial (属地) criteria go to the place's assigned department; owner (属主) criteria go to
    the criterion's own department. An owner criterion without a department falls back to the place."""
    if criterion.lead == Criterion.Lead.OWNER and criterion.default_department_id:
        return criterion.default_department
    return place.assigned_department


def _locked(issue: Issue, *, actor: User) -> Issue:
    """The issue, locked for the transition, whose history records name ``actor``."""
    locked = Issue.objects.select_for_update(of=("self",)).select_related("criterion", "department").get(pk=issue.pk)
    return history_author(locked, actor=actor)


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
        IssuePhoto.objects.create(
            issue=issue, stage=stage, image=photo.image, thumbnail=photo.thumbnail, uploaded_by=actor
        )


def _inspectors_of(issue: Issue) -> list[User]:
    """Who verifies: the inspector who filed it, and the round's leader."""
    people = [issue.reported_by]
    if issue.inspection_id and issue.inspection.leader_id:
        people.append(issue.inspection.leader)
    return people


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
) -> Issue:
    """File a problem found on site. By default it is routed and dispatched at once, so that it
    lands in the responsible department's list without waiting for a desk clerk."""
    description = description.strip()
    if not description:
        raise ApplicationError(_("Describe the problem."), code="description_required")
    if not criterion.is_active:
        raise Conflict(_("This checklist item is no longer in use."), code="criterion_inactive")
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
            code=f"tmp-{uuid.uuid4().hex[:24]}",  # replaced by the numbered code below
            place=place,
            grid_id=place.grid_id,
            criterion=criterion,
            description=description,
            points=criterion.points,
            reported_by=reporter,
            reported_at=now,
            latitude=latitude,
            longitude=longitude,
        )
        history_author(issue, actor=reporter)
        issue.save(force_insert=True)
        issue.code = f"WT{timezone.localtime(now):%Y%m%d}-{issue.pk:06d}"
        issue.save(update_fields=["code"])
        _add_photos(issue, photos, stage=IssuePhoto.Stage.FOUND, actor=reporter)
        _record(issue, action=Action.FILED, from_status="", actor=reporter, note=description)
        if dispatch:
            issue = issue_dispatch(issue=issue, actor=reporter)
    return issue


def issue_dispatch(*, issue: Issue, actor: User, department: Department | None = None, note: str = "") -> Issue:
    """Send an issue to the department that must rectify it and open its rectification task.

    Without ``department`` the routing rule decides. The deadline is the criterion's time limit in
    working days on China's official calendar, counted from now."""
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["dispatch"], _("dispatched"))
        department = department or issue_route(place=issue.place, criterion=issue.criterion)
        if issue.status == Status.RETURNED and department.pk == issue.department_id:
            raise Conflict(
                _("%(department)s returned this issue; dispatch it to another department.")
                % {"department": department},
                code="dispatch_to_returning_department",
            )
        now = timezone.now()
        previous = issue.status
        issue.department = department
        issue.status = Status.DISPATCHED
        issue.dispatched_at = now
        issue.deadline = deadline_after(now, issue.criterion.time_limit_days)
        issue.return_reason = ""
        issue.save(update_fields=["department", "status", "dispatched_at", "deadline", "return_reason", "updated"])
        _open_rectification_task(issue, actor=actor)
        _record(issue, action=Action.DISPATCHED, from_status=previous, actor=actor, note=note)
        notification_send(
            recipients=department_contacts(department=department),
            title=_("New issue to rectify: %(code)s") % {"code": issue.code},
            body=_("%(place)s — %(criterion)s. Deadline %(deadline)s.")
            % {
                "place": issue.place,
                "criterion": issue.criterion.title,
                "deadline": f"{timezone.localtime(issue.deadline):%Y-%m-%d %H:%M}",
            },
            url=_issue_url(issue),
        )
    return issue


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
        "start_date": timezone.localdate(),
        "status": RECTIFICATION_STATUS[issue.status],
        "percent": 0,
        "completed_at": None,
    }
    task = issue.rectification_task
    if task is None:
        task = history_author(Task(code=f"ZG-{issue.code}", created_by=actor, **values), actor=actor)
        task.save(force_insert=True)
        issue.rectification_task = task
        issue.save(update_fields=["rectification_task"])
    else:
        for field, value in values.items():
            setattr(task, field, value)
        history_author(task, actor=actor, reason=_("Dispatched again"))
        task.save()
    task.places.set([issue.place])
    task.grids.set([issue.grid])
    return task


def _set_task(issue: Issue, *, actor: User, reason: str) -> None:
    """Bring the issue's rectification task to where the issue's new state puts it."""
    task = issue.rectification_task
    if task is None:
        return
    task.status = status = RECTIFICATION_STATUS[issue.status]
    task.completed_at = timezone.now() if status == Task.Status.DONE else None
    if status == Task.Status.DONE:
        task.percent = 100
    history_author(task, actor=actor, reason=reason)
    task.save(update_fields=["status", "completed_at", "percent", "updated"])


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
        issue.save(update_fields=["status", "updated"])
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
        issue.status = Status.SUBMITTED
        issue.submitted_at = timezone.now()
        issue.rectification_note = note
        issue.save(update_fields=["status", "submitted_at", "rectification_note", "updated"])
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
        issue.save(update_fields=["status", "closed_at", "updated"])
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
    """An inspector finds the rectification wanting: back to the department, counted as rework."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why the rectification is not accepted."), code="reason_required")
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["send_back"], _("sent back"))
        issue.status = Status.RECTIFYING
        issue.rework_count += 1
        issue.submitted_at = None
        issue.save(update_fields=["status", "rework_count", "submitted_at", "updated"])
        _set_task(issue, actor=actor, reason=_("Sent back for rework"))
        _record(issue, action=Action.SENT_BACK, from_status=Status.SUBMITTED, actor=actor, note=reason)
        notification_send(
            recipients=department_contacts(department=issue.department),
            title=_("Rectification sent back: %(code)s") % {"code": issue.code},
            body=reason,
            url=_issue_url(issue),
        )
    return issue


def issue_return(*, issue: Issue, actor: User, reason: str) -> Issue:
    """The department says the issue is not its responsibility (回退); it waits for re-routing."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why this issue is not your department's responsibility."), code="reason_required")
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["return"], _("returned"))
        previous = issue.status
        issue.status = Status.RETURNED
        issue.return_reason = reason
        issue.save(update_fields=["status", "return_reason", "updated"])
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


def extension_request(*, issue: Issue, actor: User, reason: str, new_deadline: datetime.date) -> ExtensionRequest:
    """The department asks a leader for more time (延期): to rectify by the end of ``new_deadline``
    (23:59:59 local time, as every deadline in days)."""
    requested_deadline = end_of_day(new_deadline)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why more time is needed."), code="reason_required")
    with transaction.atomic():
        issue = _locked(issue, actor=actor)
        _require(issue, ALLOWED_FROM["extend"], _("extended"))
        if issue.deadline and requested_deadline <= issue.deadline:
            raise Conflict(_("The new deadline must be later than the current one."), code="deadline_not_later")
        if issue.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
            raise Conflict(_("An extension request is already waiting for a decision."), code="pending_exists")
        request = ExtensionRequest.objects.create(
            issue=issue, requested_by=actor, reason=reason, requested_deadline=requested_deadline
        )
        _record(issue, action=Action.EXTENSION_REQUESTED, from_status=issue.status, actor=actor, note=reason)
        notification_send(
            recipients=User.objects.filter(groups__name=Role.LEADER, is_active=True),
            title=_("Extension requested: %(code)s") % {"code": issue.code},
            body=reason,
            url=_issue_url(issue),
        )
    return request


def extension_decide(*, request: ExtensionRequest, actor: User, approve: bool, note: str = "") -> ExtensionRequest:
    """A leader approves (the deadline and the task's due date move) or refuses an extension."""
    with transaction.atomic():
        request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ExtensionRequest.Status.PENDING:
            raise Conflict(_("This extension request has already been decided."), code="already_decided")
        issue = _locked(request.issue, actor=actor)
        _require(issue, ALLOWED_FROM["decide"], _("extended"))
        request.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note.strip()
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated"])
        if approve:
            issue.deadline = request.requested_deadline
            issue.save(update_fields=["deadline", "updated"])
            task = issue.rectification_task
            if task is not None:
                task.due_date = timezone.localtime(request.requested_deadline).date()
                history_author(task, actor=actor, reason=_("Extension approved"))
                task.save(update_fields=["due_date", "updated"])
        _record(
            issue,
            action=Action.EXTENSION_APPROVED if approve else Action.EXTENSION_REFUSED,
            from_status=issue.status,
            actor=actor,
            note=note,
        )
        notification_send(
            recipients=[request.requested_by, *department_contacts(department=issue.department)],
            title=(_("Extension approved: %(code)s") if approve else _("Extension refused: %(code)s"))
            % {"code": issue.code},
            body=note,
            url=_issue_url(issue),
        )
    return request
