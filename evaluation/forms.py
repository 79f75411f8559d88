"""The evaluation office's round form: what a round is (title, campaign, window), how its points are drawn
(the point types, the number per type, per street, the earlier rounds left out) and its teams of two
inspectors. The rules a round keeps are ``evaluation.services``'s; the form only reads the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from campaign.models import Campaign
from evaluation.models import PointType, Round
from evaluation.services import TEAM_SIZE, TeamPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "numeric", "min": 0}


class InspectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}（{obj.title}）" if obj.title else obj.display_name


def inspectors() -> "forms.QuerySet[User]":
    return (
        User.objects.filter(groups__name=Role.INSPECTOR, is_active=True)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


class RoundForm(forms.Form):
    """A round as the office plans it; ``code`` is asked only of a new round."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("Short and unique, e.g. PC-2018-04: the round's inspection record and its issues carry it."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.order_by("-start_date", "code"), empty_label=_("Choose")
    )
    start_date = forms.DateField(label=_("First day"), widget=DATE)
    end_date = forms.DateField(label=_("Last day"), widget=DATE)
    point_types = forms.ModelMultipleChoiceField(
        label=_("Point types drawn"),
        queryset=PointType.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every active point type."),
    )
    points_per_type = forms.IntegerField(
        label=_("Points per type"),
        max_value=999,
        initial=Round._meta.get_field("points_per_type").default,
        widget=forms.NumberInput(attrs={**NUMBER, "min": 1}),
        help_text=_("How many points are drawn of each type (of each type in each street, below)."),
    )
    by_street = forms.BooleanField(label=_("Draw that number in every street"), required=False)
    exclude_rounds = forms.IntegerField(
        label=_("Leave out the points of the last rounds"),
        max_value=99,
        initial=0,
        widget=forms.NumberInput(attrs=NUMBER),
        help_text=_("Points drawn in this many earlier rounds are not drawn again; 0 leaves none out."),
    )

    def __init__(self, *args, round_: Round | None = None, **kwargs) -> None:
        if round_ is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": round_.title,
                    "campaign": round_.campaign_id,
                    "start_date": round_.start_date,
                    "end_date": round_.end_date,
                    "point_types": list(round_.point_types.values_list("pk", flat=True)),
                    "points_per_type": round_.points_per_type,
                    "by_street": round_.by_street,
                    "exclude_rounds": round_.exclude_rounds,
                },
            )
        super().__init__(*args, **kwargs)
        if round_ is not None:
            del self.fields["code"]

    def add_service_error(self, error) -> None:
        """The rules the service refused with, each shown at the field it names (else above the form)."""
        for field, message in error.extra.get("errors") or [(error.extra.get("field"), error.message)]:
            self.add_error(field if field in self.fields else None, message)


class TeamForm(forms.Form):
    """One team: its name and its two inspectors. A row left empty is no team."""

    name = forms.CharField(label=_("Team name"), max_length=60, required=False)
    first = InspectorChoiceField(
        label=_("First inspector"), queryset=User.objects.none(), required=False, empty_label=_("Choose")
    )
    second = InspectorChoiceField(
        label=_("Second inspector"), queryset=User.objects.none(), required=False, empty_label=_("Choose")
    )

    def plan(self) -> TeamPlan | None:
        data = self.cleaned_data
        members = [data[field] for field in ("first", "second") if data.get(field)]
        if not data.get("name") and not members:
            return None
        return TeamPlan(data.get("name", ""), members)


class BaseTeamFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The inspectors are read once for every row's two lists, not once per list.
        people = inspectors()
        options = None
        for form in self.forms:
            for name in ("first", "second"):
                field = form.fields[name]
                field.queryset = people
                options = options if options is not None else list(field.choices)
                field.widget.choices = options

    def plans(self) -> list[TeamPlan]:
        return [plan for form in self.forms if (plan := form.plan()) is not None]


# The teams a round has, and two empty rows for more.
TeamFormSet = forms.formset_factory(TeamForm, formset=BaseTeamFormSet, extra=2, max_num=50)


def team_formset(data=None, *, round_: Round | None = None) -> BaseTeamFormSet:
    initial = []
    if round_ is not None:
        for team in round_.teams.prefetch_related("members").order_by("name", "pk"):
            members = sorted(team.members.all(), key=lambda user: (user.last_name, user.first_name, user.pk))
            row = {"name": team.name}
            row.update(zip(("first", "second"), [member.pk for member in members[:TEAM_SIZE]], strict=False))
            initial.append(row)
    return TeamFormSet(data, initial=initial or None, prefix="team")
