"""Small inline SVG charts for the digest: no plotting library, no scripts, no external files.

Every piece of text that reaches the SVG (brand names, labels) is escaped here, so the result can
be marked safe and dropped into an autoescaped HTML template.
"""

from __future__ import annotations

from markupsafe import Markup, escape

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf")
SENTIMENT_COLOURS = {"negative": "#d62728", "neutral": "#9e9e9e", "positive": "#2ca02c"}
FONT = "font-family='Helvetica,Arial,sans-serif' font-size='11'"

_LEFT, _RIGHT, _TOP, _BOTTOM = 40, 10, 28, 44


def _nice_max(value: int) -> int:
    """A round top for the y axis, so gridlines read 0, 5, 10... rather than 0, 7, 14."""
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def _frame(title: str, width: int, height: int, top: int, labels: list[str]) -> list[str]:
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label='{escape(title)}'>",
        f"<title>{escape(title)}</title>",
        f"<rect width='{width}' height='{height}' fill='#ffffff'/>",
        f"<text x='{_LEFT}' y='16' {FONT} font-weight='bold'>{escape(title)}</text>",
    ]
    for i in range(5):
        value = top * i / 4
        y = _TOP + plot_h - plot_h * i / 4
        parts.append(
            f"<line x1='{_LEFT}' y1='{y:.1f}' x2='{_LEFT + plot_w}' y2='{y:.1f}' "
            "stroke='#e0e0e0' stroke-width='1'/>"
        )
        parts.append(
            f"<text x='{_LEFT - 4}' y='{y + 4:.1f}' {FONT} text-anchor='end' "
            f"fill='#555'>{value:g}</text>"
        )
    step = plot_w / max(len(labels), 1)
    every = max(1, len(labels) // 8)  # at most ~8 date labels, or they overlap
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            x = _LEFT + step * (i + 0.5)
            parts.append(
                f"<text x='{x:.1f}' y='{_TOP + plot_h + 14}' {FONT} "
                f"text-anchor='middle' fill='#555'>{escape(label)}</text>"
            )
    return parts


def _legend(names: list[str], colours: list[str], width: int, height: int) -> list[str]:
    parts, x = [], _LEFT
    for name, colour in zip(names, colours, strict=True):
        parts.append(f"<rect x='{x}' y='{height - 14}' width='10' height='10' fill='{colour}'/>")
        parts.append(f"<text x='{x + 14}' y='{height - 5}' {FONT}>{escape(name)}</text>")
        x += 24 + 7 * len(name)
        if x > width - 60:
            break
    return parts


def line_chart(
    labels: list[str],
    series: dict[str, list[int]],
    *,
    title: str,
    width: int = 600,
    height: int = 220,
) -> Markup:
    """A line per series over the labelled days (e.g. mentions per brand per day)."""
    top = _nice_max(max((max(v) for v in series.values() if v), default=0))
    parts = _frame(title, width, height, top, labels)
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    step = plot_w / max(len(labels), 1)
    names = list(series)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    for name, colour in zip(names, colours, strict=True):
        points = " ".join(
            f"{_LEFT + step * (i + 0.5):.1f},{_TOP + plot_h - plot_h * v / top:.1f}"
            for i, v in enumerate(series[name])
        )
        parts.append(
            f"<polyline points='{points}' fill='none' stroke='{colour}' stroke-width='2'/>"
        )
        last = series[name][-1] if series[name] else 0
        parts.append(
            f"<circle cx='{_LEFT + step * (len(series[name]) - 0.5):.1f}' "
            f"cy='{_TOP + plot_h - plot_h * last / top:.1f}' r='3' fill='{colour}'/>"
        )
    parts += _legend(names, colours, width, height)
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bars(
    labels: list[str],
    series: dict[str, list[int]],
    *,
    title: str,
    width: int = 600,
    height: int = 220,
    colours: dict[str, str] | None = None,
) -> Markup:
    """One bar per day, split by series (e.g. negative / neutral / positive posts)."""
    colours = colours or SENTIMENT_COLOURS
    totals = [sum(v[i] for v in series.values()) for i in range(len(labels))]
    top = _nice_max(max(totals, default=0))
    parts = _frame(title, width, height, top, labels)
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    step = plot_w / max(len(labels), 1)
    names = list(series)
    fills = [colours.get(n, PALETTE[i % len(PALETTE)]) for i, n in enumerate(names)]
    for i in range(len(labels)):
        y: float = _TOP + plot_h
        for name, fill in zip(names, fills, strict=True):
            h = plot_h * series[name][i] / top
            if h <= 0:
                continue
            y -= h
            parts.append(
                f"<rect x='{_LEFT + step * i + step * 0.15:.1f}' y='{y:.1f}' "
                f"width='{step * 0.7:.1f}' height='{h:.1f}' fill='{fill}'>"
                f"<title>{escape(name)}: {series[name][i]}</title></rect>"
            )
    parts += _legend(names, fills, width, height)
    parts.append("</svg>")
    return Markup("".join(parts))
