"""Provider URLs: http(s) only, and public addresses only unless PROVIDER_ALLOW_PRIVATE_URLS,
checked when a URL is saved and again on every connection the client opens."""

import pytest

from provider.addresses import UnsafeUrl, check_provider_url, is_public_address
from provider.client import ProviderClient, ProviderUnavailable
from provider.models import Provider
from provider.providers import read_balance
from tests.provider.recording_upstream import recording_upstream

KEY = "k3y-secret-7788"

PRIVATE_URLS = [
    "http://127.0.0.1/api/v2",
    "http://127.8.9.10:8080/api/v2",
    "http://localhost:8000/api/v2",
    "http://[::1]/api/v2",
    "http://[::ffff:127.0.0.1]/api/v2",
    "http://[::ffff:7f00:1]/api/v2",
    "http://[64:ff9b::a00:1]/api/v2",
    "http://2130706433/api/v2",  # 127.0.0.1 as one decimal number
    "http://0177.0.0.1/api/v2",  # octal
    "http://0x7f.1/api/v2",  # hex, short form
    "http://0x7f000001/api/v2",
    "http://10.1.2.3/api/v2",
    "http://172.16.0.1/api/v2",
    "http://192.168.0.10/api/v2",
    "http://169.254.169.254/latest/meta-data",  # link-local: cloud metadata
    "http://0.0.0.0/api/v2",
    "http://0/api/v2",
    "http://[::]/api/v2",
    "http://100.64.0.1/api/v2",  # shared address space (CGNAT)
    "http://240.0.0.1/api/v2",  # reserved
    "http://224.0.0.1/api/v2",  # multicast
    "http://[fe80::1]/api/v2",
    "http://[fc00::1]/api/v2",
    "https://192.0.2.10/api/v2",  # documentation range, not routable
]
NOT_HTTP = ["ftp://upstream.example/api", "file:///etc/passwd", "javascript:alert(1)",
            "gopher://93.184.216.34/", "https://", "upstream.example/api/v2", "",
            "http://93.184.216.34:99999/api/v2"]


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_private_and_reserved_addresses_are_refused_in_every_spelling(url):
    with pytest.raises(UnsafeUrl, match="loopback, private or reserved"):
        check_provider_url(url, allow_private=False)


@pytest.mark.parametrize("url", PRIVATE_URLS[:3])
def test_the_setting_allows_private_addresses(url):
    check_provider_url(url, allow_private=True)


@pytest.mark.parametrize("url", ["http://93.184.216.34/api/v2", "https://1.1.1.1:8443/api/v2",
                                 "https://[2606:4700:4700::1111]/api/v2"])
def test_public_addresses_are_accepted(url):
    check_provider_url(url, allow_private=False)


@pytest.mark.parametrize("url", NOT_HTTP)
@pytest.mark.parametrize("allow_private", [False, True])
def test_only_http_urls_with_a_host(url, allow_private):
    with pytest.raises(UnsafeUrl):
        check_provider_url(url, allow_private=allow_private)


def test_a_name_is_judged_by_every_address_it_resolves_to():
    def resolve(host):
        return {"mixed.example": ["93.184.216.34", "10.0.0.5"],
                "public.example": ["93.184.216.34", "2606:4700:4700::1111"]}[host]

    with pytest.raises(UnsafeUrl, match=r"mixed\.example is 10\.0\.0\.5"):
        check_provider_url("https://mixed.example/api/v2", allow_private=False, resolve=resolve)
    check_provider_url("https://public.example/api/v2", allow_private=False, resolve=resolve)


def test_a_name_that_does_not_resolve_is_refused():
    with pytest.raises(UnsafeUrl, match="cannot be resolved"):
        check_provider_url("https://no-such-host.invalid/api/v2", allow_private=False)


def test_is_public_address():
    assert is_public_address("93.184.216.34")
    assert not is_public_address("127.0.0.1")
    assert not is_public_address("fe80::1%1")


# --- at request time: the address each connection reached ----------------------------------


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433"])
def test_the_client_never_sends_to_a_private_address(host, scheme):
    with recording_upstream() as upstream:
        url = upstream.url(host).replace("http:", f"{scheme}:")
        with (ProviderClient(url, KEY, retries=0) as client,
              pytest.raises(ProviderUnavailable, match="private or reserved")):
            client.balance()
        assert upstream.received == [], "refused once connected, before a byte was sent"


def test_the_client_reaches_a_private_address_when_allowed():
    with recording_upstream() as upstream:
        with ProviderClient(upstream.url(), KEY, retries=0, allow_private=True) as client:
            assert str(client.balance().amount) == "12.50"
        assert upstream.keys == [KEY]


@pytest.mark.django_db
def test_a_saved_provider_is_checked_again_when_the_panel_sends(settings):
    """A URL accepted earlier (a name that resolved elsewhere then, a setting on then) is
    refused at the moment of sending once it leads to a private address."""
    with recording_upstream() as upstream:
        provider = Provider.objects.create(name="p", api_url=upstream.url("localhost"),
                                           api_key=KEY, timeout=2)
        settings.PROVIDER_ALLOW_PRIVATE_URLS = False
        with pytest.raises(ProviderUnavailable, match=r"localhost is 127\.0\.0\.1"):
            read_balance(provider)
        assert upstream.received == []

        settings.PROVIDER_ALLOW_PRIVATE_URLS = True
        assert read_balance(provider).amount == 12.5
        assert upstream.keys == [KEY]
