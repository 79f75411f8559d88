"""The words of the figures: one glossary for the pages, the workbooks, the API and the README.

Each term has a code (the key the selectors and the API use), a short label (a column header, a KPI's
name) and a one-line definition (the API's field description, the dashboard's 指标口径, the README's
table). Labels are the 数字城管 words (立案, 派遣, 结案, 按期结案率, 返工率; 逾期 for tasks, 超期 for
issues), written as English msgids and translated, so that English still works.

A figure that counts the period says so in its definition; one that counts everything open at the
cut-off time says "now" (当前) in its label, so a figure and the list beneath it never seem to disagree.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    """One figure's name: ``code`` as the selectors and the API spell it, the ``label`` a reader sees
    and the ``definition`` of what it counts (both lazy: translated when shown)."""

    code: str
    label: Promise
    definition: Promise


_TERMS = (
    # The period's issues, counted by when they were filed.
    Term("found", _("Issues filed"), _("Issues an inspector filed in the period, counted by when they were filed.")),
    Term(
        "dispatched",
        _("Issues dispatched"),
        _(
            "Of the issues filed in the period, those dispatched to a department (for a department: to it); "
            "a returned issue counts once it is dispatched again."
        ),
    ),
    Term(
        "closed",
        _("Issues closed"),
        _("Of the issues filed in the period (for a department: dispatched to it), those verified and closed."),
    ),
    Term(
        "open",
        _("Issues not closed"),
        _("Of the issues filed in the period (for a department: dispatched to it), those not closed yet."),
    ),
    Term("closure_rate", _("Closure rate"), _("Issues closed ÷ issues dispatched.")),
    Term(
        "closed_on_time",
        _("Closed on time"),
        _("Of the issues closed, those closed by their rectification deadline."),
    ),
    Term("on_time_closure_rate", _("On-time closure rate"), _("Issues closed on time ÷ issues closed.")),
    Term(
        "reworked",
        _("Issues reworked"),
        _("Of the issues whose rectification was submitted, those sent back at least once."),
    ),
    Term(
        "rework_rate",
        _("Rework rate"),
        _(
            "Issues reworked ÷ issues whose rectification was submitted (closed or awaiting verification); "
            "lower is better."
        ),
    ),
    Term(
        "points_lost",
        _("Points lost"),
        _(
            "Points deducted for the issues filed in the period: a department answers for those dispatched to it, "
            "a grid for those found in it; lower is better."
        ),
    ),
    # The period's tasks, counted by their due date.
    Term("tasks_due", _("Tasks due"), _("Tasks due in the period, cancelled ones left out.")),
    Term("tasks_done", _("Tasks done"), _("Of the tasks due in the period, those completed.")),
    Term(
        "tasks_on_time",
        _("Done on time"),
        _("Of the tasks due in the period, those completed by their due date."),
    ),
    Term(
        "open_tasks",
        _("Due and still open"),
        _("Of the tasks due in the period, those not done yet, overdue or not."),
    ),
    Term(
        "overdue_tasks",
        _("Due and overdue"),
        _(
            "Of the tasks due in the period, those still open after their due date; "
            "tasks due before the period are counted in “Overdue tasks now”."
        ),
    ),
    Term(
        "on_time_rate",
        _("On-time completion rate"),
        _("Of the tasks due in the period: completed by the due date ÷ (done + overdue)."),
    ),
    # Everything open at the cut-off time, whenever it began: what the lists show.
    Term(
        "current_overdue_tasks",
        _("Overdue tasks now"),
        _("Every task still open after its due date at the cut-off time, whenever it was due: the overdue list."),
    ),
    Term(
        "current_open_tasks",
        _("Open tasks now"),
        _("Every task not done or cancelled at the cut-off time: the list of open tasks."),
    ),
    Term(
        "current_open_issues",
        _("Open issues now"),
        _("Every issue not closed at the cut-off time, whenever it was filed: the list of open issues."),
    ),
    Term(
        "current_overdue_issues",
        _("Issues past deadline now"),
        _(
            "Open issues in the department's hands (dispatched or rectifying) after their rectification deadline; "
            "one awaiting verification waits on the inspectors and is not late."
        ),
    ),
    Term(
        "past_deadline", _("Past deadline"), _("An issue in the department's hands after its rectification deadline.")
    ),
    # Who, and when.
    Term("department", _("Department"), _("The department the issues are dispatched to and the tasks belong to.")),
    Term("as_of", _("Cut-off time"), _("The moment the figures were computed, in local time.")),
    # Comparisons with the period before.
    Term(
        "vs_previous_week",
        _("vs the previous week"),
        _("A whole week compared with the whole week before it."),
    ),
    Term(
        "vs_same_days_of_previous_week",
        _("vs the same days of the previous week"),
        _("The week so far compared with the same weekdays of the week before (Monday–Thursday with Monday–Thursday)."),
    ),
    Term(
        "vs_previous_month",
        _("vs the previous month"),
        _("A whole month compared with the whole month before it."),
    ),
    Term(
        "vs_same_days_of_previous_month",
        _("vs the same days of the previous month"),
        _(
            "The month so far compared with the same days of the month before (1–5 December with 1–5 November), "
            "up to that month's last day."
        ),
    ),
    Term(
        "vs_previous_period",
        _("vs the period before"),
        _("A span compared with the span of the same length just before it."),
    ),
    # Targets.
    Term(
        "target_progress",
        _("Progress toward the target"),
        _(
            "How far the current value has come from the baseline to the target value: 0 % at the baseline, "
            "100 % at the target, whichever way the target points."
        ),
    ),
    Term("higher_is_better", _("Higher is better"), _("The target is above its baseline: the value should rise.")),
    Term("lower_is_better", _("Lower is better"), _("The target is below its baseline: the value should fall.")),
    Term("target_achieved", _("Achieved"), _("The current value has reached the target value.")),
    Term(
        "target_on_track",
        _("On track"),
        _("Progress is at least the share of the time from the pledge to the deadline that has passed."),
    ),
    Term(
        "target_at_risk",
        _("At risk"),
        _("Progress is behind the share of the time that has passed: at this pace the deadline will be missed."),
    ),
    Term(
        "target_missed",
        _("Past deadline, not achieved"),
        _("The deadline has passed and the target value was not reached."),
    ),
    # 考核: the indicators a scheme may weigh (assessment.library defines what each counts), the score
    # and the grade. A department answers for the cases dispatched to it, a street and a grid for those
    # found in them.
    Term(
        "disposal_rate",
        _("Disposal rate"),
        _("Of the cases dispatched, those whose rectification was handed in (awaiting verification or closed)."),
    ),
    Term(
        "on_time_disposal_rate",
        _("On-time disposal rate"),
        _(
            "Cases handed in by their deadline ÷ cases handed in or past their deadline; suspended cases are left "
            "out when the scheme says so."
        ),
    ),
    Term(
        "extension_rate",
        _("Extension rate"),
        _("Of the cases dispatched, those given more time (an approved extension); lower is better."),
    ),
    Term(
        "overdue_pending_rate",
        _("Overdue pending rate"),
        _("Of the cases dispatched, those still in the department's hands past their deadline; lower is better."),
    ),
    Term(
        "return_rate",
        _("Return rate"),
        _("Returns (回退) ÷ dispatches, on the events of the period's cases; lower is better."),
    ),
    Term(
        "overruled_returns",
        _("Buck-passing"),
        _("Returns (回退) the office overruled, sending the case back to the same department; lower is better."),
    ),
    Term(
        "on_time_verification_rate",
        _("On-time verification rate"),
        _("Verifications done within their stage's time limit ÷ verifications done or due."),
    ),
    Term(
        "average_disposal_hours",
        _("Average disposal time"),
        _("Hours from dispatch to the rectification handed in, on average (natural hours); lower is better."),
    ),
    Term(
        "failed_verifications",
        _("Failed verifications"),
        _("Times a rectification was sent back after verification on site; lower is better."),
    ),
    Term(
        "repeated_complaint_places",
        _("Places with repeated complaints"),
        _("Places with at least the scheme's number of complaints (12345 and citizens' reports) in the period."),
    ),
    Term(
        "satisfaction_rate",
        _("Satisfaction rate"),
        _("Closed cases whose reporters answered the follow-up satisfied or fairly satisfied ÷ closed cases answered."),
    ),
    Term(
        "score_rate",
        _("Score rate"),
        _(
            "Mock evaluation: points earned ÷ points applicable over the standards observed in closed rounds "
            "(不适用 left out); a failure an appeal overturned earns its points."
        ),
    ),
    Term(
        "score",
        _("Score"),
        _("The scheme's weighted indicators, plus its bonus items and less its deductions; 100 is full marks."),
    ),
    Term(
        "grade", _("Grade"), _("The band the score falls in: excellent, good, fair or poor, as the scheme sets them.")
    ),
)

TERMS: dict[str, Term] = {term.code: term for term in _TERMS}


def term(code: str) -> Term:
    """The term named ``code`` (a ``KeyError`` for a word the glossary does not know)."""
    return TERMS[code]


def label(code: str) -> Promise:
    """The label of the term named ``code``, translated when shown."""
    return TERMS[code].label


def definition(code: str) -> Promise:
    """The definition of the term named ``code``, translated when shown."""
    return TERMS[code].definition


def labels() -> set[str]:
    """Every label in the active language: what a page's or a workbook's words are checked against."""
    return {str(term.label) for term in _TERMS}


def markdown_table() -> str:
    """The glossary as the README's table of figure definitions (code, Chinese, English, definition)."""
    rows = ["| code | 中文 | English | what it counts |", "| --- | --- | --- | --- |"]
    for entry in _TERMS:
        with translation.override("zh-hans"):
            chinese = str(entry.label)
        with translation.override("en"):
            rows.append(f"| `{entry.code}` | {chinese} | {entry.label} | {entry.definition} |")
    return "\n".join(rows)
