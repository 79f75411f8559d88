"""Admin for the schemes (edited whole: the scheme and its indicators, items, source weights and grade
bands are checked together by ``assessment.services.scheme_problems`` and saved only when nothing is
wrong), and the publications and appeals, read here (they change on the assessment's pages)."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessment.models import (
    Appeal,
    GradeBand,
    Publication,
    Scheme,
    SchemeAdjustment,
    SchemeIndicator,
    SourceWeight,
)
from assessment.scoring import Adjustment, Band, Draft, Item, countable_codes, indicator_codes
from assessment.services import scheme_problems
from core import glossary
from core.admin import HistoryAdmin
from inspections.models import Issue

# The rows of each inline, in the order the formsets come: the last one checks them all together.
PARTS = ("indicators", "adjustments", "sources", "bands")


def _choices(codes: list[str]) -> list[tuple[str, str]]:
    return [(code, f"{glossary.label(code)} ({code})") for code in codes]


class SchemeIndicatorForm(forms.ModelForm):
    code = forms.ChoiceField(label=_("indicator"), choices=())

    class Meta:
        model = SchemeIndicator
        fields = ("code", "weight", "rule", "threshold", "points_off", "allow_negative", "sort_order")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = _choices(indicator_codes())


class SchemeAdjustmentForm(forms.ModelForm):
    code = forms.ChoiceField(label=_("figure"), choices=())

    class Meta:
        model = SchemeAdjustment
        fields = ("code", "points_per_unit", "min_count", "cap", "sort_order")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = _choices(countable_codes())


class SourceWeightForm(forms.ModelForm):
    source = forms.ChoiceField(label=_("source"), choices=Issue.Source.choices)

    class Meta:
        model = SourceWeight
        fields = ("source", "weight")


class SchemeFormSet(forms.BaseInlineFormSet):
    """One part of a scheme. The last part's check reads every part and the scheme's own fields
    (``SchemeAdmin._create_formsets`` hands it the others) and puts each problem on its part."""

    part = ""
    siblings: dict = {}
    scheme_form = None

    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        super().clean()
        if self.part != PARTS[-1] or self.scheme_form is None or not self.scheme_form.is_valid():
            return
        if any(any(formset.errors) for formset in self.siblings.values()):
            return  # each row's own errors first
        scheme = self.scheme_form.instance
        problems = scheme_problems(scheme=scheme, draft=_draft(self.siblings))
        for name, formset in self.siblings.items():
            messages = [problem.message for problem in problems if problem.part == name]
            if formset is not self and messages:
                formset._non_form_errors.extend(messages)
        scheme_level = [problem.message for problem in problems if problem.part == "scheme"]
        if scheme_level:
            self.scheme_form.add_error(None, scheme_level)
        own = [problem.message for problem in problems if problem.part == self.part]
        if problems and not own:
            own = [_("Nothing was saved: see the problems above.")]
        if own:
            raise ValidationError(own)


def _draft(formsets: dict) -> Draft:
    indicators = sorted(formsets["indicators"].rows(), key=lambda row: row.get("sort_order") or 0)
    adjustments = sorted(formsets["adjustments"].rows(), key=lambda row: row.get("sort_order") or 0)
    return Draft(
        items=[
            Item(
                row["code"],
                row["weight"],
                row["rule"],
                row.get("threshold"),
                row.get("points_off"),
                bool(row.get("allow_negative")),
            )
            for row in indicators
        ],
        adjustments=[
            Adjustment(row["code"], row["points_per_unit"], row.get("min_count"), row.get("cap")) for row in adjustments
        ],
        source_weights=[(row["source"], row["weight"] or Decimal(0)) for row in formsets["sources"].rows()],
        bands=[Band(row["grade"], row.get("min_score"), row.get("max_score")) for row in formsets["bands"].rows()],
    )


class SchemeIndicatorInline(admin.TabularInline):
    model = SchemeIndicator
    form = SchemeIndicatorForm
    formset = type("IndicatorFormSet", (SchemeFormSet,), {"part": "indicators"})
    extra = 0


class SchemeAdjustmentInline(admin.TabularInline):
    model = SchemeAdjustment
    form = SchemeAdjustmentForm
    formset = type("AdjustmentFormSet", (SchemeFormSet,), {"part": "adjustments"})
    extra = 0


class SourceWeightInline(admin.TabularInline):
    model = SourceWeight
    form = SourceWeightForm
    formset = type("SourceWeightFormSet", (SchemeFormSet,), {"part": "sources"})
    extra = 0


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    formset = type("GradeBandFormSet", (SchemeFormSet,), {"part": "bands"})
    fields = ("grade", "min_score", "max_score")
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(HistoryAdmin):
    """A 考核方案 with its parts; the formula is checked whole before anything is saved."""

    list_display = ("code", "name", "campaign", "period_kind", "valid_from", "valid_until", "appeal_days", "is_active")
    list_display_links = ("code", "name")
    list_filter = ("period_kind", "is_active", "campaign")
    list_select_related = ("campaign",)
    search_fields = ("code", "name")
    inlines = (SchemeIndicatorInline, SchemeAdjustmentInline, SourceWeightInline, GradeBandInline)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        siblings = dict(zip(PARTS, formsets, strict=True))
        form = getattr(request, "_scheme_form", None)
        for formset in formsets:
            formset.siblings = siblings
            formset.scheme_form = form
        return formsets, inline_instances

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class SchemeForm(form_class):
            def __init__(self, *args, **form_kwargs) -> None:
                super().__init__(*args, **form_kwargs)
                request._scheme_form = self  # the parts' check reads the scheme's fields

        return SchemeForm


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Publications are made, decided and frozen on the assessment's pages; here they are read."""

    list_display = ("period", "scheme_code", "status", "published_by", "published_at", "appeal_until", "frozen_at")
    list_filter = ("status", "period_kind")
    list_select_related = ("published_by",)
    search_fields = ("period", "scheme_code")
    exclude = ("formula",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Appeals are filed and decided on the publication's page; here they are read."""

    list_display = ("publication", "department", "indicator", "status", "filed_by", "created", "decided_at")
    list_filter = ("status",)
    list_select_related = ("publication", "department", "filed_by")
    search_fields = ("department__name", "reason", "decision_note")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
