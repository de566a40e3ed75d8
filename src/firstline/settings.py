"""Settings for firstline.

SQLite is the embedded default (zero setup); set DATABASE_URL (postgres://...) for PostgreSQL.
Secrets come from the environment; in development a key file under var/ is made on first use.
"""

import os
from datetime import timedelta
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
    "axes",
    "csp",
    # Only for its templates and static files: the API docs page is served from here, not a CDN.
    "ninja",
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
    "firstline.followups",
    "firstline.testing",
    "firstline.supplies",
    "firstline.distribution",
    "firstline.parcels",
    "firstline.errands",
    "firstline.web",
    "firstline.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "firstline.web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "firstline.web.errors.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the answer of the login view and turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
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
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60)
}
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
# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
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

# The client's address: X-Forwarded-For is believed only as far as these proxies wrote it
# (firstline.common.client). Comma-separated IPs or CIDRs; empty trusts no header.
FIRSTLINE_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("FIRSTLINE_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# Sign-in throttling (django-axes, ADR 0007). Failures count per account and per client address,
# each against its own limit (accounts.throttle.LoginAttempts): a sampling point's desks share one
# address, so the address may fail more often than one account before it is locked.
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("FIRSTLINE_LOGIN_ACCOUNT_LIMIT", "10"))
FIRSTLINE_LOGIN_CLIENT_LIMIT = int(os.environ.get("FIRSTLINE_LOGIN_CLIENT_LIMIT", "50"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("FIRSTLINE_LOGIN_LOCK_MINUTES", "15")))
AXES_HANDLER = "firstline.accounts.throttle.LoginAttempts"
AXES_USERNAME_CALLABLE = "firstline.accounts.throttle.signin_username"
AXES_CLIENT_IP_CALLABLE = "firstline.common.client.client_address"
AXES_LOCKOUT_CALLABLE = "firstline.web.views.signin.locked_out"
# A success from a shared address must not wipe the address's count (a guesser would sign in to
# an account of their own to start again); an attempt while locked does not prolong the lock.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful sign-ins are not kept by axes (the project keeps no log of them without a reader).
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "next"]
# Wrong API tokens: per client address and per fixed window (accounts.services.api_token_failure_record).
FIRSTLINE_TOKEN_FAILURE_LIMIT = int(os.environ.get("FIRSTLINE_TOKEN_FAILURE_LIMIT", "20"))
FIRSTLINE_TOKEN_FAILURE_WINDOW = timedelta(minutes=10)

# Served over HTTPS: FIRSTLINE_HTTPS=1 turns on the redirect to https, HSTS and Secure cookies. Behind
# a proxy that ends TLS, FIRSTLINE_PROXY_SSL_HEADER names the header it sets to "https" (e.g.
# X-Forwarded-Proto); without it Django would see http and redirect for ever.
FIRSTLINE_HTTPS = os.environ.get("FIRSTLINE_HTTPS", "0") == "1"
if _proxy_ssl_header := os.environ.get("FIRSTLINE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = FIRSTLINE_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("FIRSTLINE_HSTS_SECONDS", "31536000" if FIRSTLINE_HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("FIRSTLINE_HSTS_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = SECURE_HSTS_INCLUDE_SUBDOMAINS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = FIRSTLINE_HTTPS
CSRF_COOKIE_SECURE = FIRSTLINE_HTTPS
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy: scripts and styles only from our own static files (no inline script, no
# style attribute, no eval: htmx is configured for that in base.html); the capture pages' service
# worker and uploads stay on our origin; no framing, no plugins, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}
# The camera is for the desk's scanner; nothing else asks the device for more.
PERMISSIONS_POLICY = {
    "camera": ["self"],
    "clipboard-write": ["self"],
    "fullscreen": ["self"],
    "accelerometer": [],
    "autoplay": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
}

# Largest upload accepted in memory before Django spools to disk (a 100,000-row list is ~8 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_id_numbers": {"()": "firstline.common.redact.RedactIdNumbers"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_id_numbers"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("FIRSTLINE_LOG_LEVEL", "WARNING")},
}
