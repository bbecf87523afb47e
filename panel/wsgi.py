"""WSGI entry point for gunicorn: the panel, with the API's lean path in front
(`panel.api.lean`: plain API calls skip the middleware stack they do not need)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")
application = get_wsgi_application()

from panel.api.lean import LeanApi  # noqa: E402 - needs the settings configured above

application = LeanApi(application)
