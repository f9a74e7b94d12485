"""The container files, checked without a Docker engine.

Dockerfile (a small line-based parser), .dockerignore (Docker's matching rules, simplified),
compose.yaml (PyYAML), deploy/Caddyfile and deploy/env.example; and that every setting of
bot/settings.py is documented in README.md and deploy/env.example, so that a new setting
cannot go undocumented.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from sqlalchemy import make_url

from bot.app import healthz
from bot.settings import Settings
from tests.conftest import ROOT

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "compose.yaml"
ENV_EXAMPLE = ROOT / "deploy" / "env.example"
README = ROOT / "README.md"

#: Never in an image, never written in compose.yaml or deploy/env.example.
SECRETS = (
    "LINE_CHANNEL_SECRET",
    "LINE_CHANNEL_ACCESS_TOKEN",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "STAFF_SESSION_KEY",
    "SMTP_PASSWORD",
)
#: Secrets of the deployment itself (compose.yaml), not of the bot.
DEPLOY_SECRETS = ("POSTGRES_PASSWORD",)
SETTING_NAMES = sorted(name.upper() for name in Settings.model_fields)


# ---- Dockerfile --------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    line: int  #: where it starts in the file
    keyword: str  #: upper case: FROM, RUN, ...
    value: str  #: the arguments, continuation lines joined with a space
    stage: int  #: index of the FROM it belongs to; -1 before the first FROM


def parse_dockerfile(text: str) -> list[Instruction]:
    """One Instruction per instruction: comments dropped, ``\\`` continuations joined.

    Like Docker, comment and blank lines inside a continuation are skipped. Parser directives
    (``# syntax=``) count as comments, and heredocs are not supported (none are used).
    """
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    stage = -1
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1].strip())
            continue
        pending.append(line)
        keyword, _, value = " ".join(part for part in pending if part).partition(" ")
        pending = []
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(start, keyword, value.strip(), stage))
    assert not pending, "the Dockerfile ends inside a continuation"
    return instructions


def key_values(value: str) -> dict[str, str]:
    """ENV / ARG / LABEL arguments: ``K=V K2="V 2"``, the legacy ``K V`` or a bare ``ARG K``."""
    tokens = shlex.split(value)
    if tokens and "=" not in tokens[0]:
        return {tokens[0]: " ".join(tokens[1:])}
    return dict(token.split("=", 1) if "=" in token else (token, "") for token in tokens)


def options_and_rest(value: str) -> tuple[dict[str, str], str]:
    """Split leading ``--flag=value`` options (COPY --from=..., HEALTHCHECK --interval=...)."""
    options: dict[str, str] = {}
    rest = value
    while match := re.match(r"--([\w-]+)(?:=(\S*))?\s+", rest):
        options[match.group(1)] = match.group(2) or ""
        rest = rest[match.end() :]
    return options, rest


@pytest.fixture(scope="module")
def dockerfile() -> list[Instruction]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


def _final(dockerfile: list[Instruction]) -> list[Instruction]:
    last = max(i.stage for i in dockerfile)
    return [i for i in dockerfile if i.stage == last]


def _one(instructions: list[Instruction], keyword: str) -> Instruction:
    found = [i for i in instructions if i.keyword == keyword]
    assert len(found) == 1, f"expected one {keyword} in the final stage, found {len(found)}"
    return found[0]


def _env(instructions: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "ENV":
            env.update(key_values(instruction.value))
    return env


def test_parser_joins_continuations_and_skips_comments() -> None:
    parsed = parse_dockerfile(
        "# syntax=docker/dockerfile:1\nFROM python:3.11-slim AS a\nRUN one \\\n"
        "    # a comment inside\n\n    && two\nenv A=1 \\\n  B='x y'\nFROM python:3.11-slim\n"
    )
    assert [(i.keyword, i.stage, i.line) for i in parsed] == [
        ("FROM", 0, 2),
        ("RUN", 0, 3),
        ("ENV", 0, 7),
        ("FROM", 1, 9),
    ]
    assert parsed[1].value == "one && two"
    assert key_values(parsed[2].value) == {"A": "1", "B": "x y"}
    assert key_values("LEGACY some value") == {"LEGACY": "some value"}
    assert key_values("BARE") == {"BARE": ""}


def test_every_stage_is_python_311_slim(dockerfile: list[Instruction]) -> None:
    froms = [i for i in dockerfile if i.keyword == "FROM"]
    assert len(froms) >= 2, "multi-stage: a builder stage and a runtime stage"
    for instruction in froms:
        image = options_and_rest(instruction.value)[1].split()[0]
        assert re.fullmatch(r"python:3\.11-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", image), (
            f"line {instruction.line}: FROM {image}, expected python:3.11-slim"
        )


def test_builder_installs_the_project_into_a_venv_without_dev_extras(
    dockerfile: list[Instruction],
) -> None:
    builder = [i for i in dockerfile if i.stage == 0]
    runs = [i.value for i in builder if i.keyword == "RUN"]
    assert any(re.search(r"python -m venv (/\S+)", run) for run in runs)
    venv = next(m.group(1) for run in runs if (m := re.search(r"python -m venv (/\S+)", run)))
    assert any(re.search(r"\bpip install (--no-deps )?\.(\s|$)", run) for run in runs), (
        "the builder installs the project itself (pip install .)"
    )
    for instruction in dockerfile:
        assert "[dev]" not in instruction.value, f"line {instruction.line}: dev extras"
        if instruction.keyword == "RUN" and "pip install" in instruction.value:
            assert not re.search(r"\s(-e|--editable)\s", instruction.value), "not editable"
    copies = [options_and_rest(i.value) for i in _final(dockerfile) if i.keyword == "COPY"]
    assert any(opts.get("from") and rest.split()[0] == venv for opts, rest in copies), (
        f"the runtime stage copies {venv} from the builder"
    )
    assert f"{venv}/bin" in _env(_final(dockerfile)).get("PATH", "")


def test_runs_as_a_fixed_non_root_uid(dockerfile: list[Instruction]) -> None:
    final = _final(dockerfile)
    users = [i for i in final if i.keyword == "USER"]
    assert users, "the runtime stage needs a USER instruction"
    cmd = _one(final, "CMD")
    user = users[-1]
    assert user.line < cmd.line, "USER comes before CMD"
    uid = user.value.split(":")[0]
    assert uid.isdigit(), f"USER {user.value}: a fixed numeric UID (runAsNonRoot can check it)"
    assert int(uid) != 0
    if ":" in user.value:
        assert int(user.value.split(":")[1]) != 0, "not group root"
    assert any(
        i.keyword == "RUN" and f"--uid {uid}" in i.value and "useradd" in i.value for i in final
    ), f"a user with UID {uid} exists in /etc/passwd"


def test_workdir_has_a_data_dir_the_user_can_write(dockerfile: list[Instruction]) -> None:
    final = _final(dockerfile)
    workdir = [i.value for i in final if i.keyword == "WORKDIR"][-1]
    uid = [i.value for i in final if i.keyword == "USER"][-1].split(":")[0]
    data = f"{workdir.rstrip('/')}/data"
    runs = " ; ".join(i.value for i in final if i.keyword == "RUN")
    assert f"mkdir -p {data}" in runs
    assert re.search(rf"chown {uid}(:\d+)? {re.escape(data)}\b", runs)
    url = _env(final).get("DATABASE_URL")
    if url is not None:  # the SQLite default of a single container lives in the data dir
        assert url.startswith(f"sqlite:///{data}/")


def test_listens_on_all_interfaces_port_8080(dockerfile: list[Instruction]) -> None:
    final = _final(dockerfile)
    env = _env(final)
    assert ipaddress.ip_address(env["BOT_HOST"]).is_unspecified, "BOT_HOST=0.0.0.0"
    assert env.get("BOT_PORT", "8080") == "8080"
    assert "8080" in _one(final, "EXPOSE").value.split()


def test_cmd_serves_in_exec_form(dockerfile: list[Instruction]) -> None:
    final = _final(dockerfile)
    assert json.loads(_one(final, "CMD").value) == ["python", "-m", "bot", "serve"]
    assert not [i for i in final if i.keyword == "ENTRYPOINT"], "CMD would become its arguments"
    assert _one(final, "CMD") is final[-1], "CMD is the last instruction"


def test_knowledge_base_is_copied_where_the_server_looks(dockerfile: list[Instruction]) -> None:
    final = _final(dockerfile)
    workdir = [i.value for i in final if i.keyword == "WORKDIR"][-1]
    copies = [shlex.split(options_and_rest(i.value)[1]) for i in final if i.keyword == "COPY"]
    destinations = [words[-1] for words in copies if words[0].rstrip("/") == "knowledge"]
    assert destinations, "COPY knowledge/ into the runtime stage"
    destination = destinations[0].rstrip("/")
    if not destination.startswith("/"):
        destination = f"{workdir.rstrip('/')}/{destination.removeprefix('./')}"
    knowledge_dir = _env(final).get("KNOWLEDGE_DIR", f"{workdir}/knowledge")
    assert knowledge_dir.rstrip("/") == destination


def test_no_secret_is_baked_in(dockerfile: list[Instruction]) -> None:
    for instruction in dockerfile:
        if instruction.keyword in ("ENV", "ARG"):
            for key in key_values(instruction.value):
                assert key not in SECRETS + DEPLOY_SECRETS, f"line {instruction.line}: {key}"
                assert not re.search(r"SECRET|TOKEN|PASSWORD", key), f"line {instruction.line}"
        for name in SECRETS:
            assert name not in instruction.value, f"line {instruction.line} mentions {name}"
        if instruction.keyword in ("COPY", "ADD"):
            sources = shlex.split(options_and_rest(instruction.value)[1])[:-1]
            assert not any(Path(s).name.startswith(".env") for s in sources)
    url = _env(_final(dockerfile)).get("DATABASE_URL", "")
    assert "@" not in url, "no database password in the image"


def _healthcheck_argv(dockerfile: list[Instruction]) -> list[str]:
    check = _one(_final(dockerfile), "HEALTHCHECK")
    _, rest = options_and_rest(check.value)
    assert rest.startswith("CMD "), "HEALTHCHECK CMD [...] (not NONE)"
    argv: list[str] = json.loads(rest.removeprefix("CMD "))
    return argv


def test_healthcheck_uses_python_against_healthz(dockerfile: list[Instruction]) -> None:
    argv = _healthcheck_argv(dockerfile)
    assert argv[0] == "python", "no curl or wget in the slim image"
    script = " ".join(argv)
    assert "/healthz" in script
    assert "127.0.0.1" in script
    assert "8080" in script


@contextlib.asynccontextmanager
async def _serve(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> AsyncIterator[int]:
    """A bare server on 127.0.0.1 with ``handler`` at /healthz; yields its port."""
    app = web.Application()
    app.router.add_get("/healthz", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


async def _run_healthcheck(argv: list[str], port: int) -> int:
    # "python" in the image is the venv's; a proxy variable must not divert the check.
    env = {**os.environ, "BOT_PORT": str(port), "HTTP_PROXY": "http://127.0.0.1:9"}
    env["http_proxy"] = env["HTTP_PROXY"]
    process = await asyncio.create_subprocess_exec(sys.executable, *argv[1:], env=env)
    return await asyncio.wait_for(process.wait(), timeout=30)


async def test_healthcheck_passes_on_the_real_handler_and_fails_otherwise(
    dockerfile: list[Instruction],
) -> None:
    argv = _healthcheck_argv(dockerfile)

    async def unavailable(request: web.Request) -> web.Response:
        return web.json_response({"status": "no"}, status=503)

    async with _serve(healthz) as port:
        assert await _run_healthcheck(argv, port) == 0
    async with _serve(unavailable) as port:
        assert await _run_healthcheck(argv, port) != 0
    # Nothing listens on the port any more.
    assert await _run_healthcheck(argv, port) != 0


# ---- .dockerignore -----------------------------------------------------------------------


def _dockerignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    """(negated, regex) per line; ``*`` stays within a path segment, ``**`` crosses them."""
    rules = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.removeprefix("!").strip().strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex, i = regex + pattern[i : end + 1], end + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((negated, re.compile(regex)))
    return rules


def dockerignored(path: str) -> bool:
    """Whether ``docker build`` leaves ``path`` out: a rule on a directory covers its files."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for negated, regex in _dockerignore_rules():
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            ignored = not negated
    return ignored


@pytest.mark.parametrize(
    "path",
    [
        ".git/HEAD",
        ".venv/bin/python",
        "data/desk.db",
        ".env",
        "deploy/.env",
        "knowledge/.env",
        "tests/test_kb.py",
        "test-artifacts/web-chat.png",
        ".pytest_cache/v/cache/nodeids",
        ".mypy_cache/3.11/bot/app.data.json",
        ".ruff_cache/CACHEDIR.TAG",
        ".hypothesis/examples/x",
        "bot/__pycache__/app.cpython-311.pyc",
        "hualien_exchange_desk.egg-info/PKG-INFO",
    ],
)
def test_dockerignore_keeps_out(path: str) -> None:
    assert dockerignored(path)


@pytest.mark.parametrize(
    "path",
    [
        "pyproject.toml",
        "README.md",
        "bot/__main__.py",
        "bot/staff/templates/base.html",
        "bot/store/migrations/script.py.mako",
        "knowledge/faq.yaml",
        "knowledge/entry.schema.json",
    ],
)
def test_dockerignore_keeps_what_the_image_needs(path: str) -> None:
    assert not dockerignored(path)


def test_everything_copied_from_the_context_is_sent(dockerfile: list[Instruction]) -> None:
    for instruction in dockerfile:
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        options, rest = options_and_rest(instruction.value)
        if "from" in options:
            continue
        for source in shlex.split(rest)[:-1]:
            assert (ROOT / source).exists(), f"line {instruction.line}: {source} is missing"
            assert not dockerignored(source.rstrip("/").removeprefix("./")), source


# ---- compose.yaml ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def _depends(service: dict[str, Any]) -> dict[str, str]:
    """depends_on as {service: condition} (the short list form means service_started)."""
    depends = service.get("depends_on") or {}
    if isinstance(depends, list):
        return dict.fromkeys(depends, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in depends.items()}


def _postgres(compose: dict[str, Any]) -> str:
    names = [
        name
        for name, svc in compose["services"].items()
        if re.fullmatch(r"postgres:[\w.-]+", str(svc.get("image", "")))
    ]
    assert len(names) == 1, "one PostgreSQL service from the official image"
    return names[0]


def _bots(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Services built from this Dockerfile that run the server (the image's CMD)."""
    bots = {}
    for name, svc in compose["services"].items():
        build = svc.get("build")
        context = build if isinstance(build, str) else (build or {}).get("context")
        if context not in (".", "./"):
            continue
        command = svc.get("command")
        if command is None or (isinstance(command, list) and command[-1:] == ["serve"]):
            bots[name] = svc
    assert bots, "a bot service built from the Dockerfile"
    return bots


def test_postgres_is_healthchecked_with_a_named_volume(compose: dict[str, Any]) -> None:
    service = compose["services"][_postgres(compose)]
    test = service["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))
    named = compose.get("volumes") or {}
    mounts = [str(v).split(":") for v in service.get("volumes", [])]
    assert any(m[0] in named and m[1] == "/var/lib/postgresql/data" for m in mounts), (
        "the database lives in a named volume"
    )


def test_at_least_two_bot_replicas(compose: dict[str, Any]) -> None:
    replicas = sum(
        int((svc.get("deploy") or {}).get("replicas", 1)) for svc in _bots(compose).values()
    )
    assert replicas >= 2


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}`` (and ``-``/``?``), ``$$``."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.group("name", "op", "arg")
        current = variables.get(name)
        missing = current is None or (operator is not None and ":" in operator and not current)
        if operator and operator.endswith("?") and missing:
            raise ValueError(f"{name}: {argument}")
        if operator and operator.endswith("-") and missing:
            return str(argument)
        return current or ""

    pattern = r"\$\$|\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    return re.sub(pattern, substitute, value)


#: What an operator's deploy/.env provides at the least.
OPERATOR_ENV = {"POSTGRES_PASSWORD": "pw0123456789", "STAFF_SESSION_KEY": "key"}


def test_interpolate_like_compose() -> None:
    assert interpolate("a${X:-d}b${Y-e}$${Z}", {"Y": ""}) == "adb${Z}"
    assert interpolate("${X:-d}", {"X": "v"}) == "v"
    with pytest.raises(ValueError, match="say so"):
        interpolate("${X:?say so}", {"X": ""})


def test_bots_use_postgres_and_wait_for_it(compose: dict[str, Any]) -> None:
    postgres = _postgres(compose)
    database = {
        key: interpolate(value, OPERATOR_ENV)
        for key, value in _environment(compose["services"][postgres]).items()
    }
    for name, svc in _bots(compose).items():
        env = {key: interpolate(value, OPERATOR_ENV) for key, value in _environment(svc).items()}
        url = make_url(env["DATABASE_URL"])
        assert url.drivername == "postgresql+asyncpg", name
        assert (url.host, url.port or 5432) == (postgres, 5432)
        assert url.username == database["POSTGRES_USER"]
        assert url.password == database["POSTGRES_PASSWORD"] == OPERATOR_ENV["POSTGRES_PASSWORD"]
        assert url.database == database["POSTGRES_DB"]
        assert _depends(svc).get(postgres) == "service_healthy", name
        if "BOT_HOST" in env:
            assert ipaddress.ip_address(env["BOT_HOST"]).is_unspecified
        assert env.get("BOT_PORT", "8080") == "8080"
        assert "ports" not in svc, f"{name}: reached through the proxy only"


def test_schema_is_migrated_once_before_the_replicas_start(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    # Two replicas upgrading an empty PostgreSQL database at once collide on CREATE TABLE.
    services = compose["services"]
    for name, svc in _bots(compose).items():
        steps = [s for s, c in _depends(svc).items() if c == "service_completed_successfully"]
        assert steps, f"{name} waits for a one-shot migration"
    command = services[steps[0]]["command"]
    assert command[:2] == ["python", "-c"]
    database = tmp_path / "desk.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    result = subprocess.run(
        [sys.executable, "-c", command[2]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()


def test_replicas_share_one_required_session_key(compose: dict[str, Any]) -> None:
    # Unset, each process draws its own key: a staff cookie from one replica fails on the other.
    for svc in _bots(compose).values():
        value = _environment(svc)["STAFF_SESSION_KEY"]
        assert interpolate(value, OPERATOR_ENV) == OPERATOR_ENV["STAFF_SESSION_KEY"]
        for absent in ({}, {"STAFF_SESSION_KEY": ""}):
            with pytest.raises(ValueError, match="STAFF_SESSION_KEY"):
                interpolate(value, absent)


def test_a_proxy_is_the_one_address(compose: dict[str, Any]) -> None:
    bots = _bots(compose)
    proxies = {
        name: svc
        for name, svc in compose["services"].items()
        if re.fullmatch(r"(caddy|nginx):[\w.-]+", str(svc.get("image", "")))
    }
    assert len(proxies) == 1, "one official caddy or nginx image in front"
    (proxy,) = proxies.values()
    assert proxy.get("ports"), "the proxy publishes the address"
    assert set(bots) <= set(_depends(proxy))
    configs = [str(v).split(":")[0] for v in proxy["volumes"] if str(v).startswith("./deploy/")]
    assert configs, "its configuration comes from deploy/"
    text = (ROOT / configs[0]).read_text(encoding="utf-8")
    assert all(re.search(rf"\b{re.escape(name)}\b", text) for name in bots)
    assert "8080" in text


def test_compose_writes_no_secret(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        for key, value in _environment(svc).items():
            if key in SECRETS + DEPLOY_SECRETS:
                assert re.fullmatch(rf"\$\{{{key}(:?[?-][^}}]*)?\}}", value), f"{name}: {key}"
        for env_file in svc.get("env_file") or []:
            path = env_file if isinstance(env_file, str) else env_file["path"]
            assert Path(path).name == ".env", f"{name}: secrets come from an ignored .env"
            assert dockerignored(path)
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_compose_variables_are_listed_in_env_example() -> None:
    variables = set(re.findall(r"(?<!\$)\$\{([A-Za-z_]\w*)", COMPOSE.read_text(encoding="utf-8")))
    assert "POSTGRES_PASSWORD" in variables
    missing = sorted(v for v in variables if not _listed(v))
    assert not missing, f"compose.yaml variables missing from deploy/env.example: {missing}"


# ---- settings documented -----------------------------------------------------------------


def _listed(name: str) -> bool:
    """``NAME=`` or ``# NAME=`` on a line of deploy/env.example."""
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    return re.search(rf"^#?[ \t]*{name}=", text, re.MULTILINE) is not None


def _env_example_values() -> Iterator[tuple[bool, str, str]]:
    """(commented, name, value) for each ``[#] NAME=value`` line."""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r"(#?)[ \t]*([A-Z][A-Z0-9_]*)=(.*)", line.strip()):
            yield bool(match.group(1)), match.group(2), match.group(3)


def test_settings_are_found() -> None:
    assert len(SETTING_NAMES) >= 10
    assert {"BOT_HOST", "DATABASE_URL", "STAFF_SESSION_KEY"} <= set(SETTING_NAMES)


def test_every_setting_is_documented_in_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = [name for name in SETTING_NAMES if not re.search(rf"\b{name}\b", readme)]
    assert not missing, f"settings in bot/settings.py not documented in README.md: {missing}"


def test_every_setting_is_listed_in_env_example() -> None:
    missing = [name for name in SETTING_NAMES if not _listed(name)]
    assert not missing, f"settings in bot/settings.py missing from deploy/env.example: {missing}"


def test_env_example_holds_no_secret_value() -> None:
    for _, name, value in _env_example_values():
        if name in SECRETS + DEPLOY_SECRETS:
            assert value == "", f"{name} has a value in deploy/env.example"


#: Values the containers use instead of the code's defaults (compose.yaml and the Dockerfile).
CONTAINER_VALUES = {"BOT_HOST", "DATABASE_URL", "KNOWLEDGE_DIR"}


def test_env_example_values_are_valid_and_defaults_are_current(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    defaults = Settings(_env_file=None)
    for commented, name, value in _env_example_values():
        if name not in SETTING_NAMES or not value:
            continue
        with monkeypatch.context() as patch:
            patch.setenv(name, value)
            parsed = Settings(_env_file=None)
        if commented and name not in CONTAINER_VALUES:
            field = name.lower()
            assert getattr(parsed, field) == getattr(defaults, field), (
                f"deploy/env.example shows {name}={value}, the default is "
                f"{getattr(defaults, field)!r}"
            )


def test_readme_explains_running_replicas() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "## Running several replicas (Docker)" in readme
    section = readme.split("## Running several replicas (Docker)", 1)[1].split("\n## ", 1)[0]
    assert "docker compose --env-file deploy/.env up --build" in section
    assert "python -m bot staff add" in section
    assert "/webhooks/line" in section
    assert "/webhooks/telegram" in section


def test_the_image_compiles_the_interface_catalogs_before_installing(
    dockerfile: list[Instruction],
) -> None:
    builder = [i for i in dockerfile if i.stage == 0]
    runs = [i.value for i in builder if i.keyword == "RUN"]
    compiling = next(n for n, run in enumerate(runs) if "pybabel compile" in run)
    installing = next(n for n, run in enumerate(runs) if "pip install --no-deps ." in run)
    assert compiling < installing
    # The image's catalogs are its own, compiled from the .po files: never a stale local .mo.
    assert dockerignored("bot/locale/ja/LC_MESSAGES/messages.mo")
    assert not dockerignored("bot/locale/ja/LC_MESSAGES/messages.po")
    final = " ; ".join(i.value for i in _final(dockerfile) if i.keyword == "RUN")
    assert "check_catalogs()" in final
