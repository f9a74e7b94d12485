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
#: A phone's chart: about the width of a card on a 390-pixel screen, so 12 px stays ~11 px.
NARROW = 360
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


def _frame(
    chart_id: str, title: str, desc: str, width: float, height: int, body: list[str], variant: str
) -> Markup:
    chart_id = str(escape(chart_id))
    # Every text of the chart went through escape(); numbers and colours are ours.
    return Markup(  # noqa: S704
        f'<svg class="chart {variant}" viewBox="0 0 {width:.0f} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _text_width(text: str) -> float:
    """About how wide ``text`` is drawn at 12 px: CJK characters are square, others narrow."""
    return sum(12.5 if ord(ch) > 0x2E7F else 7.0 for ch in text)


def _legend(
    series: Sequence[Series], y: float, width: float, x: float = 8
) -> tuple[list[str], float]:
    """The legend from ``y`` down, wrapped to ``width``; and the baseline of its last line."""
    parts = []
    for n, one in enumerate(series):
        item = 28 + _text_width(one.name)
        if x > 8 and x + item - 12 > width:
            x, y = 8, y + 20
        colour = PALETTE[n % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16:.1f}" y="{y:.1f}" {_FONT}>{escape(one.name)}</text>'
        )
        x += item
    return parts, y


def _both(draw: Callable[[str, float, str], Markup], chart_id: str) -> Markup:
    """The chart drawn for a wide page and again for a phone's width: the page shows one of
    them (a CSS media query), so that neither is shrunk to unreadable text nor cut off."""
    return draw(chart_id, WIDTH, "wide") + draw(f"{chart_id}-narrow", NARROW, "narrow")


def _empty(chart_id: str, title: str, message: str) -> Markup:
    def draw(one_id: str, width: float, variant: str) -> Markup:
        lines = [message] if _text_width(message) < width - 16 else _wrap(message, width - 16)
        body = [
            f'<text x="{width / 2}" y="{40 + 18 * n}" text-anchor="middle" {_FONT}>'
            f"{escape(line)}</text>"
            for n, line in enumerate(lines)
        ]
        return _frame(one_id, title, message, width, 60 + 18 * len(lines), body, variant)

    return _both(draw, chart_id)


def _wrap(text: str, width: float) -> list[str]:
    """``text`` in lines of about ``width`` pixels, broken at spaces."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


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
    ceiling = _nice_ceiling(max(totals))
    ticks = [ceiling * step / 4 for step in range(5)]
    peak = max(range(len(categories)), key=lambda i: totals[i])
    desc = (
        f"{y_label} by {x_label.lower()}, stacked by {', '.join(s.name for s in series)}: "
        f"{_number(sum(totals))} in all; the most, {_number(totals[peak])}, on {categories[peak]}."
    )

    def draw(one_id: str, width: float, variant: str) -> Markup:
        body, legend_y = _legend(series, 16, width)
        narrow = variant == "narrow"
        # On a phone the axis's name goes (the chart's title says it) to leave room for bars.
        left = 14 + max(_text_width(_number(t)) for t in ticks) if narrow else 64
        right, top, bottom = 12, legend_y + 18, 58
        height = round(top + 286)
        plot_w, plot_h = width - left - right, height - top - bottom
        slot = plot_w / len(categories)
        bar = max(1.0, min(40.0, slot * 0.7))
        for step, value in enumerate(ticks):
            y = top + plot_h - plot_h * step / 4
            body.append(
                f'<line x1="{left:.1f}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="#d9e0e3" stroke-width="1"/>'
                f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" {_FONT}>'
                f"{_number(value)}</text>"
            )
        # As many labels under the axis as fit side by side.
        label_w = max(_text_width(c) for c in categories) + 12
        every = max(1, math.ceil(len(categories) * label_w / plot_w))
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
            f'<line x1="{left:.1f}" x2="{width - right}" y1="{top + plot_h}" '
            f'y2="{top + plot_h}" stroke="#5b6b73" stroke-width="1"/>'
            f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" {_FONT}>'
            f"{escape(x_label)}</text>"
        )
        if not narrow:
            body.append(
                f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
                f'text-anchor="middle" {_FONT}>{escape(y_label)}</text>'
            )
        return _frame(one_id, title, desc, width, height, body, variant)

    return _both(draw, chart_id)


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
    """One row per label, a bar per series (grouped), its value written at its end. On a
    phone each label stands above its bars, in full width."""
    values = [v for s in series for v in s.values]
    if not labels or not series or not any(values):
        return _empty(chart_id, title, empty)
    ceiling = max(values) or 1.0
    best = max(range(len(labels)), key=lambda i: series[0].values[i])
    desc = (
        f"{x_label} for {len(labels)} item(s)"
        + (f", by {', '.join(s.name for s in series)}" if len(series) > 1 else "")
        + f"; the largest {series[0].name.lower()}: {labels[best]}, "
        f"{show(series[0].values[best])}."
    )
    value_w = max(_text_width(show(v)) for v in values) + 12

    def draw(one_id: str, width: float, variant: str) -> Markup:
        narrow = variant == "narrow"
        body, legend_y = _legend(series, 16, width) if len(series) > 1 else ([], -4.0)
        top = legend_y + 14
        bar, gap = 16, 12
        heading = 18 if narrow else 0
        row = heading + bar * len(series) + gap
        left = 8.0 if narrow else 230.0
        right = value_w if narrow else max(110.0, value_w)
        height = round(top + row * len(labels) + 34)
        plot_w = width - left - right
        for i, label in enumerate(labels):
            y0 = top + row * i
            if narrow:
                body.append(
                    f'<text x="{left:.1f}" y="{y0 + 12:.1f}" {_FONT}>'
                    f"<title>{escape(label)}</title>{escape(_fit(label, width - 16))}</text>"
                )
            else:
                body.append(
                    f'<text x="{left - 8:.1f}" y="{y0 + row / 2:.1f}" text-anchor="end" '
                    f'dominant-baseline="middle" {_FONT}><title>{escape(label)}</title>'
                    f"{escape(_fit(label, left - 16))}</text>"
                )
            for n, one in enumerate(series):
                value = one.values[i]
                w = plot_w * value / ceiling if value else 0
                y = y0 + heading + n * bar
                body.append(
                    f'<rect x="{left:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" '
                    f'height="{bar - 3}" fill="{PALETTE[n % len(PALETTE)]}">'
                    f"<title>{escape(label)} · {escape(one.name)}: {escape(show(value))}</title>"
                    f'</rect><text x="{left + w + 6:.1f}" y="{y + (bar - 3) / 2:.1f}" '
                    f'dominant-baseline="middle" {_FONT}>{escape(show(value))}</text>'
                )
        if not narrow:  # (on a phone the axis would run through the labels above the bars)
            body.append(
                f'<line x1="{left:.1f}" x2="{left:.1f}" y1="{top - 4:.1f}" y2="{height - 30}" '
                f'stroke="#5b6b73" stroke-width="1"/>'
            )
        body.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" {_FONT}>'
            f"{escape(x_label)}</text>"
        )
        return _frame(one_id, title, desc, width, height, body, variant)

    return _both(draw, chart_id)


__all__ = ["Series", "horizontal_bars", "stacked_bars"]
