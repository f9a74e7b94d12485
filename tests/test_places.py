"""Questions about places outside Hualien: declined, unless the place is only where the
visitor comes from, part of a street's name, or something the knowledge base talks about."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot.kb.loader import PLACES_FILE, KnowledgeBase, check
from bot.matcher import Decision, Matcher
from bot.text import normalize
from tests.conftest import KNOWLEDGE_DIR


@pytest.fixture(scope="module")
def without_places(kb: KnowledgeBase) -> Matcher:
    return Matcher(dataclasses.replace(kb, places=()))


def test_the_world_list_is_loaded_and_leaves_taiwan_to_the_hand_list(kb: KnowledgeBase) -> None:
    places = {normalize(place) for place in kb.places}
    assert len(places) > 2000
    assert {"札幌", "sapporo", "lagos", "布宜諾斯艾利斯", "mongolia"} <= places
    # Hualien's townships and Taiwan's street names are cities abroad too (吉安, 中山).
    assert not {"花蓮", "吉安", "新城", "光復", "中山", "中正", "松山", "板橋"} & places


@pytest.mark.parametrize(
    "question",
    [
        "札幌雪祭是幾月",
        "best pizza in Lagos",
        "weather in Dubai",
        "weather in Sao Paulo",
        "weather in São Paulo",
        "How is Dubai's weather?",
        "廣島的天氣",  # 広島 in GeoNames' Japanese kanji
        "大邱的天氣",  # 大邱廣域市 in GeoNames
    ],
)
def test_a_place_abroad_the_kb_never_mentions_is_declined(
    matcher: Matcher, without_places: Matcher, question: str
) -> None:
    assert matcher.match(question).decision is Decision.FALLBACK
    # The world list is what declines it: the hand-picked places alone let it through.
    assert without_places.match(question).decision is not Decision.FALLBACK


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("I'm from Osaka, how do I apply for a residence permit?", "service.arc"),
        ("我是大阪人，居留證怎麼辦", "service.arc"),
        ("我是印尼籍學生，健保怎麼辦", "service.health-insurance"),
        ("flights from Seoul to Hualien", "service.airport"),
        ("中國學生怎麼申請健保", "service.health-insurance"),
        ("Vietnam students health insurance", "service.health-insurance"),
    ],
)
def test_where_the_visitor_comes_from_is_not_what_they_ask_about(
    matcher: Matcher, question: str, expected: str
) -> None:
    result = matcher.match(question)
    assert (result.decision, result.entry) == (Decision.ANSWER, expected)


@pytest.mark.parametrize(
    "question",
    [
        "墾丁的民宿推薦",
        "any good hostel in kenting",
        "is sun moon lake worth visiting",
        "阿里山日出幾點",
    ],
)
def test_a_sight_elsewhere_in_taiwan_is_declined(matcher: Matcher, question: str) -> None:
    """Taiwan's famous places outside Hualien (intents.yaml ``elsewhere``): the county's desk
    has nothing to say about a hostel in Kenting, and must not offer its own entries for it."""
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize("question", ["花蓮去杜拜的班機", "flights from Hualien to Dubai"])
def test_a_question_naming_hualien_is_about_hualien(
    kb: KnowledgeBase, matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).decision is not Decision.FALLBACK
    without_home = dataclasses.replace(
        kb, intents=kb.intents.model_copy(update={"home": type(kb.intents.home)()})
    )
    assert Matcher(without_home).match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # A place name across two words: 或索, 大連 (連假), 大分 (分類), 卡達 (達到), 多哥 (哥哥).
        ("居留證要怎麼申請或索取", "service.arc"),
        ("這次大連假火車票好買嗎", "service.train"),
        ("大分類的垃圾怎麼丟", "service.garbage"),
        ("信用卡達到上限怎麼辦", "service.money"),
        ("多哥哥姐姐推薦的景點", "service.attractions"),
        # Firms and papers named after a country, and a sight of Hualien's (長春祠).
        ("中國信託的提款機在哪", "service.money"),
        ("Does China Airlines fly to the airport here?", "service.airport"),
        ("蒙古的護照不見了", "service.lost-items"),
        ("我是蒙古的學生，健保怎麼辦", "service.health-insurance"),
        ("I'm a Nigeria exchange student, ARC?", "service.arc"),
        ("長春祠步道有開嗎", "service.taroko-access"),
        ("how do I get to the valley", "service.attractions"),
        ("Does Hualien's airport have flights to Seoul?", "service.airport"),
    ],
)
def test_in_scope_questions_that_name_a_place_in_passing_are_answered(
    matcher: Matcher, question: str, expected: str
) -> None:
    result = matcher.match(question)
    assert result.decision is not Decision.FALLBACK, result
    assert expected in (result.entry, *result.candidates), result


def test_a_place_inside_a_street_name_is_not_the_subject(kb: KnowledgeBase) -> None:
    # As 中山 is Zhongshan, Guangdong and also a street in every Taiwanese town; 星野 is a
    # name the KB never uses.
    matcher = Matcher(dataclasses.replace(kb, places=("星野",)))
    assert matcher.match("星野路附近有醫院嗎").decision is not Decision.FALLBACK
    assert matcher.match("星野一路的醫院").decision is not Decision.FALLBACK
    assert matcher.match("星野東路有醫院嗎").decision is not Decision.FALLBACK
    assert matcher.match("星野的醫院").decision is Decision.FALLBACK


def test_a_place_the_kb_talks_about_is_answered(kb: KnowledgeBase, matcher: Matcher) -> None:
    assert {"palau", "帛琉"} <= {normalize(place) for place in kb.places}
    result = matcher.match("Is Palau one of Hualien's sister cities?")
    assert result.decision is not Decision.FALLBACK
    assert not matcher.is_elsewhere("palau")
    assert matcher.is_elsewhere("lagos")


def test_a_broken_places_file_is_named(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, directory)
    (directory / PLACES_FILE).write_text("places: [札幌, '']\n", encoding="utf-8")
    _, problems = check(directory)
    assert any(str(p).startswith(f"{PLACES_FILE}:") for p in problems)


def test_a_kb_without_a_places_file_still_loads(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, directory)
    (directory / PLACES_FILE).unlink()
    kb, problems = check(directory)
    assert problems == []
    assert kb is not None
    assert kb.places == ()


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("where can i buy a tourist sim? landing at taoyuan first", "service.sim-card"),
        ("i live in taipei, where do i buy a prepaid sim", "service.sim-card"),
        ("到了桃園機場再買網卡可以嗎 要帶護照嗎", "service.sim-card"),
        # Declined as practical matters elsewhere until the eleventh session: the answers
        # (telecom stores and airport counters; the NHI's own site) hold in Taipei too.
        ("我在花蓮待了一年 下個月搬去台北 台北哪裡可以辦手機門號", "service.sim-card"),
        ("我住台北，健保卡要去哪辦", "service.health-insurance"),
    ],
)
def test_a_nationwide_answer_holds_elsewhere_in_taiwan(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    "question",
    [
        "where can i buy a sim card in vietnam",
        "我住台中 哪裡可以看醫生",  # the clinics are Hualien's
        "高雄哪裡可以換日幣",  # changing money is answered for Hualien's banks
    ],
)
def test_a_nationwide_answer_does_not_hold_abroad_nor_does_a_local_one_elsewhere(
    matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).decision is Decision.FALLBACK


def test_every_place_in_taiwan_is_a_place_elsewhere(kb: KnowledgeBase) -> None:
    in_taiwan = set(kb.intents.in_taiwan.every())
    assert in_taiwan
    assert in_taiwan <= set(kb.intents.places_elsewhere())
    assert not in_taiwan & set(kb.intents.elsewhere.every())  # listed once
    assert {"taoyuan", "桃園", "타오위안"} <= in_taiwan
    assert not {"vietnam", "tokyo", "首爾"} & in_taiwan
    nationwide = {entry.id for entry in kb.entries if entry.nationwide}
    assert nationwide == {"service.sim-card", "service.wifi", "service.health-insurance"}
