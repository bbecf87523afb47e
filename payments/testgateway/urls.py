from django.urls import path

from payments.testgateway import views

app_name = "testgateway"
urlpatterns = [path("<str:payment_id>/", views.invoice, name="invoice")]
