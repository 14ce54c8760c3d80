"""Charts drawn on the server as SVG: no script, nothing for the content security policy to stop."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def bar_chart(rows: list[tuple[str, int]], *, title: str, rtl: bool = True, width: int = 640) -> SafeString:
    """Horizontal bars, one per (label, value); labels on the reading side, values at the bar's end."""
    bar_height, gap, label_width, value_width = 22, 10, 200, 50
    height = max(len(rows), 1) * (bar_height + gap) + gap
    top = max((value for _, value in rows), default=0) or 1
    span = width - label_width - value_width
    bars = []
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = max(round(span * value / top), 2)
        if rtl:
            label_x, anchor, bar_x, value_x, value_anchor = (
                width - 8,
                "end",
                width - label_width - length,
                width - label_width - length - 6,
                "end",
            )
        else:
            label_x, anchor, bar_x, value_x, value_anchor = 8, "start", label_width, label_width + length + 6, "start"
        bars.append(
            (label_x, y + 16, anchor, label, bar_x, y, length, bar_height, value_x, y + 16, value_anchor, value)
        )
    body = format_html_join(
        "",
        '<g class="chart-bar"><text x="{}" y="{}" text-anchor="{}" font-size="13" fill="#1f2933">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#1b7f5b"></rect>'
        '<text x="{}" y="{}" text-anchor="{}" font-size="13" fill="#1f2933">{}</text></g>',
        bars,
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        "<title>{}</title>{}</svg>",
        title, width, height, title, body,
    )
