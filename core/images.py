"""Photos from the field: checked by their content, turned upright, stripped of metadata.

A phone photo carries its GPS position and camera details in EXIF; what the product stores is
a re-encoded JPEG without them, plus a thumbnail for lists and timelines."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import ApplicationError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF", "BMP"}
MAX_SIDE = 2560
THUMBNAIL_SIDE = 320
# Pillow's guard against decompression bombs: refuse anything above ~64 megapixels.
MAX_PIXELS = 64_000_000


@dataclass(frozen=True)
class Photo:
    """A checked photo, ready to store: the full image and its thumbnail, both JPEG."""

    name: str
    image: ContentFile
    thumbnail: ContentFile


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def photo_prepare(upload: UploadedFile) -> Photo:
    """Check one uploaded photo and prepare it for storage; raise ``ApplicationError`` if it is not one."""
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
        name=stem, image=ContentFile(full, name=f"{stem}.jpg"), thumbnail=ContentFile(small, name=f"{stem}.jpg")
    )


def photos_prepare(uploads: list[UploadedFile]) -> list[Photo]:
    """Check a batch of photos: all of them are fine, or none is kept."""
    if len(uploads) > settings.PHOTO_MAX_COUNT:
        raise ApplicationError(
            _("At most %(count)s photos can be attached.") % {"count": settings.PHOTO_MAX_COUNT}, code="too_many_photos"
        )
    return [photo_prepare(upload) for upload in uploads]
