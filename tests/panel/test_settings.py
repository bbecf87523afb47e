"""The settings module: embedded defaults with nothing configured, overrides from the
environment. Each case loads `panel.settings` in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG_VARS = ["SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL",
               "CELERY_BROKER_URL", "CACHE_URL", "FIELD_ENCRYPTION_KEY", "SECURE_SSL_REDIRECT",
               "API_RATE_LIMIT", "PANEL_VAR_DIR", "EMAIL_URL", "EMAIL_TIMEOUT", "HTTPS_ONLY",
               "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
               "SECURE_PROXY_SSL_HEADER", "DEFAULT_FROM_EMAIL"]
# With DEBUG off the panel needs a key of its own.
A_KEY = "k" * 20 + "-a-test-secret-of-fifty-characters-or-so"

PROBE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "db_name": str(db["NAME"]), "db_options": db.get("OPTIONS", {}),
    "broker": settings.CELERY_BROKER_URL, "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "debug": settings.DEBUG, "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hosts": settings.ALLOWED_HOSTS, "csrf": settings.CSRF_TRUSTED_ORIGINS,
    "secret": settings.SECRET_KEY, "fernet": settings.FIELD_ENCRYPTION_KEY,
    "rate": settings.API_RATE_LIMIT,
    "prefetch": settings.CELERY_WORKER_PREFETCH_MULTIPLIER,
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
    "visibility": settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout"),
    "broker_folder": settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in"),
    "beat": sorted(settings.CELERY_BEAT_SCHEDULE),
    "mailer": settings.MAILERS["default"],
    "cookies_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "hsts": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
             settings.SECURE_HSTS_PRELOAD],
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "silenced": settings.SILENCED_SYSTEM_CHECKS,
}))
"""


def load_settings(tmp_path: Path, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    clean.update({"DJANGO_SETTINGS_MODULE": "panel.settings", "PANEL_VAR_DIR": str(tmp_path),
                  **env})
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, env=clean | {
        "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_embedded_defaults_need_nothing_but_python(tmp_path):
    s = load_settings(tmp_path, SECRET_KEY=A_KEY)
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["db_name"] == str(tmp_path / "panel.sqlite3")
    assert s["db_options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in s["db_options"]["init_command"]
    assert s["broker"] == "filesystem://"
    assert s["broker_folder"].startswith(str(tmp_path))
    assert s["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert s["cache_location"] == str(tmp_path / "cache")
    assert s["debug"] is False
    assert s["ssl_redirect"] is True, "HTTPS redirect is on by default when DEBUG is off"
    assert s["rate"] == "600/m"
    assert s["mailer"] == {"BACKEND": "django.core.mail.backends.console.EmailBackend",
                           "OPTIONS": {}}


def test_development_needs_no_configuration_at_all(tmp_path):
    s = load_settings(tmp_path, DEBUG="True")
    assert s["secret"] == "dev-insecure-secret-key-change-me-in-production"
    assert s["cookies_secure"] == [False, False] and s["hsts"][0] == 0
    assert s["mailer"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_reliability_settings(tmp_path):
    s = load_settings(tmp_path, SECRET_KEY=A_KEY)
    assert s["prefetch"] == 1
    assert s["acks_late"] is False, "acks_late is opted into per idempotent task"
    assert s["time_limit"] > 0
    assert s["visibility"] >= 3600
    assert {"sync-catalog", "check-provider-balances"} <= set(s["beat"])


def test_environment_overrides(tmp_path):
    s = load_settings(
        tmp_path, DATABASE_URL="postgres://u:p@db.example:5432/shop",
        CELERY_BROKER_URL="redis://cache.example:6379/0", CACHE_URL="redis://cache.example:6379/1",
        DEBUG="True", ALLOWED_HOSTS="a.example,b.example",
        CSRF_TRUSTED_ORIGINS="https://a.example", SECRET_KEY="s3cret",
        FIELD_ENCRYPTION_KEY="k1,k2", API_RATE_LIMIT="20/s")
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["db_name"] == "shop"
    assert s["broker"] == "redis://cache.example:6379/0"
    assert s["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert s["debug"] is True
    assert s["ssl_redirect"] is False, "follows DEBUG unless set"
    assert s["hosts"] == ["a.example", "b.example"]
    assert s["csrf"] == ["https://a.example"]
    assert s["secret"] == "s3cret"
    assert s["fernet"] == ["k1", "k2"]
    assert s["rate"] == "20/s"


@pytest.mark.parametrize(("debug", "value", "expected"),
                         [("False", "False", False), ("True", "True", True)])
def test_ssl_redirect_can_be_set_explicitly(tmp_path, debug, value, expected):
    s = load_settings(tmp_path, DEBUG=debug, SECURE_SSL_REDIRECT=value, SECRET_KEY=A_KEY)
    assert s["ssl_redirect"] is expected


def test_cookies_are_secure_and_hsts_on_whenever_debug_is_off(tmp_path):
    # TLS ended at the proxy: the panel does not redirect, yet the site is HTTPS-only.
    s = load_settings(tmp_path, SECURE_SSL_REDIRECT="False", SECRET_KEY=A_KEY)
    assert s["cookies_secure"] == [True, True]
    assert s["hsts"] == [365 * 24 * 3600, True, False]
    assert s["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["silenced"] == ["security.W021"], "preload off is a decision, not an oversight"


def test_hsts_and_the_proxy_header_are_variables(tmp_path):
    s = load_settings(tmp_path, SECRET_KEY=A_KEY, SECURE_HSTS_SECONDS="600",
                      SECURE_HSTS_INCLUDE_SUBDOMAINS="False", SECURE_HSTS_PRELOAD="True",
                      SECURE_PROXY_SSL_HEADER="X-Forwarded-Scheme")
    assert s["hsts"] == [600, False, True]
    assert s["proxy_header"] == ["HTTP_X_FORWARDED_SCHEME", "https"]
    assert s["silenced"] == ["security.W005"]
    assert load_settings(tmp_path, SECRET_KEY=A_KEY, SECURE_PROXY_SSL_HEADER="")[
        "proxy_header"] is None


def test_a_site_on_plain_http_says_so(tmp_path):
    s = load_settings(tmp_path, SECRET_KEY=A_KEY, HTTPS_ONLY="False")
    assert s["cookies_secure"] == [False, False]
    assert s["hsts"][0] == 0 and s["ssl_redirect"] is False


@pytest.mark.parametrize(("url", "options"), [
    ("smtp://mailer:p%40ss@mail.example.com:2525",
     {"host": "mail.example.com", "port": 2525, "username": "mailer", "password": "p@ss",
      "use_tls": False, "use_ssl": False, "timeout": 30}),
    ("smtp+tls://u:p@mail.example.com:587",
     {"host": "mail.example.com", "port": 587, "username": "u", "password": "p",
      "use_tls": True, "use_ssl": False, "timeout": 30}),
    ("smtp+ssl://mail.example.com",
     {"host": "mail.example.com", "port": None, "username": "", "password": "",
      "use_tls": False, "use_ssl": True, "timeout": 30}),
])
def test_email_url_configures_the_smtp_mailer_completely(tmp_path, url, options):
    s = load_settings(tmp_path, SECRET_KEY=A_KEY, EMAIL_URL=url)
    assert s["mailer"] == {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                           "OPTIONS": options}


def test_email_url_for_the_console(tmp_path):
    s = load_settings(tmp_path, SECRET_KEY=A_KEY, EMAIL_URL="consolemail://", EMAIL_TIMEOUT="5")
    assert s["mailer"] == {"BACKEND": "django.core.mail.backends.console.EmailBackend",
                           "OPTIONS": {}}


def test_env_example_documents_every_variable():
    text = (ROOT / ".env.example").read_text()
    for name in CONFIG_VARS:
        assert f"{name}=" in text, name


def test_every_variable_the_settings_read_is_documented():
    import re

    source = (ROOT / "panel" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\(\))?\.\w+\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "the pattern finds the settings' variables"
    assert read - documented == set()
