"""Photos from the field: checked by their content, turned upright, stripped of metadata, stored
under a random name and sent only to the users a view has let see them.

A phone photo carries its GPS position and camera details in EXIF; what the product stores is
a re-encoded JPEG without them, plus a thumbnail for lists and timelines. Where a caller asks, the
time and position of capture are read first (``core.capture``) and stored beside the photo."""

import datetime
import io
import logging
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.capture import Capture, exif_capture
from core.errors import ApplicationError

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF", "BMP"}
MAX_SIDE = 2560
THUMBNAIL_SIDE = 320
# Pillow's guard against decompression bombs: refuse anything above ~64 megapixels.
MAX_PIXELS = 64_000_000


@dataclass(frozen=True)
class Photo:
    """A checked photo, ready to store: the full image and its thumbnail, both JPEG, and, when the caller
    asked for it, when and where it was taken (``core.capture``)."""

    name: str
    image: ContentFile
    thumbnail: ContentFile
    capture: Capture | None = None


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def photo_prepare(upload: UploadedFile, *, device: Capture | None = None) -> Photo:
    """Check one uploaded photo and prepare it for storage; raise ``ApplicationError`` if it is not one.
    With ``device`` (what the phone knew when the photo was chosen), the photo carries its capture: its own
    EXIF's time and position where it has them, ``device``'s where not."""
    name = upload.name or "photo"
    if upload.size is not None and upload.size > settings.PHOTO_MAX_BYTES:
        limit = settings.PHOTO_MAX_BYTES // (1024 * 1024)
        raise ApplicationError(
            _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": limit}, code="photo_too_large"
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise UnidentifiedImageError(probe.format)
            if probe.width * probe.height > MAX_PIXELS:
                raise ApplicationError(_("%(name)s has too many pixels.") % {"name": name}, code="photo_too_large")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as original:
            capture = exif_capture(original).completed_by(device) if device is not None else None
            image = ImageOps.exif_transpose(original)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            full = _jpeg(image)
            image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            small = _jpeg(image)
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ApplicationError(
            _("%(name)s is not a photo (JPEG, PNG, WebP or HEIF expected).") % {"name": name}, code="photo_invalid"
        ) from None
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:60] or "photo"
    return Photo(
        name=stem,
        image=ContentFile(full, name=f"{stem}.jpg"),
        thumbnail=ContentFile(small, name=f"{stem}.jpg"),
        capture=capture,
    )


def photos_prepare(uploads: list[UploadedFile], *, devices: list[Capture] | None = None) -> list[Photo]:
    """Check a batch of photos: all of them are fine, or none is kept. With ``devices`` (one per upload, in
    order) each photo carries its capture (``photo_prepare``)."""
    if len(uploads) > settings.PHOTO_MAX_COUNT:
        raise ApplicationError(
            _("At most %(count)s photos can be attached.") % {"count": settings.PHOTO_MAX_COUNT}, code="too_many_photos"
        )
    if devices is None:
        return [photo_prepare(upload) for upload in uploads]
    return [photo_prepare(upload, device=device) for upload, device in zip(uploads, devices, strict=True)]


# --- storing ---------------------------------------------------------------------------------------


def photo_storage_name(folder: str, *, thumbnail: bool = False, when: datetime.datetime | None = None) -> str:
    """A new name to store a photo under: ``photos/<folder>/<yyyy>/<mm>/[thumbs/]<uuid4 hex>.jpg``.

    Nothing in it comes from the upload (a phone's file name may carry a date, a place or a person),
    and nobody can guess it. The ``upload_to`` of every photo field calls this."""
    month = timezone.localtime(when) if when else timezone.localtime()
    return f"photos/{folder}/{month:%Y/%m}/{'thumbs/' if thumbnail else ''}{uuid.uuid4().hex}.jpg"


def photo_files_rename(photos: QuerySet, *, folder: str) -> int:
    """Move the files of stored photos (``image`` and ``thumbnail``) to new random names: copy each
    through the default storage, point the row at the copy, then delete the old file. A missing file is
    logged and its name left as it was; a name already random (under ``photos/``) is left alone, so a
    second run moves nothing. Written for the data migrations of the photo models (it takes their
    historical models too); returns the number of files moved."""
    model = photos.model
    moved = 0
    for photo in photos.order_by("pk").iterator():
        renamed: dict[str, str] = {}
        for field, thumbnail in (("image", False), ("thumbnail", True)):
            old = getattr(photo, field).name
            if not old or old.startswith("photos/"):
                continue
            if not default_storage.exists(old):
                logger.warning("%s %s: its %s %s is missing, left as it was", model.__name__, photo.pk, field, old)
                continue
            with default_storage.open(old, "rb") as content:
                new = default_storage.save(photo_storage_name(folder, thumbnail=thumbnail, when=photo.created), content)
            renamed[field] = new
        if not renamed:
            continue
        model.objects.filter(pk=photo.pk).update(**renamed)
        for field in renamed:
            old = getattr(photo, field).name
            # An image that is also its own thumbnail, or a file two rows share, goes with its last user.
            if not model.objects.filter(Q(image=old) | Q(thumbnail=old)).exists():
                default_storage.delete(old)
        moved += len(renamed)
    return moved


# --- serving ---------------------------------------------------------------------------------------

# A photo never changes under its URL; the browser may keep it a while, a shared cache never.
PHOTO_CACHE_SECONDS = 3600


def photo_response(file: FieldFile, *, filename: str) -> HttpResponseBase:
    """Send one stored photo file (a photo model's ``image`` or ``thumbnail``) to a user the calling view
    has let see it, saved by the browser as ``filename``.

    With ``PHOTO_X_ACCEL_REDIRECT`` set, the body is empty and nginx sends the file from its internal
    location (README "Deploying"); otherwise the app sends it. Either way as ``image/jpeg`` that a
    browser must neither sniff nor run as a page. A photo without that file is a 404."""
    if not file:
        raise Http404
    if settings.PHOTO_X_ACCEL_REDIRECT:
        response: HttpResponseBase = HttpResponse(content_type="image/jpeg")
        response["X-Accel-Redirect"] = settings.PHOTO_X_ACCEL_REDIRECT + quote(file.name)
    else:
        try:
            content = file.storage.open(file.name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(content, content_type="image/jpeg", filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    patch_cache_control(response, private=True, max_age=PHOTO_CACHE_SECONDS)
    return response
