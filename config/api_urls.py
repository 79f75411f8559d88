"""/api/v1/: the REST API for other city systems, its OpenAPI schema and its offline documentation."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from accounts.api.views import DepartmentViewSet, UserViewSet
from assessment.api.views import ResultsView
from campaign.api.views import CampaignViewSet, PledgeViewSet, ProgressReportViewSet, TargetViewSet, TaskViewSet
from core.api import NotFoundView
from evaluation.api.views import ObservationViewSet, RoundViewSet
from grids.api.views import GridViewSet, PlaceViewSet
from inspections.api.views import (
    CriterionViewSet,
    ExtensionRequestViewSet,
    InspectionViewSet,
    IssueViewSet,
    SuspensionViewSet,
)
from reports.api.views import DepartmentScoreboardView, GridScoreboardView

app_name = "api"

router = SimpleRouter()
router.register("departments", DepartmentViewSet)
router.register("users", UserViewSet)
router.register("grids", GridViewSet)
router.register("places", PlaceViewSet)
router.register("campaigns", CampaignViewSet)
router.register("pledges", PledgeViewSet)
router.register("targets", TargetViewSet)
router.register("tasks", TaskViewSet)
router.register("progress-reports", ProgressReportViewSet)
router.register("criteria", CriterionViewSet)
router.register("inspections", InspectionViewSet)
router.register("issues", IssueViewSet)
router.register("extension-requests", ExtensionRequestViewSet)
router.register("suspensions", SuspensionViewSet)
router.register("evaluation/rounds", RoundViewSet, basename="evaluation-round")
router.register("evaluation/observations", ObservationViewSet, basename="evaluation-observation")

urlpatterns = [
    *router.urls,
    path("scoreboards/departments/", DepartmentScoreboardView.as_view(), name="scoreboard-departments"),
    path("scoreboards/grids/", GridScoreboardView.as_view(), name="scoreboard-grids"),
    path("assessment/results/", ResultsView.as_view(), name="assessment-results"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^", NotFoundView.as_view(), name="not-found"),
]
