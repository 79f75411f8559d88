"""Start-up refuses a malformed environment with a message that names the variable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import env

ROOT = Path(__file__).resolve().parents[2]


def run_check(**overrides: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    environment.update({"SECRET_KEY": "x" * 50, "DEBUG": "0", "ALLOWED_HOSTS": "example.org"}, **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "oracle-ish://nowhere"),
        ("DATABASE_REPLICA_URL", "oracle-ish://nowhere"),
        ("DATABASE_REPLICA_AFTER_WRITE_SECONDS", "soon"),
        ("CELERY_BROKER_URL", "carrier-pigeon://loft"),
        ("CELERY_RESULT_BACKEND", "mongodb+nope://x"),
        ("EMAIL_URL", "fax://0635"),
        ("SESSION_COOKIE_AGE", "eight hours"),
        ("ALLOWED_HOSTS", "a.org,,b.org"),
        ("PHOTO_X_ACCEL_REDIRECT", "protected-media"),
    ],
)
def test_it_stops_start_up_naming_the_bad_variable(name, value):
    result = run_check(**{name: value})
    assert result.returncode == 2
    assert f"Configuration error: Environment variable {name}=" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_requires_a_secret_key_when_debug_is_off():
    result = run_check(SECRET_KEY="")
    assert result.returncode == 2
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_the_placeholder_secret_key_of_the_example_environment():
    example = (ROOT / "deploy" / "production.env.example").read_text(encoding="utf-8")
    placeholder = next(line.partition("=")[2] for line in example.splitlines() if line.startswith("SECRET_KEY="))
    result = run_check(SECRET_KEY=placeholder)
    assert result.returncode == 2
    assert "SECRET_KEY is still the placeholder" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_starts_with_a_good_environment():
    result = run_check(EMAIL_URL="smtp+tls://mailer:p%40ss@mail.example.org:587")
    assert result.returncode == 0, result.stderr


def database_settings(**overrides: str) -> dict:
    """The databases and the replica the settings make of the environment with ``overrides``."""
    environment = {key: value for key, value in os.environ.items() if key not in {"DATABASE_REPLICA_URL"}}
    environment.update({"SECRET_KEY": "x" * 50}, **overrides)
    script = (
        "import json; from config import settings as s; "
        "names = {alias: str(database['NAME']) for alias, database in s.DATABASES.items()}; "
        "print(json.dumps({'names': names, 'replica': s.REPLICA_DATABASE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_reads_from_a_replica_only_when_one_is_configured():
    assert database_settings()["replica"] is None
    assert "replica" not in database_settings(DATABASE_REPLICA_URL="")["names"]

    configured = database_settings(DATABASE_REPLICA_URL="postgres://reader@10.0.0.12:5432/civic")

    assert configured["replica"] == "replica"
    assert configured["names"]["replica"] == "civic"


def test_it_reads_an_smtp_url_into_django_settings(tmp_path):
    assert env.env_email.__name__  # the reader is importable without Django configured
    os.environ["TEST_EMAIL_URL"] = "smtp+ssl://robot:s%3Acret@smtp.example.org"
    try:
        settings = env.env_email("TEST_EMAIL_URL", "console://", tmp_path)
    finally:
        del os.environ["TEST_EMAIL_URL"]
    assert settings["EMAIL_HOST"] == "smtp.example.org"
    assert settings["EMAIL_PORT"] == 465
    assert settings["EMAIL_HOST_PASSWORD"] == "s:cret"
    assert settings["EMAIL_USE_SSL"] is True


def test_it_writes_file_mail_into_the_project_folder_by_default(tmp_path):
    settings = env.env_email("UNSET_EMAIL_URL_FOR_TEST", "file://var/mail", tmp_path)
    assert settings["EMAIL_FILE_PATH"] == str(tmp_path / "var" / "mail")


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, ""), ("", ""), (" /protected-media/ ", "/protected-media/"), ("/a/b_c/", "/a/b_c/")]
)
def test_it_reads_the_x_accel_redirect_prefix_of_photos(monkeypatch, raw, expected):
    if raw is not None:
        monkeypatch.setenv("PHOTO_X_ACCEL_REDIRECT", raw)
    else:
        monkeypatch.delenv("PHOTO_X_ACCEL_REDIRECT", raising=False)
    assert env.env_url_path("PHOTO_X_ACCEL_REDIRECT") == expected


@pytest.mark.parametrize("raw", ["/protected-media", "protected-media/", "/", "/../media/", "/a b/", "http://x/"])
def test_it_refuses_an_x_accel_redirect_prefix_that_is_not_a_path_between_slashes(monkeypatch, raw):
    monkeypatch.setenv("PHOTO_X_ACCEL_REDIRECT", raw)
    with pytest.raises(env.EnvError, match="PHOTO_X_ACCEL_REDIRECT"):
        env.env_url_path("PHOTO_X_ACCEL_REDIRECT")


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("Off", False), ("0", False)])
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env.env_bool("SOME_FLAG", default=not expected) is expected
