"""The matcher as the desk sees it: one match per category, safety words, handoff, scripts,
typos and synonyms, out-of-scope questions, and any text at all."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.evaluation import Row, read_rows
from bot.kb.loader import KnowledgeBase
from bot.matcher import Decision, Matcher, MatcherConfig
from bot.matcher.decide import Decider
from bot.matcher.score import Scored
from bot.matcher.spotters import asks_for_a_task
from bot.reading import read
from bot.text import Lang, normalize


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which cities are Hualien's sister cities?", "exchange.sister-cities"),
        ("花蓮縣政府的總機電話", "contact.county-government"),
        ("how do I renew my residence permit", "service.arc"),
        ("石雕藝術季什麼時候舉辦", "event.stone-sculpture"),
        ("thank you so much", "faq.thanks"),
    ],
)
def test_one_question_per_category(matcher: Matcher, question: str, expected: str) -> None:
    result = matcher.match(question)
    assert result.decision is Decision.ANSWER, result
    assert result.entry == expected


@pytest.mark.parametrize(
    "question", ["help, there is a fire!", "我朋友出車禍受傷了", "救命啊", "有人受伤了怎么办"]
)
def test_emergency_words_always_give_the_emergency_entry(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert (result.decision, result.entry, result.emergency) == (
        Decision.ANSWER,
        "contact.emergency",
        True,
    )


@pytest.mark.parametrize(
    "question", ["I want to talk to a real person", "我要找真人客服", "我要转人工客服"]
)
def test_requests_for_a_person_hand_off_in_every_script(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.HANDOFF


def test_emergency_wins_over_a_request_for_a_person(matcher: Matcher) -> None:
    result = matcher.match("someone is injured, let me talk to a real person")
    assert result.emergency
    assert result.entry == "contact.emergency"


def test_simplified_question_matches_the_traditional_entry(matcher: Matcher) -> None:
    result = matcher.match("居留证怎么延期")
    assert result.lang is Lang.ZH_HANS
    assert result.entry == "service.arc" or "service.arc" in result.candidates


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("留学生怎么办医保手续", "service.health-insurance"),
        ("在哪里办手机卡", "service.sim-card"),
        ("我们想跟花莲的学校结成友好学校", "exchange.school-exchange"),
        ("出入境管理局在哪里", "contact.immigration"),
        ("打车贵不贵", "service.local-transport"),
    ],
)
def test_mainland_words_reach_their_entry(matcher: Matcher, question: str, expected: str) -> None:
    result = matcher.match(question)
    assert result.lang is Lang.ZH_HANS
    assert expected in (result.entry, *result.candidates), result


def test_typos_are_forgiven(matcher: Matcher) -> None:
    result = matcher.match("imigration ofice hualien")
    assert "contact.immigration" in (result.entry, *result.candidates)


def test_synonyms_cross_languages(matcher: Matcher) -> None:
    result = matcher.match("健保 for students")
    assert "service.health-insurance" in (result.entry, *result.candidates)


@pytest.mark.parametrize(
    "question", ["What is the population of Canada?", "幫我寫一首情詩", "qwertyuiop", ""]
)
def test_out_of_scope_is_not_answered(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is not Decision.ANSWER


def test_clarify_offers_at_most_three_distinct_options(matcher: Matcher, kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        result = matcher.match(entry.title.en)
        assert len(result.candidates) <= 3
        assert len(set(result.candidates)) == len(result.candidates)
        if result.decision is Decision.CLARIFY:
            assert result.entry is None
            assert result.candidates


def test_entry_titles_find_their_own_entry(matcher: Matcher, kb: KnowledgeBase) -> None:
    found = 0
    for entry in kb.entries:
        result = matcher.match(entry.title.zh_hant)
        found += entry.id in (result.entry, *result.candidates)
    assert found >= 0.9 * len(kb.entries)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_unicode_gives_a_valid_decision(matcher: Matcher, text: str) -> None:
    result = matcher.match(text)
    assert result.decision in Decision
    assert len(result.candidates) <= 3
    assert 0.0 <= result.score <= 1.5
    if result.decision is Decision.ANSWER:
        assert result.entry is not None


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(["arc", "居留證", "醫院", "hospital", "🙂", "ＡＴＭ", " ", "嗎", "the"]),
        max_size=30,
    )
)
def test_domain_word_soup_never_raises(matcher: Matcher, words: list[str]) -> None:
    assert matcher.match("".join(words)).decision in Decision


@pytest.mark.parametrize(
    "message",
    [
        "would one of your colleagues phone me?",
        "Please forward my question to whoever handles it, I'd like a personal reply.",
        "please have someone contact me",
        "put me in touch with someone from the county",
        "I'd like to escalate this",
        "I want to file a complaint",
        "可以請專人回電嗎",
        "你一直跳針 換個真人",
        "這件事我想跟負責的人直接談",
        "我要投訴",
        "让工作人员联系我",
        "可以转人工吗",
        "担当者と話したいです",
        "직원분이랑 통화하고 싶어요",
        "I'd prefer to discuss this with an officer",
        "Could someone from your team reach out?",
        "可以請承辦人員直接跟我聯絡嗎",
        "機器人回答不了 我要問人",
        "麻煩請你們的同仁回覆我",
    ],
)
def test_indirect_requests_for_a_person_hand_off(matcher: Matcher, message: str) -> None:
    assert matcher.match(message).decision is Decision.HANDOFF, message


@pytest.mark.parametrize(
    "message",
    [
        "who is in charge of sister city affairs",
        "how do I contact the immigration office",
        "誰負責姊妹市業務",
        "am i chatting with a bot or an actual county employee",
        "這個交流計畫的中央主管機關是哪一個部會",
        "有沒有人知道機場巴士幾點發車",
    ],
)
def test_questions_about_staff_or_offices_are_not_handoffs(matcher: Matcher, message: str) -> None:
    assert matcher.match(message).decision is not Decision.HANDOFF, message


def _written_person_requests() -> list[tuple[str, str]]:
    rows = (Path(__file__).parent.parent / "written" / "person-requests-written.tsv").read_text()
    return [
        (kind, message)
        for kind, _lang, message in (
            line.split("\t") for line in rows.splitlines() if line and not line.startswith("#")
        )
    ]


@pytest.mark.parametrize(("kind", "message"), _written_person_requests())
def test_written_requests_for_a_person_are_handed_off(
    kind: str, message: str, matcher: Matcher
) -> None:
    handed_off = matcher.match(message).decision is Decision.HANDOFF
    assert handed_off == (kind == "handoff"), message


#: Share of the written out-of-scope messages declined or offered (not answered) today: a
#: ratchet, to raise as the method improves (the issue's goal is 95%).
WRITTEN_OUT_OF_SCOPE_NOT_ANSWERED = 0.70


def test_written_out_of_scope_messages_are_not_answered(matcher: Matcher) -> None:
    rows = (Path(__file__).parent.parent / "written" / "out-of-scope-written.tsv").read_text()
    messages = [line.split("\t")[1] for line in rows.splitlines() if not line.startswith("#")]
    answered = [m for m in messages if matcher.match(m).decision is Decision.ANSWER]
    share = 1 - len(answered) / len(messages)
    assert share >= WRITTEN_OUT_OF_SCOPE_NOT_ANSWERED - 1e-9, answered


@pytest.mark.parametrize(
    "message",
    [
        "What do I write as emergency contact number on the ARC form?",
        "良民證要去警察局辦嗎？電話幾號",
        "Which bus line goes to the fire museum?",
        "護照遺失要去哪裡報案？電話？",
    ],
)
def test_a_number_that_is_not_for_an_emergency_is_not_the_emergency_entry(
    message: str, matcher: Matcher
) -> None:
    assert matcher.match(message).entry != "contact.emergency"


@pytest.mark.parametrize(
    "message", ["number to report a crime?", "報警電話幾號", "how do i call an ambulance in taiwan"]
)
def test_a_question_for_an_emergency_number_gets_the_numbers_without_an_urgent_ticket(
    message: str, matcher: Matcher
) -> None:
    match = matcher.match(message)
    assert match.entry == "contact.emergency"
    assert not match.emergency


# -- declining honestly (issue 14, point 3) -------------------------------------------------
#
# tests/written/decline-written.tsv: out-of-scope chat-style messages (general knowledge,
# other places, tasks, shopping, near misses sharing words with KB topics) and in-scope ones
# in the same style, written for these tests. Ratchets, to raise as the method improves: the
# share of out-of-scope ones declined outright (no "did you mean" of unrelated entries), and
# at most this many answered (the goal is none).
WRITTEN_OUT_OF_SCOPE_DECLINED = 36 / 66
WRITTEN_OUT_OF_SCOPE_ANSWERED = 9


def _decline_written() -> list[Row]:
    return read_rows(Path(__file__).parent.parent / "written" / "decline-written.tsv")


def test_written_out_of_scope_messages_are_declined_not_offered(matcher: Matcher) -> None:
    rows = [row for row in _decline_written() if row.expect == "-"]
    decisions = [matcher.match(row.question).decision for row in rows]
    declined = decisions.count(Decision.FALLBACK) / len(rows)
    assert declined >= WRITTEN_OUT_OF_SCOPE_DECLINED - 1e-9, declined
    assert decisions.count(Decision.ANSWER) <= WRITTEN_OUT_OF_SCOPE_ANSWERED


def test_written_in_scope_chat_messages_are_answered_or_offered(matcher: Matcher) -> None:
    for row in _decline_written():
        if row.expect == "-":
            continue
        match = matcher.match(row.question)
        assert match.entry == row.expect or row.expect in match.candidates, row.question


def _scored(coverage: float, fuzzy: float, unknown: float) -> Scored:
    return Scored(0, 0.25, coverage, 0.1, fuzzy, unknown)


def test_a_leader_met_by_a_generic_word_of_an_unknown_question_is_not_offered() -> None:
    decider = Decider(["service.food", "service.train"], MatcherConfig())
    # Most of the question unknown to the KB, the leader explaining a sliver of it and
    # resembling none of its phrasings: declined, not "did you mean".
    unrelated = [_scored(0.10, 0.30, 0.9), _scored(0.08, 0.28, 0.9)]
    assert decider.decide("x", Lang.EN, unrelated).decision is Decision.FALLBACK
    # The same leader on a question in the KB's words, or one that reads like a phrasing
    # of it, is still offered.
    known = [_scored(0.10, 0.30, 0.2), _scored(0.08, 0.28, 0.2)]
    assert decider.decide("x", Lang.EN, known).decision is Decision.CLARIFY
    like_a_phrasing = [_scored(0.10, 0.80, 0.9)]
    assert decider.decide("x", Lang.EN, like_a_phrasing).decision is Decision.CLARIFY


def test_a_time_in_the_story_lifts_the_listing_less_than_a_time_asked_about(
    matcher: Matcher,
) -> None:
    # When a delegation comes is its story; what it asks is how much notice a meeting needs.
    visit = matcher.match(
        "시의원 다섯 명이 가을에 화롄을 방문할 예정입니다. 면담은 얼마나 미리 요청해야 하나요?"
    )
    assert visit.candidates[0] == "exchange.delegation-visit"
    # A time in the story still lifts the listing of what is on when that is what is asked.
    assert matcher.match("we arrive in late march, anything happening around then?").entry == (
        "event.upcoming"
    )
    assert matcher.match("any festivals in late march?").entry == "event.upcoming"


@pytest.mark.parametrize(
    "question",
    [
        "anything on this weekend?",
        "is anything on in late march?",
        "12月有什麼",
        "anything going on next month",
    ],
)
def test_a_time_and_nothing_else_asks_what_is_on_then(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, "event.upcoming")


@pytest.mark.parametrize(
    "question",
    [
        "高千穂の夜神楽は今年いつから始まりますか？",  # Takachiho's own festival
        "what is there to see in kushiro?",
        "제천시청 근처 맛집 추천해 주세요",  # a Korean name with a suffix attached
        # Offered Hualien's weather beside the sister cities, then settled on the weather by
        # the chooser after the check had passed the "did you mean".
        "盛岡の明日の天気は？",
        "what's the weather in morioka tomorrow",
        "울산 내일 날씨 어때요?",
        "堤川明天天氣怎麼樣",
    ],
)
def test_a_partner_citys_own_affairs_are_not_answered(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is not Decision.ANSWER


@pytest.mark.parametrize(
    "question",
    [
        "what should i eat in jecheon, any good restaurants?",
        "盛岡のさんさ踊りのチケットはどこで買えますか",
        "蔚山的鯨魚博物館門票多少錢",
    ],
)
def test_a_partner_citys_own_affairs_are_declined_without_unrelated_options(
    matcher: Matcher, question: str
) -> None:
    # Offered, the sister cities or Hualien's own festivals would answer as little as
    # answered: each option is declined, so the choice is.
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("since when is takachiho a sister city?", "exchange.sister-cities"),
        ("다카치호와는 언제부터 교류했나요?", "exchange.sister-cities"),
        (
            "morioka delegation visiting next month, who should we contact?",
            "exchange.delegation-visit",
        ),
        ("will takachiho be invited to the festivals this year?", "exchange.festival-invitations"),
        # The name pulled toward the sister cities: once offered them beside the answer.
        ("울산 학교도 화롄 학교와 교류할 수 있나요?", "exchange.school-exchange"),
    ],
)
def test_the_exchange_with_a_partner_city_is_answered(
    matcher: Matcher, question: str, expected: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, expected)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # Where the visitor comes from, or who writes, is not what they ask about.
        ("울산에서 온 교환학생인데 거류증은 어디서 신청해요?", "service.arc"),
        ("我是盛岡市政府的職員，請問居留證要去哪裡辦？", "service.arc"),
        # Hualien named in Korean: the partner city is where the visitor comes from.
        (
            "화롄에 출장 온 울산시 직원입니다. 배탈이 나서 약국을 찾고 있어요",
            "service.medical-care",
        ),
    ],
)
def test_a_visitor_from_a_partner_city_is_answered_about_hualien(
    matcher: Matcher, question: str, expected: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, expected)


def test_a_japanese_noun_of_one_kanji_counts_as_a_word(matcher: Matcher) -> None:
    # 薬 (medicine) weighed a quarter of a word: the money entry and the buses were offered.
    match = matcher.match("薬がなくなりそうです。台湾でももらえますか")
    assert (match.decision, match.entry) == (Decision.ANSWER, "service.medical-care")


def test_a_time_alone_is_the_listing_or_the_current_topic_then(matcher: Matcher) -> None:
    # "in december?" once fell back to its own words and got the weather entry.
    assert matcher.match("in december?").entry == "event.upcoming"
    follow_up = matcher.match_reading(read("and tomorrow?"), topic="service.typhoon")
    assert (follow_up.entry, follow_up.in_context) == ("service.typhoon", True)


def test_a_clear_leader_of_a_low_scoring_story_is_answered() -> None:
    decider = Decider(["exchange.delegation-visit", "exchange.coordination"], MatcherConfig())

    def scored(confidence: float) -> Scored:
        return Scored(0, confidence, 0.25, 0.18, 0.36, 0.58)

    # A formal letter announcing a council's visit: the story around the question is in words
    # the KB never uses, so the leader stays at 0.27, yet it leads the runner-up by 0.12.
    clear = [scored(0.27), replace(scored(0.15), entry_index=1)]
    match = decider.decide("x", Lang.ZH_HANT, clear)
    assert (match.decision, match.entry) == (Decision.ANSWER, "exchange.delegation-visit")
    # The same leader a step ahead of its runner-up is only offered.
    close = [scored(0.27), replace(scored(0.22), entry_index=1)]
    assert decider.decide("x", Lang.ZH_HANT, close).decision is Decision.CLARIFY


def test_a_day_of_the_week_does_not_make_a_question_about_the_desks_staff(
    matcher: Matcher,
) -> None:
    # The staff entry once listed 禮拜天 and "sunday" among its keywords (for "is anyone there on
    # Sunday?"): any question naming a day then leaned to it.
    for message in ("禮拜天皮膚科有開嗎", "國定假日藥局有開嗎"):
        match = matcher.match(message)
        assert match.entry != "contact.staff", message
        assert "service.medical-care" in match.candidates, message
    assert matcher.match("國定假日藥局有開嗎").candidates[0] == "service.medical-care"


# tests/written/chat-written.tsv: chat-style messages (a story or greeting around the question,
# chat spelling, mainland words, a little English) written for these tests, on situations and
# people the eval sets do not hold. Ratchets, to raise as the method improves: the in-scope
# ones answered right (2026-12-07: 43 of 48; the misses are offered, none answered wrong;
# with three of wounds, sprains and acupuncture, 46 of 51) and the out-of-scope ones
# answered (none).
WRITTEN_CHAT_RIGHT = 46 / 51


def test_written_chat_messages_are_answered_right_and_never_wrong(matcher: Matcher) -> None:
    rows = read_rows(Path(__file__).parent.parent / "written" / "chat-written.tsv")
    matches = [(row, matcher.match(row.question)) for row in rows]
    in_scope = [(row, match) for row, match in matches if row.expect != "-"]
    right = sum(match.entry == row.expect for row, match in in_scope) / len(in_scope)
    assert right >= WRITTEN_CHAT_RIGHT - 1e-9, right
    for row, match in matches:
        answered = match.decision is Decision.ANSWER
        assert not answered or match.entry == row.expect, (row.question, match.entry)


# tests/written/out-of-scope-chat-written.tsv: out-of-scope chat-style messages (other places,
# other governments' services, shopping, pets, general knowledge), many sharing a word or two
# with an entry. A ratchet, to lower as the method improves (the goal is none answered).
WRITTEN_CHAT_OUT_OF_SCOPE_ANSWERED = 27  # 29 before pets and vets (Unserved)


def test_written_chat_out_of_scope_messages_are_seldom_answered(matcher: Matcher) -> None:
    rows = read_rows(Path(__file__).parent.parent / "written" / "out-of-scope-chat-written.tsv")
    assert rows
    assert all(row.expect == "-" for row in rows)
    answered = [r.question for r in rows if matcher.match(r.question).decision is Decision.ANSWER]
    assert len(answered) <= WRITTEN_CHAT_OUT_OF_SCOPE_ANSWERED, answered


@pytest.mark.parametrize(
    "question",
    [
        "do filipinos need a visa for taiwan or is it visa free now",
        "how do i get a tourist visa for korea from here",
        "馬來西亞人來台灣可以免簽幾天",
        "アメリカの観光ビザってどうやって申請するの",
        "미국 관광비자 신청하려면 뭐가 필요해요?",
    ],
)
def test_a_visa_to_enter_a_country_is_not_answered(question: str, matcher: Matcher) -> None:
    # The consulates' business: the immigration office's entry, which extends visas, and the
    # ARC's would mislead, answered or offered.
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    "question",
    [
        "my japanese passport expires next month and i'm living abroad now, can i renew it in hualien?",
        "how to renew my korean driver's license while im overseas",
        "im abroad for a year, do i still pay into my us pension",
        "日本の年金って海外に住んでいても払わないといけないですか",
        "海外在住でも日本の免許の更新はできますか",
        "한국 여권 갱신하려면 어디로 가요?",
        "해외에 있는 동안 주민등록증 재발급 가능한가요",
        "我人在國外 美國護照要怎麼更新",
    ],
)
def test_the_visitors_own_countrys_papers_are_not_answered(question: str, matcher: Matcher) -> None:
    # That country's business: the county's entries on Taiwan's papers (the ARC, the NHI, a
    # lost passport, a licence to drive here) would mislead, answered or offered.
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("I'm a student from abroad, how do I join the NHI?", "service.health-insurance"),
        ("do i need my passport to buy a sim card", "service.sim-card"),
        ("I lost my korean passport while traveling, how to reissue", "service.lost-items"),
        ("日本の運転免許で台湾で運転できますか", "service.local-transport"),
        ("한국 운전면허증으로 대만에서 운전 가능해요?", "service.local-transport"),
        ("can i renew my ARC while i'm overseas?", "service.arc"),
        ("can I get an international driving permit while abroad", "service.local-transport"),
        ("外國人健保怎麼加入 我從國外來的", "service.health-insurance"),
    ],
)
def test_papers_used_or_lost_here_are_still_answered(
    question: str, entry: str, matcher: Matcher
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("where do i extend my visa in hualien", "contact.immigration"),
        ("came on a working holiday, now i have a job here. do i need an ARC?", "service.arc"),
        ("簽證延期要去哪裡辦", "contact.immigration"),
        # The visa the visitor holds, named (a review's cases: once declined as visas to get).
        ("how do i extend my tourist visa in hualien", "contact.immigration"),
        ("on a tourist visa, can I get NHI?", "service.health-insurance"),
        ("工作簽證轉居留證要什麼文件", "service.arc"),
        ("취업비자로 왔는데 거류증은 어디서 신청해요?", "service.arc"),
        ("관광비자로 왔는데 병원 가면 보험 돼요?", "service.health-insurance"),
    ],
)
def test_a_visa_extended_here_is_still_answered(
    question: str, entry: str, matcher: Matcher
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    "question",
    [
        "whats the cheapest phone plan in korea for a student?",
        "how do i renew my passport while living in japan?",
    ],
)
def test_a_choice_of_practical_entries_about_a_place_abroad_is_declined(
    question: str, matcher: Matcher
) -> None:
    # A "did you mean" of the county's phone plans or lost-passport advice would answer about
    # here; none of its options speaks of the place asked about.
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    "question",
    [
        "does the mrt take easycard or do i need a token",
        "地下鉄って何時まで走ってますか",
        "지하철 몇 시까지 해요?",
        "台北捷運的悠遊卡在哪裡買",
        # Parcels and postage are the post's business; no entry speaks of them.
        "how much is postage for a parcel to germany",
        "寄包裹到日本大概要幾天",
        "한국으로 소포 보내려면 얼마 들어요?",
    ],
)
def test_a_metro_or_a_parcel_is_not_the_desks(question: str, matcher: Matcher) -> None:
    # Hualien has no metro (intents.yaml, unserved): the train entry, which names Taipei and
    # EasyCard, would answer about another city's.
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    "question",
    [
        "where can i buy a sim card in vietnam",
        "what's a good hotel near taipei main station",
        "can i use my japanese driving license in korea",
        "嗨 我下禮拜要去台中 有推薦的景點嗎",  # 去台 is a KB pair (「怎麼去臺北」), not a word
        # Hualien only in the story, the place abroad in the question.
        "I lived in Hualien for a year, now moving to Vietnam. where can i buy a sim card in vietnam?",
        # A place the KB never mentions, asked about; Hualien only in the story.
        "how do i renew a residence permit in munich? i finished my exchange in hualien",
        # Where the visitor is now, said as who they are.
        "i live in taipei. where do i renew my arc?",
        "we are in tokyo now. which hospital speaks english?",
        # …in every language, and where they are going (a review's cases).
        "我在台中，哪裡可以看醫生",
        "I'm in Kenting, any good restaurants?",
        "We'll be staying in Taipei for 3 days first. Any good hotels?",
        "저는 서울에 살아요. 건강보험 어떻게 가입해요?",
        "今台北にいます。居留証の更新はどこでできますか",
        "I am in Taichung, where is the nearest hospital?",
    ],
)
def test_a_practical_matter_in_a_place_its_entry_never_names_is_declined(
    question: str, matcher: Matcher
) -> None:
    assert matcher.match(question).decision is not Decision.ANSWER


@pytest.mark.parametrize(
    "question",
    [
        "부모님이랑 부산 여행 가는데 해운대 근처 숙소 추천해 줘",  # Korean places elsewhere
        "서울 날씨 어때요?",
        # Hualien named in the story, the partner's own festival asked about.
        "화롄 친구들을 초대하려고 하는데, 올해 제천국제음악영화제 날짜가 언제예요?",
    ],
)
def test_korean_questions_about_somewhere_else_are_not_answered(
    matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).decision is not Decision.ANSWER


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # A place abroad in the story, what the visitor asks asked of the county.
        (
            "we import tea in germany, whats the number of the agriculture department?",
            "contact.agriculture-department",
        ),
        ("我們下個月帶韓國的學生去參訪 需要口譯服務 可以安排嗎", "service.interpretation"),
    ],
)
def test_a_place_abroad_only_in_the_story_leaves_the_question_the_countys(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    "question",
    [
        # Taipei and Incheon in Korean, as Taipei is in English and Chinese.
        "타이베이 병원 영어 되는 곳 있어요?",
        "인천공항에서 환전 어디가 싸요?",
    ],
)
def test_taipei_and_incheon_in_korean_are_places_elsewhere(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is not Decision.ANSWER


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # Who writes, from a place the knowledge base never names, is not what they ask.
        ("我們是大阪的一間旅行社 想跟縣府觀光處聯絡 請問電話多少", "contact.tourism-department"),
        ("我們是首爾的一所高中 想跟縣府教育處聯絡 要找誰", "contact.education-department"),
        (
            "hello, i'm a teacher from singapore. who do i contact at the county's education "
            "department?",
            "contact.education-department",
        ),
    ],
)
def test_where_the_writer_is_from_is_not_what_they_ask(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert match.decision in (Decision.ANSWER, Decision.CLARIFY)
    assert entry in match.candidates


@pytest.mark.parametrize(
    "question",
    [
        # …but the place asked about is: the introduction does not make it Hualien's.
        "我們是大阪的旅行社 請問大阪明天天氣如何",
        "hi, i'm from singapore. whats the weather in singapore tomorrow",
    ],
)
def test_a_place_elsewhere_asked_about_after_an_introduction_is_declined(
    matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).decision is not Decision.ANSWER


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # The county's contacts, events and exchange, asked after from abroad (a second
        # review's cases: once declined by where the visitor is).
        ("我在首爾，民政處的電話幾號", "contact.civil-affairs"),
        (
            "i'm in taipei, what's the county government's phone number?",
            "contact.county-government",
        ),
        ("我們在東京，想問豐年祭是什麼時候", "event.harvest-festivals"),
        # Where the visitor is going, or what they are doing: not where they are.
        ("im moving to japan next month, what do i do with my arc?", "service.arc"),
        ("going to japan next week, where can i exchange money for yen?", "service.money"),
        ("我在等去台北的火車，可以在哪裡換錢", "service.money"),
        ("我在東京的大學教書，想申請學校交流", "exchange.school-exchange"),
        # Someone else's place.
        ("日本に住んでいる友達が来ます。SIMカードはどこで買えますか", "service.sim-card"),
    ],
)
def test_where_the_visitor_is_counts_only_for_a_service_used_there(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # The lost-items entry names Taipei in English ("lost my phone on the train to
        # taipei"): it speaks of the place in Korean too (a review's cases).
        ("타이베이 가는 기차에서 지갑 잃어버렸어요", "service.lost-items"),
        ("타이베이역에서 탄 기차에 가방 두고 내렸어요", "service.lost-items"),
        ("타이베이 쪽에서 오는 길 태풍 때문에 막혔어요?", "service.typhoon"),
    ],
)
def test_an_entry_naming_a_place_in_any_language_speaks_of_it(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("trains to taipei always sold out, any tips?", "service.train"),
        ("hi, im from vietnam, where can i buy a prepaid sim with data", "service.sim-card"),
        ("日本から花蓮に来ました。花蓮でSIMカードはどこで買えますか", "service.sim-card"),
        # The visitor's own licence, not a scooter in Japan.
        ("日本の免許証でスクーターを借りられますか", "service.local-transport"),
        # The place abroad a comparison in the story; the question asks about here.
        ("back in korea sim cards are cheap, how much is a prepaid sim here?", "service.sim-card"),
        (
            "my kid wants to study in germany, does the county have a program",
            "exchange.student-programs",
        ),
    ],
)
def test_a_place_the_entry_names_or_the_visitor_comes_from_still_gets_the_answer(
    question: str, entry: str, matcher: Matcher
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("서울대에서 온 교환학생인데 거류증은 어디서 신청해요?", "service.arc"),
        ("타이베이 가는 기차 시간표 알려 주세요", "service.train"),
        ("울산 대표단이 참가할 수 있는 행사가 있나요?", "event.upcoming"),
    ],
)
def test_korean_places_as_origin_description_or_known_to_the_kb(
    matcher: Matcher, question: str, expected: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, expected)


def test_a_theft_just_now_in_korean_is_answered_as_in_english(matcher: Matcher) -> None:
    # Until the fifth session this was the lost-items entry (report it to the police) while
    # "someone stole my wallet on the bus just now" was already a crime happening (110 first,
    # an urgent ticket); the learned second opinion reads the Korean as the English is read.
    korean = matcher.match("누가 제 가방을 훔쳐 갔어요 방금이요")
    english = matcher.match("someone stole my wallet on the bus just now")
    assert (korean.entry, korean.emergency) == ("contact.emergency", True)
    assert (english.entry, english.emergency) == ("contact.emergency", True)
    assert korean.situation is not None
    assert korean.situation.numbers[0] == "110"
    # A theft told as past and settled stays the lost-items entry.
    past = matcher.match("지난주에 지갑을 잃어버렸어요. 분실 신고는 어디서 해요?")
    assert past.entry == "service.lost-items"


@pytest.mark.parametrize(
    "question",
    [
        "my cat is sick is there a vet nearby",
        "我的狗生病了 哪裡有動物醫院",
        "猫が病気です。動物病院はありますか",
        "강아지가 아파요 동물병원 어디 있어요?",
    ],
)
def test_pets_are_not_answered_or_offered_the_clinics_for_people(
    matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).decision is Decision.FALLBACK


def test_a_sick_child_still_gets_the_clinics(matcher: Matcher) -> None:
    match = matcher.match("my daughter is sick, is there a pediatric clinic")
    assert (match.decision, match.entry) == (Decision.ANSWER, "service.medical-care")


@pytest.mark.parametrize(
    ("message", "is_task"),
    [
        ("石灰岩的硬度多少 地科課的題目", True),
        ("homework question: how deep is the sea east of taiwan", True),
        ("期末考考題怎麼解", True),
        ("can you write me a 300 word essay on twin towns", True),
        ("please translate this into japanese: welcome to hualien", True),
        ("whats the capital of vietnam", True),
        ("why is it called the pacific ocean", True),
        ("how long is the train from taipei to hualien", False),
        ("is there a translator at the county hall", False),
        ("who should i call about my arc", False),
        # Who holds an office: the KB names no official.
        ("who is the current mayor of temple city", True),
        ("who was the first president of korea", True),
        ("盛岡市の市長って誰？", True),
        ("제천시 시장님은 누구세요?", True),
        ("花蓮縣長是誰", True),
        ("can our mayor meet the county magistrate?", False),
        ("市長と一緒に表敬訪問したいです", False),
        # The desk's opinion between two places, how nature came to be.
        ("你覺得太魯閣跟阿里山哪個比較漂亮", True),
        ("海岸山脈是怎麼形成的", True),
        ("你覺得我需要辦居留證嗎", False),
        # A topic, an exam to take, a question about a class: not homework to do.
        ("交換學生要考試嗎", False),
        ("華語課在哪裡上", False),
        ("is there a test to join the exchange programme", False),
        # A speech to be written, a list of officials, records for their own sake.
        ("could you draft a short toast for our farewell dinner", True),
        ("幫我們市長擬一篇歡迎詞", True),
        ("縣議員有哪些", True),
        ("what was the biggest earthquake ever in taiwan", True),
        ("花蓮史上最強的颱風是哪一個", True),
        ("what should i do in a big earthquake", False),
        ("釧路市長のお名前は何ですか", True),
        # Taiwan's head of state, as Japanese and Korean name the office (総統, 총통).
        ("今の台湾の総統は誰ですか", True),
        ("대만 총통이 누구예요?", True),
        ("화롄현 현장님 이름이 뭐예요?", True),
        ("市長が県長を表敬訪問したいのですが", False),
        ("can our mayor give a speech at the festival", False),
        # A disaster's toll or how nature works, asked as news or for class: the KB holds
        # neither, and its earthquake or typhoon advice would answer something else.
        ("how many people were killed in the 1999 taiwan earthquake?", True),
        ("whats the death toll of typhoon morakot", True),
        ("921地震總共死了多少人", True),
        ("2018年花莲地震死亡人数是多少", True),
        ("2024年の地震で死者は何人でしたか", True),
        ("2024년 화롄 지진 때 사망자가 몇 명이었어요?", True),
        ("how do tsunamis form? its for my science class", True),
        ("is taroko safe again after the earthquake", False),
        ("地震的時候要躲在哪裡", False),
        ("台風の時、学校は休みになりますか", False),
        # A population or a country's emblems, asked for their own sake.
        ("how many people live in taitung?", True),
        ("whats the population of hualien city", True),
        ("花蓮人口有多少", True),
        ("日本的國花是什麼", True),
        ("花蓮の人口はどのくらいですか", True),
        ("화롄 인구가 몇 명이에요?", True),
        ("how many people can join a delegation visit", False),
        ("花蓮人多嗎 週末會不會很擠", False),
        # Code named by its language, a phrase to be put into another language, a film or a
        # series to watch, why a place is called so: none of them the county's service.
        ("can you make me a python script that checks bus times", True),
        ("how would i pronounce qixingtan in chinese", True),
        ("any good c-dramas you'd recommend? recommend me a drama", True),
        ("「請問廁所在哪」用日文怎麼說", True),
        ("推薦一部好看的日劇", True),
        ("為什麼花蓮叫做洄瀾", True),
        ("台湾語で「おいしい」は何て言う？", True),
        ("영어로 맛있어요 뭐라고 해요?", True),
        ("how do i write my address in chinese on the ARC form", False),
        ("英文版的申請表怎麼填", False),
        ("답변을 한국어로 바꾸려면 어떻게 해요?", False),
        ("英語でどういう案内がありますか", False),
        ("can you recommend a clinic that speaks english", False),
        # A text to put into Chinese, a report's material, whales' biology.
        ("このメールを中国語に翻訳してもらえる？", True),
        ("宿題で台湾の祭りを調べてるんですけど、起源を教えて", True),
        ("イルカはどうして寝ながら泳げるの？", True),
        ("돌고래는 왜 점프해요?", True),
        ("why do whales sing", True),
        ("鯨魚為什麼會擱淺", True),
        ("ホエールウォッチングは何月がいいですか", False),
        ("고래 보러 가는 배 몇 시에 출발해요?", False),
        ("what time do the whale watching boats leave", False),
        # A sum converted at a rate is arithmetic; where to change money is the KB's.
        ("i have 300 ringgit, how many nt dollars is that", True),
        ("200 usd to ntd roughly?", True),
        ("3000日圓大概等於多少台幣", True),
        ("where can i change usd to nt", False),
        ("how much nt should i bring for a week", False),
        ("花蓮哪裡可以換日幣", False),
        # How a programming language works.
        ("python裡面dict跟set差在哪 有什麼區別", True),
        ("whats the difference between let and var in javascript", True),
        ("java的語法好難 有推薦的教學嗎", True),
        # Gadgets to buy or choose, recipes, geography's records.
        ("should i buy an ipad here or in japan", True),
        ("best headphones under 3000 nt?", True),
        ("any good vpn for watching netflix from home", True),
        ("想買吹風機 推薦哪裡", True),
        ("推薦一台適合學生的筆電", True),
        ("how do you cook taiwanese three cup chicken", True),
        ("whats the longest river in japan", True),
        ("where do i get a sim for my iphone", False),
        ("what is the biggest hospital in hualien", False),
        ("how to make an appointment at the hospital", False),
        # What shares those tasks' words and is the KB's (found in review): fares, money
        # changed at a bank, a phone lost, a SIM for one's phone, the festival's food, a whale
        # trip called off, being told to bring papers.
        ("how much nt is it to take the train from hualien to taipei?", False),
        ("can i change 200 usd to ntd at a bank in hualien?", False),
        ("我有500美金可以換多少台幣？哪家銀行可以換", False),
        ("how do i get my iphone back? i left it on the bus", False),
        ("哪裡可以買iphone可以用的sim卡", False),
        ("any recipes from the amis harvest festival?", False),
        ("今天賞鯨為什麼取消了", False),
        ("ホエールウォッチングでクジラが見られないのはなぜですか", False),
        ("돌고래가 왜 오늘 안 나왔어요? 환불 되나요", False),
        ("為什麼移民署叫我補件", False),
        ("手続きの課題で困っています。居留証の更新はどこですか", False),
    ],
)
def test_work_the_desk_does_not_do_is_a_task(message: str, is_task: bool) -> None:
    assert asks_for_a_task(normalize(message)) is is_task


@pytest.mark.parametrize(
    "message",
    [
        "wait are you an actual human or a bot",
        "是機器人在回我嗎 還是真人",
        "これって自動応答？それとも人間ですか",
        "지금 답하는 거 사람이에요?",
    ],
)
def test_asking_whether_a_person_answers_is_the_question_about_the_desk(
    matcher: Matcher, message: str
) -> None:
    match = matcher.match(message)
    assert (match.decision, match.entry) == (Decision.ANSWER, "faq.about-bot"), match


def test_a_request_beside_asking_whether_it_is_a_bot_is_handed_off(matcher: Matcher) -> None:
    assert matcher.match("r u a bot?? get me a real person").decision is Decision.HANDOFF
    assert matcher.match("你是機器人嗎 我要找工作人員").decision is Decision.HANDOFF


def test_a_time_asked_beside_who_asks_is_what_is_on(matcher: Matcher) -> None:
    # The student words of "exchange student here" outweighed a clause that asks only when.
    for message in (
        "what's going on in hualien next week? visiting teacher here",
        "下個月有什麼 我是來交換的學生",
    ):
        assert matcher.match(message).entry == "event.upcoming", message
    assert (
        matcher.match("what's on this weekend? also where do i renew my arc").entry == "service.arc"
    )


def test_a_place_abroad_things_here_differ_from_is_no_question_about_it(matcher: Matcher) -> None:
    # Japan named only as what the rules differ from: the question is about the rules here.
    match = matcher.match(
        "引っ越してきたばかりで、ごみの出し方が日本とは違うみたい。燃えるごみはいつ出せばいい？"
    )
    assert match.entry == "service.garbage"
    assert matcher.match("where can i buy a sim card in vietnam").decision is Decision.FALLBACK


def test_being_around_is_not_getting_around(matcher: Matcher) -> None:
    # "around" alone once meant the buses: a visitor around in November asks what is on.
    assert matcher.match("we will be around in november, anything on?").entry == "event.upcoming"
    assert matcher.match("how do we get around hualien?").entry == "service.local-transport"


def test_a_sight_named_beside_a_service_says_where_not_what(matcher: Matcher) -> None:
    # 七星潭's many tokens (the sight, its synonym, 七星, 星潭) outweighed "wifi": the sights
    # were answered. Now Wi-Fi is offered beside them; alone, the sight is the question.
    wifi = matcher.match("七星潭有wifi嗎")
    assert wifi.entry != "service.attractions"
    assert "service.wifi" in wifi.candidates
    assert matcher.match("七星潭怎麼去").entry == "service.attractions"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("我在德國買的旅遊保險夠嗎 還是要加台灣的健保", "service.health-insurance"),
        ("日本のSIMのままで大丈夫？台湾のSIMを買ったほうがいい？", "service.sim-card"),
        (
            "交換で1年いる予定です。日本の保険だけで足りますか？台湾の健保にも入るべき？",
            "service.health-insurance",
        ),
        (
            "is my german travel insurance enough or do i need taiwan's nhi?",
            "service.health-insurance",
        ),
    ],
)
def test_taiwan_named_beside_a_place_abroad_is_asked_about_here(
    matcher: Matcher, question: str, expected: str
) -> None:
    # Taiwan's national matters (the NHI, a SIM card) are the same in Hualien: the place
    # abroad is what the visitor compares with, not where the question is.
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, expected)


@pytest.mark.parametrize(
    "question",
    [
        "how do i get health insurance in germany after my exchange",
        # Taiwan where the trip starts is no matter of Hualien's.
        "do i need a visa to visit japan from taiwan",
        "how do i fly to tokyo from taiwan",
    ],
)
def test_a_practical_matter_abroad_is_still_declined(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.FALLBACK


class _AlwaysWorried:
    """An alarm sure of danger whatever it reads."""

    def probability(self, normal: str) -> float:
        return 0.99


@pytest.mark.parametrize(
    ("question", "sounds"),
    [
        ("대만에서 지진이 나면 한국 폰으로도 재난 문자가 와요?", False),
        ("if the river floods near our dorm, where do we go?", False),
        ("萬一颱風天停電了要打給誰", False),
        ("もし台風で停電したら、どこに連絡すればいいですか", False),
        ("the building is swaying and everyone is running out", True),
        # "not sure if" asks indirectly; it supposes nothing.
        ("my house is shaking and the wall cracked, not sure if we should run out", True),
        ("건물이 계속 흔들리고 사람들이 뛰쳐나가요", True),
        # A threat's condition is no supposition; without a threat it still is one.
        ("my landlord says if i dont give him cash tonight he will break my legs", True),
        ("if i dont speak chinese can the hospital still help me", False),
        ("房東說如果我不付錢就要打我 他現在在門外", True),
    ],
)
def test_the_alarm_does_not_sound_for_a_supposition(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch, question: str, sounds: bool
) -> None:
    # The learned alarm reads no grammar: "if an earthquake hits" is not one hitting.
    monkeypatch.setattr(matcher, "alarm", _AlwaysWorried())
    assert matcher.match(question).emergency is sounds


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("ok so what sort of things can i ask here", "faq.help"),
        ("hey what questions can we ask", "faq.help"),
        ("我們可以問你哪些事情啊", "faq.help"),
        ("このボットは何が質問できるの？", "faq.help"),
        ("여기서 뭘 물어볼 수 있어요?", "faq.help"),
        # What the visitor may ask about a topic is the topic's.
        ("what can i ask about the ARC", "service.arc"),
        ("可以問你健保的事嗎 外國人怎麼加保", "service.health-insurance"),
    ],
)
def test_what_the_desk_can_be_asked_is_the_help_entry(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


def test_where_a_visitor_comes_from_is_not_where_they_ask_about(matcher: Matcher) -> None:
    for question, entry in [
        ("im from vietnam, where do i buy a sim?", "service.sim-card"),
        ("i live in hualien now, where do i renew my arc?", "service.arc"),
    ]:
        match = matcher.match(question)
        assert (match.decision, match.entry) == (Decision.ANSWER, entry), question


@pytest.mark.parametrize(
    "question",
    ["how do i say i need an ambulance in chinese", "119에 영어로 신고할 때 어떻게 말해요?"],
)
def test_a_phrase_for_an_emergency_is_the_numbers_entry(matcher: Matcher, question: str) -> None:
    # Put into another language is a task; an emergency named makes it the numbers' question.
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, "contact.emergency")


@pytest.mark.parametrize(
    "question",
    [
        "any tips for learning guitar as an adult? thinking of taking lessons",
        "how do i get better sleep before an exam week",
        "我想學衝浪 哪一牌的衝浪板比較好",
        "スマホの画面が割れたけど自分で直せる？",
        "what is the meaning of life lol",
    ],
)
def test_a_did_you_mean_of_unrelated_options_is_declined(matcher: Matcher, question: str) -> None:
    # Each drew a "did you mean" of entries it shares a word with by chance (sleep: the
    # weather; a surfboard: the hospitals) before the chooser's veto.
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("我是交換生 宿舍沒抽到 想在外面租房 該問誰", "service.accommodation"),
        ("집 옮겨서 거류증 주소 바꿔야 되는데 어디로 가면 돼요?", "service.arc"),
    ],
)
def test_a_did_you_mean_of_related_options_stays(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert match.decision is not Decision.FALLBACK
    assert entry in match.candidates


def test_the_veto_reads_the_chooser_not_the_words(matcher: Matcher) -> None:
    """With a chooser that finds every entry equally likely, every "did you mean" is declined;
    with none (a KB too large to train one), none is."""
    question = "집 옮겨서 거류증 주소 바꿔야 되는데 어디로 가면 돼요?"
    assert matcher.match(question).decision is Decision.CLARIFY
    chooser = matcher.chooser
    assert chooser is not None
    try:
        matcher.chooser = replace(chooser, bias=chooser.bias * 0, weights=chooser.weights * 0)
        assert matcher.match(question).decision is Decision.FALLBACK
        matcher.chooser = None
        assert matcher.match(question).decision is Decision.CLARIFY
    finally:
        matcher.chooser = chooser


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        (
            "울산시 국제교류과입니다. 화롄현 관광처 담당자분과 연락하고자 합니다. "
            "연락 방법을 알려 주시겠습니까?",
            "contact.tourism-department",
        ),
        (
            "hi, secretary of a rotary club in kuching here — we were told the civil affairs "
            "department looks after twinning. how can i get in touch with them?",
            "contact.civil-affairs",
        ),
    ],
)
def test_the_one_office_named_where_its_contact_is_asked_is_answered(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)
    offices = matcher.offices
    try:
        # Without the offices' names, the story beside the request leaves a "did you mean".
        matcher.offices = {}
        assert matcher.match(question).decision is Decision.CLARIFY
    finally:
        matcher.offices = offices


def test_an_office_named_without_asking_how_to_reach_it_is_not_forced(matcher: Matcher) -> None:
    question = "울산시 국제교류과입니다. 화롄현 관광처에서 자매도시 방문단도 담당하나요?"
    assert matcher.match(question).decision is Decision.CLARIFY


def test_every_office_named_is_a_contact_entry(kb: KnowledgeBase) -> None:
    contacts = {entry.id for entry in kb.entries if entry.category.value == "contact"}
    assert kb.intents.offices
    assert set(kb.intents.offices) <= contacts


@pytest.mark.parametrize(
    "message",
    ["thanks and bye", "thanks but I already found it", "감사합니다 참고하겠습니다"],
)
def test_thanks_and_a_closing_remark_are_the_thanks_entry(matcher: Matcher, message: str) -> None:
    match = matcher.match(message)
    assert (match.decision, match.entry) == (Decision.ANSWER, "faq.thanks")
