"""Office hours of the exchange staff: weekdays, Taiwan's national holidays, make-up workdays,
and a closure switch staff set on typhoon days.

Holidays come from the maintained ``holidays`` library (Taiwan's public holidays and the
Saturdays the government declares make-up workdays), never from a hand-typed list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays

from bot.settings import Settings

_SEARCH_DAYS = 30


@dataclass(frozen=True)
class OfficeStatus:
    open_now: bool
    #: When the office next opens (local time), if it is closed now.
    reopens_at: dt.datetime | None
    closed_by_switch: bool = False


class OfficeCalendar:
    def __init__(self, settings: Settings) -> None:
        self.tz = settings.tz
        self.weekdays = set(settings.office_weekdays)
        self.opens = settings.office_open
        self.closes = settings.office_close
        self._public = holidays.country_holidays("TW", categories=("public",))
        self._workday_rules = holidays.country_holidays("TW", categories=("public", "workday"))

    def is_workday(self, day: dt.date) -> bool:
        _ = day in self._workday_rules  # populates that year's make-up workdays
        if day in self._workday_rules.weekend_workdays:
            return True
        if day in self._public:
            return False
        return day.weekday() in self.weekdays

    def holiday_name(self, day: dt.date) -> str | None:
        name = self._public.get(day)
        return str(name) if name else None

    def status(self, now: dt.datetime, closed_today: bool = False) -> OfficeStatus:
        """Is the office open at ``now``; if not, when does it reopen?

        ``closed_today`` is the staff's closure switch (typhoon day): the rest of the current
        local day counts as closed.
        """
        local = now.astimezone(self.tz)
        today = local.date()
        if not closed_today and self.is_workday(today) and self.opens <= local.time() < self.closes:
            return OfficeStatus(True, None)
        for offset in range(_SEARCH_DAYS + 1):
            day = today + dt.timedelta(days=offset)
            if offset == 0 and (closed_today or local.time() >= self.opens):
                continue
            if self.is_workday(day):
                reopens = dt.datetime.combine(day, self.opens, tzinfo=self.tz)
                return OfficeStatus(False, reopens, closed_by_switch=closed_today)
        return OfficeStatus(False, None, closed_by_switch=closed_today)
