"""Late work: when a notebook was handed in, when it was due, the penalty.

`tito nbgrader collect` writes `timestamp.txt` beside each submission,
where nbgrader's autograde reads it (nbgrader's own exchange writes the
same file): the time the student handed it in, taken from a
`timestamp.txt` that came with the notebook (nbgrader's exchange, an LMS
export that keeps one) or else from the file's modification time.
`tito nbgrader release --due WHEN` sets the assignment's due date in the
gradebook. nbgrader then records how late each submission is, and its
AssignLatePenalties step asks the plugin below for the penalty.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

from tito.core.errors import TitoError

TIMESTAMP_FILE = "timestamp.txt"  # nbgrader's name for it
DAY = 86400.0


def stamp(moment: datetime) -> str:
    """nbgrader's timestamp text for `moment` (UTC)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is local
    return moment.astimezone(timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S.%f UTC")


def stamp_of_mtime(seconds: float) -> str:
    return stamp(datetime.fromtimestamp(seconds, tz=timezone.utc))


def parse_stamp(text: str) -> datetime | None:
    """A timestamp as nbgrader reads it (naive UTC), or None."""
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text.strip()) if text.strip() else None
    except (ValueError, OverflowError, TypeError):
        return None


def parse_due(text: str) -> datetime | None:
    """--due WHEN as naive UTC (what nbgrader stores); 'none' clears it.

    WHEN is an ISO date and time, with a zone (`2026-12-01 17:00 UTC`,
    `2026-12-01T17:00+01:00`) or without one (local time); a date alone
    means the end of that day.
    """
    from dateutil import parser

    if text.strip().lower() in ("none", "no", ""):
        return None
    try:
        end_of_day = ":" not in text  # a date alone
        moment = parser.parse(text, default=datetime(
            2000, 1, 1, *((23, 59, 59) if end_of_day else (0, 0, 0))))
    except (ValueError, OverflowError):
        raise TitoError(f"--due must be a date and time, got {text!r}",
                        hint='e.g. --due "2026-12-01 17:00" (local time), '
                        '"2026-12-01 17:00 UTC", or none to clear it') \
            from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def show_utc(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def late_text(seconds: float) -> str:
    """'2 h 5 min late', '3 days late' (rounded up to the minute)."""
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} min late"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min late" if minutes else \
            f"{hours} h late"
    return f"{math.ceil(seconds / DAY)} days late"


def penalty_percent(seconds_late: float, percent_per_day: float) -> float:
    """Share of the score lost: per started day late, at most 100."""
    if seconds_late <= 0 or percent_per_day <= 0:
        return 0.0
    return min(100.0, math.ceil(seconds_late / DAY) * percent_per_day)


def _plugin_class():
    from nbgrader.plugins import LateSubmissionPlugin
    from traitlets import Float

    class PercentPerDayLate(LateSubmissionPlugin):
        """A late submission loses `percent_per_day` of its score for each
        day, or part of a day, it is late; at most all of it."""

        percent_per_day = Float(
            0.0, min=0.0, max=100.0,
            help="Percent of the score lost per day (or part of a day) "
            "late; 0 records lateness without a penalty.").tag(config=True)

        def late_submission_penalty(self, student_id, score,
                                    total_seconds_late):
            share = penalty_percent(total_seconds_late,
                                    self.percent_per_day)
            self.log.info("%s is %.0f s late: %g%% of %s", student_id,
                          total_seconds_late, share, score)
            return (score or 0.0) * share / 100.0

    PercentPerDayLate.__module__ = __name__
    PercentPerDayLate.__qualname__ = "PercentPerDayLate"
    return PercentPerDayLate


def __getattr__(name):  # nbgrader imports the plugin by its dotted name
    if name == "PercentPerDayLate":
        cls = _plugin_class()
        globals()[name] = cls
        return cls
    raise AttributeError(name)
