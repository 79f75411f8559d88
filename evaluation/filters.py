"""The filters of the rounds and the observations, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from campaign.models import Campaign
from evaluation.models import Observation, PointType, Round


class RoundFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Round.Status.choices, label=_("Status"))
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label=_("Campaign"))

    class Meta:
        model = Round
        fields = []


class ObservationFilterSet(django_filters.FilterSet):
    round = django_filters.ModelChoiceFilter(queryset=Round.objects.all(), label=_("Round"))
    result = django_filters.ChoiceFilter(choices=Observation.Result.choices, label=_("Result"))
    point_type = django_filters.ModelChoiceFilter(queryset=PointType.objects.all(), label=_("Point type"))
    street = django_filters.ModelChoiceFilter(
        queryset=Department.objects.filter(kind=Department.Kind.SUBDISTRICT), label=_("Street")
    )
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("Department"))

    class Meta:
        model = Observation
        fields = []
