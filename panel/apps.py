import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

log = logging.getLogger("panel")


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = _("Panel")

    def ready(self) -> None:
        from panel import checks, language  # noqa: F401 - language: its sign-in receiver
        from panel.api import knownkeys  # noqa: F401 - its receivers: the keys' version

        # Every process says it at start (web, workers, beat), where the owner looks.
        if checks.derives_encryption_key():
            log.warning("%s Set FIELD_ENCRYPTION_KEY (see .env.example).", checks.DERIVED_KEY)
