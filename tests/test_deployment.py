"""Docker cannot run here, so the compose file and the Dockerfile are read instead."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services():
    services = compose()["services"]
    assert {"web", "worker", "beat", "postgres", "redis", "migrate"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:3] == ["celery", "-A", "panel"]
    assert "beat" in services["beat"]["command"]


def test_compose_waits_for_healthy_dependencies_and_migrations():
    services = compose()["services"]
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["redis"]["condition"] == "service_healthy"


def test_compose_points_the_panel_at_postgres_and_redis():
    services = compose()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert env["CACHE_URL"].startswith("redis://")


def test_workers_can_scale():
    worker = compose()["services"]["worker"]
    assert "container_name" not in worker and "ports" not in worker


def test_dockerfile_builds_the_panel():
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("FROM python:3.1")
    assert "collectstatic" in text
    assert "gunicorn" in text
    # Every app of the project's own (a folder at the top), not a hand-kept list: a new app
    # left out of the image is a panel that fails at start-up in production only.
    from django.conf import settings

    own_apps = {name.split(".")[0] for name in settings.INSTALLED_APPS
                if (ROOT / name.split(".")[0]).is_dir()}
    assert {"panel", "provider", "orders", "payments", "support", "affiliates"} <= own_apps
    for folder in [*sorted(own_apps), "templates", "static", "locale"]:
        assert f"COPY {folder} {folder}" in text
    assert "manage.py compile_translations" in text, "the .mo files are build output"


def test_compose_refuses_to_start_without_the_required_variables():
    """A forgotten .env fails loudly instead of starting on defaults."""
    import re

    block = (ROOT / ".env.example").read_text().split("# --- Required in production", 1)[1]
    required = re.findall(r"^([A-Z_]+)=", block.split("# --- end of", 1)[0], re.M)
    assert required
    for name in ("web", "worker", "beat", "migrate"):
        env = compose()["services"][name]["environment"]
        for variable in required:
            assert env[variable].startswith(f"${{{variable}:?set {variable} in .env"), (
                name, variable)


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def test_make_run_keeps_its_banner_readable_and_stops_cleanly():
    processes = procfile()
    assert "--quiet" in processes["sandbox"], "no access log"
    for name in ("worker", "beat"):
        assert "--loglevel WARNING" in processes[name], name
    # honcho stops a process by signalling its whole group: prefork's children would die
    # under the worker and it would log each as an error.
    assert "--pool threads" in processes["worker"]
    assert "--panel-url http://127.0.0.1:$PANEL_PORT/" in processes["web"]
    assert "${DEMO_NEW_KEY:+--new-key}" in processes["web"]
    assert "honcho start -f Procfile || [ $$? -eq 130 ]" in (ROOT / "Makefile").read_text()
