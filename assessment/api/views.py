"""A period's assessment results: leaders and administrators read every department (or street, or
grid), department staff their own department and its sub-units, as on the pages."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import departments_seen_by
from assessment import selectors
from assessment.api.serializers import ResultsQuerySerializer, ResultsSerializer
from assessment.models import Level
from assessment.periods import AssessmentPeriod
from core.api import represent
from core.permissions import require_perm


class ResultsView(APIView):
    @extend_schema(
        summary="Assessment results",
        parameters=[ResultsQuerySerializer],
        responses={200: ResultsSerializer},
    )
    def get(self, request):
        """The results of a period by the scheme in force (the built-in ranking when none is): frozen or
        published ones as they were stored, else computed now over the period so far. Each row has the
        score, the grade and per indicator the numerator, the denominator, the value and the points."""
        return Response(represent(ResultsSerializer, self.body(request)))

    @staticmethod
    def body(request) -> dict:
        """What the answer holds, before it is serialized."""
        require_perm(request.user, "assessment.view_results")
        query = ResultsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        key = query.validated_data.get("period")
        period = AssessmentPeriod.parse(key) if key else AssessmentPeriod.containing(timezone.localdate(), "month")
        level = query.validated_data["level"]
        scope = None
        if not request.user.has_perm("assessment.view_city_results"):
            if level != Level.DEPARTMENT:  # streets and grids are the city's figures
                require_perm(request.user, "assessment.view_city_results")
            scope = departments_seen_by(user=request.user)
        shown = selectors.results(period=period, level=level, now=timezone.now(), unit_ids=scope)
        return {
            "period": period.key,
            "start": period.start,
            "end": period.end,
            "level": level,
            "scheme": shown.formula.code,
            "stage": shown.stage,
            "as_of": shown.as_of,
            "results": shown.rows,
        }
