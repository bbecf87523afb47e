"""A signed-in person's language, remembered on their account (`User.language`).

- Switching (Django's `set_language` sets the language cookie on its answer) saves the new
  language on the account of whoever is signed in.
- Signing in brings the account's language back: the sign-in's answer sets the cookie, and a
  browser without the cookie gets the account's language. An account that never chose one
  keeps the language it was using when it signed up or in.
- E-mails to a person are written in their language (`for_user`), whatever language the
  request or worker that sends them runs in.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from panel.locale_middleware import english_only

SIGNED_IN = "_language_signed_in"


def supported(code: object) -> str:
    """`code` if it is one of `LANGUAGES` (a regional variant becomes its language), or ""."""
    if not isinstance(code, str) or not code:
        return ""
    try:
        return translation.get_supported_language_variant(code.strip()[:20])
    except LookupError:
        return ""


def of(user: object) -> str:
    """The language to write to `user` in: theirs, or the site's default."""
    return supported(getattr(user, "language", "")) or settings.LANGUAGE_CODE


@contextmanager
def for_user(user: object) -> Iterator[None]:
    """Render and send an e-mail to `user` inside this block: their language is active."""
    with translation.override(of(user)):
        yield


def remember(user: object, code: str) -> None:
    if code and getattr(user, "language", None) != code:
        get_user_model().objects.filter(pk=user.pk).update(language=code)  # type: ignore[attr-defined]
        user.language = code  # type: ignore[attr-defined]


@receiver(user_logged_in)
def _signed_in(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    """An account that never chose keeps the language it signs up or in with (the sign-up's
    verification e-mail, sent right after, is written in it)."""
    # The language the request was served in (LocaleMiddleware's choice); a sign-in made
    # outside a request (a test client's force_login, a shell) has none and records nothing.
    code = supported(getattr(request, "LANGUAGE_CODE", ""))
    if code and not supported(getattr(user, "language", "")):
        # Conditional: only an account whose stored language is still empty.
        if get_user_model().objects.filter(pk=user.pk, language="").update(language=code):
            user.language = code
        else:
            user.refresh_from_db(fields=["language"])
    if request is not None:
        setattr(request, SIGNED_IN, True)


class RememberLanguage:
    """After AuthenticationMiddleware (and LocaleMiddleware, which chose from the cookie or
    the browser)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if english_only(request):  # the API: no account language, and no session to read
            return self.get_response(request)
        user = getattr(request, "user", None)
        cookie = settings.LANGUAGE_COOKIE_NAME
        if (
            user is not None
            and user.is_authenticated
            and cookie not in request.COOKIES
            and (saved := supported(user.language))
        ):
            translation.activate(saved)
            request.LANGUAGE_CODE = saved
        response = self.get_response(request)
        user = getattr(request, "user", None)  # signing in or out changes it
        if user is None or not user.is_authenticated:
            return response
        if cookie in response.cookies:  # a switch (set_language) while signed in
            remember(user, supported(response.cookies[cookie].value))
        elif (saved := supported(user.language)) and (
            getattr(request, SIGNED_IN, False) or cookie not in request.COOKIES
        ):
            # Signed in just now, or a browser without the cookie: the account's language.
            self._set_cookie(response, saved)
        return response

    @staticmethod
    def _set_cookie(response: HttpResponse, code: str) -> None:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
