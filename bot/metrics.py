"""Prometheus metrics for /metrics: one registry per app, so tests and replicas never share.

What operators watch: events by channel and decision, tickets opened, delivery attempts and
failures, and how long answering and sending take.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.models import NoticeKind, Outcome

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.events = Counter(
            "desk_events",
            "Visitor messages handled, by channel and decision",
            ["channel", "decision"],
            registry=self.registry,
        )
        self.tickets = Counter(
            "desk_tickets_opened",
            "Tickets opened, by reason of the notice and urgency",
            ["urgent"],
            registry=self.registry,
        )
        self.send_attempts = Counter(
            "desk_send_attempts",
            "Delivery attempts to visitors, by channel",
            ["channel"],
            registry=self.registry,
        )
        self.send_failures = Counter(
            "desk_send_failures",
            "Failed delivery attempts, by channel and whether they will be retried",
            ["channel", "final"],
            registry=self.registry,
        )
        self.answer_seconds = Histogram(
            "desk_answer_seconds",
            "Time the desk takes to decide an answer",
            ["channel"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.send_seconds = Histogram(
            "desk_send_seconds",
            "Time one delivery attempt takes",
            ["channel"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.webhook_seconds = Histogram(
            "desk_webhook_seconds",
            "Time to accept a webhook (verify, commit to the inbox, answer)",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe_outcome(self, channel: str, outcome: Outcome, started: float) -> None:
        self.answer_seconds.labels(channel).observe(time.perf_counter() - started)
        self.events.labels(channel, outcome.decision or "none").inc()
        for notice in outcome.notices:
            if notice.kind is NoticeKind.OPENED:
                self.tickets.labels(str(notice.urgent).lower()).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
