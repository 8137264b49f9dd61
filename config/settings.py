"""Settings for the exercise database.

One module; every difference between machines comes from the environment:

- ``DATABASE_URL``: defaults to a SQLite file in the project (the embedded default);
  ``postgres://user:pass@host:port/name`` selects PostgreSQL through psycopg 3.
- ``DEBUG``: ``1``/``true`` turns debugging on. Off unless set.
- ``SECRET_KEY``: required when ``DEBUG`` is off; a fixed development key is used only while it is on.
- ``ALLOWED_HOSTS``: comma-separated; defaults to loopback names.
- ``CORS_ALLOWED_ORIGINS``: comma-separated origins (``https://app.example.org``) whose pages may read
  the API; none by default; ``*`` for any (never with credentials).
- ``API_CACHE_SECONDS``: how long anonymous API reads may be cached (``max-age``); 60 by default.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_number(name: str, default: float, kind: type = int, minimum: float = 0):
    """A number from the environment; a value that is not one stops the start with a message naming it."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        expected = "a whole number" if kind is int else "a number"
        raise ImproperlyConfigured(f"{name} must be {expected} of at least {minimum}, not {raw!r}.")
    return value


def env_json_object(name: str) -> dict:
    """A JSON object from the environment (empty if unset); anything else stops the start naming it."""
    raw = os.environ.get(name, "").strip()
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f'{name} must be a JSON object ({{"bucket_name": "..."}}), not {raw!r}.')
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "knox",
    "django_filters",
    "simple_history",
    "import_export",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "exercises",
]
if DEBUG:
    # Development only (make run, bench, loadtest set DEBUG=1): the benchmark, the synthetic data
    # generator, the load test and the fixture builders. Production (serve-prod) never has them.
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CORS first: a preflight is answered before anything else looks at it.
    "corsheaders.middleware.CorsMiddleware",
    # ETags, 304s, Cache-Control and gzip of the API's answers (outside session and authentication,
    # whose Vary and user it reads; the one place that compresses, so ETags can name the coding).
    "exercises.api.caching.HTTPCachingMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections: a new connection per request costs more than most of our queries.
        conn_max_age=env_number("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction begins, so a version check and the write after it
    # cannot interleave with another writer's (optimistic locking); readers wait up to 20 s, not fail.
    # Write-ahead logging lets readers go on while one writer commits.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Read replicas (PostgreSQL streaming replicas), comma-separated URLs: reads are spread over them,
# writes go to the primary. Each mirrors "default" in tests.
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{_number}"] = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES[f"replica{_number}"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"] if len(DATABASES) > 1 else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords, language, time ----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files (served by WhiteNoise from STATIC_ROOT after collectstatic) ---------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "build" / "static"
# Data releases (exercises/releases.py): a local folder, RELEASES_ROOT (default build/releases), unless
# RELEASES_STORAGE_BACKEND names another storage (e.g. storages.backends.s3.S3Storage, from
# django-storages, installed separately), with its options as a JSON object in RELEASES_STORAGE_OPTIONS.
RELEASES_STORAGE = {
    "BACKEND": os.environ.get("RELEASES_STORAGE_BACKEND") or "django.core.files.storage.FileSystemStorage",
    "OPTIONS": env_json_object("RELEASES_STORAGE_OPTIONS"),
}
if RELEASES_STORAGE["BACKEND"] == "django.core.files.storage.FileSystemStorage":
    RELEASES_STORAGE["OPTIONS"].setdefault(
        "location", os.environ.get("RELEASES_ROOT") or BASE_DIR / "build" / "releases"
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "releases": RELEASES_STORAGE,
}
#: The licence the data releases are published under (a Data Package licence name, e.g. CC-BY-4.0);
#: none is stated until it is set.
RELEASES_LICENSE = os.environ.get("RELEASES_LICENSE", "")

# --- Security (production: DEBUG off) ----------------------------------------------------------------
# Behind a TLS-terminating load balancer that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = env_number("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Request bodies: the largest JSON or form body accepted (files uploaded to the admin's import are
# not counted here); larger ones get a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_number("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024, minimum=1)

# --- Brute-force protection of logins (django-axes) ---------------------------------------------------
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_number("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_number("AXES_COOLOFF_HOURS", 1.0, float)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "exercises.api.errors.locked_out"  # JSON under /api/ (429), axes' message elsewhere

# --- Fixtures and the register of sources -----------------------------------------------------------
# ``fixtures/`` holds the data; ``seeds/`` holds the register of source documents (itself a fixture).
FIXTURE_DIRS = [BASE_DIR / "fixtures", BASE_DIR / "seeds"]
#: The fixtures `make run` loads, in order: the register of sources first, then what cites it. The
#: suite and the load test load the same; the Makefile spells them out (a test keeps it in step).
SEED_FIXTURES = ["sources", "states", "state_codes", "organisations", "locations", "tsentr-2011"]
# Folders in which the texts of registered sources are looked up (``Source.document`` is a path
# relative to one of them), to verify their hashes and the excerpts cited from them. The texts are
# not part of the project: they stay in the shared folder beside it.
SOURCE_TEXT_ROOTS = [Path(p) for p in env_list("SOURCE_TEXT_ROOTS", str(BASE_DIR.parent / "shared"))]

# --- REST framework ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an anonymous write is answered 401 with a WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "exercises.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "exercises.api.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "exercises.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "exercises.api.formats.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "exercises.api.errors.exception_handler",
    # Honours the q-values of Accept (DRF's own negotiation ignores them).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "exercises.api.negotiation.QualityNegotiation",
    # Per client: anonymous by IP, authenticated by user. "off" disables (load tests behind a gateway
    # that throttles). The counts live in the cache: per process with the default local-memory cache.
    "DEFAULT_THROTTLE_CLASSES": [
        "exercises.api.throttling.AnonThrottle",
        "exercises.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "1200/min"),
        "user": os.environ.get("API_THROTTLE_USER", "6000/min"),
    },
    # The browsable API never renders a dropdown of a whole table.
    "HTML_SELECT_CUTOFF": 50,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# --- Changes since and deletions (exercises/models/removals.py; README) ------------------------------
#: How long the deletions/ feed keeps what left the data; asking for older is a 410 (download a full
#: copy). Older records are deleted by `manage.py purge_deletions` (run it daily).
DELETIONS_RETENTION_DAYS = env_number("DELETIONS_RETENTION_DAYS", 90, minimum=1)

# --- HTTP caching and CORS (exercises/api/caching.py; django-cors-headers) --------------------------
#: max-age of successful anonymous reads (public); reads with credentials are private, no-cache.
API_CACHE_SECONDS = env_number("API_CACHE_SECONDS", 60)
# Browser applications on these origins may read the API (and write with a token in Authorization:
# no cookies cross-origin, so never credentials, and so never credentials with a wildcard).
_cors_origins = env_list("CORS_ALLOWED_ORIGINS")
CORS_ALLOW_ALL_ORIGINS = _cors_origins == ["*"]
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else _cors_origins
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*default_cors_headers, "if-match", "if-none-match")
CORS_EXPOSE_HEADERS = ["ETag", "Link", "Content-Disposition"]

# API tokens (django-rest-knox): only a SHA-512 digest is stored; each token expires after
# API_TOKEN_TTL_HOURS (default 30 days). Clients sign out with auth/logout/; admins revoke in the admin.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_number("API_TOKEN_TTL_HOURS", 720.0, float, minimum=0.01)),
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Exercise database API",
    "DESCRIPTION": "Military exercises, their participants, troop figures, places, scenarios and the sources "
    "behind every figure. Reads are open; writes need a token or a session with model permissions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package: the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "exercises.choices.DatePrecision",
        "LocationKindEnum": "exercises.choices.LocationKind",
        "SourceKindEnum": "exercises.choices.SourceKind",
        "ForceKindEnum": "exercises.choices.ForceKind",
        "OrganisationKindEnum": "exercises.choices.OrganisationKind",
    },
}
