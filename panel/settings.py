"""The panel's one settings module.

Every difference between a laptop and production is an environment variable read here
through django-environ, with a default that needs nothing but Python (SQLite, a filesystem
Celery broker, a file cache). `.env.example` documents each variable.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PANEL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-secret-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Fernet keys, comma-separated; the first encrypts, all decrypt (so keys can be rotated).
# Without one, a key is derived from SECRET_KEY so a fresh checkout works.
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "panel",
    "provider",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "panel.middleware.RefuseNulBytes",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

AUTH_USER_MODEL = "panel.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ROOT_URLCONF = "panel.urls"
WSGI_APPLICATION = "panel.wsgi.application"

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
                "django.template.context_processors.csp",
                "panel.branding.context",
                "panel.storefront.context.header",
            ],
            "libraries": {"shop": "panel.storefront.tags"},
        },
    },
]

# --- Database ---------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "panel.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside the writer; IMMEDIATE makes writers queue on the lock
    # (for up to `timeout` seconds) instead of failing mid-transaction with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------
# Locks and rate limits live in the cache; in production it must be shared (Redis).
# The default is a file cache in var/, shared by every process of one machine (web
# processes, workers): rate limits and cached pages never live in one process's memory.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

# --- Auth, i18n, static -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins allowed per client address and per account (e-mail) before sign-in is
# refused for the rest of the window; e-mails (sign-up, verification, password reset)
# one address may have sent. Counted in the cache.
LOGIN_FAILED_LIMIT_ADDRESS = env.str("LOGIN_FAILED_LIMIT_ADDRESS", default="30/15m")
LOGIN_FAILED_LIMIT_ACCOUNT = env.str("LOGIN_FAILED_LIMIT_ACCOUNT", default="10/15m")
ACCOUNT_EMAIL_LIMIT = env.str("ACCOUNT_EMAIL_LIMIT", default="10/h")
# Seconds an e-mail verification link stays valid.
EMAIL_VERIFY_MAX_AGE = env.int("EMAIL_VERIFY_MAX_AGE", default=3 * 24 * 3600)
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

MAILERS = {
    "default": {
        "BACKEND": env.str("EMAIL_BACKEND",
                           default="django.core.mail.backends.console.EmailBackend"),
        "OPTIONS": {},
    },
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="panel@localhost")
STAFF_ALERT_EMAILS = env.list("STAFF_ALERT_EMAILS", default=[])

# --- Security ---------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "broker"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# acks_late is opted into per task, only where running a task twice is harmless.
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than any countdown or ETA the panel uses, or Redis redelivers a waiting task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
            "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
            "processed_folder": str(CELERY_BROKER_DIR / "processed"),
            "control_folder": str(CELERY_BROKER_DIR / "control"),
            "store_processed": False,
        }
    )
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

CATALOG_SYNC_INTERVAL = env.int("CATALOG_SYNC_INTERVAL", default=3600)
BALANCE_CHECK_INTERVAL = env.int("BALANCE_CHECK_INTERVAL", default=600)
CELERY_BEAT_SCHEDULE = {
    "sync-catalog": {
        "task": "provider.tasks.sync_all_catalogs",
        "schedule": timedelta(seconds=CATALOG_SYNC_INTERVAL),
    },
    "forward-waiting-orders": {
        "task": "orders.tasks.forward_waiting_orders",
        "schedule": timedelta(seconds=env.int("FORWARD_SWEEP_INTERVAL", default=30)),
    },
    "poll-orders": {
        "task": "orders.tasks.poll_orders",
        "schedule": timedelta(seconds=env.int("ORDER_POLL_INTERVAL", default=10)),
    },
    "poll-sms-numbers": {
        "task": "orders.tasks.poll_sms_numbers",
        "schedule": timedelta(seconds=env.int("SMS_POLL_INTERVAL", default=5)),
    },
    "check-provider-balances": {
        "task": "provider.tasks.check_provider_balances",
        "schedule": timedelta(seconds=BALANCE_CHECK_INTERVAL),
    },
}

# --- Panel ------------------------------------------------------------------------------
PROVIDER_DEFAULT_TIMEOUT = env.float("PROVIDER_DEFAULT_TIMEOUT", default=20.0)
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="600/m")
# Customers' API: failed key checks allowed per client address before it is refused (429).
API_FAILED_KEY_LIMIT = env.str("API_FAILED_KEY_LIMIT", default="20/m")
# Seconds the ready `services` list may be served before a request rebuilds it (a sync or a
# price change rebuilds it at once; this bounds what a per-process cache can miss).
API_SERVICES_MAX_AGE = env.int("API_SERVICES_MAX_AGE", default=300)
# Reverse proxies in front of the panel that append to X-Forwarded-For (0: none, the
# client is REMOTE_ADDR). Only then is the header trusted, from the right.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The currency of every price, balance and charge the panel shows its customers.
PANEL_CURRENCY = env.str("PANEL_CURRENCY", default="USD")
# Seconds a process may serve its cached copy of the shop's branding (a save clears the
# shared cache at once; this bounds what a per-process cache can miss).
BRANDING_CACHE_SECONDS = env.int("BRANDING_CACHE_SECONDS", default=300)
# An order still `sending` after this many seconds lost its worker: it goes to review.
ORDER_SEND_TIMEOUT = env.int("ORDER_SEND_TIMEOUT", default=300)
# Seconds before an order held for provider funds is offered to the upstream again.
PROVIDER_FUNDS_RETRY = env.int("PROVIDER_FUNDS_RETRY", default=600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
