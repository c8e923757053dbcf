"""Where each bar, label and gridline of a trend chart goes (issue 19), worked out here so the
templates only draw what they are given (templates/partials/charts.html), and the HTML page and
the PDF made from it show the same chart.

Bars for percentages sit side by side, one per series, on a 0-100% axis; counts (suppliers by
risk band) are stacked, one bar per year. Every value is also printed in the data table beside
the chart, so colour is never the only way to tell the series apart.

No Flask, SQLAlchemy or clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from supplier_dd.reports.data import PERCENT, format_value
from supplier_dd.reports.trends import Trend

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 64  # room for the axis labels and the legend
# GOV.UK colours with a contrast of at least 3:1 against white (WCAG 1.4.11), in series order.
PERCENT_COLOURS = ("#1d70b8", "#912b88", "#00703c")
# Risk bands as the pack's PDF colours them: Low, Medium, High, Critical, excluded, awaiting,
# not assessed. The yellow has a dark outline, as it is lighter than 3:1.
BAND_COLOURS = ("#00703c", "#ffdd00", "#f47738", "#d4351c", "#0b0c0c", "#1d70b8", "#b1b4b6")
OUTLINE = "#0b0c0c"
# A row of the legend holds four band names, or two of the longer series names.
LEGEND_PER_ROW = {True: 4, False: 2}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # the value, printed above a side-by-side bar
    label_y: float


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class AxisLabel:
    x: float
    text: str


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float
    colour: str
    text: str


@dataclass(frozen=True)
class ChartLayout:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    baseline: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    years: tuple[AxisLabel, ...]
    no_records: tuple[AxisLabel, ...]  # years with nothing to draw, said in words at the axis
    legend: tuple[LegendItem, ...]


def layout(trend: Trend) -> ChartLayout:
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    years = trend.years
    slot = plot_width / max(len(years), 1)
    top_value = 100.0 if trend.unit == PERCENT else _nice_top(max(trend.totals(), default=0))
    scale = plot_height / top_value
    colours = BAND_COLOURS if trend.stacked else PERCENT_COLOURS

    bars: list[Bar] = []
    empty: list[AxisLabel] = []
    for index in range(len(years)):
        slot_left = LEFT + index * slot
        if trend.stacked:
            width = slot * 0.5
            x = slot_left + (slot - width) / 2
            y = baseline
            for number, series in enumerate(trend.series):
                value = series.points[index].value or 0
                if value:
                    height = value * scale
                    y -= height
                    bars.append(Bar(x, y, width, height, colours[number % len(colours)],
                                    "", y))
            if not trend.totals()[index]:
                empty.append(AxisLabel(slot_left + slot / 2, "No records"))
            continue
        width = slot * 0.7 / max(len(trend.series), 1)
        recorded = False
        for number, series in enumerate(trend.series):
            value = series.points[index].value
            x = slot_left + slot * 0.15 + number * width
            if value is None:
                continue
            recorded = True
            height = value * scale
            bars.append(Bar(x, baseline - height, width * 0.9, height,
                            colours[number % len(colours)],
                            format_value(value, trend.unit), baseline - height - 4))
        if not recorded:
            empty.append(AxisLabel(slot_left + slot / 2, "No records"))

    ticks = tuple(Tick(baseline - value * scale, _tick_text(value, trend.unit))
                  for value in _tick_values(top_value))
    year_labels = tuple(AxisLabel(LEFT + (i + 0.5) * slot, year) for i, year in enumerate(years))
    # A band no year has is left out of the legend; its colour stays its own.
    shown = [(i, series) for i, series in enumerate(trend.series)
             if not trend.stacked or any(point.value for point in series.points)]
    per_row = LEGEND_PER_ROW[trend.stacked]
    legend_step = plot_width / per_row
    legend = tuple(
        LegendItem(LEFT + (place % per_row) * legend_step,
                   baseline + 36 + (place // per_row) * 16,
                   colours[i % len(colours)], series.label)
        for place, (i, series) in enumerate(shown))
    return ChartLayout(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP, baseline, tuple(bars), ticks,
                       year_labels, tuple(empty), legend)


def _nice_top(value: float) -> float:
    """The axis's top: the next 1, 2 or 5 times a power of ten above the tallest bar."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _tick_values(top: float) -> list[float]:
    return [top * i / 4 for i in range(5)]


def _tick_text(value: float, unit: str) -> str:
    if unit == PERCENT:
        return f"{value:.0f}%"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
