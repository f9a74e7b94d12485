"""Command line: ``python -m bot serve | setup | ask | chat | match | eval | kb check | kb dump |
kb schema | kb reload | staff add | backup``."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from aiohttp.http_exceptions import HttpProcessingError

from bot.answers import AnswerContext, render, title
from bot.errors import DeskError
from bot.kb.live import InvalidKnowledge, Knowledge, build, publish, read_files
from bot.kb.loader import KnowledgeBase, check, load
from bot.kb.schema import Entry
from bot.matcher import Decision, Match, Matcher
from bot.settings import Settings
from bot.text import localize, normalize
from bot.when import asked_window

logger = logging.getLogger(__name__)


def _knowledge_dir(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.knowledge) if getattr(args, "knowledge", None) else settings.knowledge_dir


def _visitor_text(kb: KnowledgeBase, match: Match, settings: Settings) -> str:
    lang = match.lang
    # The CLI's own texts: Chinese for Chinese readers, English for everyone else (Japanese
    # and Korean interface texts come with the message catalogs).
    en = not lang.is_chinese
    if match.decision is Decision.ANSWER and match.entry:
        today = dt.datetime.now(settings.tz).date()
        context = AnswerContext.from_settings(settings, today)
        window = asked_window(normalize(match.question), today)
        return render(kb, kb[match.entry], lang, context, window)
    if match.decision is Decision.CLARIFY:
        options = "\n".join(
            f"  {n}. {title(kb[c], lang)}" for n, c in enumerate(match.candidates, 1)
        )
        head = "Did you mean:" if en else "請問您想問的是："
        return localize(f"{head}\n{options}", lang)
    if match.decision is Decision.HANDOFF:
        text = (
            "I will pass your message to our staff; they will answer you here."
            if en
            else "我會將您的訊息轉給承辦同仁，他們會在這裡回覆您。"
        )
        return localize(text, lang)
    text = (
        "Sorry, I don't have an answer to that. You can rephrase it, or ask our staff."
        if en
        else "抱歉，我目前無法回答這個問題。您可以換個說法，或請承辦同仁協助。"
    )
    return localize(text, lang)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    kb = load(_knowledge_dir(args, settings))
    match = Matcher(kb).match(" ".join(args.question))
    print(_visitor_text(kb, match, settings))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    kb = load(_knowledge_dir(args, settings))
    matcher = Matcher(kb)
    print("Hualien Exchange Desk — ask in English or 中文 (Ctrl-D to quit)")
    while True:
        try:
            question = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if question.strip():
            print(_visitor_text(kb, matcher.match(question), settings))


def cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    kb = load(_knowledge_dir(args, settings))
    matcher = Matcher(kb)
    for line in sys.stdin:
        question = line.rstrip("\r\n")
        print(json.dumps(matcher.match(question).as_json(), ensure_ascii=False), flush=True)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation import bars_for, run

    kb = load(_knowledge_dir(args, settings))
    exit_code = 0
    for path in args.files:
        ours, _, text = run(kb, Path(path), show_misses=args.misses, part=args.part)
        print(f"== {path}{f' ({args.part} part)' if args.part else ''}\n{text}\n")
        if args.strict and not ours.meets(bars_for(Path(path))):
            exit_code = 1
    return exit_code


def cmd_alarm_train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.alarm_training import retrain
    from bot.matcher.alarm import MODEL_PATH

    model = retrain()
    if args.check:
        if MODEL_PATH.read_text(encoding="utf-8") != model.dumps():
            print(f"{MODEL_PATH} is stale: run python -m bot alarm train", file=sys.stderr)
            return 1
        print(f"ok: {MODEL_PATH} is what training gives")
        return 0
    MODEL_PATH.write_text(model.dumps(), encoding="utf-8")
    print(f"wrote {MODEL_PATH}: {len(model.weights)} n-gram weights")
    return 0


def cmd_kb_check(args: argparse.Namespace, settings: Settings) -> int:
    directory = _knowledge_dir(args, settings)
    topics = Path(args.topics) if args.topics else None
    kb, problems = check(directory, topics)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    assert kb is not None
    print(f"ok: {len(kb)} entries, {len(kb.synonyms)} synonym groups in {directory}")
    return 0


async def _publish(url: str, knowledge: Knowledge) -> bool:
    from bot.store import Store

    store = await Store.open(url)
    try:
        return await publish(store, knowledge)
    finally:
        await store.close()


def cmd_kb_reload(args: argparse.Namespace, settings: Settings) -> int:
    directory = _knowledge_dir(args, settings)
    try:
        # Only validated and published here: each server trains its own chooser.
        knowledge = build(read_files(directory), str(directory), settle_near_ties=False)
    except InvalidKnowledge as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            f"{len(exc.problems)} problem(s) in {directory}: nothing was published; "
            "the servers keep answering from the knowledge base they have",
            file=sys.stderr,
        )
        return 1
    changed = asyncio.run(_publish(settings.database_url, knowledge))
    print(f"knowledge base {knowledge.version}: {len(knowledge.kb)} entries, valid")
    if changed:
        print(
            f"published: every server on this database answers from it within "
            f"{settings.knowledge_poll_seconds:g} s (/readyz shows knowledge_version "
            f"{knowledge.version})"
        )
    else:
        print("already published: nothing changed")
    return 0


def _entry_json(entry: Entry) -> dict[str, object]:
    return entry.model_dump(mode="json", by_alias=True, exclude_none=True)


def cmd_kb_dump(args: argparse.Namespace, settings: Settings) -> int:
    kb = load(_knowledge_dir(args, settings))
    json.dump([_entry_json(e) for e in kb.entries], sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


def cmd_kb_schema(args: argparse.Namespace, settings: Settings) -> int:
    from bot.kb.schema import EntryFile

    schema = EntryFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Hualien Exchange Desk knowledge-base file"
    text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    if not sys.stdin.isatty():
        print("error: no terminal to ask for the password: use --password-stdin", file=sys.stderr)
        return None
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again, to confirm: ") != first:
        print("error: the two passwords differ; nothing was changed", file=sys.stderr)
        return None
    return first


async def _save_staff(url: str, name: str, password_hash: str) -> bool:
    """Create or update the account; True when it already existed."""
    from bot.store import Store

    store = await Store.open(url)
    try:
        existed = await store.staff_password_hash(name) is not None
        await store.add_staff(name, password_hash)
    finally:
        await store.close()
    return existed


def cmd_staff_add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.staff.accounts import hash_password

    name = args.name.strip()
    if not name or len(name) > 100 or not name.isprintable():
        print("error: a staff name is 1-100 printable characters", file=sys.stderr)
        return 2
    password = _read_password(args)
    if password is None:
        return 2
    try:
        password_hash = hash_password(password, name)
    except ValueError as exc:
        print(f"error: {exc}; nothing was changed", file=sys.stderr)
        return 2
    existed = asyncio.run(_save_staff(settings.database_url, name, password_hash))
    if existed:
        print(
            f"staff account {name!r} updated: new password set (and enabled, if it was "
            "disabled); its open sessions are ended"
        )
    else:
        print(f"staff account {name!r} created: sign in at /staff/login")
    return 0


async def _disable_staff(url: str, name: str) -> bool:
    from bot.store import Store

    store = await Store.open(url)
    try:
        return await store.end_staff_sessions(name, disable=True)
    finally:
        await store.close()


def cmd_staff_disable(args: argparse.Namespace, settings: Settings) -> int:
    name = args.name.strip()
    if not asyncio.run(_disable_staff(settings.database_url, name)):
        print(f"error: no staff account named {name!r}; nothing was changed", file=sys.stderr)
        return 1
    print(
        f"staff account {name!r} disabled: its sessions are ended and it cannot sign in "
        f"(python -m bot staff add {name!r} sets a new password and enables it again)"
    )
    return 0


def cmd_setup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.setup import run

    return asyncio.run(
        run(
            settings,
            args.public_url,
            sys.stdout,
            dry_run=args.dry_run,
            font=Path(args.font) if args.font else None,
            image_out=Path(args.menu_image) if args.menu_image else None,
        )
    )


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.backup import backup

    made = backup(settings.database_url, Path(args.file))
    print(
        f"backup written to {made.path}: {made.size:,} bytes, {made.tickets} ticket(s), "
        f"{made.visitors} visitor(s)"
    )
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import serve

    serve(settings)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--log-level", help="DEBUG, INFO, WARNING … (default: INFO for serve, WARNING otherwise)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: object, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        sub.add_argument("--knowledge", help="knowledge directory (default: KNOWLEDGE_DIR)")
        return sub

    add("serve", cmd_serve, "run the webhook server and web chat")
    ask = add("ask", cmd_ask, "answer one question as a visitor would see it")
    ask.add_argument("question", nargs="+")
    add("chat", cmd_chat, "an interactive prompt")
    add("match", cmd_match, "questions on stdin → one JSON decision per line")
    evaluation = add("eval", cmd_eval, "measure the matcher on labelled TSV files")
    evaluation.add_argument("files", nargs="+")
    evaluation.add_argument("--misses", action="store_true", help="list what went wrong")
    evaluation.add_argument("--strict", action="store_true", help="exit 1 below the bars")
    evaluation.add_argument(
        "--part",
        choices=("dev", "test"),
        help="only the part of each set to develop on (dev, two thirds) or to test on (test)",
    )

    kb = commands.add_parser("kb", help="knowledge-base tools")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    kb_check = kb_commands.add_parser("check", help="validate the knowledge base")
    kb_check.set_defaults(handler=cmd_kb_check)
    kb_check.add_argument("--knowledge")
    kb_check.add_argument("--topics", help="a topics.yaml whose every id must exist")
    kb_dump = kb_commands.add_parser("dump", help="the whole knowledge base as JSON")
    kb_dump.set_defaults(handler=cmd_kb_dump)
    kb_dump.add_argument("--knowledge")
    kb_reload = kb_commands.add_parser(
        "reload",
        help="validate the knowledge base and have every running server answer from it",
        description="Validate the knowledge files and publish them to the database "
        "(DATABASE_URL): every server on it swaps to them within KNOWLEDGE_POLL_SECONDS, "
        "without a restart. A broken file publishes nothing; each problem names the file, "
        "the entry and the field.",
    )
    kb_reload.set_defaults(handler=cmd_kb_reload)
    kb_reload.add_argument("--knowledge")
    kb_schema = kb_commands.add_parser("schema", help="the JSON Schema of a knowledge file")
    kb_schema.set_defaults(handler=cmd_kb_schema)
    kb_schema.add_argument("--knowledge")
    kb_schema.add_argument("--output", "-o")

    alarm = commands.add_parser("alarm", help="the learned emergency model (matcher/alarm.py)")
    alarm_commands = alarm.add_subparsers(dest="alarm_command", required=True)
    alarm_train = alarm_commands.add_parser(
        "train",
        help="retrain it on the repository's labelled messages and save it",
        description="Train the emergency model on the KB's phrasings, tests/written/ and the "
        "development parts of eval/ (bot/alarm_training.py), and write "
        "bot/matcher/alarm_model.json.",
    )
    alarm_train.set_defaults(handler=cmd_alarm_train)
    alarm_train.add_argument(
        "--check", action="store_true", help="exit 1 if the saved model is not what training gives"
    )

    setup = commands.add_parser(
        "setup",
        help="connect LINE and Telegram: webhooks, Telegram commands, the LINE rich menu",
        description="Register the webhooks with LINE and Telegram, set the Telegram commands "
        "and the LINE rich menu. Run it after the settings are filled in, and again whenever "
        "the public address changes; a second run changes nothing that is already right.",
    )
    setup.set_defaults(handler=cmd_setup)
    setup.add_argument(
        "--public-url",
        required=True,
        help="the HTTPS address LINE and Telegram reach this server at, e.g. "
        "https://desk.example.gov.tw",
    )
    setup.add_argument(
        "--dry-run", action="store_true", help="call nothing; print every call it would make"
    )
    setup.add_argument("--font", help="a font file with Chinese glyphs for the rich menu image")
    setup.add_argument(
        "--menu-image",
        help="also write the rich menu images (PNG) to this file (-ja-en, -ko-en beside it)",
    )

    backup = commands.add_parser(
        "backup",
        help="a consistent copy of the SQLite database, while the server runs",
        description="Copy the SQLite database (DATABASE_URL) to FILE with SQLite's online "
        "backup API: a consistent snapshot even while the server writes. For PostgreSQL "
        "use pg_dump (README.md).",
    )
    backup.set_defaults(handler=cmd_backup)
    backup.add_argument("file", help="where to write the copy (replaced if it exists)")

    staff = commands.add_parser("staff", help="staff console accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    staff_add = staff_commands.add_parser(
        "add",
        help="create a staff account, or set a new password for an existing one",
        description="Create a staff account for the web console (/staff), or set a new "
        "password for an existing one (which signs out its sessions). The password is asked "
        "for twice at a hidden prompt, or read from the first line of stdin.",
    )
    staff_add.set_defaults(handler=cmd_staff_add)
    staff_add.add_argument("name", help="the account name staff sign in with")
    staff_add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (for scripts)",
    )
    staff_disable = staff_commands.add_parser(
        "disable",
        help="stop an account from signing in and end its sessions",
        description="Disable a staff account: every session of it ends at once and it can no "
        "longer sign in. `staff add NAME` with a new password enables it again.",
    )
    staff_disable.set_defaults(handler=cmd_staff_disable)
    staff_disable.add_argument("name", help="the account name")
    return parser


class MalformedRequestsAsNotices(logging.Filter):
    """aiohttp logs each request it cannot parse at ERROR, with its traceback, although the
    client got a 400 and nothing went wrong on our side: anyone can fill the log that way and
    bury real errors. Such a request becomes one INFO line naming the kind of error and its
    status — not the offending bytes, which may hold a token."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError) and 400 <= (error.code or 0) < 500:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg = "malformed request refused: %s (%s)"
            record.args = (type(error).__name__, error.code)
            record.exc_info, record.exc_text = None, None
        return True


def _configure_logging(args: argparse.Namespace) -> None:
    # The server logs what it does at INFO. A one-shot command prints its own result; at INFO
    # it would also print Alembic's migration lines and the store's start-up, which read as
    # if something had gone wrong. --log-level INFO shows them again.
    level = args.log_level or ("INFO" if args.command == "serve" else "WARNING")
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Alembic announces each of its plugins at INFO on every start: nothing an operator acts on.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # On aiohttp's own logger, so that it runs once for each record, before any handler.
    logging.getLogger("aiohttp.server").addFilter(MalformedRequestsAsNotices())


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args)
    try:
        settings = Settings()
        code: int = args.handler(args, settings)
    except DeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
