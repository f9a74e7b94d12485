"""/metrics: Prometheus text with events by channel and decision, tickets, sends, latencies."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.channels.conftest import Desk
from tests.channels.payloads import line_body, line_text
from tests.fakes.line_api import REPLY


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_what_happened(desk: Desk) -> None:
    assert (await desk.post_line(line_body(line_text("emergency numbers")))).status == 200
    await desk.line.wait_for(REPLY)
    await desk.settle()
    await desk.chat({"session": "metrics-visitor", "text": "talk to a human"})

    response = await desk.client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    samples = _samples(await response.text())
    assert samples[("desk_events_total", (("channel", "line"), ("decision", "answer")))] == 1
    assert samples[("desk_events_total", (("channel", "web"), ("decision", "handoff")))] == 1
    assert samples[("desk_tickets_opened_total", (("urgent", "false"),))] == 1
    assert samples[("desk_send_attempts_total", (("channel", "line"),))] == 1
    assert samples[("desk_answer_seconds_count", (("channel", "line"),))] == 1
    assert samples[("desk_webhook_seconds_count", (("route", "/webhooks/line"),))] == 1


async def test_failed_sends_are_counted(desk: Desk) -> None:
    desk.line.fail_next(1, 400, path=REPLY)
    desk.line.fail_next(1, 403, path="/v2/bot/message/push")
    assert (await desk.post_line(line_body(line_text("emergency numbers")))).status == 200
    await desk.settle()
    samples = _samples(await (await desk.client.get("/metrics")).text())
    assert samples[("desk_send_failures_total", (("channel", "line"), ("final", "true")))] == 1
