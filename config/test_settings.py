"""Settings for the test suite: the real settings, read from the same environment, with a few
speed-ups that change no behaviour a user sees."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from config.settings import *  # noqa: E402, F403
from config.settings import CACHES, STORAGES  # noqa: E402

# Each test process keeps its cache entries under a prefix of its own, named by its pytest-xdist worker (gw0,
# gw1...) and its process id: on a Redis shared by the workers, or by two runs, no test ever counts another's
# throttled requests. conftest.py's clear_cache removes this prefix's entries before every test.
TEST_CACHE_PREFIX = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": TEST_CACHE_PREFIX}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="civic-test-media-")
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Threads of the live server and of in-process Celery workers open connections of their own;
# closing them at the end of each request or task lets the test databases be dropped cleanly.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# The read replica is a second connection to the test database (Django's test mirror), whatever
# DATABASE_REPLICA_URL says. Reads go through it only in the tests that switch REPLICA_DATABASE on
# (reports/tests/test_replica_reads.py), which commit their rows: a second connection cannot see the
# rows of the transaction every other test runs in.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
REPLICA_DATABASE = None
# The test client and the live server for the browser tests speak plain HTTP on loopback: no redirect to
# HTTPS and cookies that travel without TLS. The production values are checked by
# core/tests/test_security.py, which runs `check --deploy` on config.settings.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
