import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_bytes(width: int = 40, height: int = 20, *, orientation: int | None = None) -> bytes:
    """A small real JPEG, optionally with an EXIF orientation as phones write it."""
    image = Image.new("RGB", (width, height), "red")
    buffer = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x010F] = "Camera maker"
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def photo_upload(name: str = "photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")
