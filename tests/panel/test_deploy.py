"""Production settings as the owner gives them: `.env.example`'s required block, and what
happens without each of its variables. Each case runs `manage.py` in a fresh process with
nothing in its environment but what the case names (and a folder for SQLite)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def required_block() -> dict[str, str]:
    """The variables between `.env.example`'s "Required in production" header and the end
    of that block, with their example values (secrets, left empty there, generated)."""
    text = (ROOT / ".env.example").read_text()
    block = text.split("# --- Required in production", 1)[1].split("# --- end of", 1)[0]
    values = dict(re.findall(r"^([A-Z_]+)=(.*)$", block, re.M))
    generated = {"SECRET_KEY": "s3cret-" + Fernet.generate_key().decode(),
                 "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    return {name: values[name] or generated[name] for name in values}


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], "PANEL_VAR_DIR": str(tmp_path), **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)


def test_the_block_names_the_production_variables():
    assert set(required_block()) == {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "ALLOWED_HOSTS",
                                     "EMAIL_URL", "DEFAULT_FROM_EMAIL"}


def test_the_required_block_alone_passes_the_deploy_check(tmp_path):
    done = deploy_check(tmp_path, **required_block())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.parametrize("missing", ["FIELD_ENCRYPTION_KEY", "ALLOWED_HOSTS", "EMAIL_URL",
                                     "DEFAULT_FROM_EMAIL"])
def test_the_deploy_check_fails_without_each_of_them(tmp_path, missing):
    env = required_block()
    del env[missing]
    done = deploy_check(tmp_path, **env)
    assert done.returncode != 0
    named = {"EMAIL_URL": "development-only email backend"}.get(missing, missing)
    assert named in done.stderr


def test_debug_off_without_secret_key_refuses_to_start_naming_it(tmp_path):
    env = required_block()
    del env["SECRET_KEY"]
    done = manage(tmp_path, "check", **env)
    assert done.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in done.stderr


def test_the_public_development_key_is_refused_too(tmp_path):
    env = required_block() | {"SECRET_KEY": "dev-insecure-secret-key-change-me-in-production"}
    done = manage(tmp_path, "check", **env)
    assert "ImproperlyConfigured: SECRET_KEY" in done.stderr


def test_without_field_encryption_key_every_process_says_it_derives_one(tmp_path):
    env = required_block()
    del env["FIELD_ENCRYPTION_KEY"]
    done = manage(tmp_path, "check", **env)
    assert done.returncode == 0, "it starts"
    assert "FIELD_ENCRYPTION_KEY is not set" in done.stderr
    assert "derived from SECRET_KEY" in done.stderr


def test_development_needs_no_configuration_at_all(tmp_path):
    done = manage(tmp_path, "check", DEBUG="True")
    assert done.returncode == 0, done.stderr
    assert "FIELD_ENCRYPTION_KEY" not in done.stderr
