"""Steps every journey takes through the pages, as a user does them."""

import re

from playwright.sync_api import Locator, Page, expect

PASSWORD = "Shenghuo-2018!"


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Open the sign-in page, type the credentials and press 登录, as a new user would."""
    page.goto("/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()


def sign_out(page: Page, display_name: str) -> None:
    """Open the account menu (the user's name in the top bar) and press 退出登录."""
    page.locator("details.menu summary", has_text=display_name).click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def image_loaded(page: Page, image: Locator) -> None:
    """Scroll a (lazy) image into view and wait until the browser has decoded it: its ``src``
    answered with a real picture, not a broken link."""
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10_000)
