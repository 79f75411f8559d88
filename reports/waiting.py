"""What waits for the signed-in user (待办), role by role: the reads of the home page.

Every count comes with the link to the list that shows exactly those rows: it is read from the same
visibility selector as that list (``task_visible_to``, ``issue_visible_to``) by the rule of the filter
the link sets, so a count and its list cannot disagree. Each role's part takes a fixed number of
queries, whatever the number of rows."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import Department, Role, User
from accounts.rules import can_read_everything, is_administrator, is_department_staff, is_inspector, is_leader
from accounts.selectors import departments_seen_by, departments_with_role
from campaign.selectors import task_counts, task_visible_to
from core.glossary import label
from core.jobs import WORKER_SILENT_AFTER, job_counts, worker_last_heard
from inspections.models import Issue
from inspections.selectors import extension_requests_pending, issue_counts, issue_visible_to, issues_to_verify

TO_VERIFY_SHOWN = 5
# The list of each kind of background job, which its ``state`` filter narrows.
JOB_LISTS = {"masterdata.importjob": "masterdata:index", "reports.weeklyreport": "weekly_report_list"}


@dataclass(frozen=True)
class Item:
    """One count of the home page, and the list that shows those rows (none for a sum)."""

    label: str | Promise  # the glossary's labels are lazy
    count: int | Decimal
    url: str = ""
    tone: str = ""  # "bad": late, sent back, failed or stuck; "warn": waiting on the user; "": a figure
    hint: str = ""


@dataclass
class Section:
    """A block of the home page: one role's waiting work, or the figures of what the user sees."""

    key: str
    title: str
    items: list[Item]
    note: str = ""
    alerts: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # the inspector's next issues to verify
    more: tuple[str, str] | None = None  # (label, url) of the page with more


def _url(name: str, *args, **params: str) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(params)}" if params else url


def home_sections(*, user: User, now: datetime.datetime) -> list[Section]:
    """The sections of ``user``'s home page: one per role they hold (staff, inspector, leader,
    administrator), then the figures of the tasks and issues they see (none for an inspector, who has
    no task list)."""
    staff, inspector, leader, administrator = (
        is_department_staff(user),
        is_inspector(user),
        is_leader(user),
        is_administrator(user),
    )
    tasks = issues = None
    if staff or leader or administrator:
        tasks = task_counts(tasks=task_visible_to(user=user), now=now)
    if tasks is not None or inspector:
        issues = issue_counts(issues=issue_visible_to(user=user), user=user, now=now)
    sections = []
    if staff:
        sections.append(_staff_section(user, tasks, issues))
    if inspector:
        sections.append(_inspector_section(user, issues))
    if leader:
        sections.append(_leader_section(tasks, issues))
    if administrator:
        sections.append(_administrator_section(now))
    if tasks is not None:
        sections.append(_figures_section(user, tasks, issues))
    return sections


def _work_department(user: User) -> Department:
    """The department the user works for (a section's member works for its bureau)."""
    department = user.department
    return department.parent if department.pk != user.work_department_id else department


def _staff_section(user: User, tasks: dict, issues: dict) -> Section:
    units = len(departments_seen_by(user=user)) - 1
    issue_list = "inspections:issue_list"
    return Section(
        key="staff",
        title=_("Waiting for %(department)s") % {"department": _work_department(user)},
        note=(_("Including the work of its %(count)s sub-units.") % {"count": units} if units > 0 else ""),
        items=[
            Item(label("current_overdue_tasks"), tasks["overdue"], _url("campaign:task_list", due="overdue"), "bad"),
            Item(_("Tasks due soon"), tasks["due_soon"], _url("campaign:task_list", due="soon"), "warn"),
            Item(_("Issues to start"), issues["dispatched"], _url(issue_list, status="dispatched"), "warn"),
            Item(
                _("Issues to submit"),
                issues["to_submit"],
                _url(issue_list, status="rectifying", reworked="no"),
                "warn",
            ),
            Item(
                _("Issues sent back for rework"),
                issues["sent_back"],
                _url(issue_list, status="rectifying", reworked="yes"),
                "bad",
            ),
        ],
    )


def _dispatch_hint() -> str:
    offices = departments_with_role(role=Role.INSPECTOR)
    if not offices:
        return _("Inspectors dispatch them, and nobody holds the inspector role yet: an administrator assigns it.")
    return _("Inspectors (督查员) dispatch them: %(offices)s.") % {"offices": _(", ").join(offices)}


def _not_dispatched(issues: dict, *, hint: str = "") -> list[Item]:
    issue_list = "inspections:issue_list"
    return [
        Item(_("Issues not yet dispatched"), issues["reported"], _url(issue_list, status="reported"), "warn", hint),
        Item(
            _("Issues returned, to dispatch again"),
            issues["returned"],
            _url(issue_list, status="returned"),
            "warn",
        ),
    ]


def _inspector_section(user: User, issues: dict) -> Section:
    issue_list = "inspections:issue_list"
    return Section(
        key="inspector",
        title=_("Waiting for inspectors"),
        items=[
            Item(_("Rectifications to verify"), issues["submitted"], _url(issue_list, status="submitted"), "warn"),
            Item(
                _("Of them filed by you or your rounds"),
                issues["to_verify_mine"],
                _url(issue_list, status="submitted", mine="on"),
                "warn",
            ),
            *_not_dispatched(issues),
        ],
        issues=issues_to_verify(user=user, limit=TO_VERIFY_SHOWN),
    )


def _leader_section(tasks: dict, issues: dict) -> Section:
    return Section(
        key="leader",
        title=_("Waiting for a leader's eye"),
        items=[
            Item(
                _("Extension requests to decide"),
                extension_requests_pending(),
                _url("inspections:extension_list"),
                "warn",
            ),
            Item(
                _("Suspension requests to decide"),
                issues["suspension_pending"],
                _url("inspections:issue_list", suspension="pending"),
                "warn",
            ),
            *_not_dispatched(issues, hint=_dispatch_hint()),
            Item(label("current_overdue_tasks"), tasks["overdue"], _url("campaign:task_list", due="overdue"), "bad"),
            Item(
                label("current_overdue_issues"),
                issues["overdue"],
                _url("inspections:issue_list", overdue="yes"),
                "bad",
            ),
        ],
    )


def _administrator_section(now: datetime.datetime) -> Section:
    items = []
    for kind in job_counts():
        name = kind.model._meta.verbose_name_plural
        url_name = JOB_LISTS.get(kind.model._meta.label_lower)
        for state, text, tone in (
            ("waiting", _("%(jobs)s waiting or running"), ""),
            ("stuck", _("%(jobs)s stuck"), "bad"),
            ("failed", _("%(jobs)s failed in the last 7 days"), "bad"),
        ):
            url = _url(url_name, state=state) if url_name else ""
            items.append(Item(text % {"jobs": name}, getattr(kind, state), url, tone))
    heard = worker_last_heard()
    if heard is None:
        alerts = [_("No background worker has answered yet: reminders, weekly reports and imports wait.")]
    elif heard < now - WORKER_SILENT_AFTER:
        alerts = [
            _("No background worker has answered since %(moment)s: reminders, weekly reports and imports wait.")
            % {"moment": f"{timezone.localtime(heard):%Y-%m-%d %H:%M}"}
        ]
    else:
        alerts = []
    return Section(key="administrator", title=_("Background work"), items=items, alerts=alerts)


def _figures_section(user: User, tasks: dict, issues: dict) -> Section:
    city = can_read_everything(user)
    if city:
        title, more = _("The whole campaign"), (_("Open the dashboard"), _url("dashboard"))
    else:
        department = _work_department(user)
        title = _("%(department)s in figures") % {"department": department}
        more = (_("Open the department's page"), _url("dashboard_department", department.pk))
    issue_list = "inspections:issue_list"
    return Section(
        key="figures",
        title=title,
        items=[
            Item(_("Tasks"), tasks["total"], _url("campaign:task_list")),
            Item(label("tasks_done"), tasks["done"], _url("campaign:task_list", status="done")),
            Item(_("Issues"), issues["total"], _url(issue_list)),
            Item(label("closed"), issues["closed"], _url(issue_list, status="closed")),
            Item(label("points_lost"), issues["points"]),
        ],
        more=more,
    )
