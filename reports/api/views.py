"""The department and grid scoreboards (``reports.selectors``), with the dashboard's rules: leaders
and administrators read the whole city, department staff their own department's row only, and the
grid board is for those who read the city's figures."""

import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import represent
from core.permissions import require_perm
from reports.api.serializers import (
    DepartmentScoreboardQuerySerializer,
    DepartmentScoreboardSerializer,
    GridScoreboardSerializer,
    PeriodQuerySerializer,
)
from reports.selectors import Period, department_scoreboard, figures_scope, grid_scoreboard


def _period(serializer) -> tuple[Period, datetime.date, datetime.datetime]:
    """The period asked for, today and this moment (the figures' cut-off time)."""
    now = timezone.now()
    today = timezone.localdate(now)
    return Period.of(serializer.validated_data["period"], today=today), today, now


def _head(period: Period, now: datetime.datetime) -> dict:
    """What every board says before its rows: the cut-off time and the period with its comparison."""
    previous = period.previous()
    return {
        "as_of": now,
        "period": {
            "key": period.key,
            "label": period.label,
            "start": period.start,
            "end": period.end,
            "previous_start": previous and previous.start,
            "previous_end": previous and previous.end,
            "comparison": previous and period.comparison,
        },
    }


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
        """Per department, the period's figures (issues dispatched, closed, on time, reworked, points lost,
        tasks due and overdue) and the current ones (open and overdue tasks and issues now), with the
        cut-off time ``as_of``. Each field's description is the glossary's."""
        require_perm(self.request.user, "reports.view_dashboard")
        query = self.query(DepartmentScoreboardQuerySerializer)
        period, today, now = _period(query)
        department_ids = figures_scope(user=request.user)
        rows = department_scoreboard(
            period=period, today=today, now=now, department_ids=department_ids, sort=query.validated_data.get("sort")
        )
        body = {**_head(period, now), "results": list(rows)}
        return Response(represent(DepartmentScoreboardSerializer, body))


class GridScoreboardView(ScoreboardView):
    @extend_schema(
        summary="Grid scoreboard",
        parameters=[PeriodQuerySerializer],
        responses={200: GridScoreboardSerializer},
    )
    def get(self, request):
        """Per grid, the period's figures (issues found, points lost, tasks due) and the current ones (open
        and overdue tasks and issues now), with the boundary for a map and the cut-off time ``as_of``."""
        require_perm(self.request.user, "reports.view_grid_figures")
        period, today, now = _period(self.query(PeriodQuerySerializer))
        body = {**_head(period, now), "results": list(grid_scoreboard(period=period, today=today, now=now))}
        return Response(represent(GridScoreboardSerializer, body))
