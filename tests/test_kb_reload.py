"""The knowledge base changes without a restart: ``python -m bot kb reload`` publishes valid
files to the database and every server (each replica with its own copy of ``knowledge/``)
answers from them within KNOWLEDGE_POLL_SECONDS; SIGHUP reloads a server's own files; a broken
file is refused, names the file, the entry and the field, and the old knowledge base answers on.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import logging
import os
import shutil
import signal
import socket
import sys
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import KNOWLEDGE, STORE, create_app, reload_knowledge
from bot.kb import live, loader
from bot.kb.schema import Entry
from bot.settings import Settings
from bot.staff.accounts import hash_password
from tests.conftest import KNOWLEDGE_DIR, ROOT
from tests.staff.test_console import NAME, PASSWORD, _csrf, _login

OLD_ANSWER = "You're welcome! Ask me anytime if you need anything else. Enjoy Hualien."
NEW_ANSWER = "You're welcome! Ask me anytime if you need anything else. Enjoy Hualien, again."
#: faq.thanks without its English answer.
BROKEN = ("      en: |-\n        " + OLD_ANSWER + "\n", "")
EDITED = (OLD_ANSWER, NEW_ANSWER)
POLL = 0.1


def copy_knowledge(target: Path) -> Path:
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def edit(directory: Path, change: tuple[str, str]) -> None:
    path = directory / "faq.yaml"
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")


Server = TestClient[web.Request, web.Application]


@pytest.fixture
async def start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Callable[[Path], Awaitable[Server]]]:
    """Start a server (a replica) on the shared database, answering from ``directory``."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    clients: list[Server] = []

    async def factory(directory: Path) -> Server:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite:///{tmp_path / 'desk.db'}",
            knowledge_dir=directory,
            knowledge_poll_seconds=POLL,
        )
        client: Server = TestClient(TestServer(create_app(settings), host="127.0.0.1", port=0))
        await client.start_server()
        clients.append(client)
        return client

    yield factory
    for client in reversed(clients):
        await client.close()


_visitors = itertools.count(1)


async def thanks(client: Server) -> str:
    # A new visitor each time: one asking again and again would be slowed down as a flood.
    session = f"reload-visitor-{next(_visitors)}"
    response = await client.post("/api/chat", json={"session": session, "text": "thank you"})
    assert response.status == 200
    body = await response.json()
    assert body["entry"] == "faq.thanks"
    return str(body["replies"][0]["text"])


async def answers_within(client: Server, expected: str, seconds: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (answer := await thanks(client)) != expected:
        if loop.time() > deadline:
            raise AssertionError(f"still answering {answer!r}")
        await asyncio.sleep(POLL)


def kb_reload(directory: Path, database: str) -> tuple[int, str, str]:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "reload", "--knowledge", str(directory)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database, "KNOWLEDGE_POLL_SECONDS": str(POLL)},
        check=False,
        timeout=120,
    )
    return result.returncode, result.stdout, result.stderr


async def test_kb_reload_changes_every_replicas_answers_without_a_restart(
    start: Callable[[Path], Awaitable[Server]], tmp_path: Path
) -> None:
    # Two replicas, each with its own copy of the files, as two containers would have.
    first = await start(copy_knowledge(tmp_path / "replica-1"))
    second = await start(copy_knowledge(tmp_path / "replica-2"))
    assert await thanks(first) == OLD_ANSWER
    assert await thanks(second) == OLD_ANSWER
    version = first.app[KNOWLEDGE].current.version

    curated = copy_knowledge(tmp_path / "curator")
    edit(curated, EDITED)
    code, out, err = kb_reload(curated, first.app[STORE].engine.url.render_as_string())
    assert code == 0, err
    assert "published" in out
    assert err == ""  # no migration chatter, no log lines
    await answers_within(first, NEW_ANSWER)
    await answers_within(second, NEW_ANSWER)
    ready = await (await second.get("/readyz")).json()
    assert ready["knowledge_version"] != version
    assert ready["knowledge_version"] in out

    # The same files again: nothing to publish.
    code, out, _ = kb_reload(curated, first.app[STORE].engine.url.render_as_string())
    assert code == 0
    assert "already published" in out


async def test_a_broken_file_is_refused_and_the_old_answers_stay(
    start: Callable[[Path], Awaitable[Server]], tmp_path: Path
) -> None:
    server = await start(copy_knowledge(tmp_path / "served"))
    before = await server.app[STORE].get_flag(live.DIGEST_FLAG)
    assert before is not None  # the server published its own files at start-up
    curated = copy_knowledge(tmp_path / "curator")
    edit(curated, BROKEN)
    code, out, err = kb_reload(curated, server.app[STORE].engine.url.render_as_string())
    assert code == 1
    assert out == ""
    # The file, the entry and the field.
    assert "faq.yaml: faq.thanks: answer.en: Field required" in err
    assert "nothing was published" in err
    assert await server.app[STORE].get_flag(live.DIGEST_FLAG) == before
    await asyncio.sleep(POLL * 5)
    assert await thanks(server) == OLD_ANSWER


async def test_reload_of_a_servers_own_files_swaps_good_ones_and_refuses_bad_ones(
    start: Callable[[Path], Awaitable[Server]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What SIGHUP runs (see test_sighup… for the signal itself)."""
    directory = copy_knowledge(tmp_path / "served")
    server = await start(directory)
    original = (directory / "faq.yaml").read_text(encoding="utf-8")
    edit(directory, BROKEN)
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        assert await reload_knowledge(server.app) is False
    assert "faq.yaml: faq.thanks: answer.en: Field required" in caplog.text
    assert "the previous one still answers" in caplog.text
    assert await thanks(server) == OLD_ANSWER

    (directory / "faq.yaml").write_text(original.replace(*EDITED, 1), encoding="utf-8")
    assert await reload_knowledge(server.app) is True
    assert await thanks(server) == NEW_ANSWER  # at once: no poll needed on this server
    published = await server.app[STORE].get_flag(live.DIGEST_FLAG)
    assert published == server.app[KNOWLEDGE].current.digest


async def test_a_restarted_replica_on_older_files_follows_the_published_ones(
    start: Callable[[Path], Awaitable[Server]], tmp_path: Path
) -> None:
    image = copy_knowledge(tmp_path / "image-v1")
    first = await start(image)
    curated = copy_knowledge(tmp_path / "curator")
    edit(curated, EDITED)
    code, _, err = kb_reload(curated, first.app[STORE].engine.url.render_as_string())
    assert code == 0, err
    await answers_within(first, NEW_ANSWER)

    # A replica restarts from the same (older) image: its files were published once already,
    # so the curator's later publish wins, at once.
    restarted = await start(copy_knowledge(tmp_path / "image-v1-again"))
    assert await thanks(restarted) == NEW_ANSWER

    # A new deployment with files nobody published yet wins over both, everywhere.
    new_image = copy_knowledge(tmp_path / "image-v2")
    edit(new_image, (OLD_ANSWER, "Glad to help! Enjoy Hualien."))
    deployed = await start(new_image)
    assert await thanks(deployed) == "Glad to help! Enjoy Hualien."
    await answers_within(first, "Glad to help! Enjoy Hualien.")
    await answers_within(restarted, "Glad to help! Enjoy Hualien.")


async def test_a_published_knowledge_base_this_server_cannot_use_is_not_taken(
    start: Callable[[Path], Awaitable[Server]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = await start(copy_knowledge(tmp_path / "served"))
    files = live.read_files(tmp_path / "served")
    files["faq.yaml"] = files["faq.yaml"].replace(BROKEN[0], "")
    store = server.app[STORE]
    # As another version of the desk, with another schema, might have published it.
    async with store.unit_of_work():
        await store.set_flag(live.FILES_FLAG, json.dumps({"files": files}))
        await store.set_flag(live.DIGEST_FLAG, live.digest_of(files))
    with caplog.at_level(logging.ERROR, logger="bot.kb.live"):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while not (refusals := [r for r in caplog.records if "not taken up" in r.getMessage()]):
            assert loop.time() < deadline, "the broken publish was never looked at"
            await asyncio.sleep(POLL)
        await asyncio.sleep(POLL * 10)
    refusals = [r for r in caplog.records if "not taken up" in r.getMessage()]
    assert len(refusals) == 1  # said once, not at every poll
    assert "faq.yaml: faq.thanks: answer.en: Field required" in refusals[0].getMessage()
    assert await thanks(server) == OLD_ANSWER


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_sighup_makes_a_running_server_answer_from_its_edited_files(
    tmp_path: Path,
) -> None:
    directory = copy_knowledge(tmp_path / "knowledge")
    port = _free_port()
    env = {
        **os.environ,
        "NO_PROXY": "127.0.0.1,localhost",
        "BOT_PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'desk.db'}",
        "KNOWLEDGE_DIR": str(directory),
    }
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TELEGRAM_BOT_TOKEN"):
        env.pop(name, None)
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"

    async def ask(http: ClientSession) -> str:
        async with http.post(
            f"{url}/api/chat",
            json={"session": f"sighup-visitor-{next(_visitors)}", "text": "thank you"},
        ) as response:
            body: dict[str, Any] = await response.json()
        return str(body["replies"][0]["text"])

    try:
        assert server.stderr is not None
        while b"bot.app: staff console: http" not in (
            line := await asyncio.wait_for(server.stderr.readline(), 60)
        ):
            assert line, "the server stopped before it listened"
        async with ClientSession() as http:
            assert await ask(http) == OLD_ANSWER
            edit(directory, EDITED)
            server.send_signal(signal.SIGHUP)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 20
            while await ask(http) != NEW_ANSWER:
                assert loop.time() < deadline, "SIGHUP did not reload the knowledge base"
                await asyncio.sleep(0.1)
    except BaseException:
        # The server's log, for whoever reads the failure.
        server.terminate()
        rest = await asyncio.wait_for(server.stderr.read(), 30) if server.stderr else b""
        print(rest.decode(errors="replace"))
        raise
    finally:
        if server.returncode is None:
            server.terminate()
        await asyncio.wait_for(server.wait(), 30)


async def test_staff_reload_the_knowledge_base_from_the_console(
    start: Callable[[Path], Awaitable[Server]], tmp_path: Path
) -> None:
    directory = copy_knowledge(tmp_path / "served")
    server = await start(directory)
    other = await start(copy_knowledge(tmp_path / "replica"))
    await server.app[STORE].add_staff(NAME, hash_password(PASSWORD))
    # Not without signing in, and not without the page's CSRF token.
    refused = await server.post("/staff/knowledge/reload", allow_redirects=False)
    assert refused.status == 303
    assert refused.headers["Location"].startswith("/staff/login")
    assert (await _login(server)).status == 303
    page = await (await server.get("/staff/unanswered")).text()
    assert server.app[KNOWLEDGE].current.version in page
    assert "Reload the knowledge base" in page
    token = await _csrf(server, "/staff/unanswered")
    forged = await server.post(
        "/staff/knowledge/reload", data={"csrf": "forged"}, allow_redirects=False
    )
    assert forged.status == 403

    async def reload_from_console() -> str:
        response = await server.post("/staff/knowledge/reload", data={"csrf": token})
        assert response.status == 200  # the redirect to the page, with what happened
        return await response.text()

    edit(directory, BROKEN)
    page = await reload_from_console()
    assert "Not reloaded" in page
    assert "faq.yaml: faq.thanks: answer.en: Field required" in page
    assert await thanks(server) == OLD_ANSWER

    (directory / "faq.yaml").write_text(
        (KNOWLEDGE_DIR / "faq.yaml").read_text(encoding="utf-8").replace(*EDITED, 1),
        encoding="utf-8",
    )
    page = await reload_from_console()
    version = server.app[KNOWLEDGE].current.version
    assert f"Knowledge base reloaded: version {version}" in page
    assert await thanks(server) == NEW_ANSWER  # at once on this server
    await answers_within(other, NEW_ANSWER)  # the other replica follows the publish
    assert "The files are unchanged" in await reload_from_console()


def test_a_check_parses_again_only_the_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = copy_knowledge(tmp_path / "kb")
    parsed: list[str] = []
    parse = loader._parse_entries

    def counted(name: str, text: str, problems: list[loader.Problem]) -> list[Entry]:
        parsed.append(name)
        return parse(name, text, problems)

    monkeypatch.setattr(loader, "_parse_entries", counted)
    loader.forget_parsed_files()
    kb, problems = loader.check(directory)
    assert kb is not None
    assert not problems
    assert len(parsed) == 5  # every entry file, the first time

    parsed.clear()
    edit(directory, EDITED)
    kb, _ = loader.check(directory)
    assert parsed == ["faq.yaml"]
    assert kb is not None
    assert kb["faq.thanks"].answer.en == NEW_ANSWER

    # A broken file's problems are told again at every check, parsed or not.
    edit(directory, ("      en: |-\n        " + NEW_ANSWER + "\n", ""))
    for _ in range(2):
        parsed.clear()
        kb, problems = loader.check(directory)
        assert [str(p) for p in problems] == ["faq.yaml: faq.thanks: answer.en: Field required"], (
            problems
        )
    assert parsed == []  # the second time, from the last check


async def test_a_swapped_out_knowledge_base_is_freed_though_the_collector_skips_it(
    start: Callable[[Path], Awaitable[Server]], tmp_path: Path
) -> None:
    """The server keeps its knowledge base out of the collector's scans (gc.freeze): the one
    a reload replaces must then be freed by reference counting alone, never by a collection."""
    directory = copy_knowledge(tmp_path / "served")
    server = await start(directory)
    assert await thanks(server) == OLD_ANSWER
    assert gc.get_freeze_count() > 0
    # The chooser's training holds its matcher until it is done (a worker thread).
    await server.app[KNOWLEDGE].finish_learning()
    replaced = server.app[KNOWLEDGE].current
    matcher, kb = weakref.ref(replaced.matcher), weakref.ref(replaced.kb)
    del replaced
    edit(directory, EDITED)
    assert await reload_knowledge(server.app) is True
    assert await thanks(server) == NEW_ANSWER
    assert matcher() is None
    assert kb() is None


async def test_the_chooser_is_trained_after_the_swap_so_a_reload_waits_only_for_the_index(
    start: Callable[[Path], Awaitable[Server]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = copy_knowledge(tmp_path / "served")
    server = await start(directory)
    knowledge = server.app[KNOWLEDGE]
    await knowledge.finish_learning()
    assert knowledge.current.matcher.chooser is not None

    built: list[live.Knowledge] = []
    real_build = live.build

    def build(files: dict[str, str], source: str, **options: bool) -> live.Knowledge:
        result = real_build(files, source, **options)
        # What the reload waits for: validation and the index; no chooser yet.
        assert result.matcher.chooser is None
        built.append(result)
        return result

    monkeypatch.setattr(live, "build", build)
    edit(directory, EDITED)
    assert await reload_knowledge(server.app) is True
    assert built
    assert knowledge.current is built[0]
    assert await thanks(server) == NEW_ANSWER
    await knowledge.finish_learning()
    assert knowledge.current.matcher.chooser is not None
