"""The dashboard's weekly charts, drawn on the server as SVG: no script to fetch or run on a phone, and
every chart's figures also go out as a table (``templates/reports/_chart.html``).

Across the chart, positions are percentages of its width, so it fills any screen without scaling its
text; up and down they are pixels. Every number is formatted here, never by the template's localisation."""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass

HEIGHT = 190  # px: the plot, and the weeks beneath it
PLOT_TOP = 8
PLOT_BOTTOM = 166
LEFT = 9.0  # % of the width kept for the value axis
RIGHT = 99.0
BAR_SHARE = 0.6  # of a week's width
TICKS = 4


@dataclass(frozen=True)
class Series:
    """A figure per week: drawn as bars, or as a line with a dot per week. ``key`` names its colour."""

    key: str
    label: str
    values: Sequence[float]
    kind: str = "bar"


@dataclass(frozen=True)
class Tick:
    label: str
    y: str


@dataclass(frozen=True)
class WeekLabel:
    label: str
    x: str
    odd: bool  # left out on a phone, where every other week's date is enough


@dataclass(frozen=True)
class Mark:
    """A bar (``x``, ``width``, ``y``, ``height``) or a dot of a line (``x``, ``y``), with its hover text."""

    x: str
    y: str
    title: str
    width: str = ""
    height: str = ""


@dataclass(frozen=True)
class Segment:
    x1: str
    y1: str
    x2: str
    y2: str


@dataclass(frozen=True)
class DrawnSeries:
    key: str
    label: str
    kind: str
    marks: list[Mark]
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    """One chart, ready for ``_chart.html``: its SVG's shapes and its table's rows."""

    id: str
    title: str
    height: int
    baseline: str
    left: str
    right: str
    axis_x: str  # where the value axis's labels end
    week_y: str  # where the weeks' dates sit
    ticks: list[Tick]
    weeks: list[WeekLabel]
    series: list[DrawnSeries]
    columns: list[str]
    rows: list[tuple[str, list[str]]]


def number(value: float) -> str:
    """3 → "3", 2.5 → "2.5", 1.25 → "1.25": at most two decimals, none when whole."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def axis_step(maximum: float, *, whole: bool) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about four ticks up to ``maximum``;
    whole numbers for counts."""
    if maximum <= 0:
        return 1
    rough = maximum / TICKS
    magnitude = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= rough and (not whole or step == int(step)):
            return step
    return math.ceil(rough)


def _px(value: float) -> str:
    return f"{value:.1f}"


def _percent(value: float) -> str:
    return f"{value:.2f}%"


def trend_chart(*, id: str, title: str, weeks: Sequence[datetime.date], series: Sequence[Series], whole: bool) -> Chart:
    """A chart of weekly figures: bars side by side per week, lines across them, on one value axis from 0."""
    maximum = max((value for each in series for value in each.values), default=0)
    step = axis_step(maximum, whole=whole)
    top = step * max(1, math.ceil(maximum / step))
    slot = (RIGHT - LEFT) / max(1, len(weeks))
    bars = [each for each in series if each.kind == "bar"]
    bar_width = slot * BAR_SHARE / max(1, len(bars))

    def y(value: float) -> str:
        return _px(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / top)

    def centre(index: int) -> float:
        return LEFT + slot * (index + 0.5)

    drawn = []
    for each in series:
        marks, segments = [], []
        for index, (week, value) in enumerate(zip(weeks, each.values, strict=True)):
            hover = f"{week:%m-%d} {each.label}: {number(value)}"
            if each.kind == "bar":
                left = centre(index) - slot * BAR_SHARE / 2 + bars.index(each) * bar_width
                height = _px((PLOT_BOTTOM - PLOT_TOP) * value / top)
                marks.append(Mark(_percent(left), y(value), hover, width=_percent(bar_width), height=height))
                continue
            marks.append(Mark(_percent(centre(index)), y(value), hover))
            if index:
                before = each.values[index - 1]
                segments.append(Segment(_percent(centre(index - 1)), y(before), _percent(centre(index)), y(value)))
        drawn.append(DrawnSeries(each.key, each.label, each.kind, marks, segments))
    return Chart(
        id=id,
        title=title,
        height=HEIGHT,
        baseline=_px(PLOT_BOTTOM),
        left=_percent(LEFT),
        right=_percent(RIGHT),
        axis_x=_percent(LEFT - 1),
        week_y=_px(HEIGHT - 6),
        ticks=[Tick(label=number(step * n), y=y(step * n)) for n in range(round(top / step) + 1)],
        weeks=[
            WeekLabel(label=f"{week:%m-%d}", x=_percent(centre(index)), odd=(len(weeks) - 1 - index) % 2 == 1)
            for index, week in enumerate(weeks)
        ],
        series=drawn,
        columns=[each.label for each in series],
        rows=[
            (f"{week:%Y-%m-%d}", [number(each.values[index]) for each in series]) for index, week in enumerate(weeks)
        ],
    )
