"""The language of a request: Django's LocaleMiddleware (the `django_language` cookie that the
header's switcher sets, then the browser's Accept-Language), except for the customers' API v2.

API clients parse the API's messages, so /api/v2 answers in English whatever the client's
language: the language is never looked up there, and Django's own strings stay English too.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

ENGLISH_ONLY_PREFIX = "/api/v2"


def english_only(request: HttpRequest) -> bool:
    path = request.path_info
    return path == ENGLISH_ONLY_PREFIX or path.startswith(ENGLISH_ONLY_PREFIX + "/")


class PanelLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if english_only(request):
            # Put back afterwards: a thread's language outlives the request otherwise.
            request._language_before = translation.get_language()
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if english_only(request):
            response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
            before = getattr(request, "_language_before", None)
            if before:
                translation.activate(before)
            else:
                translation.deactivate()
            return response
        return super().process_response(request, response)
