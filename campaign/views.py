"""The pages of department work: "my work" (the task list), a task, logging progress on it, and the
progress photos.

Views stay thin: reads come from ``campaign.selectors``, writes from ``campaign.services``, and who
may do what from the rules in ``campaign/rules.py``."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from campaign.filters import TaskFilterSet
from campaign.forms import ProgressForm
from campaign.models import Target, Task
from campaign.selectors import progress_photo_visible_to, task_clocks, task_visible_to
from campaign.selectors import task_list as select_task_list
from campaign.services import progress_report_create
from core.clocks import Light
from core.errors import ApplicationError
from core.history import change_history
from core.images import photo_response
from core.pending_photos import PhotoSubmission
from core.permissions import require_perm
from core.working_time import agreeing, due_in

TASKS_PER_PAGE = 25


def attach_due_in(tasks, now: datetime.datetime) -> None:
    """Set ``task.due_in`` on each open task of a page (closed tasks have no deadline to show, nor one whose
    clock is suspended); overdue is the clock's red (``Task.is_overdue``), to the minute."""
    running = [task for task in tasks if task.status in Task.OPEN_STATUSES and task.suspended_at is None]
    standing = due_in(timezone.localdate(now), [task.due_date for task in running])
    for task in tasks:
        task.due_in = None
    for task in running:
        # Task.is_overdue itself: a list's rows carry an ``is_overdue`` annotation of the same name.
        light = Task.light(task, now)
        task.due_in = agreeing(standing[task.due_date], overdue=light == Light.RED, yellow=light == Light.YELLOW)


def status_tabs(counts: dict, choices, current: str) -> list[dict]:
    """The status chips above a list: each with its count, all other filters kept."""
    tabs = [{"value": "", "label": _("All"), "count": counts["total"], "active": not current}]
    tabs += [
        {"value": value, "label": label, "count": counts[value], "active": current == value} for value, label in choices
    ]
    return tabs


@login_required
@require_GET
def task_list(request):
    """My work: the tasks the user may see, filtered, sorted, counted and paginated."""
    now = timezone.now()
    today = timezone.localdate(now)
    tasks = select_task_list(user=request.user, now=now)
    filterset = TaskFilterSet(request.GET or None, queryset=tasks, request=request, now=now)

    # The status chips count what the other filters leave, in a single aggregate query.
    counts = (
        filterset.queryset_without("status", "sort")
        .order_by()
        .aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=Task.overdue_q(now)),
            **{value: Count("pk", filter=Q(status=value)) for value in Task.Status.values},
        )
    )

    page = Paginator(filterset.qs, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    attach_due_in(rows, now)
    task_clocks(rows, now=now)
    filtered = any(value for key, value in request.GET.items() if key not in ("page", "sort", "status"))
    return render(
        request,
        "campaign/task_list.html",
        {
            "filterset": filterset,
            "page": page,
            "tasks": rows,
            "counts": counts,
            "tabs": status_tabs(counts, Task.Status.choices, request.GET.get("status", "")),
            "filtered": filtered,
            "today": today,
        },
    )


def _task_context(request, task: Task, *, form: ProgressForm | None = None) -> dict:
    now = timezone.now()
    today = timezone.localdate(now)
    attach_due_in([task], now)
    task_clocks([task], now=now)
    target = None
    if task.target_id:
        target = (
            Target.objects.with_current_value().select_related("pledge", "pledge__department").get(pk=task.target_id)
        )
    try:
        issue = task.issue
    except ObjectDoesNotExist:
        issue = None
    # A rectification task follows its issue: its page offers the issue's steps, not a progress log.
    follows_issue = issue is not None and task.kind == Task.Kind.RECTIFICATION
    can_report = request.user.has_perm("campaign.report_progress", task)
    takes_progress = can_report and task.status in Task.OPEN_STATUSES and not follows_issue
    if takes_progress and form is None:
        form = ProgressForm(task=task)
    form = form if takes_progress else None
    return {
        "task": task,
        "target": target,
        "places": task.places.select_related("grid"),
        "grids": task.grids.all(),
        "reports": task.progress_reports.select_related("author").prefetch_related("photos"),
        "form": form,
        "form_takes_quantity": form is not None and "quantity" in form.fields,
        "can_report": can_report,
        "issue": issue,
        "follows_issue": follows_issue,
        "today": today,
    }


def _visible_task(request, pk: int) -> Task:
    tasks = task_visible_to(user=request.user).select_related(
        "department", "section", "accountable", "target", "campaign", "created_by"
    )
    return get_object_or_404(tasks, pk=pk)


@login_required
@require_GET
def task_detail(request, pk: int):
    task = _visible_task(request, pk)
    context = _task_context(request, task)
    context["history"] = change_history(task)
    return render(request, "campaign/task_detail.html", context)


@login_required
@require_POST
def progress_create(request, pk: int):
    """Log progress (percent, quantity, note, photos, final or not); errors change nothing."""
    task = _visible_task(request, pk)
    require_perm(request.user, "campaign.report_progress", task)
    form = ProgressForm(request.POST, request.FILES, task=task)
    submitted_photos = PhotoSubmission(form=form, uploader=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            photos = submitted_photos.photos()
            progress_report_create(
                task=task,
                author=request.user,
                percent=data["percent"],
                quantity=data.get("quantity"),
                note=data["note"],
                photos=photos,
                is_final=data.get("is_final", False),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            submitted_photos.used()
            if data.get("is_final"):
                messages.success(request, _("Final report saved: the task is complete."))
            else:
                messages.success(request, _("Progress saved."))
            if request.htmx:
                task = _visible_task(request, pk)
                return render(request, "campaign/_task_live.html", {**_task_context(request, task), "partial": True})
            return redirect(reverse("campaign:task_detail", args=[task.pk]) + "#timeline")
    # The form comes back: the photos it carried stay with it.
    submitted_photos.keep()
    context = _task_context(request, task, form=form)
    if request.htmx:
        return render(request, "campaign/_task_live.html", {**context, "partial": True})
    context["history"] = change_history(task)
    return render(request, "campaign/task_detail.html", context)


@login_required
@require_safe
def progress_photo(request, pk: int, thumbnail: bool = False):
    """A progress photo, or its thumbnail, for those who may see the task; to others a 404, as the task's
    page is."""
    photo = get_object_or_404(progress_photo_visible_to(user=request.user), pk=pk)
    if thumbnail:
        return photo_response(photo.thumbnail, filename=f"progress-photo-{photo.pk}-thumbnail.jpg")
    return photo_response(photo.image, filename=f"progress-photo-{photo.pk}.jpg")
