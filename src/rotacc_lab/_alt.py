"""Altair as rotacc-lab's charts use it: ``from rotacc_lab._alt import alt``.

Altair refuses to embed more than 5,000 rows in a chart (``MaxRowsError``):
the rota calendar of a 45-clinician practice over a year is already past it.
Our charts aggregate where a reader sees aggregates (weeks, partners) and
compress the rota calendar into runs of days, but a large practice still needs
more rows than 5,000, so importing this module raises Altair's guard to
:data:`MAX_CHART_ROWS`. Altair is imported only here and only when a chart is
built, never at CLI start-up.
"""

from __future__ import annotations

import altair as alt

#: rows one chart may embed (a 100-clinician practice's year of rota runs is about 15,000)
MAX_CHART_ROWS = 250_000

alt.data_transformers.enable("default", max_rows=MAX_CHART_ROWS)

__all__ = ["alt", "MAX_CHART_ROWS"]
