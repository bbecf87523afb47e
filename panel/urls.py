from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from panel import health
from panel.api import views as api
from panel.staff import dashboard


def favicon(request: HttpRequest) -> HttpResponse:
    """Pages that name no icon (the admin's) make browsers ask for /favicon.ico."""
    return redirect(static("img/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # The header's language switcher posts to Django's set_language (a cookie; no script).
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/dashboard", dashboard.dashboard, name="staff_dashboard"),
    path("api/v2", api.endpoint, name="api_v2"),
    path("api/v2/", api.endpoint),
    path("api", api.docs, name="api"),
    path("api/", api.docs),
    path("api/key", api.regenerate_key, name="api_key"),
    path("", include("payments.urls")),
    path("staff/", include("panel.staff.urls")),
    path("", include("panel.storefront_urls")),
]

# The built-in test gateway's payment page (fake money): mounted only when it is on.
if settings.TEST_GATEWAY_ENABLED:
    urlpatterns.append(path("testgateway/", include("payments.testgateway.urls")))
