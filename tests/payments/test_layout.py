"""Where the payments code may reach, the admin's pages, and pages that must not grow with
data."""

import re
from decimal import Decimal as D
from pathlib import Path

from payments.models import BonusTier, Deposit, PaymentMethod

ROOT = Path(__file__).resolve().parents[2]
IMPORT = re.compile(r"^\s*(from|import)\s+([\w.]+)", re.M)


def imports_of(path: Path) -> set[str]:
    return {match.group(2) for match in IMPORT.finditer(path.read_text())}


def test_no_panel_code_imports_the_test_gateway():
    outside = [p for folder in ("panel", "orders", "provider", "payments")
               for p in (ROOT / folder).rglob("*.py") if "testgateway" not in p.parts]
    offenders = [str(p.relative_to(ROOT)) for p in outside
                 if any(name.startswith("payments.testgateway") for name in imports_of(p))]
    assert not offenders


def test_the_payments_domain_never_imports_the_web_layer():
    gateways = [f"gateways/{p.name}" for p in (ROOT / "payments/gateways").glob("*.py")]
    for name in ("deposits.py", "manual.py", "models.py", *gateways):
        bad = [m for m in imports_of(ROOT / "payments" / name)
               if m.startswith(("panel.storefront", "panel.api", "payments.views"))]
        assert not bad, (name, bad)


def test_the_admin_lists_methods_tiers_and_deposits(admin_client, alice, testpay):
    BonusTier.objects.create(threshold=D(100), percent=D(5))
    Deposit.objects.create(user=alice, method=testpay, amount=D(5), currency="USD",
                           reference="DADMIN1")
    for model in ("paymentmethod", "bonustier", "deposit"):
        assert admin_client.get(f"/admin/payments/{model}/").status_code == 200
    assert b"DADMIN1" in admin_client.get("/admin/payments/deposit/").content
    deposit = Deposit.objects.get()
    assert admin_client.get(f"/admin/payments/deposit/{deposit.pk}/change/").status_code == 200


def test_the_wallet_page_does_not_grow_with_deposits(alice, alice_client, testpay,
                                                     django_assert_max_num_queries):
    manual = PaymentMethod.objects.create(kind="manual", name="Bank")

    def add(n: int) -> None:
        for i in range(n):
            Deposit.objects.create(user=alice, method=manual if i % 2 else testpay,
                                   amount=D(5), currency="USD", reference=f"D{n}x{i}")
    add(2)
    with django_assert_max_num_queries(12) as few:
        alice_client.get("/wallet/")
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        alice_client.get("/wallet/")


def test_the_deploy_check_warns_of_a_test_gateway_left_on(settings):
    from payments.checks import check_test_gateway

    settings.DEBUG, settings.TEST_GATEWAY_ENABLED = False, True
    assert [m.id for m in check_test_gateway()] == ["payments.W001"]
    settings.TEST_GATEWAY_ENABLED = False
    assert check_test_gateway() == []
