"""Chart geometry for the dashboard's server-drawn SVG: the numbers become rectangles and text
positions here, the templates (`templates/assessment/dashboard/_*_chart.html`) only draw them.

Each series has a colour and a fill pattern (solid, hatched, dotted, cross-hatched) and every
bar carries its number as text, so a chart reads without colour; the template puts the same
numbers in a table beside it.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    style: str  # agency-chart__fill--<style> (colour)
    pattern: str = "solid"


@dataclass
class Segment:
    series: Series
    value: int
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    show_text: bool

    @property
    def pill(self):
        """(x, y, width, height) of the white label behind the number: legible on any fill."""
        width = 8 * len(str(self.value)) + 10
        return (self.text_x - width / 2, self.text_y - 14, width, 19)


@dataclass
class Bar:
    label: str
    total_text: str
    segments: list[Segment]
    label_x: float
    label_y: float
    total_x: float
    total_y: float
    # A second line under the label (the year under a month).
    sublabel: str = ""


@dataclass
class Marker:
    label: str
    x1: float
    y1: float
    x2: float
    y2: float
    text_x: float
    text_y: float
    anchor: str = "middle"


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    series: list[Series]
    bars: list[Bar] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    baseline: tuple[float, float, float, float] | None = None
    axis_label: str = ""
    axis_label_x: float = 0
    axis_label_y: float = 0

    @property
    def patterns(self):
        return sorted({s.pattern for s in self.series} - {"solid"})


def _nice_max(value):
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return -(-value // step) * step
    return value


def horizontal_bars(chart_id, *, title, description, series, rows, label_width=170, width=720, bar_height=28,
                    gap=12, total_format="%d", segment_text=True):
    """Stacked horizontal bars, one per row: `rows` are (label, {series key: value}, total text
    or None). The number of each segment is written inside it when it fits, and the row's total
    (or the given text) after the bar."""
    top, right_space = 8, 190
    plot = width - label_width - right_space
    largest = _nice_max(max([sum(values.values()) for _, values, _ in rows] or [0]))
    bars = []
    for index, (label, values, total_text) in enumerate(rows):
        y = top + index * (bar_height + gap)
        x = label_width
        segments = []
        for s in series:
            value = values.get(s.key, 0)
            w = plot * value / largest
            segments.append(Segment(s, value, x, y, w, bar_height, x + w / 2, y + bar_height / 2 + 5,
                                    segment_text and value > 0 and w >= 9 * len(str(value)) + 8))
            x += w
        total = sum(values.values())
        bars.append(Bar(label, total_text if total_text is not None else total_format % total, segments,
                        label_width - 10, y + bar_height / 2 + 5, x + 8, y + bar_height / 2 + 5))
    height = top + len(rows) * (bar_height + gap) + 4
    chart = Chart(chart_id, title, description, width, height, list(series), bars)
    chart.baseline = (label_width, top - 4, label_width, height - gap + 4)
    return chart


def columns(chart_id, *, title, description, series, rows, width=720, height=300, top_texts=None, markers=(),
            axis_label="", segment_text=True):
    """Stacked vertical columns: `rows` are (label or (label, second line), {series key: value}). `top_texts` (one per
    column, or None) is written above each column; `markers` are (label, position) pairs for a
    dashed vertical line at a column position (1 = between the first and the second column),
    their labels one above the other so that close markers stay readable. `segment_text`
    writes each segment's number inside it (a single series already has it above)."""
    line = 18
    left, right, bottom = 12, 12, 72
    top = 44 + line * len(markers)
    height += line * len(markers)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(rows), 1)
    bar_w = min(step * 0.72, 64)
    largest = _nice_max(max([sum(values.values()) for _, values in rows] or [0]))
    base = top + plot_h
    bars = []
    for index, (label, values) in enumerate(rows):
        cx = left + step * index + step / 2
        y = base
        segments = []
        for s in series:
            value = values.get(s.key, 0)
            h = plot_h * value / largest
            y -= h
            segments.append(Segment(s, value, cx - bar_w / 2, y, bar_w, h, cx, y + h / 2 + 5,
                                    segment_text and value > 0 and h >= 18 and bar_w >= 9 * len(str(value)) + 4))
        total = sum(values.values())
        text = (top_texts[index] if top_texts else None) or ("" if total == 0 else str(total))
        label, sublabel = label if isinstance(label, tuple) else (label, "")
        bars.append(Bar(label, text, segments, cx, base + 20, cx, y - 8, sublabel))
    chart = Chart(chart_id, title, description, width, height, list(series), bars)
    chart.baseline = (left, base, width - right, base)
    for index, (label, position) in enumerate(markers):
        x = left + step * position
        text_y = 16 + line * index
        # The first marker is the reference (the promise): a marker left of it labels leftwards,
        # so the two labels never run into each other's line; so does one near the right edge.
        leftwards = x > width * 0.7 or (index > 0 and position < markers[0][1])
        anchor, text_x = ("end", x - 4) if leftwards else ("start", x + 4)
        chart.markers.append(Marker(label, x, text_y + 5, x, base, text_x, text_y, anchor))
    if axis_label:
        chart.axis_label, chart.axis_label_x, chart.axis_label_y = axis_label, width / 2, height - 8
    return chart
