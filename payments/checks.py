"""Deployment check of the payments app: the test gateway must be off in production."""

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_test_gateway(**kwargs: object) -> list[CheckMessage]:
    if not settings.TEST_GATEWAY_ENABLED or settings.DEBUG:
        return []
    return [Warning("TEST_GATEWAY_ENABLED is on with DEBUG off: anyone can add funds to their "
                    "wallet through the test gateway without paying.", id="payments.W001",
                    hint="Unset TEST_GATEWAY_ENABLED (it follows DEBUG).")]
