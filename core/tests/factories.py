import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image


def jpeg_bytes(
    width: int = 40,
    height: int = 20,
    *,
    orientation: int | None = None,
    taken: str | None = None,
    offset: str | None = None,
    gps: tuple[float, float] | None = None,
    colour: str = "red",
) -> bytes:
    """A small real JPEG, optionally with an EXIF orientation, time of capture (``taken``, "YYYY:MM:DD
    HH:MM:SS" as cameras write it, with ``offset`` such as "+08:00") and GPS position (latitude, longitude)
    as phones write them."""
    image = Image.new("RGB", (width, height), colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif_bytes(orientation=orientation, taken=taken, offset=offset, gps=gps))
    return buffer.getvalue()


def exif_bytes(
    *,
    orientation: int | None = None,
    taken: str | None = None,
    offset: str | None = None,
    gps: tuple[float, float] | None = None,
) -> bytes:
    """The EXIF block of ``jpeg_bytes`` (also for the browser tests' photos)."""
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x010F] = "Camera maker"
    if taken:
        details = exif.get_ifd(ExifTags.IFD.Exif)
        details[0x9003] = taken
        if offset:
            details[0x9011] = offset
    if gps:
        place = exif.get_ifd(ExifTags.IFD.GPSInfo)
        for (ref_tag, value_tag), value, hemispheres in zip(((1, 2), (3, 4)), gps, ("NS", "EW"), strict=True):
            place[ref_tag] = hemispheres[0] if value >= 0 else hemispheres[1]
            degrees = abs(value)
            whole, minutes = int(degrees), (degrees - int(degrees)) * 60
            place[value_tag] = (float(whole), float(int(minutes)), round((minutes - int(minutes)) * 60, 4))
    return exif.tobytes()


def photo_upload(name: str = "photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")
