"""The insights page's figures, from the anonymous daily totals (bot/store/insights.py) alone:
nothing here reads a visitor's message or a ticket, so the figures of a past period stay the
same after its visitors' records are deleted.

- questions per day (week, month for a long period) by channel and by language: the messages
  the desk answered, asked to choose ("did you mean"), could not answer, or passed to staff;
- the top topics: the knowledge-base entries answered most;
- the share of those questions answered, clarified, declined (no answer) and handed off;
- requests to staff opened, and the median time to the first staff reply and to the close,
  for requests opened inside and outside office hours. Times are counted in buckets (5, 15,
  30 minutes, 1, 2, 4, 8, 16 hours, 1, 2, 3, 7, 14 days); a median is read inside its bucket
  by linear interpolation, as Prometheus' histogram_quantile does. A reply or a close is
  counted on the day it happened;
- requests and questions by the visitor's language (the partners' languages).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from bot.answers import title
from bot.kb.loader import KnowledgeBase
from bot.office import OfficeCalendar
from bot.settings import Settings
from bot.staff.charts import Series, horizontal_bars, stacked_bars
from bot.store import Calendar, Total
from bot.store.calendar import IN_OFFICE, OUT_OF_OFFICE
from bot.store.insights import (
    CLOSED,
    DURATION_BOUNDS,
    EXCHANGE,
    FIRST_REPLY,
    OPENED,
    OVERFLOW,
    PICKED,
    TOPIC,
)
from bot.text import Lang

#: The decisions that are a question put to the desk (others: a command, a follow-up to
#: staff, a tap on "did you mean", a language switch …).
QUESTION_DECISIONS = ("answer", "clarify", "fallback", "handoff")
OUTCOME_LABELS = {
    "answer": "Answered 已回答",
    "clarify": "Clarified 請訪客選擇",
    "fallback": "Declined 無法回答",
    "handoff": "Handed off 轉交承辦人",
}
CHANNEL_NAMES = {"line": "LINE", "telegram": "Telegram", "web": "Web chat 網頁"}
LANG_NAMES = {
    Lang.ZH_HANT.value: "繁體中文",
    Lang.ZH_HANS.value: "简体中文",
    Lang.EN.value: "English",
    "ja": "日本語",
    "ko": "한국어",
    "": "unknown 未知",
}
OFFICE_NAMES = {
    IN_OFFICE: "Inside office hours 上班時間",
    OUT_OF_OFFICE: "Outside office hours 非上班時間",
    "": "Hours unknown 未記錄",
}
PRESETS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
#: The longest period shown at once.
MAX_DAYS = 3 * 366
TOP_TOPICS = 10
EARLIEST = dt.date(2000, 1, 1)

Value = str | int | float | None


def office_calendar(settings: Settings) -> Calendar:
    """How the store's daily totals tell days and office hours: the office's time zone and
    hours (with the staff's closure switch), as the desk quotes them."""
    office = OfficeCalendar(settings)

    def office_open(at: dt.datetime, closed_today: bool) -> bool:
        return office.status(at, closed_today=closed_today).open_now

    return Calendar(settings.tz, office_open)


# -- the period -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def bucket(self) -> str:
        """How the charts over time group days: by day, ISO week or month."""
        if self.days <= 62:
            return "day"
        return "week" if self.days <= 366 else "month"

    def start_of(self, day: dt.date) -> dt.date:
        if self.bucket == "day":
            return day
        if self.bucket == "week":
            return day - dt.timedelta(days=day.weekday())
        return day.replace(day=1)

    def buckets(self) -> list[dt.date]:
        starts: list[dt.date] = []
        day = self.first
        while day <= self.last:
            start = self.start_of(day)
            if not starts or starts[-1] != start:
                starts.append(start)
            day += dt.timedelta(days=1)
        return starts

    def label(self, start: dt.date) -> str:
        if self.bucket == "day":
            return start.isoformat()
        if self.bucket == "week":
            year, week, _ = start.isocalendar()
            return f"{year}-W{week:02d}"
        return start.strftime("%Y-%m")

    @property
    def bucket_name(self) -> str:
        return {"day": "Day 日", "week": "Week 週", "month": "Month 月"}[self.bucket]

    def query(self) -> str:
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"


def _date(value: str | None) -> dt.date | None:
    if not value or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def period_from(query: Mapping[str, str], today: dt.date) -> tuple[Period, str | None]:
    """The period asked for (``from``/``to`` dates, or ``days`` up to today), else the last
    30 days with a note saying why."""
    default = Period(today - dt.timedelta(days=DEFAULT_DAYS - 1), today)
    days = query.get("days", "")
    if days:
        if days.isdigit() and 1 <= int(days) <= MAX_DAYS:
            return Period(today - dt.timedelta(days=int(days) - 1), today), None
        return default, f"Choose 1 to {MAX_DAYS} days. 請選擇 1 至 {MAX_DAYS} 天。"
    if "from" not in query and "to" not in query:
        return default, None
    first, last = _date(query.get("from")), _date(query.get("to"))
    latest = today + dt.timedelta(days=366)
    if first is None or last is None or not EARLIEST <= first <= last <= latest:
        return (
            default,
            "Give a start and an end date, the start first. 請輸入起訖日期（起日在前）。",
        )
    if (last - first).days + 1 > MAX_DAYS:
        return default, f"A period is {MAX_DAYS} days at most. 期間最長 {MAX_DAYS} 天。"
    return Period(first, last), None


# -- durations --------------------------------------------------------------------------------


def _bound(detail: str) -> float:
    if detail == OVERFLOW:
        return math.inf
    try:
        return float(detail.removeprefix("le:"))
    except ValueError:
        return math.inf


def median_seconds(counts: Mapping[str, int]) -> float | None:
    """The median of durations counted in buckets (``le:<seconds>``), interpolated inside its
    bucket; infinity when it lies in the last, open-ended one; None without any."""
    total = sum(counts.values())
    if total == 0:
        return None
    target = total / 2
    below = 0.0
    lower = 0.0
    for detail in sorted(counts, key=_bound):
        upper = _bound(detail)
        n = counts[detail]
        if below + n >= target and n:
            if upper == math.inf:
                return math.inf
            return lower + (upper - lower) * (target - below) / n
        below += n
        lower = upper if upper != math.inf else lower
    return lower


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds == math.inf:
        return f"over {DURATION_BOUNDS[-1] // 86400} days"
    minutes = seconds / 60
    if minutes < 1:
        return "under 1 min"
    if minutes < 60:
        return f"{minutes:.0f} min"
    hours = minutes / 60
    if hours < 48:
        whole = int(hours)
        rest = round((hours - whole) * 60)
        return f"{whole} h {rest} min" if rest else f"{whole} h"
    return f"{hours / 24:.1f} days"


def _minutes(seconds: float | None) -> Value:
    if seconds is None:
        return None
    if seconds == math.inf:
        return f">{DURATION_BOUNDS[-1] // 60}"
    return round(seconds / 60, 1)


# -- tables ------------------------------------------------------------------------------------


def _plain(value: Value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value


@dataclass
class Table:
    """One table of the page: shown under its chart, and exported as CSV."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Value]]
    #: How each column is shown on the page (the CSV has the raw values).
    shown: list[Callable[[Value], str]] = field(default_factory=list)
    chart: Markup = field(default_factory=Markup)
    note: str = ""

    def display(self) -> list[list[str]]:
        shows = self.shown or []
        return [
            [(shows[i] if i < len(shows) else _plain)(value) for i, value in enumerate(row)]
            for row in self.rows
        ]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_cell(value) for value in row])
        # A byte-order mark, so that spreadsheet programs read the Chinese as UTF-8.
        return "\ufeff" + out.getvalue()


def _cell(value: Value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would be a formula to a spreadsheet (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _percent(value: Value) -> str:
    return "—" if value is None else f"{value}%"


def _duration(value: Value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return duration_text(math.inf)
    return duration_text(float(value) * 60)


@dataclass
class Report:
    period: Period
    tables: dict[str, Table]
    questions: int
    answered_share: float | None
    opened: int
    median_first_reply: float | None


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _over_time(
    key: str,
    chart_title: str,
    period: Period,
    rows: Sequence[Total],
    dimension: Callable[[Total], str],
    names: Mapping[str, str],
) -> Table:
    buckets = period.buckets()
    index = {start: i for i, start in enumerate(buckets)}
    found = sorted(
        {dimension(r) for r in rows}, key=lambda k: (list(names).index(k) if k in names else 99, k)
    )
    counts: dict[str, list[int]] = {k: [0] * len(buckets) for k in found}
    for r in rows:
        counts[dimension(r)][index[period.start_of(r.day)]] += r.count
    labels = [period.label(start) for start in buckets]
    table = Table(
        key,
        chart_title,
        [period.bucket_name, *(names.get(k, k) for k in found), "Total 合計"],
        [
            [labels[i], *(counts[k][i] for k in found), sum(counts[k][i] for k in found)]
            for i in range(len(buckets))
        ],
    )
    table.chart = stacked_bars(
        key,
        chart_title,
        labels,
        [Series(names.get(k, k), counts[k]) for k in found],
        x_label=period.bucket_name,
        y_label="Questions 提問數",
    )
    return table


def build_report(totals: Sequence[Total], period: Period, kb: KnowledgeBase) -> Report:
    questions = [t for t in totals if t.metric == EXCHANGE and t.detail in QUESTION_DECISIONS]
    tables: dict[str, Table] = {}

    tables["questions-by-channel"] = _over_time(
        "questions-by-channel",
        "Questions by channel 各管道提問數",
        period,
        questions,
        lambda t: t.channel,
        CHANNEL_NAMES,
    )
    tables["questions-by-language"] = _over_time(
        "questions-by-language",
        "Questions by language 各語言提問數",
        period,
        questions,
        lambda t: t.lang,
        LANG_NAMES,
    )

    # Top topics.
    topics: dict[str, int] = defaultdict(int)
    for t in totals:
        if t.metric == TOPIC:
            topics[t.detail] += t.count
    top = sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TOPICS]

    def topic_name(entry_id: str) -> str:
        entry = kb.get(entry_id)
        if entry is None:
            return entry_id
        return f"{title(entry, Lang.EN)} · {title(entry, Lang.ZH_HANT)}"

    table = Table(
        "top-topics",
        "Top topics 熱門主題",
        ["Topic 主題", "Entry 條目", "Answers 回答次數"],
        [[topic_name(entry_id), entry_id, n] for entry_id, n in top],
    )
    table.chart = horizontal_bars(
        "top-topics",
        table.title,
        [row[0] for row in table.rows if isinstance(row[0], str)],
        [Series("Answers", [float(n) for _, n in top])],
        x_label="Answers 回答次數",
    )
    tables[table.key] = table

    # Outcomes.
    outcome: dict[str, int] = defaultdict(int)
    for t in questions:
        outcome[t.detail] += t.count
    picked = sum(t.count for t in totals if t.metric == EXCHANGE and t.detail == PICKED)
    asked = sum(outcome.values())
    table = Table(
        "outcomes",
        "What became of the questions 提問結果",
        ["Outcome 結果", "Questions 提問數", "Share 比例 (%)"],
        [
            [label, outcome.get(decision, 0), _share(outcome.get(decision, 0), asked)]
            for decision, label in OUTCOME_LABELS.items()
        ],
        shown=[_plain, _plain, _percent],
        note=(
            "A choice from a “did you mean” list is answered but not counted again as a "
            f"question ({picked:,} in this period). "
            f"訪客點選「您是不是要問」選項不重複計為提問（此期間 {picked:,} 次）。"
        ),
    )
    table.chart = horizontal_bars(
        "outcomes",
        table.title,
        list(OUTCOME_LABELS.values()),
        [Series("Share", [float(_share(outcome.get(d, 0), asked) or 0) for d in OUTCOME_LABELS])],
        x_label="Share of the questions 佔提問比例 (%)",
        show=lambda v: f"{v:.1f}%",
    )
    tables[table.key] = table

    # Requests to staff: opened, first reply and close, by office hours.
    opened: dict[str, int] = defaultdict(int)
    replies: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    closes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in totals:
        if t.metric == OPENED:
            opened[t.office] += t.count
        elif t.metric == FIRST_REPLY:
            replies[t.office][t.detail] += t.count
        elif t.metric == CLOSED:
            closes[t.office][t.detail] += t.count

    def merged(by_office: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for counts in by_office.values():
            for detail, n in counts.items():
                out[detail] += n
        return out

    offices = [IN_OFFICE, OUT_OF_OFFICE]
    if opened.get("") or replies.get("") or closes.get(""):
        offices.append("")
    rows: list[list[Value]] = []
    medians: list[tuple[str, float | None, float | None]] = []
    for office in [*offices, None]:
        reply_counts = merged(replies) if office is None else replies.get(office, {})
        close_counts = merged(closes) if office is None else closes.get(office, {})
        first = median_seconds(reply_counts)
        to_close = median_seconds(close_counts)
        name = "All 全部" if office is None else OFFICE_NAMES[office]
        rows.append(
            [
                name,
                sum(opened.values()) if office is None else opened.get(office, 0),
                _minutes(first),
                sum(reply_counts.values()),
                _minutes(to_close),
                sum(close_counts.values()),
            ]
        )
        medians.append((name, first, to_close))
    table = Table(
        "requests",
        "Requests to staff 轉交承辦人案件",
        [
            "Opened 時段",
            "Requests opened 開案數",
            "Median to first staff reply (minutes) 首次回覆中位數",
            "First replies 首次回覆數",
            "Median to close (minutes) 結案中位數",
            "Closed 結案數",
        ],
        rows,
        shown=[_plain, _plain, _duration, _plain, _duration, _plain],
        note="A reply or a close is counted on the day it happened; times are medians read "
        "from buckets (5, 15, 30 min, 1, 2, 4, 8, 16 h, 1, 2, 3, 7, 14 days). "
        "回覆與結案依發生日計算；時間為分組估計之中位數。",
    )

    def hours(seconds: float | None) -> float:
        if seconds is None:
            return 0.0
        return min(seconds, DURATION_BOUNDS[-1]) / 3600

    table.chart = horizontal_bars(
        "requests",
        "Median time to the first staff reply and to the close 回覆與結案時間中位數",
        [name for name, _, _ in medians],
        [
            Series("First staff reply 首次回覆", [hours(first) for _, first, _ in medians]),
            Series("Close 結案", [hours(close) for _, _, close in medians]),
        ],
        x_label="Hours 小時",
        show=lambda v: duration_text(v * 3600) if v else "—",
        empty="No staff reply or close in this period. 此期間尚無回覆或結案。",
    )
    tables[table.key] = table

    # Languages.
    by_lang_questions: dict[str, int] = defaultdict(int)
    by_lang_requests: dict[str, int] = defaultdict(int)
    for t in questions:
        by_lang_questions[t.lang] += t.count
    for t in totals:
        if t.metric == OPENED:
            by_lang_requests[t.lang] += t.count
    langs = sorted(
        set(by_lang_questions) | set(by_lang_requests),
        key=lambda lang: (-by_lang_requests.get(lang, 0), -by_lang_questions.get(lang, 0), lang),
    )
    table = Table(
        "languages",
        "Requests by language 各語言需求",
        ["Language 語言", "Code 代碼", "Questions 提問數", "Requests to staff 轉交案件"],
        [
            [
                LANG_NAMES.get(lang, lang),
                lang,
                by_lang_questions.get(lang, 0),
                by_lang_requests.get(lang, 0),
            ]
            for lang in langs
        ],
    )
    table.chart = horizontal_bars(
        "languages",
        table.title,
        [LANG_NAMES.get(lang, lang) for lang in langs],
        [
            Series("Questions 提問", [float(by_lang_questions.get(lang, 0)) for lang in langs]),
            Series("Requests 轉交", [float(by_lang_requests.get(lang, 0)) for lang in langs]),
        ],
        x_label="Count 數量",
    )
    tables[table.key] = table

    return Report(
        period=period,
        tables=tables,
        questions=asked,
        answered_share=_share(outcome.get("answer", 0), asked),
        opened=sum(opened.values()),
        median_first_reply=median_seconds(merged(replies)),
    )


__all__ = [
    "Period",
    "Report",
    "Table",
    "build_report",
    "duration_text",
    "median_seconds",
    "office_calendar",
    "period_from",
]
