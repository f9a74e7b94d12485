"""The events calendar: which events fall next, computed from the entries' dates and today.

Dates are either concrete (a published start and end) or typical months of a recurring event;
a listing must say which, because a typical month is not a promise.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bot.kb.schema import Entry, EventDate, LocalizedText

_YEARS_AHEAD = 3


@dataclass(frozen=True)
class Occurrence:
    entry: Entry
    start: dt.date
    end: dt.date
    typical: bool
    #: What the knowledge base says of a typical occurrence ("usually early November; status
    #: after the 2024 earthquake unconfirmed"), for listings to say it too.
    label: LocalizedText | None = None

    def overlaps_or_after(self, day: dt.date) -> bool:
        return self.end >= day


def _month_spans(months: list[int]) -> list[tuple[int, int]]:
    """[7, 8, 10] → [(7, 8), (10, 10)]: consecutive months read as one season."""
    spans: list[tuple[int, int]] = []
    for month in sorted(set(months)):
        if spans and spans[-1][1] == month - 1:
            spans[-1] = (spans[-1][0], month)
        else:
            spans.append((month, month))
    return spans


def _held_in(date_rule: EventDate, year: int) -> bool:
    if date_rule.every_years == 1 or date_rule.since_year is None:
        return True
    return (year - date_rule.since_year) % date_rule.every_years == 0


def occurrences(entry: Entry, today: dt.date) -> list[Occurrence]:
    """Every known or typical occurrence of ``entry`` that has not ended before ``today``."""
    found: list[Occurrence] = []
    concrete_years: set[int] = set()
    for rule in entry.dates:
        if rule.start is not None:
            end = rule.end or rule.start
            concrete_years.add(rule.start.year)
            found.append(Occurrence(entry, rule.start, end, typical=False))
    for rule in entry.dates:
        if rule.months is None:
            continue
        for year in range(today.year, today.year + _YEARS_AHEAD):
            # A published date for that year is better than the usual months.
            if year in concrete_years or not _held_in(rule, year):
                continue
            for first, last in _month_spans(rule.months):
                start = dt.date(year, first, 1)
                end = dt.date(year, last, calendar.monthrange(year, last)[1])
                found.append(Occurrence(entry, start, end, typical=True, label=rule.label))
    return sorted((occ for occ in found if occ.overlaps_or_after(today)), key=lambda occ: occ.start)


def upcoming(
    entries: Iterable[Entry], today: dt.date, horizon_days: int = 90, at_least: int = 3
) -> list[Occurrence]:
    """The next occurrence of each event, nearest first.

    Everything starting within ``horizon_days`` is listed; when fewer than ``at_least``
    fall in that window the nearest later ones fill up the list, so a visitor asking in a
    quiet season still learns what comes next.
    """
    nearest: list[Occurrence] = []
    for entry in entries:
        future = occurrences(entry, today)
        if future:
            nearest.append(future[0])
    nearest.sort(key=lambda occ: (occ.start, occ.entry.id))
    horizon = today + dt.timedelta(days=horizon_days)
    within = [occ for occ in nearest if occ.start <= horizon]
    if len(within) >= at_least:
        return within
    return nearest[: max(at_least, len(within))]
