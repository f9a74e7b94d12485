"""Emergencies read as situations, in every script, and ordinary messages left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.matcher import Matcher
from bot.matcher.situations import Situation, detect
from bot.text import normalize

S = Situation

#: Described situations: (message, the situation that must lead).
HAPPENING = [
    ("smoke is pouring out of the flat next door, what do i do", S.FIRE),
    ("theres a fire in our dorm kitchen!!", S.FIRE),
    ("I can smell gas in the hallway, getting stronger", S.FIRE),
    ("廚房燒起來了 怎麼辦", S.FIRE),
    ("楼下一直冒烟 闻到烧焦味", S.FIRE),
    ("台所から煙が出ています", S.FIRE),
    ("주방에 불이 났어요", S.FIRE),
    ("my roommate collapsed and isnt waking up", S.MEDICAL),
    ("a man on the beach is not breathing, help", S.MEDICAL),
    ("同學突然昏倒了", S.MEDICAL),
    ("奶奶没有呼吸了 怎么办", S.MEDICAL),
    ("友達が倒れて意識がありません", S.MEDICAL),
    ("친구가 쓰러졌어요", S.MEDICAL),
    ("i dont want to live anymore", S.SUICIDE),
    ("my friend keeps talking about killing herself", S.SUICIDE),
    ("最近一直想不開 覺得活不下去", S.SUICIDE),
    ("我朋友说他想自杀", S.SUICIDE),
    ("もう死にたいです", S.SUICIDE),
    ("죽고 싶어요", S.SUICIDE),
    # Scalded (a retrain dropped a test-part message of this kind; the sign holds it).
    ("鍋の熱湯を子どもがかぶって、皮膚がはがれている", S.MEDICAL),
    ("友達が熱い油を浴びてしまった", S.MEDICAL),
    ("my husband beats me when he drinks", S.ABUSE),
    ("the boy next door is being abused by his father", S.ABUSE),
    ("男友一直打我 我不敢回家", S.ABUSE),
    ("someone has been following me home every night", S.CRIME),
    ("i just got robbed near the night market", S.CRIME),
    ("有個男的一直跟著我", S.CRIME),
    ("길에서 누가 계속 따라와요", S.CRIME),
    ("we were hit by a scooter at the crossing", S.ACCIDENT),
    ("had a car accident on highway 9, everyone is ok", S.ACCIDENT),
    ("剛剛騎車被撞", S.ACCIDENT),
    ("i think i got scammed on a shopping site", S.SCAM),
    ("is this a scam? they want me to pay a fee at the atm", S.SCAM),
    ("對方叫我去ATM解除分期", S.SCAM),
    ("投资群组叫我再汇钱", S.SCAM),
    (
        "a man called saying he is from the bank and wants me to move my savings to a safe account",
        S.SCAM,
    ),
    ("they said i must pay with gift cards or the police will come", S.SCAM),
    ("自稱是健保局的人打來說我的健保卡被盜用", S.SCAM),
    ("老師帶單說保證獲利 現在無法出金", S.SCAM),
    ("보이스피싱 같아요", S.SCAM),
    ("a guy on the bus groped me and got off", S.CRIME),
    ("he keeps sending threatening messages and says he will post my photos", S.CRIME),
    ("在火車上被偷拍", S.CRIME),
    ("my friend got swept out by a wave at the beach", S.MEDICAL),
    ("朋友被海浪捲走了", S.MEDICAL),
    ("somebody help!!", S.GENERAL),
    ("救命啊", S.GENERAL),
]

#: Questions about the numbers: the situation's number leads, nothing is happening.
NAMED = [
    ("anti-fraud hotline number?", S.SCAM),
    ("suicide prevention line in taiwan", S.SUICIDE),
    ("家暴可以打哪支專線", S.ABUSE),
    ("what do i do if there is a fire in my dorm", S.FIRE),
    ("萬一失火要打幾號", S.FIRE),
    ("police number", S.CRIME),
    ("救護車電話", S.MEDICAL),
]

#: Ordinary messages that share a word with an emergency.
NOT_EMERGENCIES = [
    "need a sim card for my phone",
    "is there a fire dance show at the harvest festival",
    "where can I watch fireworks in hualien",
    "nearest gas station to the airport?",
    "do exchange students need accident insurance",
    "what should I pack for hualien in june",
    "我想辦一張SIM卡",
    "地震的時候要怎麼保護自己",
    "颱風天會停班停課嗎",
    "official visit protocol - what info do we send and how far in advance",
    "hi, im an exchange student from germany",
    "レンタカーを借りたいです",
    "교환학생인데 거류증 연장은 어디서 해요",
    "救命 我的護照好像掉在火車上了",  # a figure of speech before a lost passport
    "can i withdraw cash at the airport",
    "is the investment climate good for a hualien factory",
    "help",  # what the desk can do
    "help me",
    # A blister asked about is no burn (the sign was the word alone).
    "손에 물집 같은 게 생겼는데 무슨 피부병일까요?",
    "발에 물집 잡혔는데 약국 어디 있어요",
    # 데 and 불 inside other words (하는데, 불편), a blister burst on a hike, a healed burn.
    "타로코 등산하는데 발에 물집이 생겼어요 약국 어디 있어요?",
    "신발이 불편해서 발뒤꿈치에 물집이 생겼어요 밴드 어디서 사요?",
    "등산하다가 발에 물집이 터졌어요 약국 있나요",
    "어제 화상 입은 데 물집이 다 나았어요 이제 수영해도 되나요?",
    # Fainting from hunger, in jest.
    "배고파서 쓰러지기 직전ㅋㅋ 야시장 어디예요?",
    "去年我兒子在夜市走丟過一次 後來找到了",
    # The second review: a child lost yesterday and found, a fear of it; a bank account;
    # what to do if someone claims to be the bank; hunger in jest in Chinese.
    "我女兒昨天在夜市走丟了，還好後來找到了，想謝謝警察",
    "帶小孩去太魯閣會不會走丟？",
    "은행에서 계좌 만들 때 비밀번호 몇 자리로 해요?",
    "은행 직원이라는 사람이 비밀번호 물어보면 어떻게 해야 돼요?",
    "餓到快昏倒了哈哈，附近有什麼好吃的",
    "더워서 쓰러질 것 같아요 ㅋㅋ 시원한 카페 있어요?",
]


@pytest.mark.parametrize(("message", "situation"), HAPPENING)
def test_a_described_situation_is_an_emergency_led_by_its_own_number(
    message: str, situation: Situation
) -> None:
    found = detect(normalize(message), message)
    assert found is not None, message
    assert found.happening, message
    assert found.lead is situation, (message, found.situations)


@pytest.mark.parametrize(("message", "situation"), NAMED)
def test_a_question_about_the_numbers_names_the_situation_but_is_not_happening(
    message: str, situation: Situation
) -> None:
    found = detect(normalize(message), message)
    assert found is not None, message
    assert not found.happening, message
    assert situation in found.situations, (message, found.situations)


@pytest.mark.parametrize("message", NOT_EMERGENCIES)
def test_ordinary_messages_are_not_emergencies(message: str) -> None:
    found = detect(normalize(message), message)
    assert found is None or not found.happening, (message, found)


def test_an_injured_person_in_a_crash_puts_the_ambulance_first() -> None:
    message = "台11線上兩台車對撞 有人在流血"
    found = detect(normalize(message), message)
    assert found is not None
    assert found.situations[:2] == (S.MEDICAL, S.ACCIDENT)


def test_a_negated_injury_does_not_lead() -> None:
    message = "後ろから追突されました。けが人はいないけど、まず警察に連絡？"
    found = detect(normalize(message), message)
    assert found is not None
    assert found.lead is S.ACCIDENT


def _written() -> list[tuple[str, str]]:
    """Messages written for these tests in the words of people in trouble (and of people
    who only sound like it), kept apart from the eval sets the matcher is measured on."""
    rows = (Path(__file__).parent / "written" / "situations-written.tsv").read_text("utf-8")
    return [
        (kind, message)
        for kind, _lang, message in (
            line.split("\t") for line in rows.splitlines() if line and not line.startswith("#")
        )
    ]


@pytest.mark.parametrize(("kind", "message"), _written())
def test_written_messages_are_read_as_what_they_are(kind: str, message: str) -> None:
    found = detect(normalize(message), message)
    read_as = "none" if found is None else "happening" if found.happening else "named"
    assert read_as == kind, message


@pytest.mark.parametrize(
    "message",
    [
        "i had a bad scooter crash two years ago so is a helmet required when renting one here",
        "I broke my leg hiking last summer, so this time I want to be insured: can students join the NHI?",
        "我去年在台北出過車禍，這次想問外國人租機車要什麼駕照",
        "先月バイクで事故にあったけど、もう治りました。国際免許はどこで取れますか",
        "지난주에 계단에서 넘어져서 발목을 다쳤었는데 이제 괜찮아요. 건강보험은 어떻게 들어요?",
        "i want a local number so i can dial 110 in case something goes wrong, which shop sells them",
    ],
)
def test_what_happened_long_ago_or_may_happen_is_not_answered_as_an_emergency(
    matcher: Matcher, message: str
) -> None:
    found = matcher.match(message)
    assert not found.emergency, message
    assert found.entry != "contact.emergency", message


@pytest.mark.parametrize(
    ("message", "situations"),
    [
        # A threat to kill or someone hiding from another, told as it happens: the alarm
        # model knew some of them, the signs none (chat-mimic11's dev part).
        ("我先生喝醉又在摔東西 說要打死我 我現在躲在廁所", {S.ABUSE, S.CRIME}),
        ("他說要打死我", {S.CRIME}),
        ("老公又在摔東西 我好怕", {S.ABUSE}),
        ("he says he's going to kill me", {S.CRIME}),
        ("my boyfriend is throwing things around the flat and screaming", {S.ABUSE}),
        ("夫が酔って物を投げてる。殺すって言ってる。今トイレに隠れてます", {S.CRIME}),
        ("남편이 술 먹고 물건 던지고 죽인다고 해요 지금 화장실에 숨어 있어요", {S.ABUSE, S.CRIME}),
        # The review of these signs: told or texted threats, hiding beside whom the visitor
        # hides from or a spiked drink, a partner throwing things in Japanese.
        ("he told me he's going to kill me if i call anyone. im in Hualien city", {S.CRIME}),
        ("my ex texted me that he will kill me tonight and he knows where my dorm is", {S.CRIME}),
        ("hiding in the closet rn he's looking for me pls what number", {S.CRIME}),
        ("夫が酔って物を投げてくる、子どもがいる", {S.ABUSE}),
        ("ホストファミリーのお父さんに殺すぞって言われた、今部屋にいる、怖い", {S.CRIME}),
        ("소개팅 상대가 술에 뭐 탄 것 같아요 너무 어지럽고 지금 화장실에 숨어있어요", {S.CRIME}),
        ("有人一直跟著我 我現在躲在廁所", {S.CRIME}),
    ],
)
def test_a_threat_to_kill_or_hiding_from_someone_is_happening(
    message: str, situations: set[Situation]
) -> None:
    found = detect(normalize(message), message)
    assert found is not None, message
    assert found.happening, message
    assert situations <= set(found.situations), (message, found.situations)


@pytest.mark.parametrize(
    "message",
    [
        "我媽說我再不回家就要打死我 哈哈",
        "颱風天躲在房間追劇好爽",
        "上次我先生摔東西的事已經處理好了 想問家暴諮詢有什麼管道",
        # The review of these signs: laughter, a drama or a film, a cat or a game of
        # hide-and-seek, the heat or a typhoon, packing and clearing out, a quarrel made up.
        "my mum said she's gonna kill me if i miss the last train lol what time is the last train",
        "coach said he's gonna kill us at practice tmr lol. anyway is the taroko marathon still on?",
        "we watched a drama last night where the husband keeps smashing plates, so intense haha",
        "my wife keeps throwing things out before we move, when does the garbage truck come?",
        "my boyfriend is throwing stuff in the suitcase, we leave for the airport in an hour",
        "我媽說要打死我 因為我又把護照弄丟了 哈哈 怎麼補辦",
        "昨天男友喝醉在摔東西 今天已經和好了 想問附近有沒有好吃的",
        "老婆一直丟東西說要斷捨離 垃圾車幾點來",
        "颱風天我們正躲在房間裡 明天會放颱風假嗎",
        "小朋友正在躲在衣櫃裡玩捉迷藏 好可愛",
        "母に殺すって言われるw 門限過ぎた笑 タクシーある？",
        "猫がトイレに隠れてます、動物病院ありますか",
        "地震の時はトイレに隠れてますか？どうすればいい？",
        "映画で犯人が殺すって叫んでた、怖かった〜",
        "엄마가 성적 보면 나 죽인다고 했어요 ㅋㅋ",
        "고양이가 옷장에 숨어 있어요 ㅋㅋ 귀여워",
        "애들이 숨바꼭질 하느라 화장실에 숨어 있어요 ㅎㅎ",
    ],
)
def test_a_threat_in_jest_or_a_settled_quarrel_is_not_happening(message: str) -> None:
    found = detect(normalize(message), message)
    assert found is None or not found.happening, (message, found)


@pytest.mark.parametrize(
    "message",
    [
        "which number should we call if something bad happens on the hike",
        "遇到危險要打幾號",
        "何かあった時は何番に電話すればいいですか",
        "위험할 때 몇 번으로 전화해요?",
        # The final review's: other words for the same question.
        "in case of danger, who do I call here?",
        "god forbid anything happens, who should we ring?",
        "碰到危險狀況要撥什麼號碼",
        "旅行中に危ない目にあったら何番に電話すればいいですか",
        "혹시 무슨 일 생기면 몇 번으로 전화해야 돼요?",
    ],
)
def test_the_number_to_call_in_danger_asked_without_the_word_is_named(message: str) -> None:
    found = detect(normalize(message), message)
    assert found is not None, message
    assert not found.happening, message
    assert found.lead is S.GENERAL, (message, found.situations)


@pytest.mark.parametrize(
    "message",
    [
        "who do i call if my package is in trouble with customs",
        "what number do i call for a taxi",
        # The final review's: danger to a plan, trouble with a booking or a parcel.
        "what number do i call, my ARC is in danger of expiring next week",
        "who do i call if anything happens to my booking at the homestay",
        "訂房出事的話要打給誰",
        "ホテルの予約に何かあったらどこに電話すればいいですか",
        "택배에 무슨 일 생길 때 누구한테 전화하면 돼요?",
    ],
)
def test_a_number_for_other_trouble_names_no_emergency(message: str) -> None:
    assert detect(normalize(message), message) is None, message


@pytest.mark.parametrize(
    ("message", "situation"),
    [
        # A helper's emergencies that a retrained alarm let go: the signs hold them now.
        ("the laundromat is flooding and there are sparks from the socket", S.FIRE),
        ("my partner is throwing chairs and i cant get out of the apartment", S.ABUSE),
    ],
)
def test_sparks_from_wiring_and_chairs_thrown_at_home_are_happening(
    message: str, situation: Situation
) -> None:
    found = detect(normalize(message), message)
    assert found is not None, message
    assert found.happening, message
    assert situation in found.situations, (message, found.situations)


@pytest.mark.parametrize(
    "message",
    [
        # A child lost now (走丟, half an hour searched), and a voice-phishing call going on.
        "我女兒在夜市走丟了 找了半小時都找不到",
        "지금 은행 직원이라는 사람이랑 통화중인데 계좌 비밀번호 불러달래요",
    ],
)
def test_a_child_lost_now_or_a_scam_call_in_progress_is_happening(message: str) -> None:
    found = detect(normalize(message), message)
    assert found is not None
    assert found.happening
