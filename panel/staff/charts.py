"""Charts drawn on the server as SVG geometry for the templates: no script, no inline style,
so the strict Content-Security-Policy holds. Colours come from classes in staff.css.

A chart here is numbers already placed in a fixed viewBox; the SVG scales to its container
(1280 px desktop or a 390 px phone) with `viewBox` and `width: 100%`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass
class Chart:
    width: int
    height: int
    zero_y: float = 0
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    top_label: str = ""
    bottom_label: str = ""


def _fmt(value: Decimal) -> str:
    return f"{value:,.2f}"


def grouped_bars(groups: Sequence[tuple[str, Sequence[Decimal]]], series: Sequence[str], *,
                 width: int = 960, height: int = 220, label_every: int = 1,
                 names: Sequence[str] = ()) -> Chart:
    """Bars side by side per group (a day, a provider), one per series (revenue, cost,
    profit: the bars' CSS classes); negative values hang below the zero line. `names` are
    the series as people read them in the bars' titles (the series themselves without)."""
    shown = list(names) or list(series)
    chart = Chart(width, height)
    values = [v for _, vs in groups for v in vs] or [Decimal(0)]
    top, bottom = max(max(values), Decimal(0)), min(min(values), Decimal(0))
    span = (top - bottom) or Decimal(1)
    plot = height - 24  # room for the labels underneath
    chart.zero_y = round(float(top / span) * plot, 1)
    slot = width / max(len(groups), 1)
    bar_w = max(slot * 0.8 / max(len(series), 1), 1.0)
    for i, (label, vs) in enumerate(groups):
        for j, (name, shown_name, value) in enumerate(zip(series, shown, vs, strict=True)):
            h = float(abs(value) / span) * plot
            y = chart.zero_y - h if value >= 0 else chart.zero_y
            chart.bars.append(Bar(round(i * slot + slot * 0.1 + j * bar_w, 1), round(y, 1),
                                  round(bar_w, 1), round(max(h, 0.5), 1), name,
                                  f"{label} {shown_name}: {_fmt(value)}"))
        if i % label_every == 0:
            chart.ticks.append(Tick(round(i * slot + slot / 2, 1), height - 6, label))
    chart.top_label, chart.bottom_label = _fmt(top), (_fmt(bottom) if bottom < 0 else "")
    return chart


def meter(value: Decimal | None, mark: Decimal | None, *, width: int = 300) -> Chart:
    """A balance against its threshold: the bar is the balance, the tick the threshold,
    on a scale of twice the threshold (or the balance, if larger)."""
    chart = Chart(width, 16)
    value = max(value or Decimal(0), Decimal(0))
    scale = max(value, (mark or Decimal(0)) * 2) or Decimal(1)
    low = mark is not None and value < mark
    chart.bars.append(Bar(0, 2, round(float(value / scale) * width, 1), 12,
                          "low" if low else "ok", _fmt(value)))
    if mark is not None:
        chart.ticks.append(Tick(round(float(mark / scale) * width, 1), 0, _fmt(mark)))
    return chart


def share(value: Decimal | int, total: Decimal | int, *, width: int = 200) -> float:
    """The width of a bar for `value` out of `total` (a row's bar in a table)."""
    return round(float(value) / float(total) * width, 1) if total else 0.0
