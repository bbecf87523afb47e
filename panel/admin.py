from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from panel import branding
from panel.models import ShopSettings, User
from panel.storefront.forms import ThrottledSignIn


class AdminSignInForm(ThrottledSignIn, AdminAuthenticationForm):
    """The admin's sign-in, under the storefront's limits on failed attempts (the same
    counters: guessing cannot move from one door to the other)."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": "Too many failed sign-ins. Try again in %(wait)s.",
    }


admin.site.login_form = AdminSignInForm


@admin.register(User)
class PanelUserAdmin(UserAdmin):
    list_display = ["email", "is_active", "email_verified", "is_staff", "date_joined"]
    search_fields = ["email"]
    ordering = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Status", {"fields": ["is_active", "email_verified", "is_staff", "is_superuser",
                               "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class ShopSettingsForm(forms.ModelForm):
    logo_file = forms.FileField(
        label="Logo", required=False,
        help_text="PNG, JPEG, GIF or WebP, up to 512 KB; shown about 32 px high in the header.")
    remove_logo = forms.BooleanField(required=False, help_text="Show the shop name only.")

    class Meta:
        model = ShopSettings
        fields = ["name", "primary_color", "support_email", "footer_text", "currency_symbol"]
        widgets = {"primary_color": forms.TextInput(attrs={"type": "color"})}

    def clean_logo_file(self) -> tuple[bytes, str] | None:
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > branding.MAX_LOGO_BYTES:
            raise forms.ValidationError("The logo must be 512 KB or smaller.")
        data = upload.read()
        kind = branding.sniff_image(data)
        if kind is None:
            raise forms.ValidationError("The logo must be a PNG, JPEG, GIF or WebP image.")
        return data, kind

    def save(self, commit: bool = True) -> ShopSettings:
        row = super().save(commit=False)
        if self.cleaned_data.get("remove_logo"):
            row.logo, row.logo_type = b"", ""
        if upload := self.cleaned_data.get("logo_file"):
            row.logo, row.logo_type = upload
        if commit:
            row.save()
        return row


@admin.register(ShopSettings)
class ShopSettingsAdmin(admin.ModelAdmin):
    """One row: the list opens it; it can be changed, never added twice or deleted."""

    form = ShopSettingsForm
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ShopSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None
                        ) -> HttpResponse:
        row, _ = ShopSettings.objects.get_or_create(pk=1)
        return redirect("admin:panel_shopsettings_change", row.pk)
