"""Webhook throughput: N signed LINE events through the whole path, against a bare handler.

The server under test runs as it is deployed, in a process of its own (``python -m bot
serve``: signature check, inbox commit before the 200, the inbox worker with the matcher and
the SQLite store, the outbox, the reply through the real LINE SDK). This process is the load:
the client posting the events and the fake LINE API receiving the replies. events/s counts
until the last reply has reached the fake API. The ceiling is a bare aiohttp handler that only
reads the body and answers 200, run the same way (its own process, the same event loop) in the
same run. Only 127.0.0.1 is used; every wait is bounded.

    .venv/bin/python bench/bench_webhook.py [--events 2000] [--concurrency 20]

Prints events/s, p50/p99 webhook latency, the server's CPU time an event, its resident memory
as the run goes (flat is the goal) and its peak, and the ratio to the bare handler. A third
server shows the floor the LINE SDK itself sets: it only verifies and parses each webhook and
replies through the SDK, with no database and no matching.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout, web

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import new_event_loop  # noqa: E402
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(extra: dict[str, str]) -> dict[str, str]:
    # None of the developer's own settings or proxies leak into the measured server.
    settings = {name.upper() for name in Settings.model_fields}
    env = {
        key: value
        for key, value in os.environ.items()
        if key.upper() not in settings and not key.upper().endswith("_PROXY")
    }
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", **extra)
    return env


class Server:
    """A process serving on 127.0.0.1:port, and what it holds in memory."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int) -> None:
        self.argv, self.env, self.port = argv, env, port
        self.process: asyncio.subprocess.Process | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __aexit__

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> Server:
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            cwd=ROOT,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.perf_counter() + 60
        async with ClientSession() as session:
            while time.perf_counter() < deadline:
                if self.process.returncode is not None:
                    break
                with contextlib.suppress(OSError, TimeoutError):
                    async with session.get(
                        f"{self.url}/healthz", timeout=ClientTimeout(total=1)
                    ) as response:
                        if response.status == 200:
                            return self
                await asyncio.sleep(0.1)
        self.log.seek(0)
        raise RuntimeError(f"{self.argv} did not come up:\n{self.log.read()[-3000:].decode()}")

    async def __aexit__(self, *exc: object) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self.log.close()

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used, from /proc."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self, field: str = "VmRSS") -> float:
        """Resident memory (VmRSS), or its peak (VmHWM), in MB, from /proc."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no {field} in /proc/{self.process.pid}/status")


def bare_server(port: int) -> None:
    """The ceiling: read the body, answer 200 (run as ``--bare-server PORT``)."""

    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"ok": True})

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/webhooks/line", handler)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, loop=new_event_loop())


def sdk_server(port: int, line_api: str) -> None:
    """The floor any bot on the LINE SDK has: the SDK verifies and parses each webhook and the
    handler replies through the SDK at once, with the desk's own client settings; no
    database, no matching, nothing kept (run as ``--sdk-server PORT --line-api URL``)."""
    from bot.channels.line import LineChannel
    from bot.models import Reply

    channel = LineChannel(SECRET, TOKEN, line_api)
    answer = [Reply("ok")]

    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        for inbound in channel.parse(body, request.headers.get("X-Line-Signature")):
            await channel.deliver(inbound.user_id, answer, inbound.reply_token, "")
        return web.json_response({"ok": True})

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def client(app: web.Application) -> AsyncIterator[None]:
        await channel.start()
        yield
        await channel.close()

    app = web.Application()
    app.cleanup_ctx.append(client)
    app.router.add_post("/webhooks/line", handler)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, loop=new_event_loop())


async def sdk_floor(bodies: list[bytes], concurrency: int) -> tuple[float, list[float], int]:
    fake, fake_url, received = await _fake_line()
    port = _free_port()
    argv = [sys.executable, str(SCRIPT), "--sdk-server", str(port), "--line-api", fake_url]
    try:
        async with Server(argv, _env({"PYTHONPATH": str(ROOT)}), port) as server:
            cpu_before = server.cpu_seconds()
            elapsed, latencies = await _drive(f"{server.url}/webhooks/line", bodies, concurrency)
            cpu = server.cpu_seconds() - cpu_before
        print(f"  SDK-only server CPU: {cpu * 1000 / len(bodies):.2f} ms an event ({cpu:.1f} s)")
    finally:
        await fake.cleanup()
    return elapsed, latencies, len(received)


async def bare(bodies: list[bytes], concurrency: int) -> tuple[float, list[float]]:
    port = _free_port()
    argv = [sys.executable, str(SCRIPT), "--bare-server", str(port)]
    async with Server(argv, _env({}), port) as server:
        cpu_before = server.cpu_seconds()
        result = await _drive(f"{server.url}/webhooks/line", bodies, concurrency)
        cpu = server.cpu_seconds() - cpu_before
    print(f"  bare server CPU: {cpu * 1000 / len(bodies):.2f} ms an event ({cpu:.1f} s)")
    return result


async def whole(bodies: list[bytes], concurrency: int) -> tuple[float, list[float], int]:
    fake, fake_url, received = await _fake_line()
    port = _free_port()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = _env(
                {
                    "BOT_HOST": "127.0.0.1",
                    "BOT_PORT": str(port),
                    "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                    "LINE_CHANNEL_SECRET": SECRET,
                    "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                    "LINE_API_BASE_URL": fake_url,
                    "PYTHONPATH": str(ROOT),
                }
            )
            argv = [sys.executable, "-m", "bot", "--log-level", "WARNING", "serve"]
            async with Server(argv, env, port) as server:
                memory: list[tuple[int, float]] = [(0, server.memory_mb())]

                async def sample() -> None:
                    while True:
                        await asyncio.sleep(0.5)
                        memory.append((len(received), server.memory_mb()))

                sampler = asyncio.create_task(sample())
                cpu_before = server.cpu_seconds()
                start = time.perf_counter()
                try:
                    _, latencies = await _drive(f"{server.url}/webhooks/line", bodies, concurrency)
                    # Count the whole path: until every accepted event's reply has arrived.
                    deadline = start + 600
                    while len(received) < len(bodies) and time.perf_counter() < deadline:  # noqa: ASYNC110 - a counter the fake API's handler bumps
                        await asyncio.sleep(0.005)
                    elapsed = time.perf_counter() - start
                finally:
                    sampler.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await sampler
                memory.append((len(received), server.memory_mb()))
                peak = server.memory_mb("VmHWM")
                cpu = server.cpu_seconds() - cpu_before
        print(f"  server CPU: {cpu * 1000 / len(bodies):.2f} ms an event ({cpu:.1f} s)")
        _print_memory(memory, len(bodies), peak)
    finally:
        await fake.cleanup()
    return elapsed, latencies, len(received)


def _print_memory(samples: list[tuple[int, float]], events: int, peak: float) -> None:
    marks = []
    for share in (0.0, 0.1, 0.25, 0.5, 0.75, 1.0):
        done, rss = next(((d, m) for d, m in samples if d >= share * events), samples[-1])
        marks.append(f"{done}: {rss:.0f}")
    print(f"  server RSS (MB) by replies sent: {', '.join(marks)}; peak {peak:.0f} MB")


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
    elapsed, latencies, replied = await sdk_floor(bodies, concurrency)
    floor = _report("SDK only", events, elapsed, latencies)
    if replied != events:
        raise RuntimeError(f"the SDK-only server replied to {replied} of {events} events")
    elapsed, latencies, replied = await whole(bodies, concurrency)
    rate = _report("whole", events, elapsed, latencies)
    print(f"  replies at the fake LINE API: {replied}/{events}")
    print(f"  whole / bare: {rate / ceiling:.2f}   SDK only / bare: {floor / ceiling:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--sdk-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--line-api", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        bare_server(args.bare_server)
        return
    if args.sdk_server:
        sdk_server(args.sdk_server, args.line_api)
        return
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        runner.run(main_async(args.events, args.concurrency))


if __name__ == "__main__":
    main()
