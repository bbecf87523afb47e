from django.urls import path

from panel import storefront

urlpatterns = [
    path("", storefront.home, name="home"),
    path("catalog/", storefront.catalog, name="catalog"),
]
