"""The department and grid scoreboards (``reports.selectors``), with the dashboard's rules: leaders
and administrators read the whole city, department staff their own department's row only, and the
grid board is for those who read the city's figures."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import require_perm
from reports.api.serializers import (
    DepartmentScoreboardQuerySerializer,
    DepartmentScoreboardSerializer,
    GridScoreboardSerializer,
    PeriodQuerySerializer,
)
from reports.selectors import Period, department_scoreboard, figures_scope, grid_scoreboard


def _period(serializer) -> tuple[Period, object]:
    today = timezone.localdate()
    return Period.of(serializer.validated_data["period"], today=today), today


def _period_body(period: Period) -> dict:
    return {"key": period.key, "label": period.label, "start": period.start, "end": period.end}


class ScoreboardView(APIView):
    def query(self, serializer_class):
        # A plain dict, not the QueryDict: DRF reads an empty form value as "not sent" (the default),
        # while ``?period=`` names no period and is refused, as the schema's enum says.
        serializer = serializer_class(data=self.request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        return serializer


class DepartmentScoreboardView(ScoreboardView):
    @extend_schema(
        summary="Department scoreboard",
        parameters=[DepartmentScoreboardQuerySerializer],
        responses={200: DepartmentScoreboardSerializer},
    )
    def get(self, request):
        """Per department: issues dispatched, closed, on time, reworked, points lost, overdue tasks."""
        require_perm(self.request.user, "reports.view_dashboard")
        query = self.query(DepartmentScoreboardQuerySerializer)
        period, today = _period(query)
        department_ids = figures_scope(user=request.user)
        rows = department_scoreboard(
            period=period, today=today, department_ids=department_ids, sort=query.validated_data.get("sort")
        )
        body = {"period": _period_body(period), "results": list(rows)}
        return Response(DepartmentScoreboardSerializer(body).data)


class GridScoreboardView(ScoreboardView):
    @extend_schema(
        summary="Grid scoreboard",
        parameters=[PeriodQuerySerializer],
        responses={200: GridScoreboardSerializer},
    )
    def get(self, request):
        """Per grid: open issues, points lost, open and overdue tasks, with the boundary for a map."""
        require_perm(self.request.user, "reports.view_grid_figures")
        period, today = _period(self.query(PeriodQuerySerializer))
        body = {"period": _period_body(period), "results": list(grid_scoreboard(period=period, today=today))}
        return Response(GridScoreboardSerializer(body).data)
