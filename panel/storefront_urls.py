"""The storefront's URLs (everything a customer sees, under `/`)."""

from django.urls import path

from panel import branding
from panel.storefront import (
    accounts,
    mass,
    notices,
    ordering,
    orders,
    pages,
    sms,
    support,
    wallet,
)
from panel.storefront.affiliates import affiliate_page

urlpatterns = [
    path("", pages.home, name="home"),
    path("catalog/", pages.catalog, name="catalog"),
    path("brand.css", branding.css, name="brand_css"),
    path("brand/logo", branding.logo, name="brand_logo"),
    # accounts
    path("signup/", accounts.sign_up, name="signup"),
    path("login/", accounts.sign_in, name="login"),
    path("logout/", accounts.sign_out, name="logout"),
    path("password-reset/", accounts.password_reset, name="password_reset"),
    path("password-reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", accounts.password_reset_confirm,
         name="password_reset_confirm"),
    path("password-reset/done/", accounts.password_reset_complete,
         name="password_reset_complete"),
    path("account/", accounts.account, name="account"),
    path("account/password/", accounts.password_change, name="password_change"),
    path("account/verify/<str:token>/", accounts.verify_email, name="verify_email"),
    path("account/verify-again/", accounts.resend_verification, name="resend_verification"),
    path("account/api-key/", accounts.api_key, name="account_api_key"),
    # orders
    path("order/new/", ordering.new_order, name="order_new"),
    path("order/quote/", ordering.order_quote, name="order_quote"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/mass/", mass.mass_order, name="mass_order"),
    path("orders/<int:order_id>/", orders.order_detail, name="order"),
    path("orders/<int:order_id>/refill/", orders.order_refill, name="order_refill"),
    path("orders/<int:order_id>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:order_id>/accounts.txt", orders.order_accounts, name="order_accounts"),
    path("sms/", sms.sms_page, name="sms"),
    path("sms/rent/", sms.rent, name="sms_rent"),
    path("support/", support.ticket_list, name="tickets"),
    path("support/<int:ticket_id>/", support.ticket_page, name="ticket"),
    path("wallet/", wallet.wallet, name="wallet"),
    path("affiliates/", affiliate_page, name="affiliates"),
    path("wallet/add-funds/", wallet.add_funds, name="add_funds"),
    path("wallet/deposits/<int:deposit_id>/", wallet.deposit_detail, name="deposit"),
    path("wallet/deposits/<int:deposit_id>/paid/", wallet.deposit_submit, name="deposit_submit"),
    # notices
    path("notices/", notices.notice_list, name="notices"),
    path("notices/count", notices.notice_count, name="notice_count"),
    path("notices/<int:notice_id>/", notices.notice_open, name="notice"),
    path("account/emails/", notices.email_switches, name="account_emails"),
]
