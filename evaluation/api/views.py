"""The rounds and their score rates, and every observed standard, over the API: restricted as on the pages
(departments see a round once it is closed)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RestrictedReadOnlyViewSet, represent
from evaluation.api.serializers import ObservationSerializer, RoundSerializer, ScoresQuerySerializer, ScoresSerializer
from evaluation.filters import ObservationFilterSet, RoundFilterSet
from evaluation.models import Observation, Round
from evaluation.selectors import observation_visible_to, round_list, round_scores, round_visible_to


class RoundViewSet(RestrictedReadOnlyViewSet):
    """Mock evaluation rounds, with their score rate (得分率)."""

    queryset = Round.objects.all()
    serializer_class = RoundSerializer
    filterset_class = RoundFilterSet
    ordering_fields = ("start_date", "code")
    ordering = ("-start_date", "code")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return round_list(user=self.request.user)  # round_visible_to, with the score rates

    @extend_schema(
        summary="A round's score rate, broken down", parameters=[ScoresQuerySerializer], responses=ScoresSerializer
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def scores(self, request, pk=None):
        """The score rate by point type, street, grid or responsible department (``by``), the lowest first, with
        the change against the previous closed round."""
        round_ = get_object_or_404(round_visible_to(user=request.user), pk=pk)
        query = ScoresQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        by = query.validated_data["by"]
        body = {"round": round_.pk, "by": by, "results": round_scores(round_=round_, by=by)}
        return Response(represent(ScoresSerializer, body))


class ObservationViewSet(RestrictedReadOnlyViewSet):
    """Every observed standard: ``result`` is ``pass``, ``fail`` or ``na``; ``points`` what it was worth and
    ``points_earned`` what it earned. ``?round=`` narrows to one round."""

    queryset = Observation.objects.select_related("round_point__place", "standard")
    visible_to = observation_visible_to
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilterSet
    ordering_fields = ("id",)
    ordering = ("id",)
