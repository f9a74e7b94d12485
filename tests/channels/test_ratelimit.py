"""Per-visitor flood control: one notice per flood, others unaffected, nothing unrecorded."""

from __future__ import annotations

from bot.keys import STORE
from bot.ratelimit import Verdict, VisitorRateLimit
from tests.channels.conftest import Desk


def test_bucket_allows_a_burst_then_notifies_once_then_drops() -> None:
    limit = VisitorRateLimit(burst=3, per_minute=60)
    verdicts = [limit.check("line:U1", now=100.0) for _ in range(6)]
    assert verdicts == [
        Verdict.ALLOW,
        Verdict.ALLOW,
        Verdict.ALLOW,
        Verdict.NOTIFY,
        Verdict.DROP,
        Verdict.DROP,
    ]
    # Another visitor is not affected by the first one's flood.
    assert limit.check("line:U2", now=100.0) is Verdict.ALLOW
    # One token a second comes back; after a calm message a new flood is announced again.
    assert limit.check("line:U1", now=101.5) is Verdict.ALLOW
    assert limit.check("line:U1", now=101.5) is Verdict.NOTIFY


def test_memory_is_bounded() -> None:
    limit = VisitorRateLimit(max_visitors=100)
    for n in range(1000):
        limit.check(f"web:{n}", now=0.0)
    assert len(limit) == 100


def test_visitors_quiet_until_their_bucket_refilled_are_forgotten() -> None:
    limit = VisitorRateLimit(burst=3, per_minute=60)  # full again 3 s after the last message
    for n in range(500):
        limit.check(f"web:{n}", now=float(n) / 100)  # 500 visitors over 5 s
    assert len(limit) < 320  # those quiet for 3 s are gone
    for _ in range(3):
        limit.check("web:flood", now=10.0)
    assert limit.check("web:flood", now=10.0) is Verdict.NOTIFY
    assert len(limit) == 1  # only the visitor still refilling is kept
    # A forgotten visitor starts with a full bucket, exactly as if remembered.
    assert [limit.check("web:0", now=10.0) for _ in range(4)] == [
        Verdict.ALLOW,
        Verdict.ALLOW,
        Verdict.ALLOW,
        Verdict.NOTIFY,
    ]
    # The flooding visitor is still limited: its bucket was not dropped while refilling.
    assert limit.check("web:flood", now=11.0) is Verdict.ALLOW
    assert limit.check("web:flood", now=11.0) is Verdict.NOTIFY


async def test_a_flooding_web_visitor_gets_one_notice_and_is_recorded(desk: Desk) -> None:
    burst = VisitorRateLimit().burst
    replies = []
    for n in range(burst + 3):
        response = await desk.chat({"session": "flooder-0001", "text": f"hello {n}"})
        assert response.status == 200
        replies.append(await response.json())
    assert all(r["decision"] != "rate_limited" for r in replies[:burst])
    notice, *quiet = replies[burst:]
    assert notice["decision"] == "rate_limited"
    assert "very fast" in notice["replies"][0]["text"]
    assert all(r["decision"] == "rate_limited" and r["replies"] == [] for r in quiet)

    calm = await desk.chat({"session": "calm-visitor-1", "text": "emergency numbers"})
    assert (await calm.json())["decision"] == "answer"

    store = desk.app[STORE]
    visitor = await store.find_visitor("web", "flooder-0001")
    assert visitor is not None
    inbound = [m.text for m in await store.messages_of(visitor) if m.direction == "in"]
    assert inbound == [f"hello {n}" for n in range(burst + 3)]
