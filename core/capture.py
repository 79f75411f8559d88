"""When and where a photo was taken, and how that is known.

A phone's camera writes the moment (EXIF ``DateTimeOriginal``, with ``OffsetTimeOriginal`` on newer
phones) and often the GPS position into the photo. Where the photo carries neither, the page that took it
says what the phone knew when the photo was chosen: the moment, and the position ``navigator.geolocation``
gave (``captures_parse`` reads what the page sends). Without the page's word the moment the server
received the photo stands in for the time, and no position is known. The stored photo is stripped of its
EXIF (``core.images``); what is read here is kept beside it."""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.geo import LocationError, coordinate_parse

# EXIF tags (the standard's numbers, as Pillow names its IFDs).
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4


class CaptureSource(models.TextChoices):
    """Where a photo's time or position comes from."""

    EXIF = "exif", gettext_lazy("the photo's EXIF")
    DEVICE = "device", gettext_lazy("the phone, when the photo was chosen")
    SERVER = "server", gettext_lazy("the server, when the photo arrived")


# A position is read from the photo or the phone; the server's clock knows no place.
POSITION_SOURCES = [(value, label) for value, label in CaptureSource.choices if value != CaptureSource.SERVER]


@dataclass(frozen=True)
class Capture:
    """A photo's time and position of capture, each with its source (``CaptureSource``; "" for unknown)."""

    taken_at: datetime.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    time_source: str = ""
    position_source: str = ""

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def completed_by(self, other: "Capture") -> "Capture":
        """This capture, its missing time and position taken from ``other``."""
        time = self if self.taken_at is not None else other
        place = self if self.has_position else other
        return Capture(
            taken_at=time.taken_at,
            latitude=place.latitude,
            longitude=place.longitude,
            time_source=time.time_source if time.taken_at is not None else "",
            position_source=place.position_source if place.has_position else "",
        )


def _degrees(value, reference) -> float | None:
    """An EXIF GPS coordinate (degrees, minutes, seconds as rationals) and its hemisphere, as signed degrees."""
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    number = degrees + minutes / 60 + seconds / 3600
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "ignore")
    return -number if str(reference).strip().upper() in ("S", "W") else number


def _exif_moment(text, offset) -> datetime.datetime | None:
    """EXIF's "YYYY:MM:DD HH:MM:SS", in its offset if given, else the city's local time (the phone's clock)."""
    try:
        # EXIF keeps the phone's wall clock, without a zone: it is given one below.
        moment = datetime.datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None
    if offset:
        try:
            sign = -1 if str(offset).startswith("-") else 1
            hours, minutes = (int(part) for part in str(offset).strip("\x00 +-").split(":"))
            return moment.replace(tzinfo=datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes)))
        except ValueError:
            pass
    return timezone.make_aware(moment)


def exif_capture(image) -> Capture:
    """What a Pillow image's EXIF says of its capture (an empty ``Capture`` when it says nothing usable)."""
    try:
        exif = image.getexif()
        details, gps = exif.get_ifd(EXIF_IFD), exif.get_ifd(GPS_IFD)
    except Exception:  # a damaged EXIF block is no capture, not a refused photo
        return Capture()
    taken_at = None
    if details.get(DATE_TIME_ORIGINAL):
        taken_at = _exif_moment(details[DATE_TIME_ORIGINAL], details.get(OFFSET_TIME_ORIGINAL))
    latitude = longitude = None
    lat = _degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF, "N"))
    lon = _degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF, "E"))
    if lat is not None and lon is not None and (lat, lon) != (0, 0):
        try:
            latitude = coordinate_parse(lat, axis="latitude", rounding=True)
            longitude = coordinate_parse(lon, axis="longitude", rounding=True)
        except LocationError:
            latitude = longitude = None
    return Capture(
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
        time_source=CaptureSource.EXIF if taken_at else "",
        position_source=CaptureSource.EXIF if latitude is not None else "",
    )


def captures_parse(text: str, *, count: int, received_at: datetime.datetime) -> list[Capture]:
    """What the page says of each of ``count`` photos, in the order they were sent: a JSON list of
    ``{"taken_at": ISO 8601, "latitude": number|null, "longitude": number|null}``, one per photo. Without it
    (a page without scripts) each photo is taken to be as old as its arrival (``received_at``), with no
    position. Raises ``ApplicationError`` for what cannot be read."""
    arrived = Capture(taken_at=received_at, time_source=CaptureSource.SERVER)
    if not text or not text.strip():
        return [arrived] * count
    damaged = ApplicationError(
        _("The time and place of the photos cannot be read: reload the page and choose the photos again."),
        code="photo_capture",
    )
    try:
        rows = json.loads(text)
    except ValueError:
        raise damaged from None
    if not isinstance(rows, list) or len(rows) != count or not all(isinstance(row, dict) for row in rows):
        raise damaged
    captures = []
    for row in rows:
        moment = parse_datetime(str(row.get("taken_at") or ""))
        if moment is None:
            raise damaged
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        try:
            latitude = coordinate_parse(row.get("latitude"), axis="latitude", rounding=True)
            longitude = coordinate_parse(row.get("longitude"), axis="longitude", rounding=True)
        except (LocationError, TypeError, InvalidOperation):
            raise damaged from None
        if (latitude is None) != (longitude is None):
            raise damaged
        captures.append(
            Capture(
                taken_at=moment,
                latitude=latitude,
                longitude=longitude,
                time_source=CaptureSource.DEVICE,
                position_source=CaptureSource.DEVICE if latitude is not None else "",
            )
        )
    return captures
