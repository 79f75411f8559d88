"""Writes of the citizens' channel: a report from the public, its triage (accept → an issue through
``inspections.services.issue_file``; reject with a reason; merge, 并单), the 回访 and its review, and what
the office publishes. Each service validates before it writes and owns its transaction; a refusal raises
``ApplicationError`` and changes nothing."""

import datetime
import re
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from citizens import abuse
from citizens.models import Followup, Partner, PublicCategory, PublicIssue, PublicPhoto, Report, ReportPhoto
from citizens.selectors import grid_at
from citizens.sms import sms_send
from core.errors import ApplicationError, Conflict
from core.geo import to_wgs84
from core.images import Photo
from core.limits import TEXT_LIMITS, text_check
from grids.models import Place
from inspections.models import Criterion, Issue, IssuePhoto
from inspections.services import issue_file

PHONE = re.compile(r"^1[3-9][0-9]{9}$")  # a mainland mobile number
OUTSIDE_CITY = "outside_city"


def phone_clean(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "").removeprefix("+86")
    if phone and not PHONE.fullmatch(phone):
        raise ApplicationError(_("Enter an 11-digit mobile number."), code="phone_invalid")
    return phone


def phone_code_send(*, phone: str, device: str, address: str) -> None:
    """Send a one-time code to ``phone`` through the SMS gateway (counted per phone, device and address)."""
    phone = phone_clean(phone)
    if not phone:
        raise ApplicationError(_("Enter an 11-digit mobile number."), code="phone_invalid")
    code = abuse.code_new(phone=phone, device=device, address=address)
    sms_send(phone=phone, text=_("Your verification code is %(code)s, valid for 10 minutes.") % {"code": code})


def report_submit(
    *,
    category: PublicCategory | None,
    description: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    datum: str = Report.Datum.WGS84,
    phone: str = "",
    phone_code: str = "",
    device: str = "",
    address: str = "",
    photos: list[Photo] = (),
    place: Place | None = None,
    submission_key: str | None = None,
    channel: str = Report.Channel.WEB,
    partner: Partner | None = None,
) -> Report:
    """Take a report from the public into triage. The same submission sent twice (its ``submission_key``)
    is one report. The point is converted to WGS-84 and must lie in a grid of the city. A phone, when given,
    must come with its one-time code (partners vouch for their own users). Strict limits per phone and device,
    lenient per address (HTTP 429 beyond them). A ``place`` picked instead of a point stands for its point."""
    if submission_key:
        existing = Report.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    description = (description or "").strip()
    if not description:
        raise ApplicationError(_("Describe the problem."), code="description_required")
    text_check(description, limit=TEXT_LIMITS.description, what=_("The description"))
    if category is None or not category.is_active or not category.criterion.is_active:
        raise ApplicationError(_("Choose a category from the list."), code="category_unknown")
    if (latitude is None or longitude is None) and place is not None and place.latitude is not None:
        # A place picked from the list stands for its point (WGS-84, as every stored coordinate).
        latitude, longitude, datum = place.latitude, place.longitude, Report.Datum.WGS84
    if latitude is None or longitude is None:
        raise ApplicationError(_("Give the location of the problem."), code="location_required")
    if datum not in Report.Datum.values:
        raise ApplicationError(_("Unknown coordinate system."), code="datum_unknown")
    latitude, longitude = to_wgs84(latitude, longitude, datum=datum)
    grid = grid_at(latitude=latitude, longitude=longitude)
    if grid is None:
        raise ApplicationError(_("The location is not within the city."), code=OUTSIDE_CITY)
    phone = phone_clean(phone)
    if phone and partner is None:
        abuse.code_check(phone=phone, code=phone_code)
    abuse.report_rates_check(phone=phone, device=device, address=address)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                category=category,
                description=description,
                latitude=latitude,
                longitude=longitude,
                datum=datum,
                grid=grid,
                place=place if place is not None and place.grid_id == grid.pk else None,
                phone=phone,
                device=device[:64],
                channel=channel,
                partner=partner,
                submission_key=submission_key or None,
            )
            for photo in photos:
                ReportPhoto.objects.create(report=report, image=photo.image, thumbnail=photo.thumbnail)
    except IntegrityError:
        existing = Report.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is None:
            raise
        return existing
    return report


def _pending(report: Report) -> Report:
    locked = Report.objects.select_for_update().select_related("category", "category__criterion").get(pk=report.pk)
    if locked.status != Report.Status.PENDING:
        raise Conflict(
            _("This report has already been triaged: %(status)s.") % {"status": locked.get_status_display()},
            code="already_triaged",
        )
    return locked


def _photo_copy(photo: ReportPhoto) -> Photo:
    with photo.image.open("rb") as image:
        full = image.read()
    small = full
    if photo.thumbnail:
        with photo.thumbnail.open("rb") as thumbnail:
            small = thumbnail.read()
    return Photo(name="photo", image=ContentFile(full, name="photo.jpg"), thumbnail=ContentFile(small, name="t.jpg"))


def report_accept(*, report: Report, actor: User, place: Place, criterion: Criterion | None = None) -> Issue:
    """Accept (受理) a report: an issue is filed at ``place`` under the category's checklist item (or
    ``criterion``), routed and timed as every issue, source 市民随手拍, with the report's point and photos."""
    if not place.is_active:
        raise ApplicationError(_("This place is no longer in use."), code="place_inactive")
    with transaction.atomic():
        report = _pending(report)
        issue = issue_file(
            reporter=actor,
            place=place,
            criterion=criterion or report.category.criterion,
            description=report.description,
            latitude=report.latitude,
            longitude=report.longitude,
            photos=[_photo_copy(photo) for photo in report.photos.all()],
            source=Issue.Source.CITIZEN,
        )
        report.status = Report.Status.ACCEPTED
        report.issue = issue
        report.place = place
        report.triaged_by = actor
        report.triaged_at = timezone.now()
        report.save(update_fields=["status", "issue", "place", "triaged_by", "triaged_at", "updated"])
    return issue


def report_reject(*, report: Report, actor: User, reason: str) -> Report:
    """Do not accept (不予受理) a report, with a reason its reporter reads."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the report is not accepted: the reporter reads it."), code="reason_required")
    text_check(reason, limit=TEXT_LIMITS.reason, what=_("The reason"))
    with transaction.atomic():
        report = _pending(report)
        report.status = Report.Status.REJECTED
        report.reason = reason
        report.triaged_by = actor
        report.triaged_at = timezone.now()
        report.save(update_fields=["status", "reason", "triaged_by", "triaged_at", "updated"])
    return report


def report_merge(*, report: Report, actor: User, issue: Issue, now: datetime.datetime | None = None) -> Report:
    """Merge (并单) a report into an existing issue: it follows that issue's state and its reporter gets the
    回访. A closed issue takes a merge only within the category's window after its closing."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _pending(report)
        window = datetime.timedelta(days=report.category.duplicate_window_days)
        if issue.status == Issue.Status.CLOSED and issue.closed_at < now - window:
            raise Conflict(
                _("Issue %(code)s was closed more than %(days)s days ago: accept the report as a new case.")
                % {"code": issue.code, "days": window.days},
                code="merge_closed_too_long",
            )
        report.status = Report.Status.MERGED
        report.issue = issue
        report.place_id = issue.place_id
        report.triaged_by = actor
        report.triaged_at = now
        report.save(update_fields=["status", "issue", "place", "triaged_by", "triaged_at", "updated"])
    return report


# --- 回访 --------------------------------------------------------------------------------------------


def followup_record(*, report: Report, answer: str, comment: str = "", actor: User | None = None) -> Followup:
    """Record a reporter's 回访 answer: on the tracking page (no ``actor``) or by an office member who phoned
    them. Only once the report's issue is closed, and once per issue. 不满意 puts it in the review queue."""
    if answer not in Followup.Answer.values:
        raise ApplicationError(_("Choose one of the answers."), code="answer_unknown")
    comment = (comment or "").strip()
    text_check(comment, limit=TEXT_LIMITS.note, what=_("The comment"))
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("issue").get(pk=report.pk)
        issue = report.issue
        if issue is None or issue.status != Issue.Status.CLOSED:
            raise Conflict(_("The case is not closed yet: you will be asked once it is."), code="not_closed")
        if Followup.objects.filter(report=report, issue=issue).exists():
            raise Conflict(_("This report has already been answered. Thank you."), code="already_answered")
        return Followup.objects.create(
            report=report,
            issue=issue,
            department_id=issue.department_id,
            answer=answer,
            comment=comment,
            channel=Followup.Channel.PAGE if actor is None else Followup.Channel.PHONE,
            recorded_by=actor,
            review=Followup.Review.PENDING if answer == Followup.Answer.UNSATISFIED else "",
        )


def _pending_review(followup: Followup) -> Followup:
    locked = Followup.objects.select_for_update().select_related("issue", "issue__place", "report").get(pk=followup.pk)
    if locked.review != Followup.Review.PENDING:
        raise Conflict(_("This answer has already been reviewed."), code="already_reviewed")
    return locked


def followup_reopen(*, followup: Followup, actor: User, note: str = "") -> Issue:
    """Review of 不满意: the problem is not solved. A rework issue is filed at the same place and item
    (source 市民随手拍); the report follows it, and its reporter is asked again when it closes."""
    with transaction.atomic():
        followup = _pending_review(followup)
        old = followup.issue
        description = _("Rework: the reporter of %(code)s was not satisfied. %(comment)s") % {
            "code": old.code,
            "comment": followup.comment or note,
        }
        rework = issue_file(
            reporter=actor,
            place=old.place,
            criterion=old.criterion,
            description=description[: TEXT_LIMITS.description],
            latitude=old.latitude,
            longitude=old.longitude,
            source=Issue.Source.CITIZEN,
        )
        followup.review = Followup.Review.REOPENED
        followup.review_note = note.strip()
        followup.reviewed_by = actor
        followup.reviewed_at = timezone.now()
        followup.rework_issue = rework
        followup.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at", "rework_issue", "updated"])
        Report.objects.filter(pk=followup.report_id).update(issue=rework, invited_at=None, updated=timezone.now())
    return rework


def followup_explain(*, followup: Followup, actor: User, note: str) -> Followup:
    """Review of 不满意: the case stays closed, with an explanation its reporter reads."""
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Write the explanation the reporter will read."), code="note_required")
    text_check(note, limit=TEXT_LIMITS.note, what=_("The explanation"))
    with transaction.atomic():
        followup = _pending_review(followup)
        followup.review = Followup.Review.EXPLAINED
        followup.review_note = note
        followup.reviewed_by = actor
        followup.reviewed_at = timezone.now()
        followup.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at", "updated"])
    return followup


def followups_invite(*, base_url: str = "", now: datetime.datetime | None = None) -> int:
    """Text each reporter with a phone whose case has closed, once, asking for the 回访 on the tracking page.
    Each report is claimed by a conditional update, so a job run twice sends nothing twice."""
    now = now or timezone.now()
    waiting = Report.objects.filter(
        status__in=[Report.Status.ACCEPTED, Report.Status.MERGED], issue__status=Issue.Status.CLOSED, invited_at=None
    ).exclude(phone="")
    sent = 0
    for report in waiting.only("pk", "phone", "tracking_code").iterator():
        if not Report.objects.filter(pk=report.pk, invited_at=None).update(invited_at=now):
            continue
        link = base_url + reverse("citizens:track", args=[report.tracking_code])
        sms_send(
            phone=report.phone,
            text=_("The problem you reported has been dealt with. Are you satisfied? %(link)s") % {"link": link},
        )
        sent += 1
    return sent


# --- the public page ------------------------------------------------------------------------------------


def public_issue_mark(*, issue: Issue, actor: User) -> PublicIssue:
    """Show an issue on the public page although no citizen reported it (never an undercover finding)."""
    from citizens.selectors import HIDDEN_KINDS

    if issue.inspection_id and issue.inspection.kind in HIDDEN_KINDS:
        raise Conflict(_("Undercover and third-party findings are never published."), code="not_publishable")
    return PublicIssue.objects.get_or_create(issue=issue, defaults={"marked_by": actor})[0]


def public_photo_approve(*, issue: Issue, actor: User, photo: IssuePhoto | ReportPhoto) -> PublicPhoto:
    """Publish a photo of a public issue (the office has looked: no face, no number plate). The file is copied
    out of the private store into the public one; approving it twice keeps one copy."""
    from citizens.selectors import public_issues

    if not public_issues().filter(pk=issue.pk).exists():
        raise Conflict(_("Only photos of public issues are published."), code="not_public")
    belongs = photo.issue_id == issue.pk if isinstance(photo, IssuePhoto) else photo.report.issue_id == issue.pk
    if not belongs:
        raise ApplicationError(_("This photo is not one of the issue's."), code="photo_elsewhere")
    source = f"{type(photo).__name__}:{photo.pk}"
    existing = PublicPhoto.objects.filter(issue=issue, source=source).first()
    if existing is not None:
        return existing
    with photo.image.open("rb") as image:
        content = ContentFile(image.read(), name="public.jpg")
    return PublicPhoto.objects.create(issue=issue, image=content, source=source, approved_by=actor)


def public_photo_withdraw(*, public_photo: PublicPhoto) -> None:
    """Take a published photo down: its public copy is deleted."""
    public_photo.image.delete(save=False)
    public_photo.delete()
