"""Forms of the task pages: logging progress, with photos from the phone's camera."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from campaign.models import QUANTITY, Task


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


def photo_limits(field: forms.Field) -> None:
    """Say the limits under the field, and give the browser the message for too many photos."""
    field.help_text = photo_help_text()
    field.widget.attrs["data-too-many"] = _("At most %(count)s photos can be attached.") % {
        "count": settings.PHOTO_MAX_COUNT
    }


def photo_help_text() -> str:
    return _("Up to %(count)s photos, %(size)s MB each.") % {
        "count": settings.PHOTO_MAX_COUNT,
        "size": settings.PHOTO_MAX_BYTES // (1024 * 1024),
    }


class MultiplePhotoField(forms.FileField):
    """Several photos in one field (Django's "Uploading multiple files" recipe).

    The files are only collected here; ``core.images.photos_prepare`` checks what they contain."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(
                attrs={"accept": "image/*", "capture": "environment", "data-max-photos": settings.PHOTO_MAX_COUNT}
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > settings.PHOTO_MAX_COUNT:
            raise forms.ValidationError(
                _("At most %(count)s photos can be attached."),
                code="too_many_photos",
                params={"count": settings.PHOTO_MAX_COUNT},
            )
        return files


class ProgressForm(forms.Form):
    """One entry in a task's progress log. The quantity field exists only when the task counts toward a target."""

    percent = forms.IntegerField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "0–100"}),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        **QUANTITY,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("What was done, where, by whom")}),
    )
    photos = MultiplePhotoField(label=_("Photos"))
    is_final = forms.BooleanField(
        label=_("Final report: the task is complete"),
        required=False,
        help_text=_("Completes the task. Describe the result in the note."),
    )

    def __init__(self, *args, task: Task, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        photo_limits(self.fields["photos"])
        if task.target_id is None:
            del self.fields["quantity"]
        else:
            self.fields["quantity"].label = _("Quantity (%(unit)s)") % {"unit": task.target.unit}
            self.fields["quantity"].help_text = _("Added to “%(target)s”.") % {"target": task.target.name}
        if task.kind == Task.Kind.RECTIFICATION:
            # A rectification is completed by submitting it on its issue, not by a final report.
            del self.fields["is_final"]
        self.fields["percent"].widget.attrs["placeholder"] = _("now %(percent)s%%") % {"percent": task.percent}
