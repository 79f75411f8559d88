"""Forms of the task pages: logging progress, with photos from the phone's camera."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import QUANTITY, Task
from core.forms import MultiplePhotoField, photo_limits
from core.limits import TEXT_LIMITS


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
        max_length=TEXT_LIMITS.note,
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
