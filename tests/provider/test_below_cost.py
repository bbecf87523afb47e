"""Markups and price overrides that would sell below cost are refused, with a message that
says so, unless the admin allows it for that rule or that service; a "Set markup" that is
refused says so instead of reporting a success that changed nothing."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from provider.models import PricingRule, Provider, Service
from provider.pricing import (
    Rule,
    RuleBook,
    markup_refusal,
    override_refusal,
    service_sell_price,
)
from provider.providers import set_provider_markup
from provider.repricing import reprice, set_services_markup
from provider.sync import sync_provider

BELOW_COST = "would sell below cost"


# --- the rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "says"), [
    (Rule(percent=D(-20)), "A markup of -20% would sell below cost"),
    (Rule(percent=D(10), fixed=D("-0.01")), "A markup of -0.01 per unit would sell below cost"),
    (Rule(percent=D(-5), fixed=D(-1)), "A markup of -5% and -1 per unit would sell below cost"),
])
def test_a_negative_markup_is_refused_unless_allowed(rule, says):
    assert markup_refusal(rule).startswith(says)
    assert 'Tick "allow below cost"' in markup_refusal(rule)
    assert markup_refusal(Rule(percent=rule.percent, fixed=rule.fixed,
                               allow_below_cost=True)) is None


@pytest.mark.parametrize("rule", [Rule(), Rule(percent=D(30)), Rule(fixed=D("0.10")),
                                  Rule(percent=D(0), min_price=D(1))])
def test_a_markup_of_zero_or_more_is_fine(rule):
    assert markup_refusal(rule) is None


def test_an_override_below_cost_is_refused_unless_allowed():
    refusal = override_refusal(cost=D("0.75"), override=D("0.50"), allowed=False)
    assert refusal.startswith("A price of 0.5 would sell below the cost of 0.75")
    assert override_refusal(cost=D("0.75"), override=D("0.50"), allowed=True) is None
    assert override_refusal(cost=D("0.75"), override=D("0.75"), allowed=False) is None
    assert override_refusal(cost=D("0.75"), override=None, allowed=False) is None


@pytest.mark.parametrize("override", [D(0), D("-1")])
def test_an_override_of_nothing_is_refused_even_when_allowed(override):
    assert "above zero" in override_refusal(cost=D(1), override=override, allowed=True)


def test_an_override_under_cost_sells_at_cost_unless_allowed():
    book = RuleBook(overrides_below_cost={7})
    common = {"cost": D("2.00"), "provider_id": 1, "category_id": None, "override": D("1.50")}
    assert service_sell_price(book, service_id=8, **common) == D("2.00")
    assert service_sell_price(book, service_id=7, **common) == D("1.50")


# --- the domain functions -----------------------------------------------------------------


@pytest.fixture
def followers(service) -> Service:
    return service(1)  # the sandbox's Instagram followers: cost 0.50 per 1,000


def test_set_services_markup_refuses_below_cost_and_changes_nothing(followers):
    before = followers.sell_price
    with pytest.raises(ValidationError, match=BELOW_COST):
        set_services_markup([followers.pk], percent=D(-20))
    assert not PricingRule.objects.filter(service=followers).exists()
    followers.refresh_from_db()
    assert followers.sell_price == before


def test_set_services_markup_below_cost_when_allowed(followers):
    assert set_services_markup([followers.pk], percent=D(-20), allow_below_cost=True) == 1
    followers.refresh_from_db()
    assert followers.sell_price == D("0.40")
    assert PricingRule.objects.get(service=followers).allow_below_cost


def test_set_services_markup_judges_the_whole_rule(followers):
    PricingRule.objects.create(service=followers, fixed=D("-0.10"), allow_below_cost=True)
    with pytest.raises(ValidationError, match=r"-0\.1 per unit"):
        set_services_markup([followers.pk], percent=D(10))
    assert PricingRule.objects.get(service=followers).percent == 0


def test_the_provider_markup_refuses_below_cost(provider):
    with pytest.raises(ValidationError, match=BELOW_COST):
        set_provider_markup(provider, D(-10))
    assert not PricingRule.objects.filter(provider=provider).exists()
    set_provider_markup(provider, D(-10), allow_below_cost=True)
    assert PricingRule.objects.get(provider=provider).percent == D(-10)


def test_add_provider_refuses_a_markup_below_cost(sandbox, db):
    with pytest.raises(CommandError, match=BELOW_COST):
        call_command("add_provider", "p", "--url", sandbox.url, "--key", "k", "--markup", "-5")
    call_command("add_provider", "p", "--url", sandbox.url, "--key", "k", "--markup", "-5",
                 "--allow-below-cost")
    assert PricingRule.objects.get(provider__name="p").allow_below_cost


def test_an_upstream_rise_past_an_override_is_never_a_silent_loss(sandbox, provider, followers):
    Service.objects.filter(pk=followers.pk).update(price_override=D("0.60"))
    sandbox.state.set_rate(1, "0.90")

    sync_provider(provider)

    followers.refresh_from_db()
    assert (followers.rate, followers.sell_price) == (D("0.90"), D("0.90"))
    Service.objects.filter(pk=followers.pk).update(override_below_cost=True)
    reprice()
    followers.refresh_from_db()
    assert followers.sell_price == D("0.60"), "the admin allowed this loss"


# --- through the admin --------------------------------------------------------------------


def _set_markup(admin_client, services: list[Service], **fields: str):
    return admin_client.post(reverse("admin:provider_service_changelist"), {
        "action": "set_markup", "_selected_action": [s.pk for s in services], "apply": "1",
        **fields}, follow=True)


def test_admin_set_markup_minus_20_is_refused_not_reported_as_done(admin_client, followers):
    before = followers.sell_price

    response = _set_markup(admin_client, [followers], percent="-20")

    page = response.content.decode()
    assert "A markup of -20% would sell below cost" in page
    assert "set on" not in page, "no success message"
    followers.refresh_from_db()
    assert followers.sell_price == before
    assert not PricingRule.objects.filter(service=followers).exists()


def test_admin_set_markup_minus_20_applies_when_allowed(admin_client, followers):
    response = _set_markup(admin_client, [followers], percent="-20", allow_below_cost="on")

    assert "Markup -20% set on 1 services; 1 prices changed." in response.content.decode()
    followers.refresh_from_db()
    assert followers.sell_price == D("0.40")


def test_admin_set_markup_reports_what_did_not_move(admin_client, followers, service):
    likes = service(3)
    Service.objects.filter(pk=likes.pk).update(price_override=D(5))
    reprice()
    response = _set_markup(admin_client, [followers, likes], percent="50")
    assert ("set on 2 services; 1 prices changed (1 keep their price override)."
            in response.content.decode())


def _rule_form(**fields: str) -> dict[str, str]:
    return {"percent": "0", "fixed": "0", "min_price": "", "rounding": "step",
            "step": "0.01", "ending": "0.99", **fields}


def test_admin_pricing_rule_below_cost_needs_the_tick(admin_client, provider):
    url = reverse("admin:provider_pricingrule_add")
    refused = admin_client.post(url, _rule_form(percent="-15"))
    assert "A markup of -15% would sell below cost" in refused.content.decode()
    assert not PricingRule.objects.exists()

    allowed = admin_client.post(url, _rule_form(percent="-15", allow_below_cost="on"))
    assert allowed.status_code == 302
    assert PricingRule.objects.get().percent == D(-15)


def test_admin_provider_markup_inline_below_cost_needs_the_tick(admin_client, provider):
    url = reverse("admin:provider_provider_change", args=[provider.pk])
    form = {"name": provider.name, "api_url": provider.api_url, "api_key": "",
            "timeout": "1", "enabled": "on", "currency": "USD", "new_services_on_sale": "on",
            "multi_status": "unknown", "balance_alert_below": "",
            "pricing_rules-TOTAL_FORMS": "1", "pricing_rules-INITIAL_FORMS": "0",
            "pricing_rules-MIN_NUM_FORMS": "0", "pricing_rules-MAX_NUM_FORMS": "1",
            **{f"pricing_rules-0-{k}": v for k, v in _rule_form(fixed="-0.05").items()}}

    response = admin_client.post(url, form)

    assert "A markup of -0.05 per unit would sell below cost" in response.content.decode()
    assert not PricingRule.objects.exists()


def _service_form(service: Service, **fields: str) -> dict[str, str]:
    form = {"custom_name": "", "description": "", "category": service.category_id,
            "subcategory": service.subcategory_id or "", "type": service.type,
            "entity_type": service.entity_type, "price_unit": service.price_unit,
            "price_override": "", "min_quantity": service.min_quantity,
            "max_quantity": service.max_quantity, "auto_delivery": "on", "enabled": "on",
            "price_changes-TOTAL_FORMS": "0", "price_changes-INITIAL_FORMS": "0",
            "price_changes-MIN_NUM_FORMS": "0", "price_changes-MAX_NUM_FORMS": "1000"}
    return form | fields


def test_admin_price_override_below_cost_needs_the_tick(admin_client, followers):
    url = reverse("admin:provider_service_change", args=[followers.pk])

    refused = admin_client.post(url, _service_form(followers, price_override="0.30"))

    assert "A price of 0.3 would sell below the cost of 0.5" in refused.content.decode()
    followers.refresh_from_db()
    assert followers.price_override is None

    allowed = admin_client.post(url, _service_form(followers, price_override="0.30",
                                                   override_below_cost="on"))
    assert allowed.status_code == 302, allowed.content.decode()[:3000]
    followers.refresh_from_db()
    assert (followers.price_override, followers.sell_price) == (D("0.30"), D("0.30"))


def test_admin_price_override_above_cost_needs_nothing(admin_client, followers):
    url = reverse("admin:provider_service_change", args=[followers.pk])
    response = admin_client.post(url, _service_form(followers, price_override="0.90"))
    assert response.status_code == 302, response.content.decode()[:3000]
    followers.refresh_from_db()
    assert followers.sell_price == D("0.90")
    assert Provider.objects.count() == 1


def test_a_service_already_under_cost_can_still_be_switched_off(admin_client, followers):
    Service.objects.filter(pk=followers.pk).update(price_override=D("0.30"))
    listing = reverse("admin:provider_service_changelist")

    response = admin_client.post(listing, {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000", "form-0-id": followers.pk, "_save": "Save"})
    assert response.status_code == 302
    followers.refresh_from_db()
    assert not followers.enabled

    change = reverse("admin:provider_service_change", args=[followers.pk])
    response = admin_client.post(change, _service_form(followers, price_override="0.30",
                                                       enabled=""))
    assert response.status_code == 302, "the override did not change: no refusal"
