"""Settings for the test suite: a fixed ID key, tasks run inline, fast password hashing."""

import tempfile
from pathlib import Path

from firstline.settings import *  # noqa: F403
from firstline.settings import DATABASES

FIRSTLINE_ID_KEY = "Zmlyc3RsaW5lLXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmc="  # base64 of 32 test bytes
FIRSTLINE_ID_KEY_FILE = Path(tempfile.gettempdir()) / "firstline-test-unused.key"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "en"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}
# django-axes stays on, so that throttling is tested with the limits of production. A test's failed
# sign-ins go with its database (rolled back or flushed), so no test inherits another's; tests sign
# in with force_login, which no throttle counts.
AXES_ENABLED = True
