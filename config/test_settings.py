"""Settings for the test suite: the production module, with a throwaway key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-not-secret")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# WhiteNoise warns once per app instance when STATIC_ROOT is missing; tests serve through finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# No rate limits in the suite (thousands of requests from one address); tests/test_security.py turns
# them on where it tests them.
REST_FRAMEWORK = REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"anon": "off", "user": "off"}}  # noqa: F405
