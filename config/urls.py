from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views
from core import views as core_views
from evaluation import views as evaluation_views

# The API answers an unexpected error in JSON, the pages with templates/500.html.
handler500 = "core.views.server_error"

admin.site.site_header = _("Civic campaign desk")
admin.site.site_title = _("Civic campaign desk")
admin.site.index_title = _("Administration")

# Nothing under MEDIA_ROOT is served as a file: photos, workbooks and uploads each go through a view that
# checks who may see them (photos: inspections and campaign, README "Deploying").
urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    # At the root, so that its scope may cover the sheet pages under /evaluation/.
    path("evaluation-sw.js", evaluation_views.service_worker, name="evaluation_sw"),
    path("photos/", include("core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("open311/v2/", include("open311.urls")),
    path("login/", accounts_views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("tasks/", include("campaign.urls")),
    path("issues/", include("inspections.urls")),
    path("masterdata/", include("masterdata.urls")),
    path("assessment/", include("assessment.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("", include("citizens.urls")),
    path("", include("reports.urls")),
]
