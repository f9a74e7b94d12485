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

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

#: Languages an entry is written in. Simplified Chinese is derived with OpenCC, never written.
AUTHORED_LANGS: tuple[str, ...] = ("zh-Hant", "en")
#: Languages an entry may carry besides: translated from the authored text, by a machine or an
#: editor, and marked so (``translated``) until a curator clears them. Optional, so that an
#: entry can be added in the authored languages first.
TRANSLATED_LANGS: tuple[str, ...] = ("ja", "ko")
ALL_LANGS: tuple[str, ...] = (*AUTHORED_LANGS, *TRANSLATED_LANGS)
MIN_QUESTIONS_PER_LANG = 4
#: A translated language, once it has questions at all, needs this many: Japanese and Korean
#: visitors write in several registers (敬語 and plain; 합니다체 and 해요체).
MIN_TRANSLATED_QUESTIONS = 5

ENTRY_ID_PATTERN = r"^(exchange|contact|service|event|faq)\.[a-z0-9]+(?:-[a-z0-9]+)*$"
PHONE_PATTERN = r"^\+?[0-9][0-9 ()#\-]*(?:\s*(?:ext\.|轉)\s*[0-9\-~ ]+)?$"


#: How many of an entry's related entries its answer offers as buttons (the first ones).
RELATED_SHOWN = 3


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


def _without_untranslated(data: dict[str, object]) -> dict[str, object]:
    # A language nobody has translated into is absent, not null or empty: dumps and the
    # matcher's reading of every answer text see only what is written.
    return {k: v for k, v in data.items() if k not in TRANSLATED_LANGS or v}


class LocalizedText(Strict):
    """One text per authored language, and optionally per translated language."""

    zh_hant: NonEmpty = Field(alias="zh-Hant")
    en: NonEmpty
    ja: NonEmpty | None = None
    ko: NonEmpty | None = None

    def get(self, lang: str) -> str:
        """The text for ``lang``: English for en, Japanese or Korean where written, else zh-Hant.

        Callers that must know whether a translation exists use :meth:`exact`.
        """
        if lang == "en":
            return self.en
        return self.exact(lang) or self.zh_hant

    def exact(self, lang: str) -> str | None:
        """The text written in ``lang``, or None when there is none."""
        if lang == "zh-Hant":
            return self.zh_hant
        if lang == "en":
            return self.en
        if lang == "ja":
            return self.ja
        if lang == "ko":
            return self.ko
        return None

    def for_reader(self, lang: str) -> str:
        """The text a visitor writing in ``lang`` reads: their own language's where it is
        written; otherwise zh-Hant for a Chinese reader and English for everyone else (a
        Japanese or Korean visitor never gets Chinese by accident)."""
        own = self.exact(lang)
        if own is not None:
            return own
        return self.zh_hant if lang.startswith("zh") else self.en

    def by_lang(self) -> dict[str, str]:
        """Every written text by language, authored languages first."""
        texts = {lang: self.exact(lang) for lang in ALL_LANGS}
        return {lang: text for lang, text in texts.items() if text is not None}

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        return _without_untranslated(handler(self))


class LocalizedList(Strict):
    zh_hant: list[NonEmpty] = Field(alias="zh-Hant", default_factory=list)
    en: list[NonEmpty] = Field(default_factory=list)
    ja: list[NonEmpty] = Field(default_factory=list)
    ko: list[NonEmpty] = Field(default_factory=list)

    def get(self, lang: str) -> list[str]:
        """The phrases of ``lang`` (en, ja, ko; zh-Hant for any other language)."""
        if lang == "en":
            return self.en
        if lang == "ja":
            return self.ja
        if lang == "ko":
            return self.ko
        return self.zh_hant

    def all(self) -> list[str]:
        """The authored phrases only (zh-Hant, en): what the matcher indexes today.

        Japanese and Korean phrases are read through :meth:`get` or :meth:`by_lang`, so that
        adding them to the knowledge base changes no decision until the matcher is taught
        to use them.
        """
        return [*self.zh_hant, *self.en]

    def every(self) -> list[str]:
        """The phrases of every language, Japanese and Korean too: for intents a matcher
        reads in every language (the partner cities' names and Hualien's own)."""
        return [*self.zh_hant, *self.en, *self.ja, *self.ko]

    def by_lang(self) -> dict[str, list[str]]:
        """The phrases of every language that has some, authored languages first."""
        phrases = {lang: self.get(lang) for lang in ALL_LANGS}
        return {lang: items for lang, items in phrases.items() if items}

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        return _without_untranslated(handler(self))


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


class TranslatedMarks(Strict):
    """Per language: True while the entry's text in it is a translation (by a machine or an
    editor) that no curator has cleared; the zh-Hant and English text are authoritative."""

    ja: bool = False
    ko: bool = False


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
    translated: TranslatedMarks = Field(default_factory=TranslatedMarks)
    last_reviewed: dt.date
    #: The answer holds anywhere in Taiwan (SIM cards, public Wi-Fi, the national health
    #: insurance): a question naming another place in Taiwan (intents.yaml ``in_taiwan``:
    #: "landing at taoyuan, where do i get a prepaid SIM?") is still answered from it; one
    #: abroad is not.
    nationwide: bool = False

    @field_validator("questions")
    @classmethod
    def _enough_questions(cls, value: LocalizedList) -> LocalizedList:
        for lang in AUTHORED_LANGS:
            count = len(value.get(lang))
            if count < MIN_QUESTIONS_PER_LANG:
                raise ValueError(
                    f"{lang}: {count} question(s), at least {MIN_QUESTIONS_PER_LANG} needed"
                )
        for lang in TRANSLATED_LANGS:
            count = len(value.get(lang))
            if 0 < count < MIN_TRANSLATED_QUESTIONS:
                raise ValueError(
                    f"{lang}: {count} question(s), at least {MIN_TRANSLATED_QUESTIONS} needed"
                )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        if not self.id.startswith(f"{self.category.value}."):
            raise ValueError(f"id {self.id!r} does not start with its category {self.category}")
        if self.id in self.related:
            raise ValueError("an entry cannot be related to itself")
        for lang in TRANSLATED_LANGS:
            answer = self.answer.exact(lang)
            if self.is_translated(lang) and answer is None:
                raise ValueError(f"translated.{lang} is set but there is no {lang} answer")
            if answer is not None and self.title.exact(lang) is None:
                raise ValueError(f"answer.{lang} needs title.{lang}: a visitor sees both")
        return self

    def is_translated(self, lang: str) -> bool:
        """Whether the entry's ``lang`` text awaits a curator (zh-Hant and en never do)."""
        return lang in TRANSLATED_LANGS and bool(getattr(self.translated, lang))


class EntryFile(Strict):
    entries: list[Entry]


class IntentPhrases(Strict):
    """Phrases that trigger a fixed decision before any matching."""

    handoff: LocalizedList
    #: Words stripped before matching because they carry no topic ("please", "請問").
    fillers: LocalizedList
    #: Places outside Taiwan (other countries and their cities). A question naming one that
    #: the knowledge base never mentions is about somewhere else and is not answered.
    elsewhere: LocalizedList = Field(default_factory=LocalizedList)
    #: Taiwan's places outside Hualien (its other cities, sights and airports): elsewhere as
    #: those are, except that an entry whose answer holds anywhere in Taiwan
    #: (``Entry.nationwide``) answers a question naming one.
    in_taiwan: LocalizedList = Field(default_factory=LocalizedList)
    #: Hualien's own names (the county, its townships, Taroko): a question naming one is about
    #: Hualien even when it names a place abroad too ("flights from Seoul to Hualien").
    home: LocalizedList = Field(default_factory=LocalizedList)
    #: Hualien's partner cities: the exchange with them is the desk's business, their own
    #: sights, events and services are not ("is Jecheon worth a visit?" is declined).
    partners: LocalizedList = Field(default_factory=LocalizedList)
    #: Subjects the desk does not serve (pets and vets): an answer is given to a question
    #: about one only from an entry that speaks of it ("my cat is sick, is there a vet" is
    #: not answered with the clinics for people).
    unserved: LocalizedList = Field(default_factory=LocalizedList)
    #: One place's names in each language (taipei, 臺北, 타이베이): an entry that names it in
    #: any of them speaks of it, whatever the language of the question.
    place_names: list[list[str]] = Field(default_factory=list)
    #: Words that say what kind of answer is wanted ("phone", "地址" → a contact; "dates",
    #: 「什麼時候」 → an event): entries of that category get a small lift when they appear.
    category_cues: dict[Category, LocalizedList] = Field(default_factory=dict)
    #: The county's offices by name, each for its contact entry (民政處, 観光処, 관광처), and the
    #: words that ask how to reach one (電話, 連絡先, 연락처): a "did you mean" that offers the
    #: entry of the one office a message names, where it asks how to reach it, is answered
    #: with that entry ("How do I get in touch with the Civil Affairs Department? I'm
    #: secretary of a Rotary club in Miri …" offered the coordination entry beside it).
    offices: dict[str, LocalizedList] = Field(default_factory=dict)
    contact_asked: LocalizedList = Field(default_factory=LocalizedList)

    def places_elsewhere(self) -> list[str]:
        """Every place outside Hualien by hand, abroad and in Taiwan, in every language."""
        return [*self.elsewhere.every(), *self.in_taiwan.every()]


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
            for term in group:
                # The analyzer finds a CJK term inside a run of kanji, katakana or Hangul, and
                # hiragana ends a run: such a term could never be found.
                if any("\u3041" <= char <= "\u309f" for char in term):
                    raise ValueError(
                        f"synonym {term!r} holds hiragana, which the matcher never finds "
                        "inside a word: write its kanji or katakana form (土産, not お土産)"
                    )
        return groups


def is_valid_entry_id(value: str) -> bool:
    return re.fullmatch(ENTRY_ID_PATTERN, value) is not None
