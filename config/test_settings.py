"""Settings for the test suite: the production module, with a throwaway key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-not-secret")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
