"""Referral links: visits counted once per browser session, the cookie that links a sign-up
to the referrer, never oneself, never changed later."""

from django.test import Client

from affiliates.models import Referral, ReferralCode
from affiliates.referrals import ALPHABET, CODE_LENGTH, clean_code, code_for, link_signup
from panel.models import User
from panel.storefront.referral_visits import COOKIE, COOKIE_AGE

PASSWORD = "pw-secret-123"


def sign_up(client, email="dana@example.com"):
    return client.post("/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def visits(user) -> int:
    return ReferralCode.objects.get(user=user).visits


def test_each_customer_has_one_short_code_of_letters_and_digits(alice, bob):
    code = code_for(alice).code
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert code_for(alice).code == code
    assert code_for(bob).code != code


def test_only_code_shaped_input_reaches_the_database():
    assert clean_code("AbC234defg") == "abc234defg"
    for bad in ("", "ab", "x" * 17, "abc'--", "abc def", None, ["abcd"], "ab\u0663cd"):
        assert clean_code(bad) == ""


def test_a_visit_counts_once_per_browser_session_and_sets_a_cookie(client, alice):
    code = code_for(alice).code
    first = client.get(f"/?ref={code}")
    assert first.status_code == 200
    cookie = first.cookies[COOKIE]
    assert cookie.value == code and cookie["max-age"] == COOKIE_AGE and cookie["httponly"]
    client.get(f"/?ref={code}")
    client.get(f"/catalog/?ref={code.upper()}")
    assert visits(alice) == 1
    Client().get(f"/?ref={code}")  # another browser
    assert visits(alice) == 2


def test_an_unknown_code_counts_nothing_and_sets_no_cookie(client, alice):
    code_for(alice)
    response = client.get("/?ref=zzzzzzzzzz")
    assert response.status_code == 200 and COOKIE not in response.cookies
    assert client.get("/?ref=%00").status_code == 400  # the NUL guard answers first
    assert client.get("/?ref=" + "x" * 5000).status_code == 200
    assert visits(alice) == 0


def test_opening_ones_own_link_counts_nothing(alice):
    code = code_for(alice).code
    client = Client()
    client.force_login(alice)
    response = client.get(f"/?ref={code}")
    assert COOKIE not in response.cookies and visits(alice) == 0


def test_a_sign_up_with_the_cookie_is_linked_to_the_referrer(client, alice):
    code = code_for(alice).code
    client.get(f"/?ref={code}")
    response = sign_up(client)
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == ""  # spent
    referral = Referral.objects.get(referred__email="dana@example.com")
    assert referral.referrer == alice


def test_a_sign_up_without_the_cookie_is_nobodys(client, alice):
    code_for(alice)
    sign_up(client)
    assert not Referral.objects.exists()


def test_a_forged_cookie_links_nothing(client, alice):
    client.cookies[COOKIE] = "notacode12"
    sign_up(client)
    other = Client()
    other.cookies[COOKIE] = "'; drop table--"
    sign_up(other, email="erin@example.com")
    assert User.objects.filter(email__in=["dana@example.com", "erin@example.com"]).count() == 2
    assert not Referral.objects.exists()


def test_nobody_refers_themselves_and_a_link_never_changes(alice, bob, make_customer):
    assert link_signup(alice, code_for(alice).code) is None
    dana = make_customer("dana@example.com")
    assert link_signup(dana, code_for(alice).code) is not None
    assert link_signup(dana, code_for(bob).code) is None
    assert Referral.objects.get(referred=dana).referrer == alice
    assert Referral.objects.count() == 1
