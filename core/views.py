from celery import current_app as celery_app
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.api import error_body


@never_cache
@require_safe
def health(request):
    """Liveness for load balancers and operators: can this process reach the database and the broker?"""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def server_error(request):
    """handler500: what an unexpected error (a database that is down, a bug) answers. The API speaks its one
    error shape in JSON; the pages show templates/500.html, which renders without the database."""
    if request.path_info.startswith("/api/"):
        message = _("The server could not finish this request. Try again in a minute.")
        return JsonResponse(error_body(500, "server_error", message), status=500)
    return defaults.server_error(request)
