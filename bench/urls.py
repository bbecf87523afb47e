"""Bench-only URLs: the panel's own, plus the bare INSERT `bench/load.py` measures orders
against. Served only under `bench._api_settings`, never by the panel's settings."""

import time

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from panel.urls import urlpatterns as panel_urlpatterns

BASELINE_TABLE = "bench_baseline_insert"


@csrf_exempt
def insert_baseline(request: HttpRequest) -> JsonResponse:
    """One INSERT, in autocommit, and a tiny JSON answer: the floor of an `add`."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BASELINE_TABLE} (created_at, link) VALUES (%s, %s)",
                       [time.time(), request.POST.get("link", "")[:200]])
    return JsonResponse({"order": 1})


urlpatterns = [
    path("bench/insert", insert_baseline),
    *panel_urlpatterns,
]
