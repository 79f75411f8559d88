from celery import current_app as celery_app
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from core.api import error_body
from core.errors import ApplicationError
from core.images import photo_response
from core.pending_photos import kept_photo, pending_photo_store, pending_photos_of


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


@require_safe
def favicon(request):
    """The icon at the address browsers ask for when a page names none (the admin's pages, a PDF, a
    bookmark), so that it is never a 404."""
    name = "img/favicon.ico"
    try:
        icon = staticfiles_storage.open(name)  # collected (collectstatic), as in production
    except FileNotFoundError:
        found = finders.find(name)  # not collected: a developer's machine, the tests
        if not found:
            raise Http404 from None
        icon = open(found, "rb")  # FileResponse closes it
    response = FileResponse(icon, content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response


@login_required
@require_POST
def pending_photo_create(request):
    """The page's script sends each photo here as soon as it is chosen: checked as every photo is and
    kept for the uploader until the form is saved. Answers the token the form then carries and the
    thumbnail to show, or the reason the file is refused."""
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"message": _("Choose a photo to send.")}, status=400)
    try:
        pending = pending_photo_store(uploader=request.user, upload=upload)
    except ApplicationError as error:
        return JsonResponse({"message": error.message, "code": error.code}, status=400)
    kept = kept_photo(pending)
    return JsonResponse({"token": kept.token, "thumbnail_url": kept.thumbnail_url}, status=201)


@login_required
@require_safe
def pending_photo(request, token):
    """A pending photo's thumbnail, for its uploader alone; to anyone else, or once expired, a 404."""
    found = pending_photos_of(uploader=request.user, tokens=[token])
    if not found:
        raise Http404
    return photo_response(found[0].thumbnail, filename="photo-thumbnail.jpg")
