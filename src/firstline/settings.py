"""Settings for firstline.

SQLite is the embedded default (zero setup); set DATABASE_URL (postgres://...) for PostgreSQL.
Secrets come from the environment; in development a key file under var/ is made on first use.
"""

import os
from pathlib import Path

import dj_database_url

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("FIRSTLINE_HOME", SRC_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("FIRSTLINE_VAR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("FIRSTLINE_DEBUG", "1") == "1"


def _secret_key() -> str:
    if key := os.environ.get("FIRSTLINE_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret.key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("FIRSTLINE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("FIRSTLINE_CSRF_ORIGINS", "").split(",") if o]

# Key for ID numbers at rest (AES-GCM) and their keyed lookup hash. Base64 of 32 bytes.
FIRSTLINE_ID_KEY = os.environ.get("FIRSTLINE_ID_KEY", "")
FIRSTLINE_ID_KEY_FILE = Path(os.environ.get("FIRSTLINE_ID_KEY_FILE", VAR_DIR / "id.key"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "firstline.common",
    "firstline.areas",
    "firstline.accounts",
    "firstline.notices",
    "firstline.people",
    "firstline.survey",
    "firstline.imports",
    "firstline.registration",
    "firstline.testing",
    "firstline.web",
    "firstline.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "firstline.urls"
WSGI_APPLICATION = "firstline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "firstline.web.context.navigation",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'firstline.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while the import task writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("FIRSTLINE_TEST_SQLITE") or None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# Background work: the database backend by default (nothing else to run); at scale, Redis through
# RQ: FIRSTLINE_TASK_BACKEND=django_tasks_rq.RQBackend and FIRSTLINE_REDIS_URL, with workers run
# by `manage.py rqworker default --job-class django_tasks_rq.Job`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("FIRSTLINE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
FIRSTLINE_REDIS_URL = os.environ.get("FIRSTLINE_REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": FIRSTLINE_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
if "django_tasks_rq" in TASKS["default"]["BACKEND"]:
    INSTALLED_APPS.append("django_rq")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SECURE = os.environ.get("FIRSTLINE_SECURE_COOKIES", "0") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Largest upload accepted in memory before Django spools to disk (a 100,000-row list is ~8 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FIRSTLINE_LOG_LEVEL", "WARNING")},
}
