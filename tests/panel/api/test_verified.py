"""Only a customer who confirmed their e-mail can use the API, as in the storefront."""

import pytest

from panel.apikeys import regenerate_api_key
from panel.models import User


@pytest.mark.parametrize("action", ["balance", "services", "add", "status", "add_sms"])
def test_an_unverified_customers_key_is_refused(api, db, action):
    dave = User.objects.create_user(email="dave@example.com", password="pw-secret-123")
    status, answer = api(regenerate_api_key(dave), action, service=1, quantity=10,
                         link="https://instagram.com/p/abc", order=1, project_id=1)
    assert status == 200
    assert answer == {"error": "Confirm your e-mail address before using the API: use the "
                               "link we sent you"}


def test_once_verified_the_same_key_works(api, db):
    dave = User.objects.create_user(email="dave@example.com", password="pw-secret-123")
    key = regenerate_api_key(dave)
    dave.email_verified = True
    dave.save(update_fields=["email_verified"])
    assert api(key, "balance") == (200, {"balance": "0.0000", "currency": "USD"})
