"""Browser tests: Playwright for Python driving Debian's chromium against the live test server."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail("REQUIRE_SERVICES=1 but Debian's chromium is not installed")
    pytest.skip("needs Debian's chromium for browser tests")


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page (375 px wide) speaking Chinese, with the live server as base URL."""
    from playwright.sync_api import expect

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 800}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    # The assertions wait as long as the actions: on a loaded two-core CI machine an htmx swap can take
    # longer than Playwright's default five seconds.
    expect.set_options(timeout=15_000)
    page = context.new_page()
    yield page
    context.close()


# ---------------------------------------------------------------------------------------------
# Fixtures of the journeys: the data the migrations provide, and photos from the phone.


@pytest.fixture
def jpeg(tmp_path):
    """Write a small real JPEG (made with Pillow) into ``tmp_path`` and return its path; ``taken`` ("YYYY:MM:DD
    HH:MM:SS") and ``gps`` (latitude, longitude) write the time and position of capture into its EXIF, as a
    phone's camera does."""
    from PIL import Image, ImageDraw

    from core.tests.factories import exif_bytes

    def make(
        name: str = "photo.jpg",
        colour: str = "#c0392b",
        size: tuple[int, int] = (64, 48),
        taken: str | None = None,
        gps: tuple[float, float] | None = None,
    ):
        image = Image.new("RGB", size, colour)
        ImageDraw.Draw(image).rectangle((8, 8, size[0] - 8, size[1] - 8), outline="white", width=3)
        path = tmp_path / name
        image.save(path, format="JPEG", quality=90, exif=exif_bytes(taken=taken, gps=gps))
        return path

    return make
