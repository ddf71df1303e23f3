"""What the page shows: frozen dataclasses of suppressed figures, and the heat map's dimensions.

Every number in them is a ``Cell`` from confidentiality.suppression (None where
a figure does not exist); the other modules of surveys.dashboard fill them in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from confidentiality.suppression import Cell
from surveys.instruments import Instrument
from surveys.models import Survey, Wave

DIMENSIONS = {
    "department": "Department",
    "profession": "Profession",
    "site": "Site",
    "tenure": "Length of service",
}
DEFAULT_DIMENSION = "department"
ALL_LABEL = "All respondents"
OTHER_LABEL = "Other / not stated"


@dataclass(frozen=True)
class Flag:
    """An outcome or composite: what its prevalence counts, in plain words."""

    id: str
    label: str
    description: str


@dataclass(frozen=True)
class WaveFigures:
    """One wave as the page shows it: its dates, thresholds and response counts."""

    id: int
    label: str
    opens_on: datetime.date
    closes_on: datetime.date
    imported: bool
    k: int
    k_comments: int
    computed_at: datetime.datetime
    invited: Cell | None  # None: not recorded (an imported wave may not know)
    responses: Cell
    response_rate: Cell | None  # None: cannot be worked out


@dataclass(frozen=True)
class ChangeMark:
    """The change in a prevalence since the wave before, in percentage points."""

    since: str
    difference: Cell
    low: Cell
    high: Cell
    reliable: bool
    label: str  # "reliable increase", "reliable decrease" or "no reliable change"

    @property
    def direction(self) -> str:
        if not self.reliable:
            return "none"
        return "up" if self.label.endswith("increase") else "down"


@dataclass(frozen=True)
class Point:
    """A prevalence (%) in one wave with its Wilson 95 % interval."""

    wave: WaveFigures
    rate: Cell
    low: Cell
    high: Cell
    change: ChangeMark | None = None


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    y_ticks: tuple[tuple[float, str], ...]
    x_labels: tuple[tuple[float, str], ...]
    lines: tuple[str, ...]  # SVG polyline points, one per run of shown waves
    bands: tuple[str, ...]  # SVG polygon points: the interval band of each run
    whiskers: tuple[tuple[float, float, float], ...]  # x, y of high, y of low
    markers: tuple[tuple[float, float, str], ...]  # x, y, description
    gaps: tuple[tuple[float, str], ...]  # x, label of a wave whose figure is hidden


@dataclass(frozen=True)
class Trend:
    flag: Flag
    points: tuple[Point, ...]
    chart: LineChart

    @property
    def changes(self) -> tuple[ChangeMark, ...]:
        return tuple(point.change for point in self.points if point.change)


@dataclass(frozen=True)
class Weight:
    """A driver's share of the explained variance (%), with its bootstrap interval."""

    item: str
    label: str
    text: str
    percent: Cell
    low: Cell | None
    high: Cell | None


@dataclass(frozen=True)
class OddsRatioRow:
    item: str
    label: str
    text: str
    value: Cell | None  # None: the model could not estimate it
    low: Cell | None
    high: Cell | None
    reading: str


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    middle: float  # the bar's vertical centre, for its label and whisker
    y_end: float
    width: float
    low: float | None
    high: float | None
    value: str
    value_x: float  # where the value's label starts, right of the bar and whisker
    description: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    ticks: tuple[tuple[float, str], ...]
    bars: tuple[Bar, ...]
    bar_height: float


@dataclass(frozen=True)
class DriverSection:
    """The drivers of one outcome, from the latest wave whose analysis is adequate."""

    flag: Flag
    wave: WaveFigures | None = None
    n: Cell | None = None
    explained: Cell | None = None  # R squared, as a percentage
    weights: tuple[Weight, ...] = ()
    odds_ratios: tuple[OddsRatioRow, ...] = ()
    odds_reason: str = ""  # why there are no odds ratios, when there are none
    reason: str = ""  # why there is no analysis at all
    latest: WaveFigures | None = None  # the latest wave, when it is not ``wave``
    latest_reason: str = ""
    chart: BarChart | None = None

    @property
    def adequate(self) -> bool:
        return self.wave is not None


@dataclass(frozen=True)
class HeatCell:
    flag: Flag
    rate: Cell
    level: int | None = None  # colour step 0..4 when shown


@dataclass(frozen=True)
class HeatRow:
    key: str
    label: str
    responses: Cell
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class HeatMap:
    other_label = OTHER_LABEL

    wave: WaveFigures
    dimension: str
    dimension_label: str
    flags: tuple[Flag, ...]
    rows: tuple[HeatRow, ...]
    total: HeatRow


@dataclass(frozen=True)
class Comments:
    wave: WaveFigures
    visible: bool
    needed: int
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dashboard:
    survey: Survey
    instrument: Instrument
    waves: tuple[WaveFigures, ...]
    waiting: tuple[Wave, ...]  # closed waves whose figures are not computed yet
    flags: tuple[Flag, ...]
    trends: tuple[Trend, ...]
    drivers: tuple[DriverSection, ...]
    heat_map: HeatMap | None
    comments: Comments | None
    dimension: str
    dimensions: tuple[tuple[str, str], ...] = field(default=tuple(DIMENSIONS.items()))

    @property
    def latest(self) -> WaveFigures | None:
        return self.waves[-1] if self.waves else None

    @property
    def computed_at(self) -> datetime.datetime | None:
        return max((wave.computed_at for wave in self.waves), default=None)

    @property
    def period(self) -> tuple[datetime.date, datetime.date] | None:
        if not self.waves:
            return None
        return self.waves[0].opens_on, self.waves[-1].closes_on

    @property
    def wave_ids(self) -> tuple[int, ...]:
        return tuple(wave.id for wave in self.waves) + tuple(
            wave.pk for wave in self.waiting
        )
