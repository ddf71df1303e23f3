"""The survey dashboard's figures: WaveSummary rows in, suppressed, display-ready figures out.

A WaveSummary holds raw counts. Nothing here hands one to a page: every number
the results page, the CSV or the PDF prints is a ``Cell`` made by
confidentiality.suppression with the wave's own locked thresholds (``k=wave.k``,
``k_comments=wave.k_comments``), never the organization's current settings.
Derived figures (an interval bound, a change, a driver weight) exist only
where the figure they derive from is shown, and pass through that module too.

The modules, each importing only the ones above it:

* ``figures``: the frozen dataclasses the page shows, and the heat map's dimensions.
* ``waves``: the waves with figures, each wave's own figures, the rule for a
  derived statistic, and whether a summarize task is still running.
* ``flags``: the instrument's outcomes and composites in plain words.
* ``charts``: SVG geometry, from shown cells only.
* ``trend``, ``drivers``, ``heat_map``, ``comments``: one section of the page each.
* ``page``: ``survey_dashboard``, the whole page in a bounded number of queries.
* ``export``: ``export_rows``, the CSV exactly as the page shows it.

The two entry points are importable from here; take anything else from its module.
"""

from surveys.dashboard.export import export_rows
from surveys.dashboard.page import survey_dashboard

__all__ = ["export_rows", "survey_dashboard"]
