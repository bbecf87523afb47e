"""Arabic formats: Django's own (`django/conf/locale/ar/formats.py`: Arabic month names,
`j F، Y`), except numbers. Django writes Arabic numbers with a decimal comma and a dot
between thousands (25,50 and 1.000), which reads as the wrong amount to customers of Gulf
and Levant shops: they write Latin digits with "." and "," as CLDR's ar-AE/ar-SA (latn) do.
Money follows the same separators (`orders.money`). docs/i18n-python.md says why."""

from django.conf.locale.ar.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
