"""Anti-abuse without outside services, all kept in the shared cache (``CACHE_URL``) so that every web
process counts alike: an offline captcha, one-time phone codes, and rate limits that are strict per
verified phone and per device and lenient per address (a carrier's NAT puts a neighbourhood behind one)."""

import hashlib
import io
import random
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from core.errors import ApplicationError

CAPTCHA_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # nothing two glyphs can be mistaken for
CAPTCHA_LENGTH = 4
CAPTCHA_SECONDS = 10 * 60
CODE_SECONDS = 10 * 60
CODE_TRIES = 5
PREFIX = "citizens"


class TooMany(ApplicationError):
    """A rate limit reached: HTTP 429."""

    status = 429


def _digest(value: str) -> str:
    """A keyed hash: the cache never holds a phone number or an address in the clear."""
    return salted_hmac("citizens.abuse", value).hexdigest()[:32]


# --- the captcha ---------------------------------------------------------------------------------------


def captcha_new() -> str:
    """A new captcha's key; its answer waits in the cache for ``CAPTCHA_SECONDS``."""
    key = secrets.token_urlsafe(16)
    answer = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(CAPTCHA_LENGTH))
    cache.set(f"{PREFIX}:captcha:{key}", answer, CAPTCHA_SECONDS)
    return key


def captcha_answer(key: str) -> str | None:
    return cache.get(f"{PREFIX}:captcha:{key}")


def captcha_image(key: str) -> bytes | None:
    """The PNG of a captcha: its letters drawn apart, tilted and blurred over noise. None once it is gone."""
    answer = captcha_answer(key)
    if answer is None:
        return None
    draw_random = random.Random(key)  # noqa: S311 - the same image for the same key; the answer is secret
    image = Image.new("RGB", (160, 60), (246, 246, 240))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    for index, letter in enumerate(answer):
        glyph = Image.new("RGBA", (44, 50), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 4), letter, font=font, fill=(30, 40, 90, 255))
        glyph = glyph.rotate(draw_random.uniform(-25, 25), resample=Image.BICUBIC, expand=False)
        image.paste(glyph, (8 + index * 37, draw_random.randint(0, 8)), glyph)
    for _line in range(5):
        points = [(draw_random.randint(0, 160), draw_random.randint(0, 60)) for _ in range(2)]
        draw.line(points, fill=(120, 120, 160), width=2)
    for _dot in range(300):
        draw.point((draw_random.randint(0, 159), draw_random.randint(0, 59)), fill=(90, 90, 90))
    buffer = io.BytesIO()
    image.filter(ImageFilter.SMOOTH).save(buffer, format="PNG")
    return buffer.getvalue()


def captcha_check(*, key: str, answer: str, consume: bool) -> None:
    """Refuse a wrong or expired answer. ``consume`` uses it up (the report's submit); the phone code's
    request only checks it, the same captcha then serving the submit."""
    if settings.CITIZEN_CAPTCHA_BYPASS:
        return
    expected = captcha_answer(key or "-")
    if expected is None:
        raise ApplicationError(_("The picture code has expired: type the new one."), code="captcha_expired")
    if not constant_time_compare(expected, (answer or "").strip().upper()):
        cache.delete(f"{PREFIX}:captcha:{key}")  # one guess per picture
        raise ApplicationError(_("The picture code is wrong: type the new one."), code="captcha_wrong")
    if consume:
        cache.delete(f"{PREFIX}:captcha:{key}")


# --- rate limits ---------------------------------------------------------------------------------------


def _count(scope: str, ident: str, *, seconds: int, hits: int = 1) -> int:
    """``hits`` more of ``ident`` in the current window of ``seconds``; how many there are now."""
    window = int(time.time() // seconds)
    key = f"{PREFIX}:rate:{scope}:{_digest(ident)}:{window}"
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key, hits)
    except ValueError:  # expired between add and incr
        cache.set(key, hits, seconds)
        return hits


def rate_check(*, scope: str, ident: str, limit: int, seconds: int, hits: int = 1, message: str = "") -> None:
    """Count ``hits``; refuse them (429) once more than ``limit`` fell in the window."""
    if not ident or hits <= 0:
        return
    if _count(scope, ident, seconds=seconds, hits=hits) > limit:
        raise TooMany(
            message or _("Too many reports from this phone or device. Please try again later."),
            code=f"too_many_{scope}",
        )


def report_rates_check(*, phone: str, device: str, address: str) -> None:
    """The limits of one report: strict per verified phone and per device, lenient per address."""
    day, hour = 24 * 3600, 3600
    rate_check(scope="phone", ident=phone, limit=settings.CITIZEN_REPORTS_PER_PHONE_PER_DAY, seconds=day)
    rate_check(scope="device", ident=device, limit=settings.CITIZEN_REPORTS_PER_DEVICE_PER_DAY, seconds=day)
    rate_check(scope="address", ident=address, limit=settings.CITIZEN_REPORTS_PER_ADDRESS_PER_HOUR, seconds=hour)


def kept_photos_check(*, device: str, address: str, count: int) -> None:
    """The limits of the photos kept for report forms that came back with an error: strict per device,
    lenient per address (``TooMany``: they are not kept, and are chosen again)."""
    message = _("Too many photos kept from this phone or network: choose them again when you send the report.")
    hour = 3600
    limit = settings.CITIZEN_KEPT_PHOTOS_PER_DEVICE_PER_HOUR
    # A form without the device cookie counts with the whole address, under the device's strict limit.
    ident = device or f"address:{address}"
    rate_check(scope="kept_device", ident=ident, limit=limit, seconds=hour, hits=count, message=message)
    limit = settings.CITIZEN_KEPT_PHOTOS_PER_ADDRESS_PER_HOUR
    rate_check(scope="kept_address", ident=address, limit=limit, seconds=hour, hits=count, message=message)


# --- phone codes ---------------------------------------------------------------------------------------


def code_new(*, phone: str, device: str, address: str) -> str:
    """A six-digit one-time code for ``phone``, valid ``CODE_SECONDS``; counted per phone, device and address."""
    hour = 3600
    limit = settings.CITIZEN_CODES_PER_PHONE_PER_HOUR
    rate_check(scope="code_phone", ident=phone, limit=limit, seconds=hour)
    rate_check(scope="code_device", ident=device, limit=limit * 2, seconds=hour)
    rate_check(scope="code_address", ident=address, limit=settings.CITIZEN_REPORTS_PER_ADDRESS_PER_HOUR, seconds=hour)
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(f"{PREFIX}:code:{_digest(phone)}", {"hash": _hash(phone, code), "tries": 0}, CODE_SECONDS)
    return code


def _hash(phone: str, code: str) -> str:
    return hashlib.sha256(f"{_digest(phone)}:{code}".encode()).hexdigest()


def code_check(*, phone: str, code: str) -> None:
    """Refuse a wrong or expired code; a right one is used up. After ``CODE_TRIES`` wrong ones the code is gone."""
    key = f"{PREFIX}:code:{_digest(phone)}"
    entry = cache.get(key)
    if entry is None:
        raise ApplicationError(_("The text message code has expired: ask for a new one."), code="code_expired")
    if not constant_time_compare(entry["hash"], _hash(phone, (code or "").strip())):
        entry["tries"] += 1
        if entry["tries"] >= CODE_TRIES:
            cache.delete(key)
        else:
            cache.set(key, entry, CODE_SECONDS)
        raise ApplicationError(_("The text message code is wrong."), code="code_wrong")
    cache.delete(key)
