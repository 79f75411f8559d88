"""Photos kept while their form is not saved yet, so that evidence is never lost to a form error.

A phone's script sends each chosen photo here at once (``pending_photo_store``) and the form carries
its token; without the script, a submit that comes back with an error keeps the photos it carried
(``PhotoSubmission.keep``). Either way the returned form shows them as thumbnails with their tokens,
and the submit that succeeds takes them into its issue or progress report (``PhotoSubmission.photos``,
then ``used``). Each pending photo is checked as every photo is (``core.images.photo_prepare``), seen
only by its uploader, and deleted when used or when it expires (``pending_photos_purge``, run by beat).
"""

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.forms import Form
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.images import Photo, photo_prepare
from core.models import PendingPhoto

logger = logging.getLogger(__name__)

# The name of the field that carries the tokens of a photo field's kept photos: ``photos_kept`` for ``photos``.
KEPT_SUFFIX = "_kept"


def pending_photo_max_per_user() -> int:
    """How many photos one person may have waiting at a time: a few forms' worth."""
    return 5 * settings.PHOTO_MAX_COUNT


def pending_photos_of(*, uploader, tokens: list[str], now: datetime.datetime | None = None) -> list[PendingPhoto]:
    """The uploader's pending photos named by ``tokens`` that have not expired, in the tokens' order;
    a token that is not one, another person's or an expired one is left out."""
    wanted: list[uuid.UUID] = []
    for token in tokens:
        try:
            value = uuid.UUID(str(token).strip())
        except ValueError:
            continue
        if value not in wanted:
            wanted.append(value)
    if not wanted or uploader is None or not uploader.is_authenticated:
        return []
    since = (now or timezone.now()) - settings.PENDING_PHOTO_MAX_AGE
    found = {
        photo.token: photo
        for photo in PendingPhoto.objects.filter(uploaded_by=uploader, token__in=wanted, created__gte=since)
    }
    return [found[token] for token in wanted if token in found]


def pending_photo_store(*, uploader, upload: UploadedFile, waiting: int | None = None) -> PendingPhoto:
    """Check one uploaded photo as every photo is checked and keep it for ``uploader``; raise
    ``ApplicationError`` for a file that is no photo, too large, or one too many waiting."""
    if waiting is None:
        since = timezone.now() - settings.PENDING_PHOTO_MAX_AGE
        waiting = PendingPhoto.objects.filter(uploaded_by=uploader, created__gte=since).count()
    if waiting >= pending_photo_max_per_user():
        raise ApplicationError(
            _("Too many photos are waiting for their forms: save or leave a form first."), code="too_many_pending"
        )
    photo = photo_prepare(upload)
    return PendingPhoto.objects.create(uploaded_by=uploader, image=photo.image, thumbnail=photo.thumbnail)


def pending_photo_as_photo(pending: PendingPhoto) -> Photo:
    """A pending photo as a ``Photo`` to store on an issue or a report: its checked files, copied."""
    with pending.image.open("rb") as image:
        full = image.read()
    with pending.thumbnail.open("rb") as thumbnail:
        small = thumbnail.read()
    return Photo(
        name="photo", image=ContentFile(full, name="photo.jpg"), thumbnail=ContentFile(small, name="photo.jpg")
    )


def pending_photos_delete(photos: list[PendingPhoto]) -> None:
    """Delete pending photos and, once that is committed, their files."""
    if not photos:
        return
    files = [(photo.image.storage, photo.image.name) for photo in photos]
    files += [(photo.thumbnail.storage, photo.thumbnail.name) for photo in photos if photo.thumbnail]
    with transaction.atomic():
        PendingPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files: list) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError as error:  # a file already gone is no reason to fail
            logger.warning("Could not delete the pending photo file %s: %s", name, error)


def pending_photos_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the pending photos that expired unused, with their files; return how many."""
    before = (now or timezone.now()) - settings.PENDING_PHOTO_MAX_AGE
    expired = list(PendingPhoto.objects.filter(created__lt=before))
    pending_photos_delete(expired)
    return len(expired)


# ---------------------------------------------------------------------------------------------
# One submitted form's photos


@dataclass(frozen=True)
class KeptPhoto:
    """A photo a returned form shows and carries on: its token and its thumbnail's address."""

    token: str
    thumbnail_url: str


def kept_photo(pending: PendingPhoto) -> KeptPhoto:
    return KeptPhoto(
        token=str(pending.token), thumbnail_url=reverse("core:pending_photo", kwargs={"token": pending.token})
    )


class PhotoSubmission:
    """The photos of one submitted form: the files sent with it and the photos kept from earlier tries
    (or sent at once by the page's script), whose tokens the form carries in ``<field>_kept``.

    The view asks for ``photos()`` to save, calls ``used()`` once the save succeeded, and ``keep()``
    before it shows the form again after an error: then no photo the person chose is lost."""

    def __init__(self, *, form: Form, uploader, field: str = "photos", data: QueryDict | None = None) -> None:
        """``data`` holds the kept photos' tokens when they came another way than with the form's data (a
        search sent by GET, which the form is not bound to)."""
        self.form = form
        self.field = field
        self.uploader = uploader
        name = form.add_prefix(field)
        taken = field in form.fields
        self.uploads: list[UploadedFile] = form.files.getlist(name) if taken and form.is_bound else []
        data = data if data is not None else form.data
        tokens = data.getlist(name + KEPT_SUFFIX) if taken and hasattr(data, "getlist") else []
        self.kept: list[PendingPhoto] = pending_photos_of(uploader=uploader, tokens=tokens)
        self._prepared: dict[int, Photo] = {}

    def _prepare(self, index: int) -> Photo:
        if index not in self._prepared:
            self._prepared[index] = photo_prepare(self.uploads[index])
        return self._prepared[index]

    def photos(self) -> list[Photo]:
        """Every photo to save, kept ones first, each checked; ``ApplicationError`` if one is not a
        photo or there are too many."""
        if len(self.kept) + len(self.uploads) > settings.PHOTO_MAX_COUNT:
            raise ApplicationError(
                _("At most %(count)s photos can be attached.") % {"count": settings.PHOTO_MAX_COUNT},
                code="too_many_photos",
            )
        new = [self._prepare(index) for index in range(len(self.uploads))]
        return [*(pending_photo_as_photo(pending) for pending in self.kept), *new]

    def used(self) -> None:
        """The save succeeded: the kept photos now belong to what was saved."""
        pending_photos_delete(self.kept)
        self.kept = []

    def keep(self) -> list[KeptPhoto]:
        """The save did not happen: keep each new upload that is a photo (up to the limit) for the
        returned form, say why any other is not kept, and show all kept photos on the form's field."""
        if self.field not in self.form.fields:
            return []
        room = settings.PHOTO_MAX_COUNT - len(self.kept)
        for index in range(len(self.uploads)):
            try:
                if room <= 0:
                    raise ApplicationError(
                        _("At most %(count)s photos can be attached.") % {"count": settings.PHOTO_MAX_COUNT},
                        code="too_many_photos",
                    )
                photo = self._prepare(index)
                pending = PendingPhoto.objects.create(
                    uploaded_by=self.uploader, image=photo.image, thumbnail=photo.thumbnail
                )
            except ApplicationError as error:
                if error.message not in self.form.errors.get(self.field, []):
                    self.form.add_error(self.field, error.message)
                continue
            self.kept.append(pending)
            room -= 1
        self.uploads = []
        shown = [kept_photo(pending) for pending in self.kept]
        self.form.fields[self.field].widget.kept = shown
        return shown
