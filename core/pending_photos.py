"""Photos kept while their form is not saved yet, so that evidence is never lost to a form error.

A phone's script sends each chosen photo here at once (``pending_photo_store``) and the form carries
its token; without the script, a submit that comes back with an error keeps the photos it carried
(``PhotoSubmission.keep``). Either way the returned form shows them as thumbnails with their tokens,
and the submit that succeeds takes them into its issue or progress report (``PhotoSubmission.photos``,
then ``used``). Each pending photo is checked as every photo is (``core.images.photo_prepare``), seen
only by its holder, and deleted when used or when it expires (``pending_photos_purge``, run by beat).

The holder is a signed-in person, or an anonymous form: the public report page has no account, so its form
carries a grant (``form_grant``: the form's key, signed, salted and dated) and its photos are held under a
digest of the key the grant vouches for; a grant that was tampered with, signed for another purpose or older
than ``PENDING_PHOTO_MAX_AGE`` vouches for nothing.
"""

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.forms import Form
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.images import Photo, photo_prepare
from core.models import PendingPhoto

logger = logging.getLogger(__name__)


def lost_message() -> str:
    """Said when a form names kept photos that are gone: expired, already used, or never its holder's."""
    return _("Some photos chosen earlier are no longer kept: choose them again.")


# The name of the field that carries the tokens of a photo field's kept photos: ``photos_kept`` for ``photos``.
KEPT_SUFFIX = "_kept"


def pending_photo_max_per_user() -> int:
    """How many photos one person may have waiting at a time: a few forms' worth."""
    return 5 * settings.PHOTO_MAX_COUNT


# ---------------------------------------------------------------------------------------------
# Who a pending photo waits for

FORM_GRANT_SALT = "core.pending_photos.form_grant"


def form_grant(form_key: str, *, now: datetime.datetime | None = None) -> str:
    """The grant an anonymous form carries: ``form_key`` signed (salted for this use alone) with the moment
    it was given, so that only this server's grants vouch for a key, and only while they are fresh."""
    moment = int((now or timezone.now()).timestamp())
    return signing.dumps({"key": form_key, "at": moment}, salt=FORM_GRANT_SALT)


def form_grant_key(grant: str, *, now: datetime.datetime | None = None) -> str | None:
    """The form key a grant vouches for, or ``None``: tampered with, signed for another use, or older than
    ``PENDING_PHOTO_MAX_AGE`` (the photos it could name have expired too)."""
    try:
        value = signing.loads(grant or "", salt=FORM_GRANT_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("key"), str) or not isinstance(value.get("at"), int):
        return None
    age = (now or timezone.now()).timestamp() - value["at"]
    if not -60 <= age <= settings.PENDING_PHOTO_MAX_AGE.total_seconds():  # a minute's clock skew between servers
        return None
    return value["key"] or None


def pending_holder(*, uploader=None, form_key: str = "") -> dict | None:
    """The columns that name a pending photo's holder: a signed-in person, or an anonymous form by a keyed
    digest of its key (the table never holds a key a grant could be checked against); ``None`` for nobody."""
    if form_key:
        digest = salted_hmac("core.pending_photos.form_key", form_key, algorithm="sha256").hexdigest()
        return {"uploaded_by": None, "form_key": digest}
    if uploader is not None and uploader.is_authenticated:
        return {"uploaded_by": uploader, "form_key": ""}
    return None


def pending_photos_of(
    *, uploader=None, form_key: str = "", tokens: list[str], now: datetime.datetime | None = None
) -> list[PendingPhoto]:
    """The pending photos named by ``tokens`` that wait for ``uploader`` (or, for an anonymous form, for
    ``form_key``) and have not expired, in the tokens' order; a token that is not one, another holder's or
    an expired one is left out."""
    wanted: list[uuid.UUID] = []
    for token in tokens:
        try:
            value = uuid.UUID(str(token).strip())
        except ValueError:
            continue
        if value not in wanted:
            wanted.append(value)
    holder = pending_holder(uploader=uploader, form_key=form_key)
    if not wanted or holder is None:
        return []
    since = (now or timezone.now()) - settings.PENDING_PHOTO_MAX_AGE
    rows = PendingPhoto.objects.filter(**holder, token__in=wanted, created__gte=since)
    found = {photo.token: photo for photo in rows}
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


def pending_thumbnail_url(pending: PendingPhoto) -> str:
    """Where a signed-in holder sees a pending photo's thumbnail."""
    return reverse("core:pending_photo", kwargs={"token": pending.token})


def kept_photo(pending: PendingPhoto, *, url: Callable[[PendingPhoto], str] = pending_thumbnail_url) -> KeptPhoto:
    return KeptPhoto(token=str(pending.token), thumbnail_url=url(pending))


class PhotoSubmission:
    """The photos of one submitted form: the files sent with it and the photos kept from earlier tries
    (or sent at once by the page's script), whose tokens the form carries in ``<field>_kept``.

    The view asks for ``photos()`` to save, calls ``used()`` once the save succeeded, and ``keep()``
    before it shows the form again after an error: then no photo the person chose is lost. The photos
    wait for ``uploader``, or for the anonymous form ``form_key`` (whose grant the view has checked:
    ``form_grant_key``); ``thumbnail_url`` says where such a holder sees them."""

    def __init__(
        self,
        *,
        form: Form,
        uploader=None,
        form_key: str = "",
        field: str = "photos",
        data: QueryDict | None = None,
        thumbnail_url: Callable[[PendingPhoto], str] = pending_thumbnail_url,
    ) -> None:
        """``data`` holds the kept photos' tokens when they came another way than with the form's data (a
        search sent by GET, which the form is not bound to)."""
        self.form = form
        self.field = field
        self.holder = pending_holder(uploader=uploader, form_key=form_key)
        self.thumbnail_url = thumbnail_url
        name = form.add_prefix(field)
        taken = field in form.fields
        self.uploads: list[UploadedFile] = form.files.getlist(name) if taken and form.is_bound else []
        data = data if data is not None else form.data
        tokens = data.getlist(name + KEPT_SUFFIX) if taken and hasattr(data, "getlist") else []
        self.kept: list[PendingPhoto] = pending_photos_of(uploader=uploader, form_key=form_key, tokens=tokens)
        # Photos the form said it kept that are gone: expired, used, or never this holder's.
        self.lost = len({str(token).strip() for token in tokens if str(token).strip()}) - len(self.kept)
        self._prepared: dict[int, Photo] = {}

    def _prepare(self, index: int) -> Photo:
        if index not in self._prepared:
            self._prepared[index] = photo_prepare(self.uploads[index])
        return self._prepared[index]

    def photos(self) -> list[Photo]:
        """Every photo to save, kept ones first, each checked; ``ApplicationError`` if one is not a
        photo, there are too many, or one the form says it kept is gone (expired, or never its holder's)."""
        if self.lost > 0:
            raise ApplicationError(lost_message(), code="kept_photo_gone")
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

    def to_keep(self) -> int:
        """How many of the new uploads ``keep()`` would try to keep: as many as the form has room for."""
        if self.holder is None or self.field not in self.form.fields:
            return 0
        return max(0, min(len(self.uploads), settings.PHOTO_MAX_COUNT - len(self.kept)))

    def keep(self, *, refusal: str = "") -> list[KeptPhoto]:
        """The save did not happen: keep each new upload that is a photo (up to the limit) for the
        returned form, say why any other is not kept, and show all kept photos on the form's field.
        With a ``refusal`` (a limit the view enforces) or no holder, no new upload is kept and the field
        says so; kept photos that are gone are said to be gone."""
        if self.field not in self.form.fields:
            return []
        if self.lost > 0:
            self._error(lost_message())
        if self.uploads and (refusal or self.holder is None):
            self._error(refusal or _("The photos could not be kept: choose them again."))
            self.uploads = []
        room = settings.PHOTO_MAX_COUNT - len(self.kept)
        for index in range(len(self.uploads)):
            try:
                if room <= 0:
                    raise ApplicationError(
                        _("At most %(count)s photos can be attached.") % {"count": settings.PHOTO_MAX_COUNT},
                        code="too_many_photos",
                    )
                photo = self._prepare(index)
                pending = PendingPhoto.objects.create(**self.holder, image=photo.image, thumbnail=photo.thumbnail)
            except ApplicationError as error:
                self._error(error.message)
                continue
            self.kept.append(pending)
            room -= 1
        self.uploads = []
        shown = [kept_photo(pending, url=self.thumbnail_url) for pending in self.kept]
        self.form.fields[self.field].widget.kept = shown
        return shown

    def _error(self, message: str) -> None:
        if message not in self.form.errors.get(self.field, []) and message not in self.form.non_field_errors():
            self.form.add_error(self.field, message)
