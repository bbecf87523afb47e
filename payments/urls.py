from django.urls import path

from payments import views

urlpatterns = [
    path("payments/callback/<slug:kind>/", views.callback, name="payment_callback"),
    path("staff/deposits/", views.staff_deposits, name="staff_deposits"),
]
