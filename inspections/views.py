"""The pages of inspections: the issue list, filing an issue on site, an issue and every step of its
rectification, the leaders' list of extension requests, and the issues' photos.

Views stay thin: reads come from ``inspections.selectors``, writes from ``inspections.services``
(which own every workflow rule), and who may do what from ``inspections/rules.py``."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from accounts.models import User
from campaign.views import status_tabs
from core.clocks import Light
from core.errors import ApplicationError
from core.history import change_history
from core.images import photo_response
from core.pending_photos import PhotoSubmission
from core.permissions import require_perm
from core.wording import plural_count
from core.working_time import agreeing, due_in
from grids.models import Place
from inspections import services
from inspections.clocks import issue_clocks
from inspections.filters import IssueFilterSet
from inspections.forms import (
    DecideForm,
    DecideSuspensionForm,
    DispatchForm,
    ExtensionForm,
    IssueActionForm,
    IssueFileForm,
    NoteForm,
    ReasonForm,
    ResumeForm,
    StartForm,
    SubmitForm,
    SuspendForm,
)
from inspections.models import Criterion, ExtensionRequest, Issue, Stage, Suspension
from inspections.selectors import issue_list as select_issue_list
from inspections.selectors import issue_photo_visible_to, issue_visible_to

ISSUES_PER_PAGE = 25
OPTIONS_LIMIT = 30
Status = Issue.Status


def attach_due_in(issues, now: datetime.datetime | None = None) -> None:
    """Set ``issue.due_in`` (working days to the rectification deadline) on each issue of a page whose
    deadline is running: only while the department holds it (``Issue.WITH_DEPARTMENT_STATUSES``) and its
    clock is not suspended. Overdue is the clock's red (``Issue.is_overdue``), to the minute."""
    now = now or timezone.now()
    running = [
        issue
        for issue in issues
        if issue.deadline and issue.status in Issue.WITH_DEPARTMENT_STATUSES and issue.clock_suspended_at is None
    ]
    standing = due_in(timezone.localdate(now), [timezone.localdate(issue.deadline) for issue in running])
    for issue in issues:
        issue.due_in = None
    for issue in running:
        rectifying = issue.clock_stage == Stage.RECTIFY
        yellow = issue.light(now) == Light.YELLOW if rectifying else None
        issue.due_in = agreeing(
            standing[timezone.localdate(issue.deadline)], overdue=issue.is_overdue(now), yellow=yellow
        )


# ---------------------------------------------------------------------------------------------
# The list


@login_required
@require_GET
def issue_list(request):
    issues = select_issue_list(user=request.user)
    filterset = IssueFilterSet(request.GET or None, queryset=issues, request=request)

    if filterset.is_bound and filterset.errors:
        # Nothing is narrowed by a value that cannot be read: say which, and list without it.
        messages.warning(
            request,
            _("Some filters could not be read and were left out: %(errors)s")
            % {
                "errors": "；".join(
                    f"{filterset.form[name].label}：{' '.join(errors)}" for name, errors in filterset.errors.items()
                )
            },
        )
    # The status chips count what the other filters leave, in a single aggregate query.
    counts = (
        filterset.queryset_without("status", "sort")
        .order_by()
        .aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=Issue.overdue_q(filterset.now)),
            **{value: Count("pk", filter=Q(status=value)) for value in Status.values},
        )
    )

    page = Paginator(filterset.qs, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    attach_due_in(rows, filterset.now)
    issue_clocks(rows, now=filterset.now)
    filtered = any(value for key, value in request.GET.items() if key not in ("page", "sort", "status"))
    return render(
        request,
        "inspections/issue_list.html",
        {
            "filterset": filterset,
            "page": page,
            "issues": rows,
            "counts": counts,
            "tabs": status_tabs(counts, Status.choices, request.GET.get("status", "")),
            "filtered": filtered,
            "can_file": rules.has_perm("inspections.file_issue", request.user),
        },
    )


# ---------------------------------------------------------------------------------------------
# Filing an issue on site


def _place_label(place: Place) -> str:
    return f"{place.name}（{place.get_kind_display()}）"


def place_options(*, grid_id, query: str = "", chosen=None) -> list[tuple[int, str]]:
    """The places of a grid matching a search, by name, at most ``OPTIONS_LIMIT``; the chosen place
    stays in the list even when the search would not show it."""
    if not str(grid_id or "").isdigit():
        return []
    places = Place.objects.filter(is_active=True, grid_id=int(grid_id))
    picked = places.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    query = query.strip()
    if query:
        places = places.filter(Q(name__icontains=query) | Q(code__icontains=query) | Q(address__icontains=query))
    places = places.order_by("name", "pk").only("pk", "name", "kind")[:OPTIONS_LIMIT]
    return _with_chosen([(place.pk, _place_label(place)) for place in places], picked, _place_label)


def criterion_options(*, query: str = "", chosen=None) -> list[tuple[int, str]]:
    """The active checklist items matching a search, at most ``OPTIONS_LIMIT``; the chosen one stays."""
    criteria = Criterion.objects.filter(is_active=True)
    picked = criteria.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    query = query.strip()
    if query:
        criteria = criteria.filter(
            Q(code__icontains=query)
            | Q(title__icontains=query)
            | Q(category__icontains=query)
            | Q(requirement__icontains=query)
        )
    criteria = criteria.order_by("category", "code").only("pk", "code", "title", "category", "points")
    return _with_chosen(
        [(item.pk, _criterion_label(item)) for item in criteria[:OPTIONS_LIMIT]], picked, _criterion_label
    )


def _criterion_label(criterion: Criterion) -> str:
    return ngettext(
        "%(category)s · %(code)s %(title)s (−%(points)s point)",
        "%(category)s · %(code)s %(title)s (−%(points)s points)",
        plural_count(criterion.points),
    ) % {
        "category": criterion.category,
        "code": criterion.code,
        "title": criterion.title,
        "points": f"{criterion.points.normalize():f}",
    }


def _with_chosen(options: list, chosen, label: Callable) -> list:
    if chosen is not None and all(pk != chosen.pk for pk, _label in options):
        return [(chosen.pk, label(chosen)), *options]
    return options


@login_required
@require_http_methods(["GET", "POST"])
def issue_create(request):
    """File a problem found on site. It is routed and dispatched at once by the service."""
    require_perm(request.user, "inspections.file_issue")
    source = request.POST if request.method == "POST" else request.GET
    place_query = source.get("place_q", "")
    criterion_query = source.get("criterion_q", "")
    places = place_options(grid_id=source.get("grid"), query=place_query, chosen=source.get("place"))
    criteria = criterion_options(query=criterion_query, chosen=source.get("criterion"))

    if request.method == "POST":
        form = IssueFileForm(request.POST, request.FILES, place_options=places, criterion_options=criteria)
        photos = PhotoSubmission(form=form, uploader=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.issue_file(
                    reporter=request.user,
                    place=data["place"],
                    criterion=data["criterion"],
                    description=data["description"],
                    inspection=data["inspection"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    photos=photos.photos(),
                    source=data["source"] or Issue.Source.INSPECTION,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                photos.used()
                messages.success(
                    request,
                    _("Issue %(code)s filed and dispatched to %(department)s.")
                    % {"code": issue.code, "department": issue.department},
                )
                return redirect("inspections:issue_detail", pk=issue.pk)
        # The form comes back: the photos it carried stay with it.
        photos.keep()
    else:
        # Without JavaScript, the search buttons send the form here by GET: keep what was typed, and
        # the photos already kept.
        initial = {
            key: source.get(key) for key in ("grid", "place", "criterion", "description", "inspection", "source")
        }
        form = IssueFileForm(
            initial={key: value for key, value in initial.items() if value},
            place_options=places,
            criterion_options=criteria,
        )
        PhotoSubmission(form=form, uploader=request.user, data=request.GET).keep()
    return render(
        request,
        "inspections/issue_form.html",
        {"form": form, "place_q": place_query, "criterion_q": criterion_query},
    )


@login_required
@require_GET
def place_option_list(request):
    """htmx: the ``<option>``s of a grid's places matching ``q`` (at most 30, by name)."""
    require_perm(request.user, "inspections.file_issue")
    query = request.GET.get("q") or request.GET.get("place_q") or ""
    grid = request.GET.get("grid")
    options = place_options(grid_id=grid, query=query)
    empty = _("Choose a place") if grid else _("Choose a grid first")
    return render(request, "inspections/_options.html", {"options": options, "empty_label": empty})


@login_required
@require_GET
def criterion_option_list(request):
    """htmx: the ``<option>``s of the checklist items matching ``q``."""
    require_perm(request.user, "inspections.file_issue")
    query = request.GET.get("q") or request.GET.get("criterion_q") or ""
    options = criterion_options(query=query)
    return render(
        request, "inspections/_options.html", {"options": options, "empty_label": _("Choose a checklist item")}
    )


# ---------------------------------------------------------------------------------------------
# An issue and the steps of its workflow


@dataclass(frozen=True)
class IssueAction:
    """One step a user can take on an issue from its page: the permission it needs, its form, and
    the service call it makes."""

    name: str
    perm: str
    form: type[IssueActionForm]
    label: str
    done: str
    run: Callable[[Issue, User, IssueActionForm], object]

    @property
    def statuses(self) -> tuple[str, ...]:
        """The issue states the step can be taken from (the workflow's ``ALLOWED_FROM``)."""
        return services.ALLOWED_FROM[self.name]

    def make_form(self, *args, **kwargs) -> IssueActionForm:
        """The step's form, its fields' ids led by the step's name: a page shows several steps' forms at
        once (asking for more time and returning both ask for a "reason"), and each label names its own box."""
        return self.form(*args, auto_id=f"id_{self.name}_%s", **kwargs)


def _decide(issue: Issue, actor: User, form: DecideForm):
    request = issue.extension_requests.filter(pk=form.cleaned_data["request_id"]).first()
    if request is None:
        raise ApplicationError(_("This extension request does not belong to this issue."), code="unknown_request")
    approve = form.cleaned_data["decision"] == "approve"
    return services.extension_decide(
        request=request,
        actor=actor,
        approve=approve,
        note=form.cleaned_data["note"],
        # The date field is filled in advance with the date asked for: it speaks only for an approval.
        approved_deadline=form.cleaned_data["approved_deadline"] if approve else None,
        confirm_beyond_limit=form.cleaned_data["confirm_beyond_limit"],
    )


def _decide_suspension(issue: Issue, actor: User, form: DecideSuspensionForm):
    suspension = issue.suspensions.filter(status=Suspension.Status.PENDING).first()
    if suspension is None:
        raise ApplicationError(_("This issue has no suspension request waiting."), code="no_pending_suspension")
    return services.suspension_decide(
        suspension=suspension,
        actor=actor,
        approve=form.cleaned_data["decision"] == "approve",
        note=form.cleaned_data["note"],
    )


ACTIONS = {
    action.name: action
    for action in (
        IssueAction(
            name="dispatch",
            perm="inspections.dispatch_issue",
            form=DispatchForm,
            label=gettext_lazy("Dispatch"),
            done=gettext_lazy("Issue dispatched."),
            run=lambda issue, actor, form: services.issue_dispatch(
                issue=issue, actor=actor, department=form.cleaned_data["department"], note=form.cleaned_data["note"]
            ),
        ),
        IssueAction(
            name="start",
            perm="inspections.start_issue",
            form=StartForm,
            label=gettext_lazy("Start rectification"),
            done=gettext_lazy("Rectification started."),
            run=lambda issue, actor, form: services.issue_start(issue=issue, actor=actor),
        ),
        IssueAction(
            name="submit",
            perm="inspections.submit_issue",
            form=SubmitForm,
            label=gettext_lazy("Submit rectification"),
            done=gettext_lazy("Rectification submitted for verification."),
            run=lambda issue, actor, form: services.issue_submit(
                issue=issue,
                actor=actor,
                note=form.cleaned_data["note"],
                photos=form.submitted_photos.photos(),
            ),
        ),
        IssueAction(
            name="extend",
            perm="inspections.request_extension",
            form=ExtensionForm,
            label=gettext_lazy("Request an extension"),
            done=gettext_lazy("Extension requested; a leader will decide."),
            run=lambda issue, actor, form: services.extension_request(
                issue=issue,
                actor=actor,
                reason=form.cleaned_data["reason"],
                new_deadline=form.cleaned_data["new_deadline"],
                beyond_limit_note=form.cleaned_data["beyond_limit_note"],
            ),
        ),
        IssueAction(
            name="return",
            perm="inspections.return_issue",
            form=ReasonForm,
            label=gettext_lazy("Return: not our responsibility"),
            done=gettext_lazy("Issue returned for re-routing."),
            run=lambda issue, actor, form: services.issue_return(
                issue=issue, actor=actor, reason=form.cleaned_data["reason"]
            ),
        ),
        IssueAction(
            name="verify",
            perm="inspections.verify_issue",
            form=NoteForm,
            label=gettext_lazy("Verify and close"),
            done=gettext_lazy("Rectification verified; the issue is closed."),
            run=lambda issue, actor, form: services.issue_verify(
                issue=issue, actor=actor, note=form.cleaned_data["note"]
            ),
        ),
        IssueAction(
            name="send_back",
            perm="inspections.send_back_issue",
            form=ReasonForm,
            label=gettext_lazy("Send back for rework"),
            done=gettext_lazy("Rectification sent back to the department."),
            run=lambda issue, actor, form: services.issue_send_back(
                issue=issue, actor=actor, reason=form.cleaned_data["reason"]
            ),
        ),
        IssueAction(
            name="decide",
            perm="inspections.decide_extension",
            form=DecideForm,
            label=gettext_lazy("Decide the extension"),
            done=gettext_lazy("Extension decided."),
            run=_decide,
        ),
        IssueAction(
            name="suspend",
            perm="inspections.request_suspension",
            form=SuspendForm,
            label=gettext_lazy("Request a suspension (stop the clock)"),
            done=gettext_lazy("Suspension requested; a leader will decide."),
            run=lambda issue, actor, form: services.suspension_request(
                issue=issue, actor=actor, reason=form.cleaned_data["reason"]
            ),
        ),
        IssueAction(
            name="decide_suspension",
            perm="inspections.decide_suspension",
            form=DecideSuspensionForm,
            label=gettext_lazy("Decide the suspension"),
            done=gettext_lazy("Suspension decided."),
            run=_decide_suspension,
        ),
        IssueAction(
            name="resume",
            perm="inspections.release_suspension",
            form=ResumeForm,
            label=gettext_lazy("Release the suspension (restart the clock)"),
            done=gettext_lazy("Suspension released; the clock runs again."),
            run=lambda issue, actor, form: services.suspension_release(
                issue=issue, actor=actor, note=form.cleaned_data["note"]
            ),
        ),
    )
}


def _visible_issue(request, pk: int) -> Issue:
    issues = issue_visible_to(user=request.user).select_related(
        "place",
        "place__territorial_unit",
        "grid",
        "criterion",
        "department",
        "reported_by",
        "inspection",
        "rectification_task",
        "campaign",
    )
    return get_object_or_404(issues, pk=pk)


def issue_actions(
    request, issue: Issue, *, failed: tuple[str, IssueActionForm] | None = None, next_url: str = ""
) -> dict:
    """The steps ``request.user`` can take on ``issue`` now, each with its form, and its extension
    requests: what the issue's page and its rectification task's page show (``issue_workflow``)."""
    extensions = list(issue.extension_requests.select_related("requested_by", "decided_by"))
    pending = next((item for item in extensions if item.status == ExtensionRequest.Status.PENDING), None)
    suspensions = list(issue.suspensions.select_related("requested_by", "decided_by", "released_by"))
    suspension = next((item for item in suspensions if item.status in Suspension.ACTIVE_STATUSES), None)
    now = timezone.now()
    attach_due_in([issue], now)
    issue_clocks([issue], now=now)

    forms = {}
    for action in ACTIONS.values():
        shown = issue.status in action.statuses
        if action.name == "extend":  # one extension request at a time
            shown = shown and pending is None
        elif action.name == "decide":
            shown = shown and pending is not None
        elif action.name == "suspend":  # one suspension at a time, asked for or in force
            shown = shown and suspension is None
        elif action.name == "decide_suspension":
            shown = shown and suspension is not None and suspension.status == Suspension.Status.PENDING
        elif action.name == "resume":
            shown = shown and suspension is not None and suspension.status == Suspension.Status.APPROVED
        if not shown or not request.user.has_perm(action.perm, issue):
            continue
        initial = None
        if action.name == "decide":
            initial = {"request_id": pending.pk, "approved_deadline": timezone.localdate(pending.requested_deadline)}
        form = action.make_form(issue=issue, initial=initial, pending=pending)
        forms[action.name] = {"action": action, "form": form, "failed": False}
    if failed is not None:
        name, form = failed
        forms[name] = {"action": ACTIONS[name], "form": form, "failed": True}
    return {
        "issue": issue,
        "extensions": extensions,
        "pending_extension": pending,
        "suspensions": suspensions,
        "suspension": suspension,
        "actions": forms,
        "next": next_url,
    }


def _issue_context(request, issue: Issue, *, failed: tuple[str, IssueActionForm] | None = None) -> dict:
    photos = list(issue.photos.select_related("uploaded_by"))
    return {
        **issue_actions(request, issue, failed=failed),
        "found_photos": [photo for photo in photos if photo.stage == photo.Stage.FOUND],
        "rectified_photos": [photo for photo in photos if photo.stage == photo.Stage.RECTIFIED],
        "events": issue.events.select_related("actor", "department"),
        "assisting": issue.criterion.assisting_departments.all(),
        "history": change_history(issue),
    }


def _next_url(request) -> str | None:
    """Where a step taken from another page (the rectification task's) goes back to, if safe."""
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return None


@login_required
@require_GET
def issue_detail(request, pk: int):
    issue = _visible_issue(request, pk)
    return render(request, "inspections/issue_detail.html", _issue_context(request, issue))


@login_required
@require_POST
def issue_action(request, pk: int, action: str):
    """One workflow step. Outside the user's sight: 404; without the permission: 403; refused by the
    workflow: the page again with the message, and nothing changed."""
    step = ACTIONS[action]
    issue = _visible_issue(request, pk)
    require_perm(request.user, step.perm, issue)
    pending = issue.extension_requests.filter(status=ExtensionRequest.Status.PENDING).first()
    form = step.make_form(request.POST, request.FILES, issue=issue, pending=pending)
    # The photos of a step that takes them (submitting the rectification): new and kept from a try before.
    form.submitted_photos = PhotoSubmission(form=form, uploader=request.user)
    if form.is_valid():
        try:
            step.run(issue, request.user, form)
        except ApplicationError as error:
            form.add_error(None, error.message)
            messages.error(request, error.message)
        else:
            form.submitted_photos.used()
            messages.success(request, step.done)
            return redirect(_next_url(request) or reverse("inspections:issue_detail", args=[issue.pk]))
    else:
        messages.error(request, _("%(action)s: please correct the form below.") % {"action": step.label})
    form.submitted_photos.keep()
    issue = _visible_issue(request, pk)
    return render(request, "inspections/issue_detail.html", _issue_context(request, issue, failed=(action, form)))


# ---------------------------------------------------------------------------------------------
# Extension requests


@login_required
@require_GET
def extension_list(request):
    """Pending extension requests for leaders to decide, oldest first; the latest decisions below."""
    require_perm(request.user, "inspections.decide_extension")
    requests = ExtensionRequest.objects.select_related(
        "issue", "issue__place", "issue__department", "issue__criterion", "requested_by", "decided_by"
    )
    pending = requests.filter(status=ExtensionRequest.Status.PENDING).order_by("created", "pk")
    page = Paginator(pending, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    decided = requests.exclude(status=ExtensionRequest.Status.PENDING).order_by("-decided_at", "-pk")[:10]
    return render(
        request,
        "inspections/extension_list.html",
        {"page": page, "pending": page.object_list, "decided": decided},
    )


# ---------------------------------------------------------------------------------------------
# Photos


@login_required
@require_safe
def issue_photo(request, pk: int, thumbnail: bool = False):
    """A photo of an issue, or its thumbnail, for those who may see the issue; to others a 404, as the
    issue's page is."""
    photo = get_object_or_404(issue_photo_visible_to(user=request.user), pk=pk)
    if thumbnail:
        return photo_response(photo.thumbnail, filename=f"issue-photo-{photo.pk}-thumbnail.jpg")
    return photo_response(photo.image, filename=f"issue-photo-{photo.pk}.jpg")
