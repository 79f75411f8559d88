"""Security settings that a user or an operator relies on: login throttling, session expiry, password
validation, the hardened deployment, the Content-Security-Policy and the safe serving of uploads."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches

from accounts.models import Role
from accounts.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PRODUCTION_ENV = ROOT / "deploy" / "production.env.example"


# --- login throttling --------------------------------------------------------------------------


@pytest.fixture
def staff(db):
    user = UserFactory(username="lianluoyuan", role=Role.STAFF)
    user.set_password("Liucheng-huanwei-2018")
    user.save()
    return user


def sign_in(client, password: str, ip: str = "10.1.2.3"):
    return client.post("/login/", {"username": "lianluoyuan", "password": password}, REMOTE_ADDR=ip)


def test_it_locks_a_username_out_after_five_failures_from_one_address_with_a_chinese_message(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "wrong")
        assert response.status_code == 200
        assert response.context["form"].errors

    response = sign_in(client, "wrong")

    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已锁定" in page
    assert "5 次登录失败" in page
    # Even the right password is refused while the lockout lasts.
    assert sign_in(client, "Liucheng-huanwei-2018").status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", ip="10.9.9.9")

    response = sign_in(client, "Liucheng-huanwei-2018", ip="10.1.2.3")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_a_successful_sign_in_clears_the_failures(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "Liucheng-huanwei-2018").status_code == 302
    assert not AccessAttempt.objects.filter(username="lianluoyuan").exists()


def test_the_throttle_is_configured_as_documented():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_ENABLED
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 3600
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


# --- sessions and passwords ----------------------------------------------------------------------


def test_sessions_expire_with_the_browser_and_after_a_working_day(client, staff):
    client.force_login(staff)
    response = client.get("/inbox/")
    assert response.status_code == 200
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert client.session.get_expire_at_browser_close()
    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize("weak", ["12345678", "password", "lianluoyuan1", "abc"])
def test_the_password_change_page_refuses_a_weak_password(client, staff, weak):
    client.force_login(staff)

    response = client.post(
        "/password/",
        {"old_password": "Liucheng-huanwei-2018", "new_password1": weak, "new_password2": weak},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    staff.refresh_from_db()
    assert staff.check_password("Liucheng-huanwei-2018")


def test_the_password_change_page_accepts_a_strong_password(client, staff):
    client.force_login(staff)

    response = client.post(
        "/password/",
        {
            "old_password": "Liucheng-huanwei-2018",
            "new_password1": "Dongchang-hu-qingjie-77",
            "new_password2": "Dongchang-hu-qingjie-77",
        },
    )

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Dongchang-hu-qingjie-77")


# --- the hardened deployment ---------------------------------------------------------------------


def production_environment(**overrides: str) -> dict[str, str]:
    """The environment of deploy/production.env.example, over a copy of this one, less the test settings.
    The servers it names are not reached: `check --deploy` does not connect to them."""
    leave_out = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the latter is set by the browser tests
    environment = {key: value for key, value in os.environ.items() if key not in leave_out}
    for line in PRODUCTION_ENV.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            environment[name.strip()] = value.strip()
    # The example's SECRET_KEY is a placeholder that start-up refuses; an operator puts their own here.
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    environment.update(overrides)
    return environment


def run_deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_documented_production_environment_passes_check_deploy_with_no_warnings():
    result = run_deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr
    assert "no issues" in result.stdout


def test_the_ssl_redirect_can_be_left_to_the_proxy():
    result = run_deploy_check(SECURE_SSL_REDIRECT="0")
    # Django then warns about W008: the operator has said that the proxy redirects, and the check says so.
    assert "security.W008" in result.stderr
    assert result.returncode == 1


def test_the_readme_documents_every_production_variable():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = re.findall(r"^([A-Z_]+)=", PRODUCTION_ENV.read_text(encoding="utf-8"), re.MULTILINE)
    assert "SECRET_KEY" in names
    assert [name for name in names if f"`{name}`" not in readme] == []


# --- Content-Security-Policy ---------------------------------------------------------------------


@pytest.fixture
def pages(db):
    from inspections.tests.factories import IssueFactory

    issue = IssueFactory()
    return {"issue": f"/issues/{issue.pk}/"}


def csp_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def test_every_page_carries_the_content_security_policy(client, pages):
    login = client.get("/login/")
    policies = [csp_of(login)]
    leader = UserFactory(role=Role.LEADER)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(leader)
    for url in ("/tasks/", "/dashboard/"):
        response = client.get(url)
        assert response.status_code == 200, url
        policies.append(csp_of(response))
    client.force_login(admin)
    response = client.get(pages["issue"])
    assert response.status_code == 200
    policies.append(csp_of(response))

    for policy in policies:
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert {"'self'", "data:", "blob:"} <= set(policy["img-src"])
        assert "'unsafe-inline'" not in " ".join(policy["script-src"])
    assert login["X-Content-Type-Options"] == "nosniff"
    assert login["X-Frame-Options"] == "DENY"


SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def test_no_template_holds_an_inline_script():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        for match in SCRIPT.finditer(template.read_text(encoding="utf-8")):
            attributes = match.group(1)
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                offenders.append(f"{template.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_no_page_template_holds_an_inline_style():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        if template.relative_to(TEMPLATES).parts[0] == "email":
            continue  # mail clients need inline styles, and no browser page renders these
        text = template.read_text(encoding="utf-8")
        if re.search(r"<style\b|\sstyle=", text, re.IGNORECASE):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


# --- uploads -------------------------------------------------------------------------------------


@pytest.fixture
def debug_urls(settings, tmp_path):
    """The URL configuration as a developer's machine loads it (DEBUG on), over a media folder of its own."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    import importlib

    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()
    yield tmp_path
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_photos_are_served_only_through_the_app_to_signed_in_users_never_from_media(client, db, debug_urls):
    from core.tests.factories import jpeg_bytes
    from inspections.models import IssuePhoto
    from inspections.tests.factories import IssueFactory

    media = debug_urls
    (media / "issues" / "2026" / "12").mkdir(parents=True)
    (media / "issues" / "2026" / "12" / "before.jpg").write_bytes(jpeg_bytes())
    (media / "masterdata").mkdir()
    (media / "masterdata" / "upload.xlsx").write_bytes(b"PK")
    issue = IssueFactory()
    photo = IssuePhoto.objects.create(issue=issue, image="issues/2026/12/before.jpg", uploaded_by=issue.reported_by)

    with override_settings(DEBUG=True):
        for path in ("/media/issues/2026/12/before.jpg", "/media/masterdata/upload.xlsx"):
            assert client.get(path).status_code == 404
        anonymous = client.get(photo.url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/login/")

        client.force_login(UserFactory(role=Role.LEADER))
        assert client.get("/media/issues/2026/12/before.jpg").status_code == 404
        served = client.get(photo.url)
        assert served.status_code == 200
        assert served["Content-Type"] == "image/jpeg"
        assert served["X-Content-Type-Options"] == "nosniff"
        assert served["Content-Security-Policy"] == "default-src 'none'"
        assert b"".join(served.streaming_content) == (media / "issues" / "2026" / "12" / "before.jpg").read_bytes()
