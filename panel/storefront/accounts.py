"""Signing up, in and out, password reset, e-mail verification, the account and API key
pages. Sign-in and password reset are Django's own views, styled to the shop."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from affiliates.referrals import link_signup
from panel import branding
from panel.apikeys import regenerate_api_key
from panel.storefront import referral_visits, throttle, verification
from panel.storefront.forms import QueuedPasswordResetForm, SignInForm, SignupForm
from panel.storefront.rendering import customer_required, page

TOO_MANY_EMAILS = _("Too many e-mails were sent from your address. Try again later.")

sign_in = auth.LoginView.as_view(template_name="accounts/login.html",
                                 authentication_form=SignInForm,
                                 redirect_authenticated_user=True)
sign_out = auth.LogoutView.as_view()
password_reset_done = auth.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html")
password_reset_confirm = auth.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html")
password_reset_complete = auth.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html")
password_change = auth.PasswordChangeView.as_view(
    template_name="accounts/password_change.html", success_url=reverse_lazy("account"))


def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.may_send_email(request):
            form.add_error(None, TOO_MANY_EMAILS)
        elif (user := form.save_once()) is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            link_signup(user, request.COOKIES.get(referral_visits.COOKIE, ""))
            verification.send_link(request, user)
            messages.success(request, gettext("Welcome! We sent a confirmation link to %(email)s.")
                             % {"email": user.email})
            response = redirect("catalog")
            response.delete_cookie(referral_visits.COOKIE, samesite="Lax")
            return response
    return page(request, "accounts/signup.html", {"form": form})


def password_reset(request: HttpRequest) -> HttpResponse:
    """Django's reset view, in the shop's name, with the e-mail limit per address."""
    if request.method == "POST" and not throttle.may_send_email(request):
        messages.error(request, TOO_MANY_EMAILS)
        return redirect("password_reset")
    shop = branding.current()
    view = auth.PasswordResetView.as_view(
        template_name="accounts/password_reset_form.html", form_class=QueuedPasswordResetForm,
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        from_email=branding.sender(), extra_email_context={"shop": shop})
    return view(request)


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    user = verification.verify(token)
    if user is None:
        return page(request, "accounts/verify_failed.html", {}, status=400)
    messages.success(request, _("Your e-mail is confirmed. You can order now."))
    return redirect("catalog" if request.user.is_authenticated else "login")


@require_POST
@customer_required
def resend_verification(request: HttpRequest) -> HttpResponse:
    if request.user.email_verified:
        messages.info(request, _("Your e-mail is already confirmed."))
    elif throttle.may_send_email(request):
        verification.send_link(request, request.user)
        messages.success(request, gettext("We sent a new link to %(email)s.")
                         % {"email": request.user.email})
    else:
        messages.error(request, TOO_MANY_EMAILS)
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return redirect(back if back and safe else "account")


@customer_required
def account(request: HttpRequest) -> HttpResponse:
    return page(request, "accounts/account.html", {})


@never_cache
@customer_required
def api_key(request: HttpRequest) -> HttpResponse:
    """The key page; a POST makes a new key (the old one stops working), shown once."""
    key = ""
    if request.method == "POST":
        key = regenerate_api_key(request.user)
    return page(request, "accounts/api_key.html", {"key": key}, partial="key")
