from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from panel import health
from panel.api import views as api

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v2", api.endpoint, name="api_v2"),
    path("api/v2/", api.endpoint),
    path("api", api.docs, name="api"),
    path("api/", api.docs),
    path("api/key", api.regenerate_key, name="api_key"),
    path("", include("payments.urls")),
    path("", include("panel.storefront_urls")),
]

# The built-in test gateway's payment page (fake money): mounted only when it is on.
if settings.TEST_GATEWAY_ENABLED:
    urlpatterns.append(path("testgateway/", include("payments.testgateway.urls")))
