"""The header's language switcher: a plain form posting to Django's set_language (no script),
on every page, that sets the cookie and comes back to the same page."""

import re

import pytest
from django.conf import settings

FORM = re.compile(
    r'<form class="lang" method="post" action="(?P<action>[^"]+)">(?P<body>.*?)</form>', re.S
)


def switcher(html: str) -> tuple[str, str]:
    found = FORM.search(html)
    assert found, "no language switcher in the header"
    return found["action"], found["body"]


@pytest.mark.django_db
def test_switching_to_arabic_and_back_without_script(client):
    page = client.get("/catalog/?q=gmail").content.decode()
    action, body = switcher(page)
    assert 'name="language" value="ar"' in body and 'name="next" value="/catalog/?q=gmail"' in body

    response = client.post(action, {"language": "ar", "next": "/catalog/?q=gmail"})
    assert response.status_code == 302 and response["Location"] == "/catalog/?q=gmail"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"

    arabic = client.get("/catalog/?q=gmail", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    _, body = switcher(arabic)
    assert 'name="language" value="en"' in body and ">English<" in body

    client.post(action, {"language": "en", "next": "/"})
    assert '<html lang="en" dir="ltr">' in client.get("/").content.decode()


def test_a_signed_in_customer_has_it_on_every_page(client, alice):
    client.force_login(alice)
    for path in ("/", "/orders/", "/wallet/", "/account/", "/api", "/support/"):
        switcher(client.get(path).content.decode())


@pytest.mark.django_db
def test_the_switcher_never_sends_anyone_elsewhere(client):
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="en" dir="ltr">' in client.get("/").content.decode()
