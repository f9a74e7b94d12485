"""Charts as SVG drawn on the server: no script, no library, nothing fetched by the browser.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(what it shows and its largest values), with axis labels and a legend in words; every bar
carries a ``<title>`` with its exact figure (a tooltip). The page puts the same figures in a
table next to it. Colours are only presentation attributes (the console's Content-Security-
Policy allows no inline style) and each series is told by its legend too, not by colour alone.
All text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 760
#: Series colours, dark enough for white text and distinct in grey-scale order.
PALETTE = ("#0b5c7a", "#b35c00", "#1e6b3a", "#6a3d9a", "#8c2d19", "#3f4d54", "#00796b")
_FONT = 'font-family="inherit" font-size="12" fill="#1d2a30"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _nice_ceiling(value: float, steps: int = 4) -> float:
    """The top of an axis of ``steps`` equal steps, each 1, 2 or 5 × 10^k (whole numbers from
    a top of 4 up), at least ``value``."""
    if value <= 0:
        return float(steps)
    raw = value / steps
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if step * power >= raw:
            return float(step * power * steps)
    return float(10 * power * steps)


def _fit(text: str, width: float) -> str:
    """``text``, cut with an ellipsis to about ``width`` pixels."""
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _frame(chart_id: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    chart_id = str(escape(chart_id))
    # Every text of the chart went through escape(); numbers and colours are ours.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _text_width(text: str) -> float:
    """About how wide ``text`` is drawn at 12 px: CJK characters are square, others narrow."""
    return sum(12.5 if ord(ch) > 0x2E7F else 7.0 for ch in text)


def _legend(series: Sequence[Series], y: float, x: float = 8) -> list[str]:
    parts = []
    for n, one in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16:.1f}" y="{y:.1f}" {_FONT}>{escape(one.name)}</text>'
        )
        x += 28 + _text_width(one.name)
    return parts


def _empty(chart_id: str, title: str, message: str) -> Markup:
    body = [f'<text x="{WIDTH / 2}" y="60" text-anchor="middle" {_FONT}>{escape(message)}</text>']
    return _frame(chart_id, title, message, 100, body)


def stacked_bars(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    empty: str = "No data in this period.",
) -> Markup:
    """Vertical bars, one per category (a day, a week …), stacked by series."""
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    if not categories or not series or not any(totals):
        return _empty(chart_id, title, empty)
    left, right, top, bottom = 64, 12, 34, 58
    height = 320
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    ceiling = _nice_ceiling(max(totals))
    slot = plot_w / len(categories)
    bar = max(1.0, min(40.0, slot * 0.7))
    body = _legend(series, 16)
    for step in range(5):
        value = ceiling * step / 4
        y = top + plot_h - plot_h * step / 4
        body.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d9e0e3" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT}>{_number(value)}</text>'
        )
    every = max(1, math.ceil(len(categories) / 12))
    for i, category in enumerate(categories):
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h
        for n, one in enumerate(series):
            value = one.values[i]
            if not value:
                continue
            h = plot_h * value / ceiling
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(category)} · '
                f"{escape(one.name)}: {_number(value)}</title></rect>"
            )
        if i % every == 0:
            body.append(
                f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f"{_FONT}>{escape(category)}</text>"
            )
    body.append(
        f'<line x1="{left}" x2="{WIDTH - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="#5b6b73" stroke-width="1"/>'
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" {_FONT}>'
        f"{escape(x_label)}</text>"
        f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" {_FONT}>{escape(y_label)}</text>'
    )
    peak = max(range(len(categories)), key=lambda i: totals[i])
    desc = (
        f"{y_label} by {x_label.lower()}, stacked by {', '.join(s.name for s in series)}: "
        f"{_number(sum(totals))} in all; the most, {_number(totals[peak])}, on {categories[peak]}."
    )
    return _frame(chart_id, title, desc, height, body)


def horizontal_bars(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    x_label: str,
    show: Callable[[float], str] = _number,
    empty: str = "No data in this period.",
) -> Markup:
    """One row per label, a bar per series (grouped), its value written at its end."""
    values = [v for s in series for v in s.values]
    if not labels or not series or not any(values):
        return _empty(chart_id, title, empty)
    left, right, top = 230, 110, 30 if len(series) > 1 else 10
    bar, gap = 16, 12
    row = bar * len(series) + gap
    height = top + row * len(labels) + 34
    plot_w = WIDTH - left - right
    ceiling = max(values) or 1.0
    body = _legend(series, 16) if len(series) > 1 else []
    for i, label in enumerate(labels):
        y0 = top + row * i
        shown = _fit(label, left - 16)
        body.append(
            f'<text x="{left - 8}" y="{y0 + row / 2:.1f}" text-anchor="end" '
            f'dominant-baseline="middle" {_FONT}><title>{escape(label)}</title>'
            f"{escape(shown)}</text>"
        )
        for n, one in enumerate(series):
            value = one.values[i]
            w = plot_w * value / ceiling if value else 0
            y = y0 + n * bar
            body.append(
                f'<rect x="{left}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{bar - 3}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(label)} · '
                f"{escape(one.name)}: {escape(show(value))}</title></rect>"
                f'<text x="{left + w + 6:.1f}" y="{y + (bar - 3) / 2:.1f}" '
                f'dominant-baseline="middle" {_FONT}>{escape(show(value))}</text>'
            )
    body.append(
        f'<line x1="{left}" x2="{left}" y1="{top - 4}" y2="{height - 30}" '
        f'stroke="#5b6b73" stroke-width="1"/>'
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" {_FONT}>'
        f"{escape(x_label)}</text>"
    )
    best = max(range(len(labels)), key=lambda i: series[0].values[i])
    desc = (
        f"{x_label} for {len(labels)} item(s)"
        + (f", by {', '.join(s.name for s in series)}" if len(series) > 1 else "")
        + f"; the largest {series[0].name.lower()}: {labels[best]}, "
        f"{show(series[0].values[best])}."
    )
    return _frame(chart_id, title, desc, height, body)


__all__ = ["Series", "horizontal_bars", "stacked_bars"]
