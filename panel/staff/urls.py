"""The staff workspace's URLs (under `/staff/`)."""

from django.urls import path

from panel.staff import views

urlpatterns = [
    path("", views.queue_page, name="staff_queue"),
    path("orders/<int:order_id>/<slug:action>", views.order_action, name="staff_order_action"),
    path("providers/<int:provider_id>/retry", views.retry_funds, name="staff_retry_funds"),
    path("tickets/<int:ticket_id>/", views.ticket_page, name="staff_ticket"),
]
