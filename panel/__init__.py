"""The panel project: settings, the Celery app, the storefront and the customers' API."""

from panel.celery import app as celery_app

__all__ = ("celery_app",)
