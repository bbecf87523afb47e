"""Small helpers shared by the storefront's view tests."""

import re

from orders.placing import place_order

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
BELL = re.compile(r'<a id="notice-bell".*?</a>', re.DOTALL)


def without_bell(html: str) -> str:
    """The page without the header's notice bell, which polls on every page: what is left
    says whether the page's own content polls."""
    return BELL.sub("", html)


def assert_csp_clean(response) -> None:
    """The page would pass the strict policy: no inline script, style or handler."""
    html = response.content.decode()
    for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE, STYLE_TAG, EVENT_HANDLER):
        match = pattern.search(html)
        assert match is None, f"{pattern.pattern} in {response.wsgi_request.path}: {match}"


def order(user, service, upstream_id: int, quantity: int | None = None, link: str | None = None):
    svc = service(upstream_id)
    default_link = "" if svc.entity_type == "product" else "https://instagram.com/p/abc"
    return place_order(user=user, service_id=svc.pk, quantity=quantity or svc.min_quantity,
                       link=default_link if link is None else link)
