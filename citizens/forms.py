"""Forms of the citizens' channel: the public report, the 回访, and the office's triage and review steps."""

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from citizens.models import Followup, PublicCategory, Report
from citizens.selectors import categories_active, places_for_pick
from core.forms import MultiplePhotoField, photo_limits
from core.geo import CoordinateField, location_form_clean
from core.images import MAX_SIDE
from core.limits import TEXT_LIMITS
from grids.models import Grid, Place


class ReportForm(forms.Form):
    """A report from the public: category, description, location (GPS, or a point on a Chinese web map in its
    own datum), photos, an optional phone with its code, the picture code and consent."""

    category = forms.ModelChoiceField(
        label=_("What kind of problem"), queryset=PublicCategory.objects.none(), empty_label=_("Choose a category")
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_LIMITS.description,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("What is wrong, exactly where")}),
    )
    grid = forms.ModelChoiceField(
        label=_("Grid"), queryset=Grid.objects.none(), required=False, empty_label=_("Choose a grid")
    )
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=Place.objects.none(), required=False, empty_label=_("Choose a place")
    )
    latitude = CoordinateField(axis="latitude")
    longitude = CoordinateField(axis="longitude")
    datum = forms.ChoiceField(
        label=_("Location from"), choices=Report.Datum.choices, initial=Report.Datum.WGS84, required=False
    )
    photos = MultiplePhotoField(label=_("Photos"))
    phone = forms.CharField(
        label=_("Mobile number (optional)"),
        max_length=20,
        required=False,
        help_text=_("For the follow-up call only; never shown to the department handling the case."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    phone_code = forms.CharField(
        label=_("Text message code"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    captcha_key = forms.CharField(widget=forms.HiddenInput)
    captcha = forms.CharField(
        label=_("Picture code"), max_length=8, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The signed grant under which the photos of a try that came back with an error are kept for this form.
    photos_grant = forms.CharField(widget=forms.HiddenInput, required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that the campaign office stores this report, its photos and my number to handle it; "
            "photos are published only after review, and my number never."
        )
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_active()
        # A place instead of a point: grid, then its places (only the chosen grid's are listed).
        self.fields["grid"].queryset = Grid.objects.only("pk", "code", "name").order_by("code")
        grid = self.data.get("grid") if self.is_bound else None
        self.fields["place"].queryset = places_for_pick(grid_id=grid)
        self.fields["grid"].widget.attrs.update(
            {"hx-get": reverse_lazy("citizens:place_options"), "hx-target": "#id_place", "hx-trigger": "change"}
        )
        photo_limits(self.fields["photos"])
        widget = self.fields["photos"].widget
        # No photo is sent ahead from the public page: they go with the form, shrunk on the phone, and one
        # that came back with an error is kept for the form's next try (its grant: ``photos_grant``).
        widget.attrs.pop("data-upload-url", None)
        widget.attrs["data-shrink"] = ""
        widget.attrs["data-max-side"] = MAX_SIDE
        for axis in ("latitude", "longitude"):
            self.fields[axis].widget.attrs["data-report-geo"] = axis

    def clean(self):
        data = super().clean()
        location_form_clean(self, data)
        if not self.has_error("latitude") and data.get("latitude") is None and data.get("place") is None:
            self.add_error("latitude", _("Give the location of the problem."))
        return data


class CodeRequestForm(forms.Form):
    phone = forms.CharField(max_length=20)
    captcha_key = forms.CharField()
    captcha = forms.CharField(max_length=8)


class FollowupForm(forms.Form):
    answer = forms.ChoiceField(label=_("Are you satisfied?"), choices=Followup.Answer.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=TEXT_LIMITS.note,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcceptForm(forms.Form):
    """The place the issue is filed at: one of the report's grid's."""

    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.none())

    def __init__(self, *args, grid=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(is_active=True, grid=grid).order_by("name")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason the reporter reads"), max_length=TEXT_LIMITS.reason, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    issue = forms.CharField(label=_("Issue code"), max_length=32)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("reopen", _("Reopen for rework")), ("explain", _("Close with an explanation"))],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    note = forms.CharField(
        label=_("Explanation the reporter reads"),
        required=False,
        max_length=TEXT_LIMITS.note,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


MAX_PHOTOS = settings.PHOTO_MAX_COUNT
