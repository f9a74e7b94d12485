"""Webhook throughput: N signed LINE events through the whole path, against a bare handler.

The whole path is signature check, inbox commit (the webhook's 200), the inbox worker (desk:
matcher, SQLite store), the outbox, and the reply through the real LINE SDK to a fake LINE
API, all on 127.0.0.1; events/s counts until the last reply has been sent. The ceiling is a bare aiohttp handler that
only reads the body and answers 200, measured on the same machine in the same run.

    .venv/bin/python bench/bench_webhook.py [--events 2000] [--concurrency 20]

Prints events/s, p50/p99 webhook latency, peak resident memory and the ratio to the bare
handler. Only loopback addresses are used; every loop is bounded by the event count.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import PIPELINE, create_app  # noqa: E402
from bot.settings import Settings  # noqa: E402

SECRET = "bench-line-channel-secret-0123456789"
TOKEN = "bench-line-access-token"
QUESTIONS = [
    "emergency numbers",
    "花蓮縣政府電話",
    "居留证怎么延期",
    "sister cities of hualien",
    "whale watching season",
    "where can I buy a SIM card",
    "颱風假怎麼查",
    "thanks!",
]


async def _fake_line() -> tuple[web.AppRunner, str, list[int]]:
    received: list[int] = []

    async def reply(request: web.Request) -> web.Response:
        await request.read()
        received.append(1)
        return web.json_response({"sentMessages": [{"id": "1", "quoteToken": "q"}]})

    app = web.Application()
    app.router.add_post("/v2/bot/message/reply", reply)
    app.router.add_post("/v2/bot/message/push", reply)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}", received


def _event(index: int) -> bytes:
    body = {
        "destination": "Ubench",
        "events": [
            {
                "type": "message",
                "mode": "active",
                "timestamp": 1700000000000 + index,
                # One visitor per event: the per-visitor flood control must not shape the figure.
                "source": {"type": "user", "userId": f"U{index:032x}"},
                "webhookEventId": f"01BENCH{index:019d}",
                "deliveryContext": {"isRedelivery": False},
                "replyToken": f"rt{index}",
                "message": {
                    "id": str(index),
                    "type": "text",
                    "quoteToken": "q",
                    "text": QUESTIONS[index % len(QUESTIONS)],
                },
            }
        ],
    }
    return json.dumps(body, ensure_ascii=False).encode()


def _sign(body: bytes) -> str:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


async def _drive(url: str, bodies: list[bytes], concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async with ClientSession() as session:

        async def worker() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                start = time.perf_counter()
                async with session.post(
                    url,
                    data=body,
                    headers={"X-Line-Signature": _sign(body), "Content-Type": "application/json"},
                ) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"webhook answered {response.status}")
                latencies.append((time.perf_counter() - start) * 1000)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, latencies


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def bare(bodies: list[bytes], concurrency: int) -> tuple[float, list[float]]:
    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/webhooks/line", handler)
    runner, base = await _serve(app)
    try:
        return await _drive(f"{base}/webhooks/line", bodies, concurrency)
    finally:
        await runner.cleanup()


async def whole(bodies: list[bytes], concurrency: int) -> tuple[float, list[float], int]:
    fake, fake_url, received = await _fake_line()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
            line_channel_secret=SECRET,  # type: ignore[arg-type]
            line_channel_access_token=TOKEN,  # type: ignore[arg-type]
            line_api_base_url=fake_url,
        )
        app = create_app(settings)
        runner, base = await _serve(app)
        try:
            elapsed_accept, latencies = await _drive(f"{base}/webhooks/line", bodies, concurrency)
            # Count the whole path: until every accepted event has been answered and sent.
            start = time.perf_counter()
            deadline = start + 600
            while not await app[PIPELINE].idle() and time.perf_counter() < deadline:  # noqa: ASYNC110 - polls the database, not an in-process flag
                await asyncio.sleep(0.01)
            elapsed = elapsed_accept + (time.perf_counter() - start)
        finally:
            await runner.cleanup()
            await fake.cleanup()
    return elapsed, latencies, len(received)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _report(label: str, count: int, elapsed: float, latencies: list[float]) -> float:
    rate = count / elapsed
    print(
        f"  {label:10} {rate:9.0f} events/s   p50 {statistics.median(latencies):6.2f} ms"
        f"   p99 {_p(latencies, 0.99):7.2f} ms"
    )
    return rate


async def main_async(events: int, concurrency: int) -> None:
    bodies = [_event(i) for i in range(events)]
    print(f"{events} signed LINE events, concurrency {concurrency}, 127.0.0.1")
    elapsed, latencies = await bare(bodies, concurrency)
    ceiling = _report("bare", events, elapsed, latencies)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    elapsed, latencies, replied = await whole(bodies, concurrency)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rate = _report("whole", events, elapsed, latencies)
    print(f"  replies at the fake LINE API: {replied}/{events}")
    print(
        f"  peak RSS: {rss_after / 1024:.0f} MB (grew {(rss_after - rss_before) / 1024:.0f} MB"
        " during the whole-path run)"
    )
    print(f"  whole / bare: {rate / ceiling:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main_async(args.events, args.concurrency))


if __name__ == "__main__":
    main()
