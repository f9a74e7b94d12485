"""The insights page (issue 16): figures from anonymous daily totals, as SVG charts with tables
and CSV, for a chosen period; the figures stay the same after visitors' records are deleted."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest

from bot.app import housekeeping_once
from bot.keys import RELAY, STORE
from bot.staff.charts import Series, horizontal_bars, stacked_bars
from bot.staff.insights import Period, Table, duration_text, median_seconds, period_from
from bot.store.insights import duration_bucket
from bot.store.tables import daily_totals, messages
from tests.channels.conftest import Desk
from tests.channels.payloads import line_body, line_text
from tests.staff.test_console import NAME, _signed_in
from tests.store.test_store_contract import count

TODAY = dt.date(2026, 11, 26)
TABLES = (
    "questions-by-channel",
    "questions-by-language",
    "top-topics",
    "outcomes",
    "requests",
    "languages",
)
SVG = "{http://www.w3.org/2000/svg}"


# -- the figures ---------------------------------------------------------------------------------


def test_median_is_read_inside_its_bucket() -> None:
    assert median_seconds({}) is None
    assert median_seconds({"le:3600": 4}) == 1800  # the middle of 30 min-1 h's lower half
    assert median_seconds({"le:300": 1, "le:900": 1}) == 300
    assert median_seconds({"le:300": 1, "le:900": 3}) == pytest.approx(300 + 600 * 1 / 3)
    assert median_seconds({"le:inf": 3, "le:300": 1}) == float("inf")
    assert duration_bucket(299) == "le:300"
    assert duration_bucket(10**9) == "le:inf"
    assert [duration_text(s) for s in (None, 20, 600, 5400, 7200, 3 * 86400, float("inf"))] == [
        "—",
        "under 1 min",
        "10 min",
        "1 h 30 min",
        "2 h",
        "3.0 days",
        "over 14 days",
    ]


def test_periods_and_their_buckets() -> None:
    period, notice = period_from({}, TODAY)
    assert (period.first, period.last, notice) == (dt.date(2026, 10, 28), TODAY, None)
    assert period.bucket == "day"
    assert len(period.buckets()) == 30
    weeks = Period(dt.date(2026, 9, 1), TODAY)
    assert weeks.bucket == "week"
    assert weeks.buckets()[0] == dt.date(2026, 8, 31)  # the Monday of its week
    assert weeks.label(weeks.buckets()[0]) == "2026-W36"
    year = Period(dt.date(2025, 11, 1), TODAY)
    assert year.bucket == "month"
    assert [year.label(b) for b in year.buckets()][:2] == ["2025-11", "2025-12"]
    assert period_from({"days": "7"}, TODAY)[0] == Period(dt.date(2026, 11, 20), TODAY)
    chosen = {"from": "2026-01-01", "to": "2026-06-30"}
    assert period_from(chosen, TODAY) == (Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)), None)
    for odd in (
        {"days": "0"},
        {"days": "x"},
        {"days": "99999"},
        {"from": "2026-13-01", "to": "2026-12-01"},
        {"from": "2026-12-01", "to": "2026-01-01"},
        {"from": "1999-01-01", "to": "2026-01-01"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"from": "2026-01-01"},
        {"from": "<script>", "to": "x" * 1000},
    ):
        period, notice = period_from(odd, TODAY)
        assert period == Period(dt.date(2026, 10, 28), TODAY), odd
        assert notice, odd


def _svgs(markup: str) -> list[ET.Element]:
    """A chart's drawings, wide and narrow, each well-formed SVG."""
    # Our own markup, parsed to check it is well-formed.
    return list(ET.fromstring(f"<charts>{markup}</charts>"))  # noqa: S314


def _svg(markup: str) -> ET.Element:
    """The wide drawing of a chart."""
    wide, narrow = _svgs(markup)
    assert wide.get("class") == "chart wide"
    assert narrow.get("class") == "chart narrow"
    return wide


def test_charts_are_accessible_svg_with_escaped_text() -> None:
    hostile = '<script>alert("x")</script> & co'
    chart = stacked_bars(
        "t1",
        "Questions " + hostile,
        ["2026-11-25", "2026-11-26"],
        [Series("LINE", [3, 0]), Series(hostile, [1, 2])],
        x_label="Day",
        y_label="Questions",
    )
    assert "<script>" not in chart
    root = _svg(chart)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t1-title t1-desc"
    assert root.find(f"{SVG}title").text == "Questions " + hostile  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc").text  # type: ignore[union-attr]
    assert desc is not None
    assert "6 in all" in desc
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert sorted(r.find(f"{SVG}title").text for r in bars) == [  # type: ignore[union-attr]
        f"2026-11-25 · {hostile}: 1",
        "2026-11-25 · LINE: 3",
        f"2026-11-26 · {hostile}: 2",
    ]
    texts = [t.text for t in root.iter(f"{SVG}text") if t.text]
    assert "Day" in texts
    assert "Questions" in texts  # the y axis
    bars_h = horizontal_bars(
        "t2", "Topics", ["a" * 50, hostile], [Series("n", [2, 1])], x_label="n"
    )
    assert _svg(bars_h).get("role") == "img"
    empty = stacked_bars(
        "t3", "Nothing", ["2026-11-26"], [Series("LINE", [0])], x_label="d", y_label="q"
    )
    assert "No data in this period." in empty
    _svg(empty)


def _texts(root: ET.Element) -> list[str]:
    """What a drawing writes, without the tooltips."""
    return [t.text for t in root.iter(f"{SVG}text") if t.text] + [
        t.find(f"{SVG}title").tail or ""  # type: ignore[union-attr]
        for t in root.iter(f"{SVG}text")
        if t.find(f"{SVG}title") is not None
    ]


def _box(root: ET.Element) -> tuple[float, float]:
    _, _, width, height = (float(v) for v in (root.get("viewBox") or "").split())
    return width, height


def test_a_phone_gets_its_own_drawing_with_every_label_and_figure_inside_it() -> None:
    """Shrunk to a phone's width, the wide drawing's 12 px text would be 6 px: the narrow
    one is drawn at about the card's width, every bar and value inside it, each topic's
    name above its bar with room for far more of it."""
    topic = "National Immigration Agency, Hualien Service Station · 移民署花蓮縣服務站"
    chart = horizontal_bars(
        "topics",
        "Top topics",
        [topic, "Emergency numbers"],
        [Series("Questions", [378, 12]), Series("Requests to staff", [61, 0])],
        x_label="Count",
    )
    wide, narrow = _svgs(chart)
    width, _ = _box(narrow)
    assert width <= 400 < _box(wide)[0]
    assert narrow.get("aria-labelledby") == "topics-narrow-title topics-narrow-desc"
    for rect in narrow.iter(f"{SVG}rect"):
        assert float(rect.get("x") or 0) + float(rect.get("width") or 0) <= width
    for text in narrow.iter(f"{SVG}text"):
        # Left-aligned labels and values: where they start plus how wide they are.
        shown = "".join(text.itertext())
        title = text.find(f"{SVG}title")
        if title is not None:
            shown = title.tail or ""
        if text.get("text-anchor") is None:
            assert float(text.get("x") or 0) + 7.0 * len(shown) <= width + 1, shown
    assert "378" in _texts(narrow)
    assert "61" in _texts(narrow)
    narrow_label = next(t for t in _texts(narrow) if t.startswith("National"))
    wide_label = next(t for t in _texts(wide) if t.startswith("National"))
    assert len(narrow_label) > len(wide_label)

    days = [f"2026-11-{d:02d}" for d in range(1, 31)]
    columns = stacked_bars(
        "days",
        "Per day",
        days,
        [Series("LINE", [d % 7 for d in range(30)])],
        x_label="Day",
        y_label="Questions",
    )
    wide, narrow = _svgs(columns)
    shown_days = [t for t in _texts(narrow) if t.startswith("2026-")]
    # As many dates as fit side by side (about 80 px each), none overlapping.
    assert 2 <= len(shown_days) <= _box(narrow)[0] // 80
    assert len([t for t in _texts(wide) if t.startswith("2026-")]) > len(shown_days)


def test_csv_is_utf8_with_bom_and_no_formulas() -> None:
    table = Table("t", "T", ["名稱", "n"], [['=HYPERLINK("x")', 3], ["-2", -2], ["+x", None]])
    text = table.csv()
    assert text.startswith("\ufeff名稱,n\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1:] == [['\'=HYPERLINK("x")', "3"], ["-2", "-2"], ["'+x", ""]]


# -- the page ------------------------------------------------------------------------------------


async def _activity(desk: Desk) -> None:
    """Questions on the web chat and LINE, a request answered and closed by staff."""
    for n, text in enumerate(
        ["sister cities", "姊妹市有哪些", "zzzzz qqqq", "who won the baseball game", "bus"]
    ):
        response = await desk.chat({"session": f"web-insights-{n:04d}", "text": text})
        assert response.status == 200
    assert (
        await desk.post_line(line_body(line_text("I want to talk to a real person")))
    ).status == 200
    await desk.settle()
    [ticket] = await desk.app[STORE].tickets()
    await desk.app[RELAY].reply(ticket.number, NAME, "Hello from the county")
    await desk.app[RELAY].close(ticket.number, NAME)
    await desk.settle()


async def _csvs(desk: Desk, **period: str) -> dict[str, str]:
    found = {}
    for key in TABLES:
        response = await desk.client.get("/staff/insights.csv", params={"table": key, **period})
        assert response.status == 200, key
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert re.fullmatch(
            rf'attachment; filename="insights-{key}-\d{{4}}-\d\d-\d\d-\d{{4}}-\d\d-\d\d\.csv"',
            response.headers["Content-Disposition"],
        )
        found[key] = await response.text()
    return found


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


async def test_insights_show_the_figures_as_charts_tables_and_csv(desk: Desk) -> None:
    await _signed_in(desk)
    await _activity(desk)
    page = await desk.client.get("/staff/insights")
    assert page.status == 200
    html = await page.text()
    assert html.count('<svg class="chart wide"') == len(TABLES)
    assert html.count('<svg class="chart narrow"') == len(TABLES)
    assert html.count("Download CSV") == len(TABLES)
    assert 'aria-current="page">Insights' in html
    for key in TABLES:
        assert f'href="/staff/insights.csv?table={key}&amp;from=' in html

    tables = {key: _rows(text) for key, text in (await _csvs(desk)).items()}
    by_channel = tables["questions-by-channel"]
    total_column = by_channel[0].index("Total 合計")
    assert sum(int(row[total_column]) for row in by_channel[1:]) == 6  # 5 web + 1 LINE
    assert {"LINE", "Web chat 網頁"} <= set(by_channel[0])
    outcomes = {row[0]: int(row[1]) for row in tables["outcomes"][1:]}
    assert outcomes["Handed off 轉交承辦人"] == 1
    assert outcomes["Answered 已回答"] >= 1
    assert outcomes["Declined 無法回答"] >= 1
    assert sum(outcomes.values()) == 6
    topics = [row[1] for row in tables["top-topics"][1:]]
    assert "exchange.sister-cities" in topics or any(t.startswith("exchange.") for t in topics)
    requests = {row[0]: row for row in tables["requests"][1:]}
    assert requests["All 全部"][1] == "1"  # opened
    assert requests["All 全部"][3] == "1"  # one first reply
    assert requests["All 全部"][5] == "1"  # one close
    assert float(requests["All 全部"][2]) < 5  # minutes to the first reply
    languages = {row[1]: row for row in tables["languages"][1:]}
    assert languages["en"][3] == "1"  # the LINE visitor's request
    assert int(languages["zh-Hant"][2]) >= 1

    # An odd period or table is a notice or a 404, never an error.
    odd = await desk.client.get("/staff/insights", params={"from": "2026-02-30", "to": "x"})
    assert odd.status == 200
    assert "Give a start and an end date" in await odd.text()
    missing = await desk.client.get("/staff/insights.csv", params={"table": "<x>"})
    assert missing.status == 404


async def test_the_figures_outlive_delete_and_the_retention_purge(desk: Desk) -> None:
    await _signed_in(desk)
    await _activity(desk)
    before = await _csvs(desk)
    store = desk.app[STORE]

    # Every web visitor deletes their data…
    for n in range(5):
        session = f"web-insights-{n:04d}"
        assert (await desk.chat({"session": session, "text": "/delete"})).status == 200
        assert (await desk.chat({"session": session, "choice": "delete:yes"})).status == 200
    assert await _csvs(desk) == before
    # …and the hourly purge, a year on, removes the rest.
    await housekeeping_once(
        desk.app, desk.settings, dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    )
    assert await count(store, messages) == 0
    assert await store.tickets() == []
    assert await _csvs(desk) == before


async def test_a_chosen_period_its_office_hours_and_its_partner_languages(desk: Desk) -> None:
    """Only the chosen days count; the requests opened inside office hours and those opened
    outside have medians of their own; Japanese and Korean are languages of their own."""
    await _signed_in(desk)
    inside_period, before_period = dt.date(2026, 11, 10), dt.date(2026, 10, 1)
    rows: list[dict[str, object]] = []

    def add(
        day: dt.date, metric: str, n: int, lang: str = "en", detail: str = "", office: str = ""
    ) -> None:
        rows.append(
            {
                "day": day,
                "metric": metric,
                "channel": "line",
                "lang": lang,
                "detail": detail,
                "office": office,
                "count": n,
            }
        )

    add(inside_period, "opened", 3, detail="asked", office="in")
    add(inside_period, "first_reply", 3, detail=duration_bucket(20 * 60), office="in")
    add(inside_period, "closed", 3, detail=duration_bucket(90 * 60), office="in")
    add(inside_period, "opened", 2, lang="ko", detail="asked", office="out")
    add(inside_period, "first_reply", 2, lang="ko", detail=duration_bucket(10 * 3600), office="out")
    add(inside_period, "exchange", 4, lang="ja", detail="answer")
    add(inside_period, "exchange", 3, lang="ko", detail="fallback")
    # A busy day before the period, which would change every figure were it counted.
    add(before_period, "opened", 100, detail="asked", office="in")
    add(before_period, "first_reply", 100, detail=duration_bucket(5 * 86400), office="in")
    add(before_period, "exchange", 100, lang="ja", detail="answer")
    async with desk.app[STORE].engine.begin() as conn:
        await conn.execute(daily_totals.insert(), rows)

    period = {"from": "2026-11-01", "to": "2026-11-20"}
    tables = {key: _rows(text) for key, text in (await _csvs(desk, **period)).items()}
    requests = {row[0]: row for row in tables["requests"][1:]}
    inside, outside = (
        requests["Inside office hours 上班時間"],
        requests["Outside office hours 非上班時間"],
    )
    assert [inside[1], inside[3], inside[5]] == ["3", "3", "3"]  # opened, replied, closed
    assert 60 <= float(inside[4]) <= 120  # minutes to the close
    assert 15 <= float(inside[2]) <= 30  # minutes to the first reply (its bucket)
    assert outside[1] == "2"
    assert 8 * 60 <= float(outside[2]) <= 16 * 60
    assert outside[4:] == ["", "0"]  # none closed: no median
    assert requests["All 全部"][1] == "5"

    languages = {row[1]: row[2:] for row in tables["languages"][1:]}
    assert languages == {"ja": ["4", "0"], "ko": ["3", "2"], "en": ["0", "3"]}
    assert [row[0] for row in tables["languages"][1:]][:2] == ["English", "한국어"]
    by_language = tables["questions-by-language"]
    assert len(by_language) == 1 + 20  # a row a day of the period
    assert {"日本語", "한국어"} <= set(by_language[0])

    page = await (await desk.client.get("/staff/insights", params=period)).text()
    assert "2026-11-01 – 2026-11-20 (20 day(s)" in page
    assert "日本語" in page


async def test_the_server_counts_days_and_office_hours_as_the_desk_does(desk: Desk) -> None:
    calendar = desk.app[STORE].calendar
    assert calendar.tz == ZoneInfo("Asia/Taipei")
    thursday_morning = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)  # 10:00 in Hualien
    assert calendar.office(thursday_morning, False) == "in"
    assert calendar.office(thursday_morning, True) == "out"  # closed for a typhoon
    assert calendar.office(thursday_morning + dt.timedelta(hours=12), False) == "out"
    assert calendar.day(dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC)) == TODAY
