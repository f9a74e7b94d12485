"""Spotters: what a question asks before what it is about. A request for a person (listed
phrases and a small grammar: "speak with a staff member", 「跟工作人員溝通」), the emergency
and cue phrases of knowledge/intents.yaml, and places elsewhere: a question about a place
the KB never mentions (another city's government, New York, Mars) is declined."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from bot.kb.schema import Entry
from bot.text import has_han, is_han, normalize_many

# A request for a person, beyond the listed phrases: a verb of talking near a word for a person
# ("can I speak with a staff member", "is there someone I can talk to"), or a message that is
# nothing but such a word ("human pls", "staff").
_PERSON = r"(?:human|humans|person|people|someone|somebody|staff|staffer|agent|operator|representative|officer|member of staff|staff member|real one)"
_TALK = r"(?:talk|speak|chat|connect|transfer|put me through|get me)"
_EN_PERSON_REQUEST = re.compile(
    rf"\b{_TALK}\b(?:\s+\S+){{0,4}}?\s+{_PERSON}\b|\b{_PERSON}\b(?:\s+\S+){{0,6}}?\s+(?:i|we)\s+(?:can|could)\s+{_TALK}\b"
)
_EN_PERSON_ONLY = re.compile(
    rf"^(?:(?:a|an|the|to|please|pls|plz|now|me|i want|i need)\s+)*{_PERSON}(?:\s+(?:please|pls|plz|now))*$"
)
_ZH_PERSON_REQUEST = re.compile(
    r"(?:跟|和|與|找|轉|接|給)[^，。？！ ]{0,4}(?:真人|工作人員|承辦|客服|專人|人工|服務人員|縣府的人|真的人)"
)


# Asking whether the bot is a person is a question about the bot, not a request for one.
_ABOUT_THE_BOT = re.compile(
    r"(?:你|妳|您)是(?:不是)?真人|是真人還是|是不是真人|\bare you (?:a |an )?(?:real|human|bot|robot|person)"
    r"|\b(?:real person|human) or (?:a )?(?:bot|robot|machine)"
)


def is_person_request(normal: str) -> bool:
    """Whether the normalised message asks for a person by the grammar above."""
    compact = normal.replace(" ", "")
    if _ABOUT_THE_BOT.search(normal) or _ABOUT_THE_BOT.search(compact):
        return False
    return bool(
        _EN_PERSON_REQUEST.search(normal)
        or _EN_PERSON_ONLY.match(normal)
        or _ZH_PERSON_REQUEST.search(compact)
    )


class PhraseSpotter:
    """Finds any of a set of phrases in normalised text (English by whole words)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        normal = set(normalize_many(list(phrases))) - {""}
        self.zh = sorted({p.replace(" ", "") for p in normal if any(is_han(ch) for ch in p)})
        self.en = sorted({f" {p} " for p in normal if not any(is_han(ch) for ch in p)})

    def found_in(self, normal: str) -> bool:
        padded = f" {normal} "
        compact = normal.replace(" ", "")
        return any(p in padded for p in self.en) or any(p in compact for p in self.zh)


class HandoffSpotter:
    """A request for a person: one of the listed phrases (intents.yaml ``handoff``) or the
    grammar of is_person_request, unless the question asks whether the bot is one."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = PhraseSpotter(phrases)

    def found_in(self, normal: str) -> bool:
        return not _ABOUT_THE_BOT.search(normal) and (
            self.phrases.found_in(normal) or is_person_request(normal)
        )


#: Han text right after a place that makes it a description of people, papers or firms from
#: there (「大阪人」「中國的學生」「日本籍」「美國護照」「中國信託」), part of another name
#: (「中山路」「南京東路」「中山一路」, a district, a village, a school) or where a trip starts
#: (「東京出發」): not what the question is about.
_HAN_NOT_THE_SUBJECT_AFTER = re.compile(
    r"(?:大陸)?的?(?:人(?!口)|籍|國籍|護照|駕照|學生|留學生|交換生|同學|朋友|家人|旅客|遊客|"
    r"觀光客|老師|教授|居民|公民|國民|移工|外勞|配偶|新住民|代表團|訪問團|銀聯)"
    r"|信託|航空|銀行|醫藥"
    r"|[東西南北]?[一二三四五六七八九十]*段?(?:路(?!線)|街|巷|弄|大道)|區|村|大學|國小|國中|高中"
    r"|出發|來的|過來"
)
#: Han text right before a place the visitor comes from: 「從台中」「來自大阪」.
_HAN_FROM = ("從", "自")
#: English words before and after a place that make it where the visitor comes from, a
#: description of people, papers or firms from there, or part of a street's name.
_EN_FROM = {"from"}
_EN_NOT_THE_SUBJECT_AFTER = {
    "citizen", "citizens", "national", "nationals", "passport", "passports", "student",
    "students", "exchange", "friend", "friends", "visitor", "visitors", "tourist", "tourists",
    "people", "resident", "residents", "delegation", "delegates", "migrant", "migrants",
    "worker", "workers", "spouse", "spouses", "wife", "husband", "family", "driver", "drivers",
    "driving", "license", "licence", "airlines", "airline", "bank", "street", "st", "road",
    "rd", "avenue", "ave",
}  # fmt: skip


class PlaceSpotter:
    """Finds the places a question is about, among thousands, by lookups rather than scans.

    A place the question names only as where the visitor comes from ("I'm from Osaka, do I
    need an ARC?", 「從台中到花蓮」), as what people or papers are ("Vietnam students") or
    inside another name (「中山路」) is not what it asks about. Chinese has no spaces, so a
    name may also sit across two words (卡達 in 「信用卡達到上限」, 東加 in 「花東加油站」): where
    a character next to it forms a pair the KB's own texts use (用卡, 花東), the name is read
    as part of that word instead.
    """

    def __init__(self, normal_places: Iterable[str], known_pair: Callable[[str], bool]) -> None:
        normal = set(normal_places) - {""}
        self.han = {p.replace(" ", "") for p in normal if has_han(p)}
        self.en = {p for p in normal if not has_han(p)}
        self._han_lengths = sorted({len(p) for p in self.han}, reverse=True)
        self._en_lengths = sorted({len(p.split()) for p in self.en}, reverse=True)
        self._known_pair = known_pair

    def __bool__(self) -> bool:
        return bool(self.han or self.en)

    def named(self, normal: str) -> list[str]:
        """The places (normalised) the normalised question is about."""
        found: list[str] = []
        if self.han and has_han(normal):
            compact = normal.replace(" ", "")
            at = 0
            while at < len(compact):
                place = next(
                    (
                        compact[at : at + n]
                        for n in self._han_lengths
                        if compact[at : at + n] in self.han
                    ),
                    None,
                )
                if place is None:
                    at += 1
                    continue
                end = at + len(place)
                if not (
                    compact.endswith(_HAN_FROM, 0, at)
                    or _HAN_NOT_THE_SUBJECT_AFTER.match(compact, end)
                    or (at and self._known_pair(compact[at - 1 : at + 1]))
                    or (
                        end < len(compact)
                        and (
                            self._known_pair(compact[end - 1 : end + 1])
                            # A doubled character is one word (多哥 in 「多哥哥」).
                            or compact[end - 1] == compact[end]
                        )
                    )
                ):
                    found.append(place)
                at = end
        if self.en:
            words = normal.split()
            at = 0
            while at < len(words):
                size = next(
                    (n for n in self._en_lengths if " ".join(words[at : at + n]) in self.en), 0
                )
                place = " ".join(words[at : at + size])
                if not size and len(words[at]) > 4 and words[at][-1] == "s":
                    # "Tokyo's" is normalised to "tokyos".
                    size, place = (1, words[at][:-1]) if words[at][:-1] in self.en else (0, "")
                if not size:
                    at += 1
                    continue
                # "Nigeria students", "a Nigeria exchange student": the next word or the one
                # after it.
                after = set(words[at + size : at + size + 2])
                if not ((at and words[at - 1] in _EN_FROM) or after & _EN_NOT_THE_SUBJECT_AFTER):
                    found.append(place)
                at += size
        return found


class Elsewhere:
    """The places (intents.yaml ``elsewhere``, knowledge/places.yaml) the KB never mentions:
    a question about one is about somewhere else, and the county's answer would mislead.

    The index tells which places the KB's questions, keywords and titles mention; the answers
    are only needed for a question naming one of the others, so they are read then, once: at
    10,000 entries they are 5 million characters the index build need not read.
    """

    def __init__(
        self,
        unmentioned: Iterable[str],
        known_pair: Callable[[str], bool],
        entries: Sequence[Entry],
    ) -> None:
        """``unmentioned``: the places (normalised) the KB's questions, keywords and titles
        never mention."""
        self.places = PlaceSpotter(unmentioned, known_pair)
        self._entries = entries
        self._answers: tuple[str, str] | None = None
        self._in_answers: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.places)

    def named_in(self, normal: str) -> bool:
        """Whether the normalised question is about a place the KB never mentions."""
        return any(map(self.is_elsewhere, self.places.named(normal)))

    def is_elsewhere(self, place: str) -> bool:
        """Whether the KB's answers, too, never mention ``place`` (normalised)."""
        known = self._in_answers.get(place)
        if known is None:
            if self._answers is None:
                answers = [
                    text for entry in self._entries for text in entry.answer.model_dump().values()
                ]
                padded = " " + " ".join(normalize_many(answers)) + " "
                self._answers = (padded, padded.replace(" ", ""))
            padded, compact = self._answers
            known = place.replace(" ", "") in compact if has_han(place) else f" {place} " in padded
            self._in_answers[place] = known
        return not known
