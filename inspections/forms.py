"""Forms of the issue pages: filing a problem on site, and each step of its rectification."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from campaign.forms import MultiplePhotoField, photo_limits
from core.geo import CoordinateField, location_form_clean
from grids.models import Grid, Place
from inspections.models import Criterion, Inspection

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
    """Base of the workflow forms; each knows the issue it acts on."""

    def __init__(self, *args, issue=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.issue = issue


class StartForm(IssueActionForm):
    pass


class SubmitForm(IssueActionForm):
    note = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("How the problem was rectified")}),
    )
    photos = MultiplePhotoField(label=_("Photos after rectification"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        photo_limits(self.fields["photos"])


class ReasonForm(IssueActionForm):
    reason = forms.CharField(label=_("Reason"), widget=DESCRIPTION_WIDGET)


class NoteForm(IssueActionForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(IssueActionForm):
    new_deadline = forms.DateField(
        label=_("New deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The rectification is then due at 23:59 that day."),
    )
    reason = forms.CharField(label=_("Why more time is needed"), widget=DESCRIPTION_WIDGET)


class DispatchForm(IssueActionForm):
    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        queryset=Department.objects.filter(is_active=True).exclude(kind=Department.Kind.SECTION),
        required=False,
        empty_label=_("By the routing rule"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(IssueActionForm):
    DECISIONS = (("approve", _("Approve")), ("refuse", _("Refuse")))

    request_id = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
