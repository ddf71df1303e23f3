"""The results page in one call: ``survey_dashboard`` puts the sections together."""

from __future__ import annotations

from surveys.dashboard.comments import comments
from surveys.dashboard.drivers import drivers
from surveys.dashboard.figures import DEFAULT_DIMENSION, DIMENSIONS, Dashboard
from surveys.dashboard.flags import flags_of
from surveys.dashboard.heat_map import heat_map_build
from surveys.dashboard.trend import trends_build
from surveys.dashboard.waves import summary_of, survey_waves, wave_figures
from surveys.instruments import instrument_from_dict
from surveys.models import Survey


def survey_dashboard(
    survey: Survey,
    *,
    dimension: str = DEFAULT_DIMENSION,
    wave_id: int | None = None,
) -> Dashboard:
    """Everything the results page shows, suppressed. A bounded number of queries.

    ``dimension`` and ``wave_id`` choose the heat map (the latest wave when
    ``wave_id`` is not one of the survey's waves with figures).
    """
    if dimension not in DIMENSIONS:
        dimension = DEFAULT_DIMENSION
    instrument = instrument_from_dict(survey.instrument.definition)
    rows, waiting = survey_waves(survey)
    waves = tuple(wave_figures(wave) for wave in rows)
    flags = flags_of(instrument)
    trends = trends_build([summary_of(wave) for wave in rows], waves, flags)
    heat_wave = next((wave for wave in rows if wave.pk == wave_id), None)
    if heat_wave is None and rows:
        heat_wave = rows[-1]
    heat_map = None
    if heat_wave is not None:
        figures = next(wave for wave in waves if wave.id == heat_wave.pk)
        heat_map = heat_map_build(
            summary_of(heat_wave),
            figures,
            flags,
            dimension,
            total={
                trend.flag.id: point.rate
                for trend in trends
                for point in trend.points
                if point.wave.id == figures.id
            },
        )
    return Dashboard(
        survey=survey,
        instrument=instrument,
        waves=waves,
        waiting=tuple(waiting),
        flags=flags,
        trends=trends,
        drivers=drivers(instrument, rows, waves),
        heat_map=heat_map,
        comments=comments(instrument, rows[-1], waves[-1]) if rows else None,
        dimension=dimension,
    )
