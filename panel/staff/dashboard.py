"""The owner's dashboard (`/staff/dashboard`, admins only): money by day and by provider,
orders by state, services by profit, provider balances and top-ups, for a chosen period.
The figures come from `orders.reports`; this view checks who asks and draws the charts."""

from datetime import timedelta

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders import reports
from panel import roles
from panel.staff import charts

SERIES = ["revenue", "cost", "profit"]
SERIES_NAMES = [_("revenue"), _("cost"), _("profit")]
PRESETS = [7, 30, 90]
MAX_DAYS = 366


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and not timedelta(0) <= end - start < timedelta(days=MAX_DAYS):
            raise forms.ValidationError(
                _("Choose an end after the start, at most %(max)d days apart."),
                code="period", params={"max": MAX_DAYS})
        return cleaned


def chosen_period(request: HttpRequest) -> tuple[reports.Period, PeriodForm]:
    """The period asked for, or the last 30 days (also when the dates make no sense)."""
    if days := request.GET.get("days", ""):
        period = reports.Period.last_days(int(days) if days in {"7", "30", "90"} else 30)
    else:
        period = reports.Period.last_days(30)
    form = PeriodForm(request.GET if "start" in request.GET else None,
                      initial={"start": period.start, "end": period.end})
    if form.is_bound and form.is_valid():
        period = reports.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return period, form


def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not roles.is_admin(request.user):
        raise PermissionDenied(_("The dashboard is for the shop's admins."))
    period, form = chosen_period(request)
    report = reports.report(period)
    days = report.by_day
    states_total = sum(s.value for s in report.states)
    top_ups_total = sum((t.value for t in report.top_ups), reports.ZERO)
    return render(request, "staff/dashboard.html", {
        "form": form, "report": report, "total": report.total, "presets": PRESETS,
        "today": timezone.localdate(),
        "by_day": charts.grouped_bars(
            [(d.label[5:], [d.revenue, d.cost, d.profit]) for d in days], SERIES,
            label_every=max(len(days) // 10, 1), names=SERIES_NAMES),
        "by_provider": charts.grouped_bars(
            [(p.label, [p.revenue, p.cost, p.profit]) for p in report.by_provider], SERIES,
            width=480, height=160, names=SERIES_NAMES),
        "states": [(s, charts.share(s.value, states_total)) for s in report.states],
        "balances": [(b, charts.meter(b.balance, b.threshold)) for b in report.balances],
        "top_ups": [(t, charts.share(t.value, top_ups_total)) for t in report.top_ups],
        "services": [(s, f"{s.refund_rate * 100:.0f}%", took(s.avg_completion))
                     for s in report.services],
    })


def took(duration: timedelta | None) -> str:
    """A duration as people say it: "3 d 4 h", "2 h 5 min", "40 min", "-" for none."""
    if duration is None:
        return "-"
    minutes = int(duration.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"
