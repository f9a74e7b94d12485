"""The knowledge-base entry schema.

Entries live in ``knowledge/*.yaml`` as ``entries: [...]``; this module is the single
definition of what an entry may hold. ``python -m bot kb schema`` writes the JSON Schema
for editors from these models, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Languages an entry is written in. Simplified Chinese is derived with OpenCC, never written.
AUTHORED_LANGS: tuple[str, ...] = ("zh-Hant", "en")
MIN_QUESTIONS_PER_LANG = 4

ENTRY_ID_PATTERN = r"^(exchange|contact|service|event|faq)\.[a-z0-9]+(?:-[a-z0-9]+)*$"
PHONE_PATTERN = r"^\+?[0-9][0-9 ()#\-]*(?:\s*(?:ext\.|轉)\s*[0-9\-~ ]+)?$"


class Category(StrEnum):
    EXCHANGE = "exchange"
    CONTACT = "contact"
    SERVICE = "service"
    EVENT = "event"
    FAQ = "faq"


class Strict(BaseModel):
    # Unknown keys are almost always typos of known ones; reject them so they are fixed.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


NonEmpty = Annotated[str, Field(min_length=1)]


class LocalizedText(Strict):
    """One text per authored language."""

    zh_hant: NonEmpty = Field(alias="zh-Hant")
    en: NonEmpty

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh_hant


class LocalizedList(Strict):
    zh_hant: list[NonEmpty] = Field(alias="zh-Hant", default_factory=list)
    en: list[NonEmpty] = Field(default_factory=list)

    def get(self, lang: str) -> list[str]:
        return self.en if lang == "en" else self.zh_hant

    def all(self) -> list[str]:
        return [*self.zh_hant, *self.en]


class Geo(Strict):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Contact(Strict):
    name: LocalizedText
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    address: LocalizedText | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    hours: LocalizedText | None = None
    geo: Geo | None = None
    #: True when a fact in this contact rests on a single weak source ([U] in topics.yaml).
    confirm: bool = False
    note: LocalizedText | None = None


class EventDate(Strict):
    """A concrete occurrence (``start``/``end``) or a typical yearly pattern (``months``)."""

    label: LocalizedText | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    #: Months the event usually falls in, when only those are known (1-12).
    months: list[Annotated[int, Field(ge=1, le=12)]] | None = None
    #: Held every N years (2 for a biennial), counted from ``since_year``.
    every_years: int = Field(default=1, ge=1, le=10)
    since_year: int | None = Field(default=None, ge=1900, le=2200)

    @model_validator(mode="after")
    def _one_kind(self) -> EventDate:
        concrete = self.start is not None
        if concrete == bool(self.months):
            raise ValueError("give either start (and end) or months, not both and not neither")
        if self.end is not None and self.start is None:
            raise ValueError("end without start")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.every_years > 1 and self.since_year is None:
            raise ValueError("every_years needs since_year to know which years")
        return self

    @property
    def typical(self) -> bool:
        return self.start is None


class Source(Strict):
    title: NonEmpty
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    #: Confidence mark from topics.yaml: V (primary), V2 (secondary), U (weak: must confirm).
    mark: Literal["V", "V2", "U"] = "V"


class Entry(Strict):
    id: str = Field(pattern=ENTRY_ID_PATTERN)
    category: Category
    title: LocalizedText
    questions: LocalizedList
    answer: LocalizedText
    keywords: LocalizedList = Field(default_factory=LocalizedList)
    contacts: list[Contact] = Field(default_factory=list)
    dates: list[EventDate] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    last_reviewed: dt.date

    @field_validator("questions")
    @classmethod
    def _enough_questions(cls, value: LocalizedList) -> LocalizedList:
        for lang in AUTHORED_LANGS:
            count = len(value.get(lang))
            if count < MIN_QUESTIONS_PER_LANG:
                raise ValueError(
                    f"{lang}: {count} question(s), at least {MIN_QUESTIONS_PER_LANG} needed"
                )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        if not self.id.startswith(f"{self.category.value}."):
            raise ValueError(f"id {self.id!r} does not start with its category {self.category}")
        if self.id in self.related:
            raise ValueError("an entry cannot be related to itself")
        return self


class EntryFile(Strict):
    entries: list[Entry]


class IntentPhrases(Strict):
    """Phrases that trigger a fixed decision before any matching."""

    handoff: LocalizedList
    #: Words stripped before matching because they carry no topic ("please", "請問").
    fillers: LocalizedList
    #: Places outside the desk's remit (other cities, countries). A question naming one that
    #: the knowledge base never mentions is about somewhere else and is not answered.
    elsewhere: LocalizedList = Field(default_factory=LocalizedList)
    #: Hualien's own names (the county, its townships, Taroko): a question naming one is about
    #: Hualien even when it names a place abroad too ("flights from Seoul to Hualien").
    home: LocalizedList = Field(default_factory=LocalizedList)
    #: Words that say what kind of answer is wanted ("phone", "地址" → a contact; "dates",
    #: 「什麼時候」 → an event): entries of that category get a small lift when they appear.
    category_cues: dict[Category, LocalizedList] = Field(default_factory=dict)


class PlaceFile(Strict):
    """The world's countries and large cities by name (generated: scripts/build_places.py).

    They widen intents.elsewhere: a question naming one the knowledge base never mentions is
    about somewhere else.
    """

    places: list[NonEmpty]


class SynonymFile(Strict):
    #: Each group lists terms visitors use interchangeably, in any language.
    groups: list[list[NonEmpty]]

    @field_validator("groups")
    @classmethod
    def _groups_have_two(cls, groups: list[list[str]]) -> list[list[str]]:
        for group in groups:
            if len(group) < 2:
                raise ValueError(f"synonym group {group!r} needs at least two terms")
        return groups


def is_valid_entry_id(value: str) -> bool:
    return re.fullmatch(ENTRY_ID_PATTERN, value) is not None
