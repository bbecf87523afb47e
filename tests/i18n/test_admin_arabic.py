"""The admin in Arabic shows the texts the project's models and admin classes give it
translated: help texts and verbose names, fieldset titles, column and action names."""

from django.urls import reverse

from panel.models import AuditEntry
from tests.panel.test_audit_admin import provider_form


def arabic_page(client, person, url: str) -> str:
    client.force_login(person)
    response = client.get(url, headers={"accept-language": "ar"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ar" dir="rtl"' in html
    return html


def test_a_providers_page_in_arabic_shows_its_help_texts_translated(client, owner, upstream):
    provider = upstream[0]
    html = arabic_page(client, owner, reverse("admin:provider_provider_change", args=[provider.pk]))
    assert "عدد الثواني لانتظار كل طلب إلى المزوّد." in html  # the timeout's help text
    assert "مهلة إعادة التعبئة (بالأيام)" in html  # refill_days' verbose name
    assert "Seconds to wait for each upstream call." not in html


def test_an_orders_page_in_arabic_shows_its_sections_translated(client, owner, owned):
    html = arabic_page(client, owner, reverse("admin:orders_order_change", args=[owned["smm"].pk]))
    assert "ما طُلب" in html  # the "What was ordered" section
    assert "التوقيت والتشغيل الداخلي" in html
    assert "What was ordered" not in html


def test_the_orders_list_in_arabic_names_its_actions_and_filter_in_arabic(client, owner, owned):
    html = arabic_page(client, owner, reverse("admin:orders_order_changelist"))
    assert "تعليم كفاشل واسترداد المبلغ" in html  # an action
    assert "انتهاء رقم SMS" in html  # the list filter's title
    assert "الخدمة أو الرقم" in html  # a column


def test_fields_named_only_by_their_attribute_before_show_their_arabic_label(
    client, owner, upstream
):
    provider = upstream[0]
    html = arabic_page(client, owner, reverse("admin:provider_provider_change", args=[provider.pk]))
    assert "التنبيه عندما يقل الرصيد عن" in html  # balance_alert_below's label
    assert "عرض الخدمات الجديدة للبيع" in html  # new_services_on_sale's
    assert "Balance alert below" not in html and "New services on sale" not in html
    assert "هامش المزوّد" in html  # the markup inline's title
    assert "المزوّدون والكتالوج" in html  # the app's name, in the breadcrumbs
    assert "Providers and catalog" not in html


def test_an_arabic_admin_records_audit_actions_in_the_codes_english(client, owner, upstream):
    """The audit log is stored text: the model's name in it does not follow the language the
    admin was read in (its verbose name is a translation now)."""
    provider = upstream[0]
    client.force_login(owner)
    form = provider_form(provider, balance_alert_below="25")
    response = client.post(
        reverse("admin:provider_provider_change", args=[provider.pk]),
        form,
        headers={"accept-language": "ar"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(target_id=str(provider.pk)).get().action == (
        "provider changed"
    )
