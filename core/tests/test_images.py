import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.errors import ApplicationError
from core.images import photo_prepare, photos_prepare
from core.tests.factories import jpeg_bytes


def test_it_turns_the_photo_upright_and_drops_its_metadata():
    photo = photo_prepare(SimpleUploadedFile("site.jpg", jpeg_bytes(40, 20, orientation=6)))
    with Image.open(photo.image) as stored:
        assert stored.size == (20, 40)
        assert not stored.getexif()
    assert photo.image.name == "site.jpg"


def test_it_makes_a_small_thumbnail():
    photo = photo_prepare(SimpleUploadedFile("big.png", jpeg_bytes(1200, 800)))
    with Image.open(photo.thumbnail) as thumb:
        assert max(thumb.size) == 320


def test_it_refuses_a_text_file_named_like_a_photo():
    with pytest.raises(ApplicationError) as refused:
        photo_prepare(SimpleUploadedFile("fake.jpg", b"this is not an image"))
    assert refused.value.code == "photo_invalid"
    assert "fake.jpg" in refused.value.message


def test_it_refuses_a_photo_over_the_size_limit(settings):
    settings.PHOTO_MAX_BYTES = 1024
    with pytest.raises(ApplicationError) as refused:
        photo_prepare(SimpleUploadedFile("big.jpg", jpeg_bytes(400, 400) + b"0" * 2048))
    assert refused.value.code == "photo_too_large"


def test_it_refuses_more_than_six_photos():
    uploads = [SimpleUploadedFile(f"p{i}.jpg", jpeg_bytes()) for i in range(7)]
    with pytest.raises(ApplicationError) as refused:
        photos_prepare(uploads)
    assert refused.value.code == "too_many_photos"
