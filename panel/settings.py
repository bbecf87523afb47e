"""The panel's one settings module.

Every difference between a laptop and production is an environment variable read here
through django-environ, with a default that needs nothing but Python (SQLite, a filesystem
Celery broker, a file cache). `.env.example` documents each variable.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PANEL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Development's key, public in this file: with it `make run` needs no configuration and
# keeps its sessions across restarts. With DEBUG off it is refused.
DEV_SECRET_KEY = "dev-insecure-secret-key-change-me-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set (or is the public development key) and DEBUG is off: set "
            "SECRET_KEY to a long random string (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or DEBUG=True for development.")
    SECRET_KEY = DEV_SECRET_KEY
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Fernet keys, comma-separated; the first encrypts, all decrypt (so keys can be rotated).
# Without one, a key is derived from SECRET_KEY so a fresh checkout works; with DEBUG off the
# panel then says so at start (panel/apps.py) and `check --deploy` warns (panel/checks.py).
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
    "payments",
    "support",
    "affiliates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware (after sessions, before common), but /api/v2 stays English.
    "panel.locale_middleware.PanelLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "panel.middleware.RefuseNulBytes",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "panel.language.RememberLanguage",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "panel.storefront.referral_visits.ReferralVisits",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "panel.branding.context",
                "panel.storefront.context.header",
            ],
            "libraries": {"shop": "panel.storefront.tags", "staff": "panel.staff.tags"},
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
# Connections are kept between requests (each thread its own): opening one costs more than
# a whole API call's queries (about 0.7 ms for SQLite, with its PRAGMAs).
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
# The language comes from the `django_language` cookie (the header's switcher, Django's
# set_language view), else the browser's Accept-Language; no URL prefixes. See docs/i18n.md.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Numbers in Arabic pages read as Gulf shops write them (Latin digits, "." and ","):
# panel/formats/ar/formats.py, docs/i18n-python.md.
FORMAT_MODULE_PATH = ["panel.formats"]
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

# --- E-mail -----------------------------------------------------------------------------
# EMAIL_URL in django-environ's form: smtp://user:pass@host:25 (plain), smtp+tls:// (STARTTLS,
# port 587 by default), smtp+ssl:// (TLS from the start, 465), consolemail:// (print them).
# Characters special in URLs (@ : / in a password) are %-encoded.


def mailer_from_url(url: str, timeout: int) -> dict[str, object]:
    """A MAILERS entry for an EMAIL_URL."""
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    if backend == "django.core.mail.backends.filebased.EmailBackend":
        return {"BACKEND": backend, "OPTIONS": {"file_path": "/" + config["EMAIL_FILE_PATH"]}}
    if backend != "django.core.mail.backends.smtp.EmailBackend":
        return {"BACKEND": backend, "OPTIONS": {}}
    if not config["EMAIL_HOST"]:
        raise ImproperlyConfigured(f"EMAIL_URL names no host: {url.split('@')[-1]!r}")
    return {"BACKEND": backend, "OPTIONS": {
        "host": config["EMAIL_HOST"], "port": config["EMAIL_PORT"] or None,
        "username": config["EMAIL_HOST_USER"] or "",
        "password": config["EMAIL_HOST_PASSWORD"] or "",
        "use_tls": bool(config.get("EMAIL_USE_TLS")), "use_ssl": bool(config.get("EMAIL_USE_SSL")),
        "timeout": timeout}}


# Seconds an SMTP connection may take per step (env EMAIL_TIMEOUT; not a setting of that name,
# which Django 6.1 refuses beside MAILERS). Workers send mail: this never holds a request.
MAILERS = {"default": mailer_from_url(env.str("EMAIL_URL", default="consolemail://"),
                                      env.int("EMAIL_TIMEOUT", default=30))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="panel@localhost")
# The shop's address for links in customers' e-mails (notices are sent by workers, with no
# request to take it from). Empty: the first of ALLOWED_HOSTS, over HTTPS when HTTPS_ONLY.
SHOP_URL = env.str("SHOP_URL", default="")
STAFF_ALERT_EMAILS = env.list("STAFF_ALERT_EMAILS", default=[])
# A chat tool's incoming webhook (Slack, Mattermost, Discord...) that takes a JSON POST
# {"text": ...}; each incident is posted once. Empty: e-mail only. Private addresses only
# with PROVIDER_ALLOW_PRIVATE_URLS.
STAFF_ALERT_WEBHOOK_URL = env.str("STAFF_ALERT_WEBHOOK_URL", default="")
STAFF_ALERT_WEBHOOK_TIMEOUT = env.float("STAFF_ALERT_WEBHOOK_TIMEOUT", default=5.0)

# --- Security ---------------------------------------------------------------------------
# With DEBUG off the site is served over HTTPS only: by gunicorn behind a proxy that ends TLS
# (and says so in SECURE_PROXY_SSL_HEADER) or directly. Cookies are then Secure and HSTS is
# sent, whether the panel or the proxy redirects plain HTTP (SECURE_SSL_REDIRECT).
# HTTPS_ONLY=False is for a site on plain HTTP only (a private network): cookies travel in clear.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
# The switcher's language cookie: HTTPS only like the others; no script reads it.
LANGUAGE_COOKIE_SECURE = HTTPS_ONLY
LANGUAGE_COOKIE_HTTPONLY = True
# The header a TLS-ending proxy sets to "https" (empty: no proxy, trust no header). Clients
# must not be able to reach the panel around the proxy, or they could set it themselves.
_proxy_header = env.str("SECURE_PROXY_SSL_HEADER", default="X-Forwarded-Proto").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# The deploy check's reminders to turn these two on are the owner's decision, taken in the
# variables above: preloading binds the whole domain for months and is asked for elsewhere.
SILENCED_SYSTEM_CHECKS = [check for check, on in (("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
                                                  ("security.W021", SECURE_HSTS_PRELOAD))
                          if not on]
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
# Seconds a sync may skip an unchanged `services` answer whole (provider.catalog_digest);
# past this, the full sync runs and re-reads the subcategory listings (moves show then).
CATALOG_SUBCATEGORY_REFRESH = env.int("CATALOG_SUBCATEGORY_REFRESH", default=3600)
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
    # Open refills are asked about (each at most every 10 minutes, `orders.aftercare`).
    "poll-refills": {
        "task": "orders.tasks.poll_refills",
        "schedule": timedelta(seconds=env.int("REFILL_POLL_INTERVAL", default=300)),
    },
    "check-provider-balances": {
        "task": "provider.tasks.check_provider_balances",
        "schedule": timedelta(seconds=BALANCE_CHECK_INTERVAL),
    },
    "check-incidents": {
        "task": "orders.tasks.check_incidents",
        "schedule": timedelta(seconds=env.int("INCIDENT_CHECK_INTERVAL", default=60)),
    },
    # Open deposits are asked about, in case a processor's callback was lost.
    "refresh-deposits": {
        "task": "payments.tasks.refresh_deposits",
        "schedule": timedelta(seconds=env.int("DEPOSIT_REFRESH_INTERVAL", default=120)),
    },
    # Order forms' one-time tokens outlive their forms by a day, then go.
    "purge-form-tokens": {
        "task": "panel.tasks.purge_form_tokens",
        "schedule": timedelta(hours=6),
    },
}

# --- Panel ------------------------------------------------------------------------------
PROVIDER_DEFAULT_TIMEOUT = env.float("PROVIDER_DEFAULT_TIMEOUT", default=20.0)
# Let provider URLs point at loopback and private addresses (a local sandbox). Off, the panel
# sends a provider's key only to public addresses, so it cannot be aimed at internal services.
PROVIDER_ALLOW_PRIVATE_URLS = env.bool("PROVIDER_ALLOW_PRIVATE_URLS", default=False)
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="600/m")
# GET calls to /api/v2 put the key in the URL, where access logs and proxies keep it: off
# unless the owner accepts that for clients that can send nothing else.
API_ALLOW_GET = env.bool("API_ALLOW_GET", default=False)
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
# The delivery queue (/staff/, orders/queue.py): seconds between its refreshes; minutes an
# order may sit before it is called stuck, per state (queued: not sent; pending: placed, not
# started upstream; in_progress: placed and running); hours a product delivered by hand
# usually takes; minutes before an SMS number's expiry (without a code) it is shown.
STAFF_QUEUE_REFRESH = env.int("STAFF_QUEUE_REFRESH", default=10)
STUCK_AFTER_MINUTES = {"queued": 30, "pending": 6 * 60, "in_progress": 48 * 60} | env.dict(
    "STUCK_AFTER_MINUTES", cast={"value": int}, default={})
MANUAL_DELIVERY_TYPICAL_HOURS = env.int("MANUAL_DELIVERY_TYPICAL_HOURS", default=24)
SMS_EXPIRY_WARNING_MINUTES = env.int("SMS_EXPIRY_WARNING_MINUTES", default=3)
# Staff (not admins) may credit or debit a customer's balance by at most this much at once.
STAFF_BALANCE_ADJUST_LIMIT = Decimal(env.str("STAFF_BALANCE_ADJUST_LIMIT", default="50"))
# Minutes an order may stay in review, or placed without progress, before staff are alerted.
ALERT_REVIEW_AFTER_MINUTES = env.int("ALERT_REVIEW_AFTER_MINUTES", default=30)
ALERT_STUCK_AFTER_MINUTES = env.int("ALERT_STUCK_AFTER_MINUTES", default=24 * 60)

# --- Payments (docs/payments.md) ------------------------------------------------------------
# A processor is offered to customers as soon as its keys are set; an admin can turn it off and
# set its limits under Payments > Payment methods.
NOWPAYMENTS_API_KEY = env.str("NOWPAYMENTS_API_KEY", default="")
NOWPAYMENTS_IPN_SECRET = env.str("NOWPAYMENTS_IPN_SECRET", default="")
NOWPAYMENTS_API_URL = env.str("NOWPAYMENTS_API_URL", default="https://api.nowpayments.io/v1")
CRYPTOMUS_MERCHANT_ID = env.str("CRYPTOMUS_MERCHANT_ID", default="")
CRYPTOMUS_PAYMENT_KEY = env.str("CRYPTOMUS_PAYMENT_KEY", default="")
CRYPTOMUS_API_URL = env.str("CRYPTOMUS_API_URL", default="https://api.cryptomus.com/v1")
# Heleket speaks Cryptomus's protocol.
HELEKET_MERCHANT_ID = env.str("HELEKET_MERCHANT_ID", default="")
HELEKET_PAYMENT_KEY = env.str("HELEKET_PAYMENT_KEY", default="")
HELEKET_API_URL = env.str("HELEKET_API_URL", default="https://api.heleket.com/v1")
# Seconds per call to a payment processor.
PAYMENT_GATEWAY_TIMEOUT = env.float("PAYMENT_GATEWAY_TIMEOUT", default=15.0)
# The built-in test gateway (fake money, for `make run`, demos and tests): on with DEBUG.
TEST_GATEWAY_ENABLED = env.bool("TEST_GATEWAY_ENABLED", default=DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
