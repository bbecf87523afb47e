"""Every string the Python code shows to people is marked for translation and has an Arabic
translation in its app's catalogue (panel, orders, payments, support, provider, affiliates):
forms, the models' texts the admin and ModelForms show, and the admin classes' own. Each
check is first shown to fail on a fixture."""

import inspect
from pathlib import Path

import pytest
from django import forms
from django.apps import AppConfig, apps
from django.contrib import admin
from django.db import models
from django.test.utils import isolate_apps
from django.utils.translation import gettext_lazy as _

import tests.i18n
from tests.i18n import python_checks as checks

ROOT = Path(__file__).resolve().parents[2]
APPS = ("panel", "orders", "payments", "support", "provider", "affiliates")
# Payment processors' names: brands, the same in every language.
BRANDS = frozenset({"NOWPayments", "Cryptomus", "Heleket"})
# Where the code speaks to people (web views, forms, domain errors that reach them).
SHOWN_SOURCES = [
    *sorted((ROOT / "panel" / "storefront").glob("*.py")),
    *sorted((ROOT / "panel" / "staff").glob("*.py")),
    ROOT / "panel" / "admin.py",
    ROOT / "orders" / "admin.py",
    ROOT / "provider" / "admin.py",
    ROOT / "orders" / "placing.py",
    ROOT / "orders" / "sms.py",
    ROOT / "orders" / "staff.py",
    ROOT / "orders" / "queue.py",
    ROOT / "payments" / "deposits.py",
    ROOT / "payments" / "views.py",
    ROOT / "support" / "tickets.py",
]


def python_sources(app: str) -> list[Path]:
    return [
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "sandbox" not in path.parts
    ]


def catalogue(app: str) -> str:
    return (ROOT / app / "locale" / "ar" / "LC_MESSAGES" / "django.po").read_text()


# --- the checkers fail where they should --------------------------------------------------

BAD_SOURCE = """
from django.contrib import messages
def view(request, order):
    messages.success(request, f"Order {order} placed.")
    messages.info(request, _("Fine."))
    raise PlacementError("Quantity must be a whole number.", field="quantity")
"""


def test_the_source_checker_finds_bare_and_f_strings():
    found = checks.unmarked_in_source(BAD_SOURCE)
    assert len(found) == 2
    assert "Order {order} placed." in found[0] and "whole number" in found[1]


class BadForm(forms.Form):
    amount = forms.DecimalField(label="Amount", help_text=_("Fine"))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("a", "Plain"), ("b", _("Lazy"))])


class GoodForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"))


def test_the_form_checker_finds_plain_labels_and_choices():
    found = checks.form_texts_not_lazy([BadForm, GoodForm])
    assert len(found) == 2
    assert "BadForm.amount label" in found[0] and "choice 'a'" in found[1]


@isolate_apps("panel")
def test_the_model_checker_finds_plain_verbose_names_help_texts_choices_and_messages():
    class Bad(models.Model):  # noqa: DJ008 - never shown
        name = models.CharField("name", max_length=10, help_text=_("Fine"))
        kind = models.CharField(
            _("kind"),
            max_length=5,
            help_text="Plain help",
            choices=[("a", "Plain"), ("b", _("Lazy")), ("c", "Brand")],
        )
        unnamed = models.IntegerField()  # Django's default verbose name: nobody wrote it

        class Meta:
            app_label = "panel"
            verbose_name_plural = "bads"
            constraints = [
                models.CheckConstraint(
                    condition=models.Q(unnamed__gte=0),
                    name="bad_unnamed",
                    violation_error_message="Plain message",
                )
            ]

    class Good(models.Model):  # noqa: DJ008 - never shown
        name = models.CharField(_("name"), max_length=10, help_text=_("Fine"))

        class Meta:
            app_label = "panel"
            verbose_name = _("good")

    found = checks.model_texts_not_lazy([Bad, Good], allowed=frozenset({"Brand"}))
    assert found == [
        f"{__name__}.Bad Meta.verbose_name_plural: 'bads'",
        f"{__name__}.Bad.name verbose_name: 'name'",
        f"{__name__}.Bad.kind help_text: 'Plain help'",
        f"{__name__}.Bad.kind choice 'a': 'Plain'",
        f"{__name__}.Bad constraint bad_unnamed: 'Plain message'",
    ]


@isolate_apps("panel")
def test_the_names_checker_finds_fields_and_models_nobody_named_as_a_translation():
    class Unnamed(models.Model):  # noqa: DJ008 - never shown
        balance_checked_at = models.DateTimeField(null=True)  # Django says "balance checked at"
        written = models.CharField("written", max_length=5)
        owner = models.ForeignKey("panel.User", on_delete=models.CASCADE)
        named = models.ForeignKey(
            "panel.User", verbose_name=_("named"), on_delete=models.CASCADE, related_name="+"
        )

        class Meta:
            app_label = "panel"
            verbose_name = _("unnamed")

    class Named(models.Model):  # noqa: DJ008 - never shown
        balance_checked_at = models.DateTimeField(_("balance checked at"), null=True)

        class Meta:
            app_label = "panel"
            verbose_name = _("named")
            verbose_name_plural = _("named ones")

    found = checks.names_not_written([Unnamed, Named])
    assert found == [
        f"{__name__}.Unnamed Meta.verbose_name_plural: None",
        f"{__name__}.Unnamed.balance_checked_at verbose_name: None",
        f"{__name__}.Unnamed.written verbose_name: 'written'",
        f"{__name__}.Unnamed.owner verbose_name: None",
    ]


class PlainFilter(admin.SimpleListFilter):
    title = "plain"
    parameter_name = "p"


class BadInline(admin.TabularInline):
    model = models.Model
    verbose_name = "plain inline"
    verbose_name_plural = _("lazy inlines")

    @admin.display(description="inline plain")
    def shown(self, obj: object) -> str:
        return ""


class BadAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["a"]}),
        ("Plain", {"fields": ["b"]}),
        (_("Lazy"), {"fields": ["c"]}),
    ]
    list_filter = ["a", PlainFilter]
    inlines = [BadInline]

    @admin.display(description="plain column")
    def column(self, obj: object) -> str:
        return ""

    @admin.display(description=_("lazy column"))
    def fine(self, obj: object) -> str:
        return ""

    @admin.action(description="Plain action")
    def act(self, request: object, queryset: object) -> None:
        pass


def test_the_admin_checker_finds_plain_descriptions_and_titles():
    found = checks.admin_texts_not_lazy(
        [BadAdmin(apps.get_model("panel", "Incident"), admin.AdminSite())]
    )
    assert sorted(found) == sorted(
        [
            f"{__name__}.BadAdmin.column description: 'plain column'",
            f"{__name__}.BadAdmin.act description: 'Plain action'",
            f"{__name__}.BadAdmin fieldsets title: 'Plain'",
            f"{__name__}.BadAdmin filter PlainFilter title: 'plain'",
            f"{__name__}.BadInline.shown description: 'inline plain'",
            f"{__name__}.BadInline verbose_name: 'plain inline'",
        ]
    )


def test_the_app_name_checker_finds_a_plain_name():
    plain, lazy = AppConfig("tests.i18n", tests.i18n), AppConfig("tests.i18n", tests.i18n)
    plain.verbose_name, lazy.verbose_name = "Plain", _("Lazy")
    assert checks.app_names_not_lazy([plain, lazy]) == ["i18n: 'Plain'"]


BAD_CATALOGUE = """msgid ""
msgstr ""
"Plural-Forms: nplurals=6;\\n"

msgid "Translated"
msgstr "مترجم"

msgid "Missing"
msgstr ""

#, fuzzy
msgid "Guessed"
msgstr "مخمن"

#, python-format
msgid "Hello %(name)s"
msgstr "مرحبا %(nom)s"

#, python-format
msgid "%(count)d minute"
msgid_plural "%(count)d minutes"
msgstr[0] "%(count)d دقيقة"
msgstr[1] "دقيقة واحدة"
msgstr[2] "دقيقتان"
msgstr[3] "%(count)d دقائق"
msgstr[4] ""
msgstr[5] "%(count)d دقيقة"
"""


def test_the_catalogue_checker_finds_missing_fuzzy_and_wrong_placeholders():
    found = checks.catalogue_problems(BAD_CATALOGUE)
    assert found == [
        "untranslated: Missing",
        "fuzzy: Guessed",
        "placeholders ['nom'] vs ['name']: Hello %(name)s",
        "untranslated: %(count)d minute",
    ]


def test_the_freshness_checker_finds_a_marked_string_not_in_the_catalogue(tmp_path):
    source = tmp_path / "mod.py"
    source.write_text('x = _("Translated")\ny = gettext("Brand new")\n')
    assert checks.missing_from_catalogue([source], BAD_CATALOGUE) == {"Brand new"}


# --- the project --------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHOWN_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shown_string_is_left_unmarked(path):
    assert checks.unmarked_in_source(path.read_text(), str(path.relative_to(ROOT))) == []


def project_forms() -> list[type[forms.Form]]:
    import orders.admin
    import panel.admin
    import panel.staff.dashboard
    import panel.storefront.forms
    import provider.admin

    found = []
    for module in (
        orders.admin,
        panel.admin,
        panel.staff.dashboard,
        panel.storefront.forms,
        provider.admin,
    ):
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, forms.BaseForm)
            and value.__module__ == module.__name__
        ]
    return found


def test_forms_labels_help_texts_errors_and_choices_are_translations():
    found = project_forms()
    assert len(found) >= 8
    assert checks.form_texts_not_lazy(found) == []


def test_the_models_texts_for_the_admin_are_translations():
    found = [model for app in APPS for model in apps.get_app_config(app).get_models()]
    assert len(found) >= 20
    assert checks.model_texts_not_lazy(found, allowed=BRANDS) == []


def test_every_field_and_model_has_a_written_translated_name():
    found = [model for app in APPS for model in apps.get_app_config(app).get_models()]
    assert len(found) >= 20
    assert checks.names_not_written(found) == []


def test_the_apps_names_are_translations():
    assert checks.app_names_not_lazy(apps.get_app_config(app) for app in APPS) == []


def test_the_admin_classes_texts_are_translations():
    found = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in APPS
    ]
    assert len(found) >= 12
    assert checks.admin_texts_not_lazy(found) == []


@pytest.mark.parametrize("app", APPS)
def test_every_catalogue_entry_is_translated_in_arabic(app):
    entries = checks.parse_po(catalogue(app))
    assert entries
    assert checks.catalogue_problems(catalogue(app)) == []


@pytest.mark.parametrize("app", APPS)
def test_every_marked_string_is_in_its_apps_catalogue(app):
    assert checks.missing_from_catalogue(python_sources(app), catalogue(app)) == set()
