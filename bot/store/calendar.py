"""Which day an instant falls on and whether the office was open then, as the insights' daily
totals count them (bot/store/insights.py).

The store knows neither the office's time zone nor its hours: the server hands it a
:class:`Calendar` built from its settings (``bot.staff.insights.office_calendar``). Without one
(a command-line tool opening the store) days are UTC days and office hours are unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

#: Whether the office is open at an instant; the second argument is the staff's closure
#: switch for that day (a typhoon day).
OfficeOpen = Callable[[dt.datetime, bool], bool]

IN_OFFICE = "in"
OUT_OF_OFFICE = "out"


@dataclass(frozen=True)
class Calendar:
    tz: dt.tzinfo = dt.UTC
    office_open: OfficeOpen | None = None

    def day(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(self.tz).date()

    def office(self, instant: dt.datetime, closed_today: bool) -> str:
        """ "in" or "out" of office hours; "" when the hours are not known."""
        if self.office_open is None:
            return ""
        return IN_OFFICE if self.office_open(instant, closed_today) else OUT_OF_OFFICE
