"""The shop's branding: set in the admin, cached, shown at once after a save, and the
primary colour reaching pages only as a validated hex colour in /brand.css."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from panel import branding
from panel.admin import ShopSettingsForm
from panel.models import ShopSettings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def test_defaults_without_settings(db):
    assert branding.current() == branding.DEFAULT


def test_branding_is_cached_and_a_save_shows_at_once(db, client, django_assert_num_queries):
    row = ShopSettings.objects.create(name="Nova Boost")
    assert branding.current().name == "Nova Boost"
    with django_assert_num_queries(0):
        branding.current()
    row.name = "Nova Boost Pro"
    row.save()
    assert branding.current().name == "Nova Boost Pro"
    assert "Nova Boost Pro" in client.get("/").content.decode()


def test_one_row_only(db):
    ShopSettings.objects.create(name="A")
    ShopSettings(name="B").save()
    assert ShopSettings.objects.get().name == "B"


def test_brand_css_is_the_primary_colour_and_its_ink(client, db):
    ShopSettings.objects.create(primary_color="#0F766E")
    response = client.get("/brand.css")
    assert response["Content-Type"].startswith("text/css")
    assert response.content.decode() == ":root{--primary:#0f766e;--on-primary:#ffffff}\n"
    ShopSettings.objects.update(primary_color="#fde047")  # a light yellow
    ShopSettings.objects.get().save()
    assert "--on-primary:#111827" in client.get("/brand.css").content.decode()


# At most 7 characters: the column is varchar(7), and PostgreSQL enforces it.
@pytest.mark.parametrize("bad", ["red", "#fff", "#12345g", "#1;}b{x", "};x{y:z", ""])
def test_only_a_hex_colour_reaches_css(client, db, bad):
    ShopSettings.objects.create()
    ShopSettings.objects.update(primary_color=bad)  # past the model's validator
    css = client.get("/brand.css").content.decode()
    assert css.startswith(":root{--primary:#4f46e5;")


def test_a_versioned_stylesheet_is_cached_for_long(client, db):
    ShopSettings.objects.create()
    version = branding.current().version
    assert "immutable" in client.get(f"/brand.css?v={version}")["Cache-Control"]
    assert "max-age=60" in client.get("/brand.css?v=old")["Cache-Control"]


def _form(data=None, logo=None, instance=None):
    files = {"logo_file": SimpleUploadedFile("logo", logo)} if logo is not None else {}
    fields = {"name": "Nova Boost", "primary_color": "#0f766e", "support_email": "",
              "footer_text": "", "currency_symbol": "$", **(data or {})}
    return ShopSettingsForm(fields, files, instance=instance)


def test_the_admin_form_takes_a_png_logo_which_the_header_shows(client, db):
    form = _form(logo=PNG)
    assert form.is_valid(), form.errors
    form.save()
    response = client.get(f"/brand/logo?v={branding.current().version}")
    assert response["Content-Type"] == "image/png"
    assert response.content == PNG
    assert '<img src="/brand/logo?v=' in client.get("/").content.decode()
    form = _form({"remove_logo": "on"}, instance=ShopSettings.objects.get())
    assert form.is_valid()
    form.save()
    assert client.get("/brand/logo").status_code == 404


@pytest.mark.parametrize("logo", [SVG, b"GIF8", b"x" * (branding.MAX_LOGO_BYTES + 1)])
def test_the_admin_form_refuses_other_files(db, logo):
    form = _form(logo=logo)
    assert not form.is_valid()
    assert "logo_file" in form.errors


def test_the_admin_form_refuses_a_bad_colour(db):
    form = _form({"primary_color": "blue"})
    assert not form.is_valid() and "primary_color" in form.errors


def test_the_admin_opens_the_one_row(admin_client):
    response = admin_client.get("/admin/panel/shopsettings/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/panel/shopsettings/1/change/"
    page = admin_client.get(response["Location"])
    assert page.status_code == 200 and b"logo_file" in page.content
    assert admin_client.get("/admin/panel/shopsettings/add/").status_code == 403
    assert admin_client.post("/admin/panel/shopsettings/1/delete/").status_code == 403


def test_admin_save_changes_the_shop(admin_client, client, db, settings):
    settings.PANEL_CURRENCY = "EUR"
    admin_client.get("/admin/panel/shopsettings/")
    response = admin_client.post("/admin/panel/shopsettings/1/change/", {
        "name": "Nova Boost", "primary_color": "#be123c", "support_email": "help@nova.example",
        "footer_text": "Since 2021", "currency_symbol": "€"})
    assert response.status_code == 302, response.content
    page = client.get("/").content.decode()
    assert "Nova Boost" in page and "Since 2021" in page
    assert "--primary:#be123c" in client.get("/brand.css").content.decode()


@pytest.mark.parametrize(("symbol", "accepted"), [
    ("€", False), ("EUR", False), ("£", False), ("$", True), ("US$", True), ("USD", True),
    ("¤", True),  # a sign of no particular currency: the admin's choice
])
def test_the_symbol_must_stand_for_the_panels_one_currency(admin_client, db, symbol, accepted):
    admin_client.get("/admin/panel/shopsettings/")
    response = admin_client.post("/admin/panel/shopsettings/1/change/", {
        "name": "Nova Boost", "primary_color": "#be123c", "currency_symbol": symbol})
    assert (response.status_code == 302) is accepted
    if not accepted:
        assert "The panel&#x27;s currency is USD" in response.content.decode()
        assert ShopSettings.objects.get().currency_symbol == "$"


def test_the_admin_is_told_what_the_symbol_does(admin_client, db):
    admin_client.get("/admin/panel/shopsettings/")
    page = admin_client.get("/admin/panel/shopsettings/1/change/").content.decode()
    assert "converts nothing" in page and "PANEL_CURRENCY" in page


def test_the_currency_symbol_is_on_every_price(client, provider):
    ShopSettings.objects.create(currency_symbol="€")
    page = client.get("/catalog/?q=Instagram+Followers").content.decode()
    assert "€0.50" in page


def test_sender_keeps_the_configured_address(settings, db):
    settings.DEFAULT_FROM_EMAIL = "Panel <shop@example.com>"
    ShopSettings.objects.create(name="Nova, Boost")
    assert branding.sender() == '"Nova, Boost" <shop@example.com>'
