"""Load and check the knowledge base: ``knowledge/*.yaml`` → a validated :class:`KnowledgeBase`.

Every problem is collected (not just the first) and names the file, the entry id and what
is wrong, so a curator can fix a whole batch in one pass.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from bot.errors import KnowledgeBaseError
from bot.kb.schema import Entry, IntentPhrases, PlaceFile, SynonymFile

logger = logging.getLogger(__name__)

_Special = TypeVar("_Special", SynonymFile, IntentPhrases, PlaceFile)

#: libyaml's parser where PyYAML was built with it (its wheels are): the same safe loader, six
#: times faster than the pure-Python one, which took most of a reload's time.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SYNONYMS_FILE = "synonyms.yaml"
INTENTS_FILE = "intents.yaml"
#: Optional: a knowledge base without it declines only intents' hand-listed places (elsewhere, in_taiwan).
PLACES_FILE = "places.yaml"
_SPECIAL_FILES = {SYNONYMS_FILE, INTENTS_FILE, PLACES_FILE}


@dataclass(frozen=True)
class Problem:
    file: str
    entry_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry_id}" if self.entry_id else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    synonyms: tuple[tuple[str, ...], ...]
    intents: IntentPhrases
    #: Places outside Taiwan (places.yaml), besides intents' hand-picked ones (elsewhere, in_taiwan).
    places: tuple[str, ...] = ()
    by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {entry.id: entry for entry in self.entries})

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self.by_id.get(entry_id)

    def __getitem__(self, entry_id: str) -> Entry:
        return self.by_id[entry_id]


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem(path.name, None, f"cannot read YAML: {exc}"))
        return None


def _describe(error: ValidationError) -> Iterable[str]:
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "(entry)"
        yield f"{location}: {item['msg']}"


_ParsedFiles = dict[tuple[str, str], tuple[list[Entry], tuple[Problem, ...]]]
#: The entry files of the last check, by (name, SHA-256 of the text): their entries and
#: problems. Only the last check's are kept, so a reload holds at most two sets.
_last_checked: _ParsedFiles = {}


def forget_parsed_files() -> None:
    """Parse every file again at the next check (the reload benchmark's cold figure)."""
    _last_checked.clear()


def _load_entries(path: Path, problems: list[Problem], checking: _ParsedFiles) -> list[Entry]:
    """The entries of one file, validated. A file read unchanged since the last check (a
    reload after a curator edited one file of many) is not parsed again: parsing and
    validating the YAML is most of a reload's time, and entries are immutable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, None, f"cannot read YAML: {exc}"))
        return []
    key = (path.name, hashlib.sha256(text.encode("utf-8")).hexdigest())
    known = _last_checked.get(key)
    if known is None:
        found: list[Problem] = []
        known = (_parse_entries(path.name, text, found), tuple(found))
    checking[key] = known
    problems.extend(known[1])
    return known[0]


def _parse_entries(name: str, text: str, problems: list[Problem]) -> list[Entry]:
    try:
        data = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        problems.append(Problem(name, None, f"cannot read YAML: {exc}"))
        return []
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        problems.append(Problem(name, None, "expected a mapping with an 'entries' list"))
        return []
    entries: list[Entry] = []
    for position, raw in enumerate(data["entries"], start=1):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        label = str(raw_id) if raw_id else f"entry #{position}"
        try:
            entries.append(Entry.model_validate(raw))
        except ValidationError as exc:
            problems.extend(Problem(name, label, message) for message in _describe(exc))
    return entries


def _load_special(
    directory: Path, name: str, model: type[_Special], problems: list[Problem]
) -> _Special | None:
    path = directory / name
    if not path.exists():
        problems.append(Problem(name, None, "file is missing"))
        return None
    data = _read_yaml(path, problems)
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(Problem(name, None, message) for message in _describe(exc))
        return None


def _cross_check(entries_by_file: list[tuple[str, Entry]], problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for file, entry in entries_by_file:
        if entry.id in seen:
            problems.append(
                Problem(file, entry.id, f"duplicate id (first defined in {seen[entry.id]})")
            )
        else:
            seen[entry.id] = file
    for file, entry in entries_by_file:
        for related in entry.related:
            if related not in seen:
                problems.append(Problem(file, entry.id, f"related id {related!r} does not exist"))


def topic_ids(topics_file: Path) -> list[str]:
    """The ids listed in a topics.yaml (its top-level keys)."""
    data = yaml.safe_load(topics_file.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{topics_file}: expected a mapping of topic ids")
    return [str(key) for key in data]


def check(
    directory: Path, topics_file: Path | None = None
) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Validate everything; return the knowledge base (None if unusable) and all problems."""
    problems: list[Problem] = []
    if not directory.is_dir():
        return None, [Problem(str(directory), None, "knowledge directory does not exist")]
    entries_by_file: list[tuple[str, Entry]] = []
    checking: _ParsedFiles = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name in _SPECIAL_FILES:
            continue
        entries = _load_entries(path, problems, checking)
        entries_by_file.extend((path.name, entry) for entry in entries)
    _last_checked.clear()
    _last_checked.update(checking)
    if not entries_by_file and not problems:
        problems.append(Problem(str(directory), None, "no entries found in *.yaml"))
    _cross_check(entries_by_file, problems)
    synonyms = _load_special(directory, SYNONYMS_FILE, SynonymFile, problems)
    intents = _load_special(directory, INTENTS_FILE, IntentPhrases, problems)
    places = (
        _load_special(directory, PLACES_FILE, PlaceFile, problems)
        if (directory / PLACES_FILE).exists()
        else PlaceFile(places=[])
    )
    if topics_file is not None:
        present = {entry.id for _, entry in entries_by_file}
        for topic in topic_ids(topics_file):
            if topic not in present:
                problems.append(
                    Problem(topics_file.name, topic, "topic has no entry in the knowledge base")
                )
    if intents is None or synonyms is None:
        return None, problems
    first_of_each: dict[str, Entry] = {}
    for _, entry in entries_by_file:
        first_of_each.setdefault(entry.id, entry)
    kb = KnowledgeBase(
        entries=tuple(first_of_each.values()),
        synonyms=tuple(tuple(group) for group in synonyms.groups),
        intents=intents,
        places=tuple(places.places) if places is not None else (),
    )
    return kb, problems


def load(directory: Path) -> KnowledgeBase:
    """Load a knowledge base that must be valid (the server and the CLI use this)."""
    kb, problems = check(directory)
    if problems or kb is None:
        listing = "\n".join(f"  {problem}" for problem in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise KnowledgeBaseError(f"knowledge base {directory} is invalid:\n{listing}{more}")
    logger.info("knowledge base loaded: %d entries from %s", len(kb), directory)
    return kb
