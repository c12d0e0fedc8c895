"""Value per use: Wilson intervals, local-time periods, stats and honest comparisons (no Qt)."""

from desktop_app.metrics.compare import (
    Comparison,
    GroupValue,
    Interval,
    compare,
    display_name,
    insights,
)
from desktop_app.metrics.periods import (
    BY_VALUES,
    By,
    Period,
    check_by,
    day_start_utc,
    iter_periods,
    local_date,
    period_end,
    period_of,
    period_start,
    utc_bounds,
)
from desktop_app.metrics.value import (
    MIN_RATED,
    NO_LABEL,
    Figures,
    GroupBy,
    PeriodFigures,
    Stats,
    TallyReader,
    value_stats,
)
from desktop_app.metrics.wilson import Z_95, wilson_interval

__all__ = [
    "BY_VALUES",
    "MIN_RATED",
    "NO_LABEL",
    "Z_95",
    "By",
    "Comparison",
    "Figures",
    "GroupBy",
    "GroupValue",
    "Interval",
    "Period",
    "PeriodFigures",
    "Stats",
    "TallyReader",
    "check_by",
    "compare",
    "day_start_utc",
    "display_name",
    "insights",
    "iter_periods",
    "local_date",
    "period_end",
    "period_of",
    "period_start",
    "utc_bounds",
    "value_stats",
    "wilson_interval",
]
