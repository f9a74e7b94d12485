"""Reading a chat message: its clauses, which of them asks, and greetings with no question."""

from __future__ import annotations

import pytest

from bot.reading import Role, read
from bot.text import Lang, normalize

GREETINGS_ONLY = [
    "hi there 👋",
    "hallo, im a exchange studnet from germany",
    "Good morning! My name is Hiroshi Sato from Morioka City Hall, International Division.",
    "你好，我是來花蓮讀書的馬來西亞學生",
    "哈囉～",
    "こんにちは。盛岡市役所の者です。",
    "안녕하세요 저는 제천에서 온 교환학생입니다",
    # Fifth session: greetings and introductions in Korean and Japanese chat, a farewell.
    "하이~",
    "안녕하세요! 울산에서 온 김민지입니다 😊",
    "제천에서 왔어요 반가워요",
    "盛岡から来ました。よろしくお願いします",
    "はじめまして、釧路から参りました佐藤です。よろしくお願いいたします。",
    "haha see you at dinner",
    "ok see you tomorrow",
    "明天晚餐見",
    "またね",
    "내일 봐요",
    # Sixth session: the formulae of a first letter in Japanese (どうぞ, 何卒; 今日から
    # お世話になります: "I'll be in your care from today").
    "はじめまして。盛岡市国際課の佐々木です。今日からお世話になります。どうぞよろしくお願いします。",
    "何卒よろしくお願い申し上げます",
    "Annyeong haseyo! I'm from Jecheon.",
]

NOT_GREETINGS = [
    "hi, how do I renew my ARC?",
    "hello! arc renewal",
    "早安 想問一下能用人民幣換台幣嗎",
    "hey! coordinating a small group from bellevue, any chance we could meet someone?",
    "こんにちは。在留カードの更新はどこでできますか",
    "see you at the festival, is it on saturday?",
    "盛岡から来ました。在留カードはどこで作りますか",
    "제천에서 왔어요 거류증 어디서 만들어요?",
]

THANKS_ONLY = [
    "thx a lot, very helpful!",
    "了解 3Q～",
    "好喔 謝啦 讚讚👍",
    "謝啦 搞定了",
    "ok tq, v useful",
    "고마워요 덕분에 도움이 많이 됐어요",
    "ありがとうございます。おかげで解決しました",
    "謝謝你喔 🙏",
    "好的，谢谢啦",
    "ありがとうございます",
    # The visitor solved it (해결했어요), not only "it got solved" (해결됐어요).
    "감사합니다!! 덕분에 잘 해결했어요",
    "고마워요 해결했어요 ㅎㅎ",
    # Acknowledgements and thanks in a visitor's own language, in any order.
    "ok understood, thank u so much 🙏",
    "that info really helped, thx",
    "terima kasih banyak, super helpful",
    "danke schon, makes sense now",
    # Eleventh session: thanks in Korean initials (ㄳ), a big help in Chinese.
    "ㄳㄳ 덕분에 해결했어요",
    "感謝你 幫了大忙",
]

NOT_THANKS_ONLY = [
    "thanks! that helped, and where do i pay the nhi premium",
    "great, now how do i get to taroko",
    "감사해요 근데 기차표는 어디서 사요?",
    "thanks btw where do i buy train tickets",
]


@pytest.mark.parametrize(
    "message",
    [
        # The review of the split: closing remarks after the turning word ask nothing.
        "thanks and bye",
        "thanks and have a nice day",
        "thanks but I already found it",
        "thanks also for the quick reply",
        "감사합니다 참고하겠습니다",
        "고마워요 그런데 벌써 해결됐어요",
    ],
)
def test_thanks_and_a_closing_remark_are_not_split(message: str) -> None:
    # One clause, matched whole: the thanks entry answers it (tests/matcher/test_pipeline.py).
    assert len(read(message).clauses) == 1


@pytest.mark.parametrize(
    "message",
    [
        "감사해요 근데 기차표는 어디서 사요?",
        "thanks btw where do i buy train tickets",
        "謝謝 另外火車票在哪買",
    ],
)
def test_thanks_before_a_turn_to_a_new_question_is_set_apart(message: str) -> None:
    reading = read(message)
    assert reading.clauses[0].role is Role.THANKS
    assert reading.clauses[-1].role is Role.ASK


@pytest.mark.parametrize("message", GREETINGS_ONLY)
def test_a_greeting_or_introduction_alone_is_a_greeting(message: str) -> None:
    assert read(message).greeting_only, read(message).clauses


@pytest.mark.parametrize("message", NOT_GREETINGS)
def test_a_greeting_before_a_question_is_not_a_greeting(message: str) -> None:
    assert not read(message).greeting_only, read(message).clauses


@pytest.mark.parametrize("message", THANKS_ONLY)
def test_thanks_alone(message: str) -> None:
    assert read(message).thanks_only, read(message).clauses


@pytest.mark.parametrize("message", NOT_THANKS_ONLY)
def test_thanks_with_a_question_is_a_question(message: str) -> None:
    assert not read(message).thanks_only, read(message).clauses


@pytest.mark.parametrize(
    ("message", "matched"),
    [
        (
            "lol do you like dogs. anyway, when does the immigration office open",
            "when does the immigration office open",
        ),
        ("你們小編好可愛喔 言歸正傳 居留證延期要帶什麼", "居留證延期要帶什麼"),
        (
            "お疲れ様です。それはさておき、台風の時は学校休みですか",
            "お疲れ様です 台風の時は学校休みですか",
        ),
        ("진짜 웃기네요 ㅋㅋ 그건 그렇고 기차표는 어디서 사요?", "기차표는 어디서 사요"),
    ],
)
def test_chatter_set_aside_by_the_visitor_is_not_matched(message: str, matched: str) -> None:
    reading = read(message)
    assert reading.to_match.replace(" ", "") == normalize(matched).replace(" ", "")
    assert all(weight == 0 or text in reading.to_match for text, weight in reading.weighted())


def test_without_a_turn_to_business_everything_is_matched() -> None:
    reading = read("do you like cats? where do i recycle batteries")
    assert reading.to_match == reading.normal


def test_the_clause_that_asks_weighs_most_and_the_greeting_nothing() -> None:
    reading = read(
        "Hey, I came from Jecheon to study here via the twinning link. My stipend hasn't been "
        "paid for 2 months. Can someone official step in?"
    )
    roles = [clause.role for clause in reading.clauses]
    assert roles[0] is Role.GREETING
    assert roles[-1] is Role.ASK
    weights = dict(reading.weighted())
    assert "hey" not in weights
    assert weights["can someone official step in"] == 1.0
    assert 0 < weights["my stipend hasnt been paid for 2 months"] < 1.0


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        (
            "my grandpa say our city is sister city with hualien from long time. it is true?",
            "my grandpa say our city is sister city with hualien from long time it is true",
        ),
        ("聽說花蓮有賞鯨 是真的嗎", "聽說花蓮有賞鯨 是真的嗎"),
        ("朋友说花莲火车站可以租机车 对吗", "朋友說花蓮火車站可以租機車 對嗎"),
        ("울산이랑 화롄이 자매도시라던데 사실인가요?", "울산이랑 화롄이 자매도시라던데 사실인가요"),
    ],
)
def test_a_clause_asking_only_whether_it_is_so_asks_the_clause_before(
    message: str, asked: str
) -> None:
    reading = read(message)
    assert reading.clauses[-1].role is Role.ASK
    assert reading.weighted()[-1] == (asked, 1.0)


def test_a_tag_question_alone_is_still_a_question() -> None:
    assert [c.role for c in read("is it true?").clauses] == [Role.ASK]


def test_a_letter_to_the_desk_is_a_greeting_only_in_its_first_words() -> None:
    # Without punctuation, "dear hualien …" once swallowed the whole request as a greeting.
    assert read("dear hualien exchange desk").greeting_only
    assert not read(
        "dear hualien exchange desk on behalf of the mayor of temple city i would like to "
        "request a courtesy call with the county magistrate"
    ).greeting_only


def test_a_message_with_no_asking_clause_counts_in_full() -> None:
    reading = read("grass fire spreading next to the bike path near qixingtan")
    assert reading.weighted() == [
        ("grass fire spreading next to the bike path near qixingtan", 1.0)
    ]


def test_chinese_chat_spaces_split_clauses_but_english_words_stay_together() -> None:
    clauses = read("這週末要去七星潭 那邊有free wifi嗎").clauses
    assert [c.text for c in clauses] == ["這週末要去七星潭", "那邊有free wifi嗎"]
    assert clauses[1].role is Role.ASK
    assert len(read("ok whats the NIA station's number in hualien").clauses) == 1


def test_thousands_separators_do_not_split_a_clause() -> None:
    texts = [c.text for c in read("I already sent them NT$50,000, now they want more").clauses]
    assert texts[0] == "I already sent them NT$50,000"


def test_the_reading_carries_the_language_and_normal_form() -> None:
    reading = read("居留证怎么延期？")
    assert reading.lang is Lang.ZH_HANS
    assert reading.normal == "居留證怎麼延期"


@pytest.mark.parametrize(
    ("message", "intro", "story"),
    [
        (
            "岩手県国際交流課でございます。来年度、県議会議員団の花蓮県訪問を計画中です。窓口はどこですか",
            "岩手県国際交流課でございます。",
            "県議会議員団の花蓮県訪問を計画中です。",
        ),
        (
            "釧路の青年会議所です。秋に視察団を派遣する予定です。どなたに連絡すればいいですか",
            "釧路の青年会議所です。",
            "秋に視察団を派遣する予定です。",
        ),
        (
            "제천시청 국제협력팀입니다. 봄에 화롄현을 방문할 예정입니다. 절차를 알려 주세요",
            "제천시청 국제협력팀입니다.",
            "봄에 화롄현을 방문할 예정입니다.",
        ),
    ],
)
def test_who_writes_is_an_introduction_and_what_they_plan_is_story(
    message: str, intro: str, story: str
) -> None:
    roles = {clause.text: clause.role for clause in read(message).clauses}
    assert roles[intro] is Role.INTRO, roles
    assert roles[story] is Role.STORY, roles


def test_a_long_japanese_clause_after_an_introduction_is_story_not_its_tail() -> None:
    # A Japanese clause has no spaces: it is one "word", however long.
    reading = read(
        "高千穂町役場の者です。町長以下5名で秋に県政府を表敬訪問する場合、何か月前に連絡すべきですか"
    )
    roles = [clause.role for clause in reading.clauses]
    assert roles == [Role.INTRO, Role.STORY, Role.ASK]
    assert (
        read("I'm Ana, exchange student from Manila. Where is the ARC office?").clauses[1].role
        is Role.INTRO
    )


def test_what_is_asked_without_who_asks() -> None:
    reading = read("盛岡市役所の者です。居留証の申請はどこでできますか")
    assert "盛岡" not in reading.without_introductions
    assert read("hi! where is the immigration office?").without_introductions == (
        "where is the immigration office"
    )


@pytest.mark.parametrize(
    ("message", "roles"),
    [
        # Where something happened to the visitor is the story, not who they are.
        ("我在火車站被偷了錢包 要去哪裡報案", [Role.STORY, Role.ASK]),
        ("我在東華讀書 想問健保", [Role.INTRO, Role.ASK]),
        # 幾 as a quantity and 晃了一下 (it shook a little) do not ask; ㄇ (注音 for 嗎) does.
        ("等了好幾天 居留證還沒下來", [Role.STORY, Role.STORY]),
        ("昨晚晃了一下", [Role.STORY]),
        ("公車可以刷悠遊卡ㄇ", [Role.ASK]),
        # 多久 asks; 想說 tells why the visitor asks.
        ("居留證申請下來要多久 有加急的嗎", [Role.ASK, Role.ASK]),
        ("想說幫朋友問一下 居留證在哪辦", [Role.STORY, Role.ASK]),
    ],
)
def test_chinese_chat_clauses_are_read_for_what_they_do(message: str, roles: list[Role]) -> None:
    assert [clause.role for clause in read(message).clauses] == roles
