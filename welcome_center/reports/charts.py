"""The PDF report's charts (ReportLab graphics): topics as horizontal bars, the trend (12 to 24
months) as two lines; every label in DejaVu, long labels wrapped onto two lines."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from welcome_center.domain.statistics import TrendMonth
from welcome_center.i18n import figures, format_date, format_number
from welcome_center.reports.fonts import REGULAR, shorten

PRIMARY = colors.HexColor("#2F5D8A")
SECONDARY = colors.HexColor("#C9822B")
GRID = colors.HexColor("#D9DEE4")
TEXT = colors.HexColor("#222222")
AXIS_SIZE = 7.5
LABEL_WIDTH = 150.0  # points for the topic labels left of the bars
BAR_SLOT = 22.0  # points per topic: room for a label of two lines


def wrap_label(text: str, width: float, size: float = AXIS_SIZE, lines: int = 2) -> str:
    """``text`` broken at spaces into at most ``lines`` lines of ``width`` points; the last line
    shortened with "…" when the text does not fit (the table beside the chart has it in full)."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and _fits(f"{line} {words[0]}", width, size):
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words:
        out[-1] = " ".join([out[-1], *words])
    return "\n".join(shorten(line, width, REGULAR, size) for line in out)


def _fits(text: str, width: float, size: float) -> bool:
    return bool(stringWidth(text, REGULAR, size) <= width)


def nice_scale(largest: int, ticks: int = 5) -> tuple[int, int]:
    """(maximum, step) of a value axis from 0 with whole-number steps of 1, 2 or 5 × 10^k."""
    if largest <= 0:
        return 1, 1
    raw = largest / ticks
    power = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    step = next(f * power for f in (1, 2, 5, 10) if f * power >= raw)
    return int(math.ceil(largest / step) * step), int(step)


def _value_axis(axis: Any, largest: int) -> None:
    top, step = nice_scale(largest)
    axis.valueMin = 0
    axis.valueMax = top
    axis.valueStep = step
    axis.labelTextFormat = lambda v: format_number(int(v))
    axis.labels.fontName = REGULAR
    axis.labels.fontSize = AXIS_SIZE
    axis.labels.fillColor = TEXT
    axis.strokeColor = GRID
    axis.visibleGrid = True
    axis.gridStrokeColor = GRID
    axis.gridStrokeWidth = 0.5


def _drawing(width: float, height: float) -> Drawing:
    """A drawing that starts in DejaVu (ReportLab's renderer would set Helvetica first)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = REGULAR
    return drawing


def topic_chart(rows: Sequence[tuple[str, int]], width: float) -> Drawing:
    """Horizontal bars, the first row at the top, each with its count at the bar's end."""
    height = BAR_SLOT * len(rows) + 24
    drawing = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = LABEL_WIDTH + 8, 16
    chart.width, chart.height = width - LABEL_WIDTH - 40, BAR_SLOT * len(rows)
    chart.data = [[n for _, n in reversed(rows)]]  # the chart draws its first category lowest
    chart.bars[0].fillColor = PRIMARY
    chart.bars[0].strokeColor = None
    chart.barWidth, chart.groupSpacing = 12, 8
    axis = chart.categoryAxis
    axis.categoryNames = [wrap_label(label, LABEL_WIDTH) for label, _ in reversed(rows)]
    axis.labels.fontName, axis.labels.fontSize = REGULAR, AXIS_SIZE
    axis.labels.leading, axis.labels.fillColor = AXIS_SIZE * 1.2, TEXT
    axis.labels.boxAnchor, axis.labels.textAnchor, axis.labels.dx = "e", "end", -6
    axis.strokeColor, axis.tickLeft = GRID, 0
    _value_axis(chart.valueAxis, max((n for _, n in rows), default=0))
    chart.barLabelFormat = lambda v: format_number(int(v))
    chart.barLabels.fontName, chart.barLabels.fontSize = REGULAR, AXIS_SIZE
    chart.barLabels.boxAnchor, chart.barLabels.dx, chart.barLabels.fillColor = "w", 3, TEXT
    drawing.add(chart)
    return drawing


def trend_chart(months: Sequence[TrendMonth], width: float) -> Drawing:
    """Enquiries received and cases worked per month, as two lines with a legend below."""
    drawing = _drawing(width, 190)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 36, 52, width - 48, 128
    chart.data = [[m.enquiries_received for m in months], [m.cases_worked for m in months]]
    chart.joinedLines = 1
    for i, colour in enumerate((PRIMARY, SECONDARY)):
        chart.lines[i].strokeColor, chart.lines[i].strokeWidth = colour, 1.6
        chart.lines[i].symbol = makeMarker("FilledCircle", size=3.5, fillColor=colour)
    axis = chart.categoryAxis
    step = 1 if len(months) <= 12 else 2  # 13 to 24 months: every other month named
    axis.categoryNames = [
        format_date(m.month, "LLL yy") if i % step == (len(months) - 1) % step else ""
        for i, m in enumerate(months)
    ]
    axis.labels.fontName, axis.labels.fontSize, axis.labels.fillColor = REGULAR, AXIS_SIZE, TEXT
    axis.labels.boxAnchor, axis.labels.dy = "n", -2
    axis.strokeColor = GRID
    largest = max((max(m.enquiries_received, m.cases_worked) for m in months), default=0)
    _value_axis(chart.valueAxis, largest)
    chart.lineLabels.fontName = REGULAR
    drawing.add(chart)
    drawing.add(_legend(width))
    return drawing


def _legend(width: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = 36, 12
    legend.alignment, legend.columnMaximum = "right", 1
    legend.fontName, legend.fontSize, legend.fillColor = REGULAR, 8, TEXT
    legend.dx, legend.dy, legend.deltax, legend.swdx = 10, 3, 40, 6
    legend.strokeColor = None
    legend.colorNamePairs = [
        (PRIMARY, figures.title("enquiries_received")),
        (SECONDARY, figures.title("cases_worked")),
    ]
    legend.autoXPadding = 24
    return legend
