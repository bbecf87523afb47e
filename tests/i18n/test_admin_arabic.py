"""The admin in Arabic shows the texts the project's models and admin classes give it
translated: help texts and verbose names, fieldset titles, column and action names."""

from django.urls import reverse


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
