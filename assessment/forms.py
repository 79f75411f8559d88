"""The forms of the assessment's pages: an appeal, an appeal's decision. They read what was typed; the
services decide whether it stands."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import glossary
from core.limits import TEXT_LIMITS


class AppealForm(forms.Form):
    """A department appeals one number of its result, saying why."""

    indicator = forms.ChoiceField(label=_("Number appealed"))
    reason = forms.CharField(
        label=_("Why it is wrong"),
        max_length=TEXT_LIMITS.reason,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name the cases and what the record misses; the office decides before the results are frozen."),
    )

    def __init__(self, *args, codes: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(code, glossary.label(code)) for code in codes]


class DecisionForm(forms.Form):
    """The office's decision on an appeal: upheld with the corrected numbers, or rejected with a reason."""

    # Sent by the button pressed (named "decision"), not typed.
    decision = forms.ChoiceField(choices=(("uphold", _("Uphold")), ("reject", _("Reject"))))
    numerator = forms.DecimalField(
        label=_("Corrected numerator"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    denominator = forms.DecimalField(
        label=_("Corrected denominator"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_LIMITS.note,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject: the department sees it."),
    )
