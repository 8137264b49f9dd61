"""Settings for the test suite: the production module, with a throwaway key, a fast hasher and the dev tools."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-not-secret")

from config.settings import *  # noqa: E402,F403

# The suite tests the development tools too, whatever DEBUG says.
if "devtools" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# WhiteNoise warns once per app instance when STATIC_ROOT is missing; tests serve through finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# No rate limits in the suite (thousands of requests from one address); tests/test_security.py turns
# them on where it tests them.
REST_FRAMEWORK = REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"anon": "off", "user": "off"}}  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production, not the in-memory default: concurrent tests need separate connections
    # with real file locks (in-memory shared caches fail at once with "table is locked").
    # One file per test process, so that two runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "build" / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
