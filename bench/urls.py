"""Bench-only URLs: the panel's own, plus the bare baselines `bench/api.py` measures the API
against. Served only under `bench._api_settings`, never by the panel's settings."""

import time

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from panel.api import snapshot
from panel.urls import urlpatterns as panel_urlpatterns

BASELINE_TABLE = "bench_baseline_insert"
_services_body: bytes | None = None


@csrf_exempt
def services_baseline(request: HttpRequest) -> HttpResponse:
    """The same bytes as the API's full `services` list, from memory, with no key check."""
    global _services_body
    if _services_body is None:
        _services_body = snapshot.build()
    return HttpResponse(_services_body, content_type="application/json")


@csrf_exempt
def insert_baseline(request: HttpRequest) -> JsonResponse:
    """One INSERT, in autocommit, and a tiny JSON answer: the floor of an `add`."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BASELINE_TABLE} (created_at, link) VALUES (%s, %s)",
                       [time.time(), request.POST.get("link", "")[:200]])
    return JsonResponse({"order": 1})


urlpatterns = [
    path("bench/services", services_baseline),
    path("bench/insert", insert_baseline),
    *panel_urlpatterns,
]
