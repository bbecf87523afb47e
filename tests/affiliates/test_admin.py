"""Staff see every referral and each customer's code, visits and sign-ups, read-only."""

from affiliates.models import Referral


def test_referrals_are_listed_per_customer_and_never_edited(admin_client, alice, carol, bob):
    page = admin_client.get("/admin/affiliates/referral/?q=alice").content.decode()
    assert "carol@example.com" in page and "alice@example.com" in page
    codes = admin_client.get("/admin/affiliates/referralcode/").content.decode()
    assert '<td class="field-signups">1</td>' in codes
    referral = Referral.objects.get()
    assert admin_client.get("/admin/affiliates/referral/add/").status_code == 403
    response = admin_client.post(
        f"/admin/affiliates/referral/{referral.pk}/change/", {"referrer": bob.pk}
    )
    assert response.status_code == 403
    assert (
        admin_client.post(
            f"/admin/affiliates/referral/{referral.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Referral.objects.get().referrer == alice
