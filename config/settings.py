"""Settings of the civic-campaign desk, read from the environment.

Defaults run the whole product on one machine with no servers: SQLite in the project
folder and Celery over kombu's file-system transport. Production and CI point
``DATABASE_URL`` at PostgreSQL and ``CELERY_BROKER_URL`` at Redis. See README.md for the
table of variables.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_broker_url,
    env_cache,
    env_database,
    env_email,
    env_int,
    env_limit,
    env_list,
    env_result_backend,
    env_str,
    env_url_path,
)

# The values marked CHANGE in deploy/production.env.example begin with this.
PLACEHOLDER_PREFIX = "CHANGE-ME"

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Environment variable SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
elif SECRET_KEY.startswith(PLACEHOLDER_PREFIX):
    # deploy/production.env.example's value, copied without changing it: anyone can read it in the repository.
    raise ImproperlyConfigured(
        "Environment variable SECRET_KEY is still the placeholder of deploy/production.env.example: "
        "set it to a long random value of your own."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # WhiteNoise serves the static files with DEBUG on too (runserver's own handler would skip the
    # middleware), so that `make run` sends them compressed as production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "grids",
    "campaign",
    "inspections",
    "evaluation",
    "citizens",
    "assessment",
    "reports",
    "masterdata",
    "demo",
    "open311",
    "perf",
]

MIDDLEWARE = [
    # First, so that it compresses every response the others make (core.middleware says what and why).
    "core.middleware.CompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Marks a browser that has just written, whose next pages then skip the read replica.
    "core.db_router.RecentWriteMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.frame",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A read replica, optional: the dashboard and the weekly workbook read from it, never a page that follows the
# browser's own write (core/db_router.py); without one, everything is on the default database.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", "")
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
REPLICA_DATABASE = "replica" if "replica" in DATABASES else None
REPLICA_AFTER_WRITE_SECONDS = env_int("DATABASE_REPLICA_AFTER_WRITE_SECONDS", 30, minimum=1)
# The covering indexes' INCLUDE columns (tasks, progress, issues) are for PostgreSQL, which supports them;
# SQLite, the embedded default, builds the same indexes without them, which is all a laptop needs. Its
# warning (models.W040) would otherwise be printed by every migrate and check.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Select boxes written in Python rather than a template per option (core/renderers.py).
FORM_RENDERER = "core.renderers.FormRenderer"

AUTH_USER_MODEL = "accounts.User"
# The change history is a record, not an undo button: reverting an issue or a task to an earlier version
# would move its workflow around the services.
SIMPLE_HISTORY_REVERT_DISABLED = True
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
# A session ends when the browser closes, and at the latest SESSION_COOKIE_AGE after sign-in (a working day).
# Not saved on every request: that would cost a database write per page.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_SAVE_EVERY_REQUEST = False

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from one address,
# that pair is locked out for AXES_COOLOFF_HOURS. Unlock early with `manage.py axes_reset_username NAME`.
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(hours=env_int("AXES_COOLOFF_HOURS", 1, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:

    def _client_address(request):
        """The client as the one proxy in front saw it: the last X-Forwarded-For entry, which it appended."""
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        return forwarded or request.META.get("REMOTE_ADDR")

    AXES_CLIENT_IP_CALLABLE = _client_address

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
MASTERDATA_MAX_UPLOAD_BYTES = env_int("MASTERDATA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)
PHOTO_MAX_COUNT = 6
# A photo chosen for a form that is not saved yet is kept this long for its uploader (core.pending_photos).
PENDING_PHOTO_MAX_AGE = timedelta(hours=env_int("PENDING_PHOTO_MAX_AGE_HOURS", 24, minimum=1))
# Photos are sent only by views that check who may see them. Behind nginx, set this to the prefix of an
# `internal` location aliasing MEDIA_ROOT: the view then answers with X-Accel-Redirect and nginx sends the file.
PHOTO_X_ACCEL_REDIRECT = env_url_path("PHOTO_X_ACCEL_REDIRECT")

globals().update(env_email("EMAIL_URL", "console://", BASE_DIR))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "创城督办平台 <noreply@localhost>"

# Celery. Without a Redis URL the broker is a folder on disk, so that a fresh machine needs no server.
CELERY_BROKER_URL = env_broker_url("CELERY_BROKER_URL", "filesystem://localhost//")
CELERY_RESULT_BACKEND = env_result_backend("CELERY_RESULT_BACKEND", f"file://{VAR_DIR / 'celery' / 'results'}")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task whose worker dies is delivered again this long after it was taken: longer than the longest task
    # (the workbook) and the longest retry countdown. Workers look for such tasks every tenth of it, at most
    # every 100 s (kombu's default), so that a short timeout (a fault drill) is honoured too.
    _visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60, minimum=1)
    _restore_every = max(1, min(100, _visibility_timeout // 10))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility_timeout,
        "unacked_restore_interval": min(10, _restore_every),
        "unacked_restore_throttle": max(1, _restore_every // 10),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 7 * 24 * 60 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A reminder e-mail or robot post neither sent nor tried for this long is queued again (its message was lost
# while the broker was down); beat looks every third of it. Keep it above the longest retry wait (10 min).
REMINDER_REDELIVER_AFTER_SECONDS = env_int("REMINDER_REDELIVER_AFTER_SECONDS", 15 * 60, minimum=1)
# Beat's whole schedule, in one place. Run exactly one beat process per installation.
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "campaign.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "send-reminders-catch-up": {
        # The same daily run, should the 08:30 one not have reached a worker; nothing once the day's has run.
        "task": "campaign.tasks.send_reminders",
        "schedule": crontab(hour="9-17", minute="*/15"),
    },
    "requeue-reminder-deliveries": {
        "task": "campaign.tasks.requeue_reminder_deliveries",
        "schedule": timedelta(seconds=max(1, REMINDER_REDELIVER_AFTER_SECONDS // 3)),
    },
    "build-weekly-report": {
        "task": "reports.tasks.build_weekly_report",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
    "purge-pending-photos": {
        # Photos chosen for forms that were never saved, once PENDING_PHOTO_MAX_AGE has passed.
        "task": "core.tasks.purge_pending_photos",
        "schedule": crontab(minute=17),
    },
    "invite-citizen-followups": {
        # Reporters whose cases closed get one text message asking for the 回访 (citizens.services).
        "task": "citizens.tasks.invite_followups",
        "schedule": crontab(minute="*/10", hour="8-20"),
    },
    "heartbeat": {
        # Records that the scheduler and a worker are alive; shown by /health/.
        "task": "core.tasks.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
}

# Citizens' reports (随手拍, README "Citizens' channel"). The captcha's bypass is for local browser drills only.
CITIZEN_CAPTCHA_BYPASS = env_bool("CITIZEN_CAPTCHA_BYPASS", default=False)
if CITIZEN_CAPTCHA_BYPASS and not DEBUG:
    raise ImproperlyConfigured("CITIZEN_CAPTCHA_BYPASS lets anyone past the public report page's captcha: DEBUG only.")
CITIZEN_SMS_BACKEND = env_str("CITIZEN_SMS_BACKEND") or "citizens.sms.ConsoleBackend"
CITIZEN_REPORTS_PER_PHONE_PER_DAY = env_int("CITIZEN_REPORTS_PER_PHONE_PER_DAY", 10, minimum=1)
CITIZEN_REPORTS_PER_DEVICE_PER_DAY = env_int("CITIZEN_REPORTS_PER_DEVICE_PER_DAY", 10, minimum=1)
# Lenient: a carrier's NAT puts a whole neighbourhood behind one address.
CITIZEN_REPORTS_PER_ADDRESS_PER_HOUR = env_int("CITIZEN_REPORTS_PER_ADDRESS_PER_HOUR", 300, minimum=1)
CITIZEN_CODES_PER_PHONE_PER_HOUR = env_int("CITIZEN_CODES_PER_PHONE_PER_HOUR", 5, minimum=1)
# Photos kept for report forms that came back with an error (core.pending_photos): three forms' worth per
# device an hour, and ten per address; beyond them the photos are not kept and are chosen again.
CITIZEN_KEPT_PHOTOS_PER_DEVICE_PER_HOUR = env_int("CITIZEN_KEPT_PHOTOS_PER_DEVICE_PER_HOUR", 18, minimum=0)
CITIZEN_KEPT_PHOTOS_PER_ADDRESS_PER_HOUR = env_int("CITIZEN_KEPT_PHOTOS_PER_ADDRESS_PER_HOUR", 60, minimum=0)
CITIZEN_PUBLIC_CACHE_SECONDS = env_int("CITIZEN_PUBLIC_CACHE_SECONDS", 300, minimum=0)
# Where the public reaches the site, for the links in text messages (e.g. https://cc.liaocheng.gov.cn).
CITIZEN_PUBLIC_URL = (env_str("CITIZEN_PUBLIC_URL") or "").rstrip("/")

# "Due soon" everywhere (the task filter, the due badges, the reminders): at most this many working
# days left on China's official calendar, the due day itself included.
DUE_SOON_WORKING_DAYS = env_int("DUE_SOON_WORKING_DAYS", 3, minimum=0)
# The reminder ladder's escalations: how long a clock has been red, in working time (a limit such as 3d,
# 4h or 24nh; see core.working_time.Limit) before the department head, then the grid or campaign leader, hear.
REMINDER_ESCALATE_HEAD_AFTER = env_limit("REMINDER_ESCALATE_HEAD_AFTER", "3d")
REMINDER_ESCALATE_LEADER_AFTER = env_limit("REMINDER_ESCALATE_LEADER_AFTER", "7d")
# A clock's light turns yellow once this share of its time limit is used (green before, red once overdue).
CLOCK_YELLOW_PERCENT = env_int("CLOCK_YELLOW_PERCENT", 80, minimum=1)
# Up to this many running clocks are recomputed at once when office hours or the calendar change (in the
# admin's request); more are left to a worker.
CLOCK_RECOMPUTE_INLINE = env_int("CLOCK_RECOMPUTE_INLINE", 500, minimum=0)
# How far an extension (延期) may reach beyond the current deadline, in multiples of the checklist
# item's time limit (working days); beyond it only with a note a leader confirms explicitly.
EXTENSION_LIMIT_TIME_LIMITS = env_int("EXTENSION_LIMIT_TIME_LIMITS", 2, minimum=1)
# Mock evaluation (模拟测评): a sheet observed, or a photo of it taken, farther than this from its point is
# flagged; answers observed in a round's window are taken this many days after it ends; a phone's clock may be
# this many minutes off (a photo's time of capture, the time of observation); a department may appeal a failure
# within this many working days of the round's close.
EVALUATION_MAX_DISTANCE_M = env_int("EVALUATION_MAX_DISTANCE_M", 300, minimum=1)
EVALUATION_LATE_DAYS = env_int("EVALUATION_LATE_DAYS", 3, minimum=0)
EVALUATION_CLOCK_GRACE_MINUTES = env_int("EVALUATION_CLOCK_GRACE_MINUTES", 10, minimum=0)
EVALUATION_APPEAL_WORKING_DAYS = env_int("EVALUATION_APPEAL_WORKING_DAYS", 5, minimum=1)
# Optional map tiles for the dashboard (closed networks usually have none): e.g. http://tiles.local/{z}/{x}/{y}.png
DASHBOARD_TILE_URL = env_str("DASHBOARD_TILE_URL") or ""

# One cache for every process (gunicorn workers, machines), so that the API throttle counts an account's
# requests once for the whole installation. The database by default; production gives it a Redis of its own.
CACHES = {
    "default": env_cache(
        "CACHE_URL",
        "db://",
        apart_from={"CELERY_BROKER_URL": CELERY_BROKER_URL, "CELERY_RESULT_BACKEND": CELERY_RESULT_BACKEND},
    )
}

REST_FRAMEWORK = {
    # A token per API client (created and revoked in the admin), then the browser's session with CSRF.
    # The token class comes first so that a request without credentials gets 401 with WWW-Authenticate;
    # it reads the token, its user and the user's roles in one statement (core.authentication).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Filtering, ordering and pagination of the lists are set on core.api.RestrictedReadOnlyViewSet.
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's JSON, written by orjson (core.rows): the lists' rows are encoded in C.
    "DEFAULT_RENDERER_CLASSES": ["core.rows.OrjsonRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Counted in the shared cache (CACHES above), per window and a lease at a time (core.throttling).
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.AccountRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env_str("API_THROTTLE_RATE") or "10000/hour"},
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.ApiAutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Civic campaign desk API",
    "DESCRIPTION": (
        "Read the campaign's departments, grids, places, pledges, targets, tasks, progress, checklist, "
        "inspections and issues; log progress, file issues and move them through their rectification.\n\n"
        "**Authentication**: `Authorization: Token <key>` (a token per API client, issued and revoked in "
        "the admin), or the browser's session with its CSRF token. Anonymous requests get 401.\n\n"
        '**Errors** always look like `{"status": 400, "code": "invalid", "message": "...", '
        '"errors": {"field": ["..."]}}`; `message` follows `Accept-Language` (zh-hans, en).\n\n'
        "**Incremental sync**: list `/tasks/` or `/issues/` with `updated_since=<ISO 8601>` and "
        "`ordering=updated`, then follow `next` until it is null (cursor pagination, `page_size` up to 200)."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"forbidden_without_traceback": {"()": "core.log_filters.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Every record reaches the root's console once: Django's own console handler (with DEBUG on) would
        # print each request warning a second time.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # A 403 is one line, without the traceback of PermissionDenied.
        "django.request": {"filters": ["forbidden_without_traceback"]},
    },
}

# Transport and browser hardening; see README "Deploying". The defaults are the safe ones when DEBUG is off.
# Leave a proxy in front to set X-Forwarded-Proto.
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off when the proxy in front already redirects plain HTTP to HTTPS itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = env_bool("SECURE_CONTENT_TYPE_NOSNIFF", default=True)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles only from our own files, no inline scripts
# (data for the scripts travels in json_script blocks, which are not executed), no framing.
_tile_origin = ""
if DASHBOARD_TILE_URL:
    _tile_parts = urlsplit(DASHBOARD_TILE_URL.replace("{s}", "a"))
    _tile_origin = f"{_tile_parts.scheme}://{_tile_parts.netloc}" if _tile_parts.netloc else ""
    if "{s}" in DASHBOARD_TILE_URL:
        _tile_origin = f"{_tile_parts.scheme}://*.{_tile_parts.netloc.split('.', 1)[-1]}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *([_tile_origin] if _tile_origin else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
    # The API's Swagger and ReDoc pages (drf-spectacular) are built with an inline script and style.
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs/", "/api/v1/redoc/"],
}
