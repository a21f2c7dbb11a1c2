"""Northstar settings, read from the environment.

Everything a deployment changes comes from an environment variable; the defaults are for a
developer's machine (SQLite under var/, mail to the console). DEBUG is off unless set.
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# The test runner needs a key but must not need a production secret.
TESTING = env_bool("NORTHSTAR_TESTING") or "pytest" in sys.modules

# Management commands that serve nothing and sign nothing that outlives them may run without a
# SECRET_KEY (CI's `makemigrations --check`, a build step's `collectstatic`): they get a random
# key that dies with the process. Serving, `check --deploy` and everything else still refuse.
KEYLESS_COMMANDS = frozenset({"makemigrations", "check", "collectstatic", "showmigrations"})


def keyless_command(argv: list[str]) -> bool:
    if len(argv) < 2 or Path(argv[0]).name not in {"manage.py", "django-admin"}:
        return False
    return argv[1] in KEYLESS_COMMANDS and "--deploy" not in argv


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105
    elif keyless_command(sys.argv):
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
# Production: neither a developer's machine nor the test runner. Security defaults follow it.
PRODUCTION = not DEBUG and not TESTING

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "grants",
    "reviews",
    "reporting",
    # The demo and benchmark data (seed_demo, seed_scale): development tools over every app.
    "demo",
    # The home pages summarise every app above, so they come last.
    "home",
]

MIDDLEWARE = [
    # First, so every log line written while a request runs carries its id (config/logging.py).
    "config.middleware.RequestIdMiddleware",
    # /healthz and /readyz for the load balancer, answered before the HTTPS redirect, the
    # ALLOWED_HOSTS check, the session and sign-in (config/health.py says why).
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their long cache; every page gets the CSP and
    # `Cache-Control: no-store` unless its view chose otherwise.
    "config.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session given a second factor?
    "django_otp.middleware.OTPMiddleware",
    # After authentication: audit entries written deep in services find the request's user,
    # address and browser here.
    "accounts.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A signed-in user who owes a second factor (or, when it is required, an enrolment) sees
    # nothing but that page.
    "config.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "accounts.context_processors.session_timeout",
            ],
        },
    },
]

# Persistent connections in production (a connection per worker, reused for DB_CONN_MAX_AGE
# seconds instead of opened per request), checked before reuse so a database restart costs no
# failed request. Behind a transaction-mode pooler (PgBouncer) set DB_CONN_MAX_AGE=0.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'northstar.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails a request (and /readyz) in seconds rather than hanging a
    # worker until gunicorn kills it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    )
    # No JIT compilation: it pays off for queries of many seconds, and here it added 100-150 ms
    # of compiling to the portfolio pages' 100 ms queries (docs/performance.md). DB_JIT=server
    # leaves the server's setting (e.g. behind a pooler that refuses the "options" parameter;
    # then ALTER DATABASE ... SET jit = off).
    if os.environ.get("DB_JIT", "off") == "off":
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Take the write lock at BEGIN so concurrent writers queue instead of failing, and keep
    # the test database in a file so threads in tests share it like real processes would.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # One file per test process, so parallel runs never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked. (The
    # standalone backend only counts; ModelBackend below still signs in and answers has_perm.)
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Refuses a correct local password of someone whose domain must use the university's
    # sign-in (SSO_REQUIRED_DOMAINS); answers nothing otherwise.
    "accounts.sso.backends.SingleSignOnPolicyBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# The program's time zone: deadlines are shown and enforced in it.
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploads are never served from MEDIA_URL: a permission-checking view hands each one out.
MEDIA_URL = "/media-not-served/"


def s3_storage_options(environ) -> dict:
    """django-storages' S3Storage options from ``environ``: a private bucket, signed URLs that
    expire after AWS_QUERYSTRING_EXPIRE seconds, no overwriting, no public ACL."""
    if not environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    options = {
        "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
        "location": environ.get("AWS_LOCATION", ""),
        "querystring_auth": True,
        "querystring_expire": int(environ.get("AWS_QUERYSTRING_EXPIRE", "60")),
        "default_acl": None,  # the bucket's own policy: private
        "file_overwrite": False,
        "custom_domain": None,  # a custom domain would hand out unsigned URLs
        "signature_version": environ.get("AWS_S3_SIGNATURE_VERSION", "s3v4"),
    }
    # Unset ones fall back to boto3's own chain (for example an instance role's credentials).
    for name, option in [
        ("AWS_S3_ENDPOINT_URL", "endpoint_url"),
        ("AWS_S3_REGION_NAME", "region_name"),
        ("AWS_S3_ADDRESSING_STYLE", "addressing_style"),
        ("AWS_ACCESS_KEY_ID", "access_key"),
        ("AWS_SECRET_ACCESS_KEY", "secret_key"),
    ]:
        if environ.get(name):
            options[option] = environ[name]
    return options


# Uploads go through Django's storage API: the local disk (MEDIA_ROOT) by default, which suits
# one server (or a shared volume); STORAGE_BACKEND=s3 puts them on an S3-compatible object store
# so any number of stateless web servers share them. The bucket stays private: downloads are
# answered, after the permission check, with a redirect to a signed URL that expires after
# AWS_QUERYSTRING_EXPIRE seconds (config/uploads.py).
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local").strip().lower()
if STORAGE_BACKEND == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_storage_options(os.environ),
    }
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3, not {STORAGE_BACKEND!r}.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the app and project static folders without collectstatic in development.
WHITENOISE_USE_FINDERS = DEBUG or TESTING

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Northstar <northstar@localhost>")
# Absolute links in e-mails (endorsement requests, receipts).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True  # expiry counts from the last request (inactivity)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS only in production: redirect plain HTTP, and tell browsers (HSTS) for a year. Behind a
# TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER to the header it sets (for example
# X-Forwarded-Proto) — only if the proxy always sets or strips it.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600) if PRODUCTION else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _proxy_header = os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (
        _proxy_header if _proxy_header.startswith("HTTP_") else f"HTTP_{_proxy_header}",
        "https",
    )

# Northstar's own knobs.
NORTHSTAR_PROGRAM_NAME = os.environ.get("NORTHSTAR_PROGRAM_NAME", "Center of Excellence")
NORTHSTAR_MAX_UPLOAD_BYTES = int(
    os.environ.get("NORTHSTAR_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))
)
# The audit trail: also write each entry as one JSON line on the "northstar.audit" logger (so
# the log shipper can take it off the machine); and how many reverse proxies in front of the app
# append to X-Forwarded-For (0: ignore the header, use REMOTE_ADDR; it is trivially forged).
NORTHSTAR_AUDIT_TO_LOG = env_bool("AUDIT_TO_LOG")
NORTHSTAR_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# ``make bench`` only: mount the framework-floor view at /_bench/floor/ (config/floor.py).
NORTHSTAR_BENCH_FLOOR = env_bool("NORTHSTAR_BENCH_FLOOR")
# Request bodies may carry one upload plus form fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is refused for AXES_COOLOFF_MINUTES (web sign-in, admin and the API
# token endpoint alike). Per pair, so a stranger cannot lock a colleague out from elsewhere.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout; attempts during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# The same client address as the audit trail (REMOTE_ADDR, or X-Forwarded-For as written by
# the TRUSTED_PROXY_COUNT proxies in front of us).
AXES_CLIENT_IP_CALLABLE = "accounts.audit.client_ip"
# Successful sign-ins are in the audit trail already.
AXES_DISABLE_ACCESS_LOG = True
# No "AXES: BEGIN" banner on every command; lockouts are still logged as warnings.
AXES_VERBOSE = False

# Two-factor sign-in (django-otp): TOTP apps plus single-use backup codes. Administrators and
# chairs may enrol; with NORTHSTAR_REQUIRE_2FA_FOR_STAFF on they must. API tokens are the
# machine path and are not asked for a code.
NORTHSTAR_REQUIRE_2FA_FOR_STAFF = env_bool("NORTHSTAR_REQUIRE_2FA_FOR_STAFF")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Northstar")

# API tokens follow the account: one per account, expiring API_TOKEN_LIFETIME_HOURS after it
# was issued (30 days by default; asking for a token then gives a new one), and revoked by a
# password change, deactivation, or the owner (DELETE /api/v1/me/token/, the profile page).
NORTHSTAR_API_TOKEN_LIFETIME = timedelta(
    hours=int(os.environ.get("API_TOKEN_LIFETIME_HOURS") or str(30 * 24))
)
if NORTHSTAR_API_TOKEN_LIFETIME <= timedelta(0):
    raise ImproperlyConfigured("API_TOKEN_LIFETIME_HOURS must be a positive number of hours.")

REST_FRAMEWORK = {
    # Token first, so an unauthenticated request is told 401 with a WWW-Authenticate header.
    # DRF's token, refused once it has expired (accounts/api/authentication.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Per client address as the audit trail reads it (X-Forwarded-For only as far as our
    # TRUSTED_PROXY_COUNT proxies wrote it), not DRF's, which a rotating header escapes. The
    # token endpoint's "token" scope uses the same (accounts/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.api.throttling.ClientAnonRateThrottle",
        "accounts.api.throttling.ClientUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
        "token": os.environ.get("API_THROTTLE_TOKEN", "10/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Northstar API",
    "DESCRIPTION": "Funding calls, proposals, review and reporting, under the same rules as the "
    "web pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc assets come from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status` (a `kind`, a `role`); name each enum after its choices, so
    # the schema has no ambiguous names and `check --deploy` (which builds it) stays clean.
    "ENUM_NAME_OVERRIDES": {
        "CallStatusEnum": "grants.choices.CallStatus",
        "ProposalStatusEnum": "grants.choices.ProposalStatus",
        "EndorsementStatusEnum": "grants.choices.EndorsementStatus",
        "AwardStatusEnum": "grants.choices.AwardStatus",
        "PresentationKindEnum": "reporting.choices.PresentationKind",
        "FundingStatusEnum": "reporting.choices.FundingStatus",
        "YesNoUnknownEnum": "reporting.choices.YesNoUnknown",
        "TeamRoleEnum": "grants.choices.TeamRole",
        "AttachmentKindEnum": "grants.choices.AttachmentKind",
        "AssignmentRoleEnum": "reviews.choices.AssignmentRole",
        "ReviewStatusEnum": "reviews.choices.ReviewStatus",
        "CriterionKindEnum": "reviews.choices.CriterionKind",
        "ReviewPhaseEnum": "reviews.choices.ReviewPhase",
        "SupportKindEnum": "reporting.choices.SupportKind",
        "TrainingStatusValueEnum": "reporting.choices.TrainingStatusValue",
        "EnrollmentKindEnum": "reporting.choices.EnrollmentKind",
        "LetterStatusEnum": "grants.choices.LetterStatus",
        "LetterDecisionEnum": "grants.choices.LetterDecision",
        "LetterScoreEnum": "reviews.choices.LetterScore",
        # Named for what they were called before letters brought a second "outcome" and a
        # second field of conflict reasons.
        "OutcomeEnum": "grants.choices.DecisionOutcome",
        "ReasonEnum": "reviews.choices.ConflictReason",
    },
}

# LOG_FORMAT=json: one JSON object per line (timestamp, level, logger, message, request_id,
# exception) for a log shipper; otherwise the plain message. Either way every record written
# during a request knows its request id (config/logging.py); gunicorn.conf.py follows suit.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # weasyprint logs a line per rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes: a line per failed sign-in at INFO; failures and lockouts are WARNINGs.
        "axes": {"level": "WARNING"},
        # Audit lines (when AUDIT_TO_LOG is on) pass whatever LOG_LEVEL says.
        "northstar.audit": {"level": "INFO"},
    },
}

# ---- Hostile input (issue #7) ----------------------------------------------------------------
# Uploads are stored (in memory when small, in a temporary file when large) only up to
# NORTHSTAR_MAX_UPLOAD_BYTES; past it the bytes are discarded and the form says the file is too
# large (config/uploads.py), so a 1 GB request never fills memory or disk.
FILE_UPLOAD_HANDLERS = [
    "config.uploads.LimitedMemoryFileUploadHandler",
    "config.uploads.LimitedTemporaryFileUploadHandler",
]

# ---- Background tasks (issue #9): Celery with a Redis broker ---------------------------------
# E-mail, progress-report reminders and large exports run as tasks (config/celery.py). With no
# CELERY_BROKER_URL they run eagerly, inside the process that queues them (development, the
# test suite, a one-server trial), so nothing else needs to run; with one, `celery -A config
# worker` processes run them and /readyz checks the broker.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
# An eager task's exception reaches its caller, as the synchronous code's did.
CELERY_TASK_EAGER_PROPAGATES = True
# Nothing waits on a task's return value: an export's state is its ExportJob row, a mail's is
# the mail. A result backend is only for operators' tools (flower, `celery result`).
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "").strip() or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Acknowledged when finished, not when received: a worker that dies mid-task (a deploy, the
# OOM killer) leaves the task to another. Tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
# One task at a time per worker process: a long export must not hold queued mail hostage.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "northstar")
# A task is told to stop (SoftTimeLimitExceeded, so an export can record why) after the soft
# limit, and its process is killed a minute later.
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "600"))
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis re-delivers an unacknowledged task after this many seconds; it must outlast the
    # longest task, or a slow export would be started twice.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 600,
    # A broker that does not answer fails the enqueue in seconds (mail then goes out from the
    # web process, an export job is marked failed) instead of hanging the request.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Task logs go through LOGGING above (JSON lines with LOG_FORMAT=json), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False

# ---- University sign-in (issue #20): OpenID Connect and SAML 2.0 -----------------------------
# Off unless configured: with neither list set, sign-in is local accounts only, as before.
# Each list is JSON, inline or "@/path/to/file.json"; docs/deployment.md lists every key.


def env_json_list(name: str) -> list:
    import json

    raw = os.environ.get(name, "").strip()
    if raw.startswith("@"):
        raw = Path(raw[1:]).read_text(encoding="utf-8")
    value = json.loads(raw) if raw else []
    if not isinstance(value, list):
        raise ImproperlyConfigured(f"{name} must be a JSON list of providers.")
    return value


NORTHSTAR_OIDC_PROVIDERS = env_json_list("NORTHSTAR_OIDC_PROVIDERS")
NORTHSTAR_SAML_IDPS = env_json_list("NORTHSTAR_SAML_IDPS")
# The SAML service provider: its entity id (default SITE_URL/accounts/sso/saml/metadata/) and
# the key pair it signs requests with and decrypts assertions with (PEM files).
NORTHSTAR_SAML_SP_ENTITY_ID = os.environ.get("NORTHSTAR_SAML_SP_ENTITY_ID", "")
NORTHSTAR_SAML_SP_KEY_FILE = os.environ.get("NORTHSTAR_SAML_SP_KEY_FILE", "")
NORTHSTAR_SAML_SP_CERT_FILE = os.environ.get("NORTHSTAR_SAML_SP_CERT_FILE", "")
NORTHSTAR_SAML_XMLSEC_BINARY = os.environ.get("NORTHSTAR_SAML_XMLSEC_BINARY", "/usr/bin/xmlsec1")
# Seconds a provider's metadata (SAML metadata, OIDC discovery and keys) is used before it is
# fetched again.
NORTHSTAR_SSO_METADATA_TTL = int(os.environ.get("NORTHSTAR_SSO_METADATA_TTL", str(24 * 60 * 60)))
# E-mail domains whose people must use the university's sign-in: their local passwords are
# refused everywhere (web, admin, API token).
NORTHSTAR_SSO_REQUIRED_DOMAINS = [d.lower().lstrip("@") for d in env_list("SSO_REQUIRED_DOMAINS")]
