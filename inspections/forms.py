"""Forms of the issue pages: filing a problem on site, and each step of its rectification."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from core.forms import MultiplePhotoField, photo_limits
from core.geo import CoordinateField, location_form_clean
from core.limits import TEXT_LIMITS
from grids.models import Grid, Place
from inspections import services
from inspections.models import Criterion, Inspection, Issue, Stage

DESCRIPTION_WIDGET = forms.Textarea(attrs={"rows": 3})


class IssueFileForm(forms.Form):
    """A problem found on site: grid, then place, then checklist item; a description, photos and
    the browser's location."""

    grid = forms.ModelChoiceField(
        label=_("Grid"), queryset=Grid.objects.only("pk", "code", "name"), empty_label=_("Choose a grid")
    )
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Place.objects.filter(is_active=True),
        empty_label=_("Choose a place"),
    )
    criterion = forms.ModelChoiceField(
        label=_("Checklist item"),
        queryset=Criterion.objects.filter(is_active=True),
        empty_label=_("Choose a checklist item"),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_LIMITS.description,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("What is wrong, exactly where")}),
    )
    photos = MultiplePhotoField(label=_("Photos as found"))
    latitude = CoordinateField(axis="latitude")
    longitude = CoordinateField(axis="longitude")
    inspection = forms.ModelChoiceField(
        label=_("Inspection round"),
        queryset=Inspection.objects.order_by("-date", "code"),
        required=False,
        empty_label=_("None"),
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=Issue.Source.choices,
        initial=Issue.Source.INSPECTION,
        required=False,
        help_text=_("Where the case came from: found on an inspection, assigned by a leader, the media, 12345."),
    )

    def __init__(self, *args, place_options=(), criterion_options=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        photo_limits(self.fields["photos"])
        # The selects show only the page's search results, never the whole table; the fields'
        # querysets still decide what is valid.
        # The visible labels name the search boxes; the lists name themselves for screen readers.
        self.fields["place"].widget.attrs["aria-label"] = self.fields["place"].label
        self.fields["criterion"].widget.attrs["aria-label"] = self.fields["criterion"].label
        self.fields["place"].widget.choices = [("", self.fields["place"].empty_label), *place_options]
        self.fields["criterion"].widget.choices = [("", self.fields["criterion"].empty_label), *criterion_options]
        # With JavaScript, choosing the grid refreshes the place options in place (htmx).
        self.fields["grid"].widget.attrs.update(
            {
                "hx-get": reverse("inspections:place_options"),
                "hx-trigger": "change",
                "hx-target": "#id_place",
                "hx-include": "[name=place_q]",
            }
        )

    def clean(self) -> dict:
        data = super().clean()
        grid, place = data.get("grid"), data.get("place")
        if grid and place and place.grid_id != grid.pk:
            self.add_error("place", _("This place is not in the chosen grid."))
        location_form_clean(self, data)
        return data


class IssueActionForm(forms.Form):
    """Base of the workflow forms; each knows the issue it acts on and its pending extension request."""

    def __init__(self, *args, issue=None, pending=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.issue = issue
        self.pending = pending


class StartForm(IssueActionForm):
    pass


class SubmitForm(IssueActionForm):
    note = forms.CharField(
        label=_("What was done"),
        max_length=TEXT_LIMITS.note,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("How the problem was rectified")}),
    )
    photos = MultiplePhotoField(label=_("Photos after rectification"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        photo_limits(self.fields["photos"])


class ReasonForm(IssueActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_LIMITS.reason, widget=DESCRIPTION_WIDGET)


class NoteForm(IssueActionForm):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_LIMITS.note, widget=forms.Textarea(attrs={"rows": 2})
    )


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExtensionForm(IssueActionForm):
    """More time asked for: up to the limit (``services.extension_limit``), further only with a note."""

    new_deadline = forms.DateField(
        label=_("New deadline"),
        widget=DATE_WIDGET,
        help_text=_("The rectification is then due at 23:59 that day."),
    )
    reason = forms.CharField(
        label=_("Why more time is needed"), max_length=TEXT_LIMITS.reason, widget=DESCRIPTION_WIDGET
    )
    beyond_limit_note = forms.CharField(
        label=_("Why beyond the limit"),
        required=False,
        max_length=TEXT_LIMITS.reason,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for a date beyond the limit; a leader must then confirm it."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        issue = self.issue
        if issue is not None and issue.deadline is not None:
            limit = timezone.localdate(services.extension_limit(deadline=issue.deadline, criterion=issue.criterion))
            self.fields["new_deadline"].help_text = _(
                "The rectification is then due at 23:59 that day. At most %(limit)s (%(factor)s times the time "
                "limit of %(time_limit)s) unless you say why."
            ) % {
                "limit": f"{limit:%Y-%m-%d}",
                "factor": settings.EXTENSION_LIMIT_TIME_LIMITS,
                "time_limit": issue.criterion.limit(Stage.RECTIFY).text,
            }
            self.fields["new_deadline"].widget.attrs["min"] = f"{timezone.localdate(issue.deadline):%Y-%m-%d}"


# How the dispatch form's department list is grouped, in this order.
DEPARTMENT_GROUPS = (
    ("city", _("Municipal departments")),
    ("district", _("District departments")),
    ("subdistrict", _("Subdistricts")),
    ("community", _("Communities")),
)


def department_group(department: Department, parent_kind: str | None) -> str:
    """Which group of the dispatch form's list a department falls in: 市直部门 (a bureau of the city),
    区直部门 (a district, or a bureau under one), 街道 or 社区."""
    Kind = Department.Kind
    if department.kind == Kind.SUBDISTRICT:
        return "subdistrict"
    if department.kind == Kind.COMMUNITY:
        return "community"
    if department.kind == Kind.DISTRICT or parent_kind == Kind.DISTRICT:
        return "district"
    return "city"


class DispatchForm(IssueActionForm):
    """Dispatch to the department the routing rule picks (shown with its reason), or to another one
    chosen from the grouped, searchable list."""

    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        queryset=Department.objects.filter(is_active=True).exclude(kind=Department.Kind.SECTION),
        required=False,
        empty_label=_("By the routing rule"),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_LIMITS.note, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        self.route = None
        if self.issue is not None:
            self.route = services.issue_route(place=self.issue.place, criterion=self.issue.criterion)
            field.empty_label = _("By the routing rule: %(department)s") % {"department": self.route.department}
        # Only the widget's options are grouped; the field's queryset still decides what is valid.
        groups = {key: [] for key, _label in DEPARTMENT_GROUPS}
        for department in field.queryset.select_related("parent").order_by("sort_order", "code"):
            parent_kind = department.parent.kind if department.parent_id else None
            groups[department_group(department, parent_kind)].append((department.pk, department.name))
        field.widget.choices = [
            ("", field.empty_label),
            *((label, groups[key]) for key, label in DEPARTMENT_GROUPS if groups[key]),
        ]
        field.widget.attrs["data-filterable"] = ""


class DecideForm(IssueActionForm):
    """A leader's decision: refusing needs a reason; approving may name an earlier date than asked, and
    a date beyond the request's limit needs the leader's explicit confirmation."""

    DECISIONS = (("approve", _("Approve")), ("refuse", _("Refuse")))

    request_id = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    approved_deadline = forms.DateField(
        label=_("Approved until"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("To approve an earlier date than asked: after the current deadline, no later than asked."),
    )
    confirm_beyond_limit = forms.BooleanField(label=_("I confirm the extension beyond the limit"), required=False)
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=TEXT_LIMITS.note,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to refuse: the department sees it."),
    )


class SuspendForm(IssueActionForm):
    """A suspension (挂起) asked for: why the clock should stop for now; a leader decides."""

    reason = forms.CharField(
        label=_("Why the clock should stop"),
        max_length=TEXT_LIMITS.reason,
        widget=DESCRIPTION_WIDGET,
        help_text=_("E.g. seasonal work, waiting for another authority, a court case. A leader decides."),
    )


class DecideSuspensionForm(IssueActionForm):
    """A leader's decision on the issue's pending suspension: refusing needs a reason."""

    DECISIONS = (("approve", _("Approve: stop the clock")), ("refuse", _("Refuse")))

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=TEXT_LIMITS.note,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to refuse: the department sees it."),
    )


class ResumeForm(IssueActionForm):
    """The suspension ends: the clock runs again, later by the time it stood."""

    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_LIMITS.note, widget=forms.Textarea(attrs={"rows": 2})
    )
