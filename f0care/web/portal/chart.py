"""A small server-side SVG line chart: one value a day, the red threshold drawn across."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from dialogs.program import Level, Question

WIDTH, HEIGHT, PAD = 320, 140, 28


def red_threshold(question: Question) -> float | None:
    """The value at which the question's red rule starts (SpO2 ≤ 96: 96), for the line on the chart."""
    for rule in question.rules:
        if rule.level is Level.RED and rule.value is not None and rule.min_age is None and rule.max_age is None:
            return rule.value
    return None


def line_chart(
    title: str, points: Sequence[tuple[date, float | None]], low: float, high: float, red: float | None
) -> str:
    """An accessible inline SVG (role img, a title) of `points` between `low` and `high`."""
    days = len(points)
    step = (WIDTH - 2 * PAD) / max(days - 1, 1)
    span = (high - low) or 1.0

    def x(i: int) -> float:
        return PAD + i * step

    def y(value: float) -> float:
        clamped = min(max(value, low), high)
        return HEIGHT - PAD - (clamped - low) / span * (HEIGHT - 2 * PAD)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<rect x="{PAD}" y="{PAD}" width="{WIDTH - 2 * PAD}" height="{HEIGHT - 2 * PAD}" fill="#fff" stroke="#999"/>',
        f'<text x="2" y="{PAD + 4}" font-size="10">{high:g}</text>',
        f'<text x="2" y="{HEIGHT - PAD + 4}" font-size="10">{low:g}</text>',
    ]
    if red is not None and low <= red <= high:
        parts.append(
            f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(red):.1f}" y2="{y(red):.1f}" stroke="#c00" '
            f'stroke-dasharray="4 3"/><text x="{WIDTH - PAD + 2}" y="{y(red) + 4:.1f}" font-size="10" '
            f'fill="#c00">{red:g}</text>'
        )
    drawn = [(x(i), y(v), v) for i, (_day, v) in enumerate(points) if v is not None]
    if len(drawn) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _v in drawn)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#036" stroke-width="2"/>')
    for px, py, value in drawn:
        colour = "#c00" if red is not None and value <= red else "#036"
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"><title>{value:g}</title></circle>')
    for i, (day, _v) in enumerate(points):
        if days <= 8 or i % 2 == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" font-size="9" text-anchor="middle">{day.day}/{day.month}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
