"""Self-contained HTML pages: one file, inline CSS and SVG, nothing fetched from anywhere.

The procuratorate's internal network has no internet. Every page carries a
Content-Security-Policy that forbids loading anything (no script, no remote style, font or
image), so a page that works in the tests works offline: a browser would refuse any
resource a later change added. Text is escaped; numbers are drawn as SVG bars.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

# Nothing may load: styles are inline (<style>), charts are inline <svg>, no scripts.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
COLOURS = {
    "ok": "#2e7d32",
    "failed": "#c62828",
    "warn": "#ef6c00",
    "info": "#1565c0",
    "muted": "#90a4ae",
    "高": "#c62828",
    "中": "#ef6c00",
    "低": "#78909c",
    "✓": "#2e7d32",
    "?": "#f9a825",
    "✗": "#c62828",
}
_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;
color:#212121;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:18px 0 6px}p.meta{color:#616161;margin:0 0 12px;font-size:13px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:bold;font-size:12px}
.badge.Succeeded{background:#2e7d32}.badge.Failed{background:#c62828}
tr.failed td{background:#ffebee}.note{color:#616161;font-size:12px}
.banner{background:#c62828;color:#fff;padding:10px 14px;font-weight:bold;margin:10px 0}
svg text{font-size:12px;font-family:inherit}figure{margin:8px 0 16px}
figcaption{font-size:12px;color:#616161}
"""


def esc(value: object) -> str:
    """Text for HTML: escaped, None as an empty string."""
    return "" if value is None else escape(str(value), quote=True)


def page(title: str, body: Iterable[str], *, lang: str = "zh-CN") -> str:
    """A whole page: doctype, charset, the no-loading CSP, inline styles and `body`."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{lang}"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
            *body,
            "</body></html>",
        ]
    )


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Sequence[int] = (),
    row_class: Sequence[str] | None = None,
    raw: Sequence[int] = (),
    attrs: str = "",
) -> str:
    """An HTML table; `numeric` columns right-aligned, `raw` columns not escaped (badges)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{esc(row_class[i])}"' if row_class and row_class[i] else ""
        cells = "".join(
            f"<td{' class=n' if j in numeric else ''}>{cell if j in raw else esc(cell)}</td>"
            for j, cell in enumerate(row)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def badge(status: str) -> str:
    return f'<span class="badge {esc(status)}">{esc(status)}</span>'


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label and its parts (label, value, colour), drawn end to end."""

    label: str
    parts: tuple[tuple[str, float, str], ...]

    @property
    def total(self) -> float:
        return sum(v for _, v, _ in self.parts)


def bar_chart(bars: Sequence[Bar], *, chart_id: str, caption: str, width: int = 720) -> str:
    """Horizontal (stacked) bars as inline SVG, each with its label and total; every part
    is a <rect> with data-label and data-value, and a <title> a browser shows on hover."""
    label_w, row_h, value_w = 190, 26, 90
    largest = max((b.total for b in bars), default=0.0)
    scale = (width - label_w - value_w) / largest if largest > 0 else 0.0
    height = row_h * len(bars) + 6
    items = []
    for i, bar in enumerate(bars):
        y = 3 + i * row_h
        items.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{esc(bar.label)}</text>'
        )
        x = float(label_w)
        for part, value, colour in bar.parts:
            w = value * scale
            items.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{colour}" data-bar="{esc(bar.label)}" data-label="{esc(part)}" '
                f'data-value="{value:g}"><title>{esc(bar.label)} {esc(part)}: {value:g}</title></rect>'
            )
            x += w
        total = (
            f"{bar.total:,.0f}"
            if len(bar.parts) == 1
            else " / ".join(f"{v:,.0f}" for _, v, _ in bar.parts)
        )
        items.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{esc(total)}</text>')
    svg = (
        f'<svg id="{esc(chart_id)}" role="img" aria-label="{esc(caption)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">' + "".join(items) + "</svg>"
    )
    return f"<figure>{svg}<figcaption>{esc(caption)}</figcaption></figure>"


def legend(parts: Iterable[tuple[str, str]]) -> str:
    """Colour keys for a stacked chart: (label, colour)."""
    keys = "".join(
        f'<span style="display:inline-block;width:10px;height:10px;background:{c};margin:0 4px 0 12px">'
        f"</span>{esc(label)}"
        for label, c in parts
    )
    return f'<p class="note">{keys}</p>'
