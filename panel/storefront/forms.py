"""The storefront's account forms: sign-up, sign-in with its attempt limits (shared with the
admin's sign-in), password reset."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
)
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from panel import language, mail
from panel.models import User
from panel.storefront import throttle

ALREADY_TAKEN = _("An account with this e-mail already exists. Sign in, or reset your "
                  "password.")


class SignupForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("E-mail")
        email.widget.attrs.update({"autocomplete": "email", "autofocus": True})
        self.fields["password1"].help_text = _("At least 8 characters, not only digits.")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        # The address is also the account's username, which holds fewer characters.
        longest = User._meta.get_field("username").max_length
        if len(email) > longest:
            raise ValidationError(_("An e-mail address of at most %(max)d characters, please."),
                                  code="max_length", params={"max": longest})
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(ALREADY_TAKEN)
        return email

    def save_once(self) -> User | None:
        """The new account, or None when the address was taken meanwhile (a sign-up
        racing this one won: the database's case-insensitive unique rule decides)."""
        try:
            with transaction.atomic():
                return self.save()
        except IntegrityError:
            self.add_error("email", ALREADY_TAKEN)
            return None


class ThrottledSignIn:
    """Sign-in by e-mail in any case, refused while the client address or the account has
    used up its failed attempts (`throttle`). Mixed into the storefront's sign-in and the
    admin's, so both doors count against the same limits."""

    def clean(self) -> dict:
        email = (self.cleaned_data.get("username") or "").strip()
        if email and (wait := throttle.sign_in_blocked(self.request, email)):
            raise ValidationError(self.error_messages["throttled"], code="throttled",
                                  params={"wait": throttle.minutes(wait)})
        known = User.objects.filter(email__iexact=email).values_list("email", flat=True)
        self.cleaned_data["username"] = known.first() or email
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                throttle.sign_in_failed(self.request, email)
            raise


class SignInForm(ThrottledSignIn, AuthenticationForm):
    """The storefront's sign-in."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That e-mail and password do not match an account."),
        "throttled": _("Too many failed sign-ins. Try again in %(wait)s, or reset your "
                       "password."),
    }

    def __init__(self, request: object = None, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email"})
        self.fields["username"].label = _("E-mail")


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form; its e-mail goes, as plain text, through the panel's mail queue."""

    def send_mail(self, subject_template_name: str, email_template_name: str,
                  context: dict, from_email: str | None, to_email: str,
                  html_email_template_name: str | None = None) -> None:
        with language.for_user(context.get("user")):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
        mail.send(subject, body, [to_email], from_email=from_email)
