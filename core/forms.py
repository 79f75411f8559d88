"""What every app's forms share: the photo field of the forms that take photos from the phone's camera."""

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.images import MAX_SIDE
from core.pending_photos import KEPT_SUFFIX

# The JPEG quality a phone re-encodes a photo with before sending it (the server re-encodes it anyway).
UPLOAD_JPEG_QUALITY = 0.85


class MultiplePhotoInput(forms.FileInput):
    """A file input for several photos, with the photos kept from an earlier try of the form shown as
    thumbnails, each with a checkbox that carries its token (``kept``, set by
    ``core.pending_photos.PhotoSubmission.keep``). With JavaScript (``static/js/photos.js``) each chosen
    photo is shrunk on the phone, sent at once to the pending store and joins that list."""

    allow_multiple_selected = True
    template_name = "core/widgets/photo_input.html"
    kept: tuple = ()

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["kept"] = list(self.kept)
        context["widget"]["kept_name"] = name + KEPT_SUFFIX
        return context


def photo_limits(field: forms.Field) -> None:
    """Say the limits under the field, and give the browser the message for too many photos."""
    field.help_text = photo_help_text()
    field.widget.attrs["data-too-many"] = _("At most %(count)s photos can be attached.") % {
        "count": settings.PHOTO_MAX_COUNT
    }


def photo_help_text() -> str:
    return _("Up to %(count)s photos, %(size)s MB each.") % {
        "count": settings.PHOTO_MAX_COUNT,
        "size": settings.PHOTO_MAX_BYTES // (1024 * 1024),
    }


class MultiplePhotoField(forms.FileField):
    """Several photos in one field (Django's "Uploading multiple files" recipe).

    The files are only collected here; ``core.images.photos_prepare`` checks what they contain, and
    ``core.pending_photos.PhotoSubmission`` adds the photos kept from an earlier try."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(
                attrs={
                    "accept": "image/*",
                    "capture": "environment",
                    "data-max-photos": settings.PHOTO_MAX_COUNT,
                    # The phone shrinks a photo to the size the server would keep before sending it.
                    "data-max-side": MAX_SIDE,
                    "data-jpeg-quality": UPLOAD_JPEG_QUALITY,
                    "data-upload-url": reverse_lazy("core:pending_photo_create"),
                }
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > settings.PHOTO_MAX_COUNT:
            raise forms.ValidationError(
                _("At most %(count)s photos can be attached."),
                code="too_many_photos",
                params={"count": settings.PHOTO_MAX_COUNT},
            )
        return files
