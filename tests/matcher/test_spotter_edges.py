"""The edges of the person-request, task, visa and emergency patterns: what a family is meant
to catch beside what only shares its words (cases from a review of the eighth session's
patterns, each once read the wrong way)."""

from __future__ import annotations

import pytest

from bot.matcher import Decision, Matcher


@pytest.mark.parametrize(
    "question",
    [
        # A place's own staff, or the visitor calling — not a person of the desk asked for.
        "博物館有沒有工作人員可以解釋展覽內容",
        "醫院有沒有工作人員可以跟我說日文",
        "有沒有客服可以打電話問移民署的事",
        # A call already had, a meeting in a visit's programme.
        "주무관님과 통화를 했는데 거류증 신청서 양식이 어디 있나요",
        "지난주 공무원과 통화해서 방문 날짜 정했어요. 현청 주소 알려 주세요",
        "대표단이 현 공무원과 말씀 나눌 수 있는 일정을 넣을 수 있나요",
        # People of a place in kana.
        "げんちの ひとと はなせる いべんと ありますか",
        "ほかの ひとに かわって きょりゅうしょう を うけとれますか",
    ],
)
def test_staff_of_a_place_or_a_call_already_had_is_no_request_for_a_person(
    matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).decision is not Decision.HANDOFF


@pytest.mark.parametrize(
    "question",
    [
        "핸드폰 배터리가 죽어버릴까 봐 걱정돼요. 충전할 수 있는 곳 있어요?",
        "화분 식물이 죽어버릴까 봐 태풍 오면 어떻게 해요",
        "배고파 죽을까 생각함 ㅋㅋ 야시장 몇 시에 열어요",
    ],
)
def test_a_thing_feared_dying_or_hunger_is_no_emergency(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).situation is None


@pytest.mark.parametrize(
    "question",
    ["없어지고 싶어요", "죽어 버릴래요", "그만 살고 싶어요", "차라리 죽는 게 나을 것 같아요"],
)
def test_korean_wishes_not_to_live_are_emergencies(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, "contact.emergency")


@pytest.mark.parametrize(
    "question",
    [
        # Grades, transcripts and a team, not a race's results.
        "can i get a copy of my course records from NDHU",
        "the past winners of the hualien scholarship, can they apply again?",
        "申請獎學金需要附去年的成績嗎",
        "去年的冠軍隊伍還會來參加花車嘉年華嗎",
        # A letter the visitor writes.
        "我想寫一封感謝信給縣長，地址是什麼",
        "申請書の文章を書いてから、どこに提出すればいいですか",
        "訪問団の挨拶文を書いてきたのですが、通訳をお願いできますか",
    ],
)
def test_grades_and_letters_the_visitor_writes_are_no_task(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is not Decision.FALLBACK


@pytest.mark.parametrize(
    "question",
    [
        "who decides typhoon names",
        "where do typhoon names come from",
        "颱風名字怎麼來的",
        "台風の名前って誰が決めてるの？",
        "タロコマラソンの優勝記録は",
        "last year's winner of the taroko marathon",
        "太魯閣馬拉松最快成績是多少",
        "お礼状を書いてもらえますか",
        "招待状の文面を作成してください",
        # 映画 and 翻訳 were written so and never matched (their normal forms 映畫, 翻譯).
        "おすすめの映画を教えて",
        "翻訳して",
    ],
)
def test_general_knowledge_and_drafting_are_declined(matcher: Matcher, question: str) -> None:
    # Japanese patterns read the normal form (記錄, 禮狀, 臺風): written otherwise, they
    # never matched.
    assert matcher.match(question).decision is Decision.FALLBACK


# A second review's cases, each read the wrong way by the first mends.


@pytest.mark.parametrize(
    "question",
    [
        "그냥 죽어버릴까 봐요",
        "요즘 너무 힘들어서 죽어버릴까 봐요",
        "きゅうきゅうしゃよんで",
        "けいさつよんで",
    ],
)
def test_the_thought_itself_and_calls_for_help_in_kana_are_emergencies(
    matcher: Matcher, question: str
) -> None:
    # 「-ㄹ까 봐요」 ends the thought ("I'm thinking of…"); 봐 then worry is a thing feared dying.
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, "contact.emergency")


@pytest.mark.parametrize(
    "question",
    [
        "すみません ひとと はなしたいです",
        "有沒有專人可以跟我說明",
        "有專人可以跟我講嗎",
    ],
)
def test_a_person_asked_for_after_a_word_of_address(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.HANDOFF


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("do i need a visa card to withdraw money at the atm?", "service.money"),
        ("do night markets require a visa or mastercard?", "service.money"),
        ("訪問團要辦簽證，縣府可以發邀請函嗎", "exchange.delegation-visit"),
    ],
)
def test_a_visa_card_or_an_invitation_for_a_visa_is_the_kbs(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    "question",
    [
        "need to get my visa extended",
        "대표단 비자 신청을 위해 초청장 받을 수 있나요?",
    ],
)
def test_a_visa_held_or_an_invitation_asked_of_the_county_is_not_declined(
    matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).decision is not Decision.FALLBACK


@pytest.mark.parametrize(
    "question",
    [
        "請幫忙擬一份邀請函給姊妹市",
        "초청장 좀 써 주세요",
        "what's the course record for the taroko marathon?",
        "太魯閣馬拉松往年成績",
        "タロコマラソンの優勝者",
    ],
)
def test_letters_asked_for_and_race_results_are_declined(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    "question",
    [
        "do i need travel insurance to apply for a tourist visa?",
        "觀光簽證需要保險證明嗎",
        "관광비자 신청할 때 여행자 보험 필요해요?",
    ],
)
def test_insurance_a_visa_asks_for_is_no_visa_held(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    "question",
    [
        "which cities are twinned with ulsan? i mean ulsan's own sister cities",
        "what are the sister cities of seoul",
        "高千穂町の姉妹都市ってほかにどこ？",
        "울산시 자매도시 전부 알려 주세요",
        "堤川市的姊妹市有哪些",
    ],
)
def test_another_citys_own_sister_cities_are_declined(matcher: Matcher, question: str) -> None:
    # The sister-cities entry lists Hualien's: answered, it would name them as the other's.
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what are hualien's sister cities", "exchange.sister-cities"),
        ("is morioka a sister city of hualien", "exchange.sister-cities"),
        ("花蓮的姊妹市有哪些", "exchange.sister-cities"),
    ],
)
def test_hualiens_sister_cities_are_still_answered(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    "question",
    [
        "スタッフの方とお話ししたいです",
        "すたっふに つないで ください",
        "직원이랑 채팅할 수 있어요?",
        "我想跟負責學校交流的人直接聊",
        "could one of your team contact me by phone tomorrow",
    ],
)
def test_more_ways_to_ask_for_a_person(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.HANDOFF


@pytest.mark.parametrize(
    "question",
    [
        "can you summarize the story of the movie parasite",
        "how many calories are in beef noodle soup",
        "レポートの構成案を考えてください",
        "이력서 첨삭 부탁드려요",
    ],
)
def test_more_tasks_are_declined(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.FALLBACK


# Ninth session: a new writer's emergencies and person requests in Japanese and Korean.


@pytest.mark.parametrize(
    "question",
    [
        "駅でスマホすられた、警察呼びたい",
        "同居人に蹴られて部屋から出られない",
        "기숙사 방에 불났어요 빨리요",
        "식당 주방에 불났다",
    ],
)
def test_a_theft_with_the_police_wanted_a_housemates_blows_and_a_fire_are_emergencies(
    matcher: Matcher, question: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, "contact.emergency")
    assert match.situation is not None
    assert match.situation.happening


@pytest.mark.parametrize(
    "question",
    [
        "その件、スタッフさんに詳しく聞きたいので繋いでいただけますか",
        "担当の方とやりとりしたいです",
        "スタッフ お願いします",
        "실무자와 통화하고 싶어요",
        "상담원 호출해 주세요",
    ],
)
def test_staff_put_through_after_a_reason_or_called_for_are_person_requests(
    matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).decision is Decision.HANDOFF


@pytest.mark.parametrize(
    "question",
    [
        "where can i do laundry near the train station",
        "any barber in hualien city that speaks english",
        "is there a mosque in hualien for friday prayers",
        "我想找工作 花蓮有職缺嗎",
        "台灣的插座是幾伏特",
        "花莲的自来水能直接喝吗",
        "カラオケどこかいいとこある？",
        "근처에 헬스장 있어요?",
    ],
)
def test_everyday_needs_no_entry_serves_are_declined(matcher: Matcher, question: str) -> None:
    # A laundrette, a barber, a job: the visitor centres or the languages entry, met by
    # "near the station" or "speaks english", would mislead.
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("I lost my phone at the gym, what should I do", "service.lost-items"),
        ("i got a job offer in hualien, do i need an ARC", "service.arc"),
        ("can i use my credit card at the ktv", "service.money"),
    ],
)
def test_an_unserved_place_where_the_story_happened_is_no_subject(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("感謝 超有用", "faq.thanks"),
        ("谢谢 真有用耶", "faq.thanks"),
        ("고마워요ㅎㅎ 덕분에 잘 해결됐어요", "faq.thanks"),
        ("這個助手能處理哪些事情", "faq.help"),
        ("这个bot都能做些什么", "faq.help"),
    ],
)
def test_thanks_with_praise_and_what_the_desk_does(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    "question",
    ["is there any staff online?", "could a real person message me back please"],
)
def test_a_person_asked_after_or_asked_to_write_back(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.HANDOFF


@pytest.mark.parametrize(
    "question",
    [
        "if we type staff after office hours, when will someone reply?",
        "how long until your staff get back to me after i ask for a person",
        "スタッフにつなぐ方法を教えてください",
        "상담원 연결하려면 어떻게 해요?",
        # Eleventh session: answered outright, where the words of the question pulled in
        # other entries (lost items, the help entry) before the staff entry.
        "if I type staff now, when would someone actually get back to me? it's saturday night",
        "转人工需要说明什么吗，还是直接打staff就行",
        "직원 연결하는 방법이 뭐예요? 버튼 같은 거 있어요?",
    ],
)
def test_how_the_handoff_works_is_the_staff_entry(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, "contact.staff")


def test_a_request_beside_a_question_about_the_handoff_is_still_one(matcher: Matcher) -> None:
    question = "how do i get connected to a real person? please connect me now"
    assert matcher.match(question).decision is Decision.HANDOFF
    assert (
        matcher.match("how do i get connected to a person? just connect me now please").decision
        is Decision.HANDOFF
    )


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # Transfers and opening hours not of the desk's people.
        ("how do i get transferred from the airport to the city?", "service.airport"),
        ("what are your opening hours at the visitor centre?", "contact.visitor-centers"),
        # …nor another place's staff (the second review).
        ("what are the staff hours at the Hualien visitor center?", "contact.visitor-centers"),
        ("入出國移民署花蓮服務站的工作人員幾點上班？", "contact.immigration"),
    ],
)
def test_transfers_and_hours_of_others_are_not_the_staff_entry(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    "question",
    [
        "is there a ferry from yonaguni to hualien",
        "盛岡から花蓮への直行便はありますか",
        "從花蓮到與那國島有船嗎",
    ],
)
def test_a_boat_or_flight_to_a_partner_is_not_the_exchange(matcher: Matcher, question: str) -> None:
    # The sister-cities entry, met by the two names, would answer about the friendship.
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        (
            "our delegation from jecheon will fly in on march 3, who do we contact for the courtesy visit",
            "exchange.delegation-visit",
        ),
        ("since when is yonaguni a sister city", "exchange.sister-cities"),
    ],
)
def test_a_delegations_flight_or_the_friendship_itself_is_still_the_exchange(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    "question",
    [
        "where does the name ilisin come from",
        "where did the amis people originally come from",
        "太魯閣族的祖先從哪裡來",
        "花蓮日治時期叫什麼",
        "「パンツァハ」の語源は？",
        "화롄이라는 이름의 유래가 뭐예요?",
    ],
)
def test_a_history_an_origin_or_a_meaning_is_declined(matcher: Matcher, question: str) -> None:
    # The festival's entry would answer when and where, not where a name or a people comes
    # from.
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what's the history of hualien's sister city tie with morioka", "exchange.sister-cities"),
        ("when is the amis harvest festival", "event.harvest-festivals"),
        ("what does ARC stand for", "service.arc"),
    ],
)
def test_the_exchanges_own_history_and_the_festivals_dates_are_still_answered(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize(
    "question",
    [
        "the river is coming up fast near our campsite",
        "water keeps coming up around the tent, we cant get out",
    ],
)
def test_water_coming_up_around_a_camp_is_an_emergency(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, "contact.emergency")


# Three helpers' reviews of the ninth session's families, and the last sets' dev parts: each
# case was read the wrong way by a first version of a family or by a review's mends, and is held
# here, by the outcome it must get.

_REVIEWED_EMERGENCIES = [
    # The first review's cases.
    "ホストマザーに毎日叩かれてる",
    "숙소 주인이 때렸어요 무서워요",
    "カメラ盗まれた、110番したい",
    "I'm abroad in hualien and my passport was stolen at knifepoint just now",
    "can a person call the police for me? i don't speak chinese",
    # The second review's (of the first mends).
    "지금 불났어요 빨리요",
    "도와주세요 불났어요!!",
    "호스텔에 불났어요 다들 나가고 있어요",
    "テントの近くまで川の水が上がってきた、どうしよう",
    "夫に首を絞められました",
    "can someone call the cops for me? i don't speak chinese",
    "119에 전화하면 영어 상담원에게 바로 연결해 줘요?",
    "please help my grandma can't speak properly all of a sudden",
    # The third review's (of the second mends).
    "지금 호텔 불났다고 방송 나와요 빨리 나가야 돼요?",
    "엘리베이터 옆 쓰레기통에 불붙었어요",
    "호스트가 술 먹고 절 때렸어요",
    "ルームメイトに首絞められた、助けて",
    "テント張ってたら急に水位が上がってきた！",
    "my mom can't speak properly out of nowhere, what do i do",
    # A child of a stated age lost (the alarm, retrained, let it go).
    "cant find my 7 year old daughter at the night market, been 15 min",
]
_REVIEWED_NO_EMERGENCIES = [
    # The second review's (of the first mends).
    "룸메이트가 맞는 말 했어요 ㅋㅋ 쓰레기 분리수거 요일 알려 주세요",
    "공항에서 호스트가 맞이해 준대요. 공항에서 시내까지 얼마나 걸려요?",
    "Is it true the river water is coming up quickly during typhoons? we want to camp next week",
    "ホストの子どもに叩かれたw かわいすぎる、花蓮のおすすめ公園ある？",
    # The third review's (of the second mends).
    "마라탕 먹고 입안에 불났어요 ㅋㅋ 우유 파는 데 있어요?",
    "昨日首を絞められる夢を見て眠れなかった。近くに薬局ある？",
    "is the river rising near the campsite after the typhoon? planning to go saturday",
    "suddenly i can't speak properly when i'm nervous lol, does the bot understand english?",
    "ルームメイトに背中を叩かれて励まされた！花蓮でおすすめのカフェある？",
    "我的個資會給誰看到？剛剛有打我的電話",
]
_REVIEWED_DECLINES = [
    # The first review's cases.
    "how do i renew my french passport in hualien",
    "马来西亚护照过期了 在台湾哪里可以换新",
    # The second review's (of the first mends).
    "my puppy ate chocolate, which hospital is open now",
    "変換プラグを忘れたので、花蓮で買えるお店はありますか",
    "花蓮的自來水可以直接喝嗎",
    "is tap water safe to drink in hualien?",
    "I'm living abroad in Hualien now — how do I renew my driver's license back home?",
    "与那国島から花蓮へのフェリーはありますか？友好都市だと聞きました",
    # The last sets' dev parts.
    "드론 날려도 돼요? 칠성담에서",
    "花蓮可以飛空拍機嗎",
    "when is the next election in hualien",
    # The tenth session's sets' dev parts: a plan for the visitor's own body, a résumé, a
    # scraper, buying property.
    "マラソンでサブ4目指してるので練習メニュー作ってほしい",
    "英語の履歴書を添削してもらえますか",
    "마라톤 풀코스 완주용 식단 짜줘",
    "怎麼用Python爬網頁資料",
    "can you make me a training plan for the taroko marathon",
    "花蓮でマンション買いたいんですが外国人でも不動産買えますか",
    "外國人可以在花蓮買房子嗎",
    # …while a place to go to there is still not the county's to answer.
    "I live in Singapore now, where is the nearest immigration office?",
    # The review of the session's families: code and property asked about in other words, a
    # place the visitor moves to.
    "how do i scrape the taroko website with python",
    "thinking of buying a house in hualien when i retire, what are the rules",
    "I'm moving to Tokyo after my exchange, how do I contact the immigration office there?",
    "日本の国民健康保険の再加入手続きはどうすればいいですか",
]
_REVIEWED_ANSWERS = [
    # The first review's cases.
    ("매운 거 먹고 입에 불났어요 ㅋㅋ 야시장에 우유 파는 데 있어요?", "service.food"),
    ("단톡방 불났네요 ㅋㅋ 태풍 때문에 내일 학교 쉬어요?", "service.typhoon"),
    (
        "朝5時にホストファミリーに叩き起こされて豊年祭に連れて行かれた笑 楽しかった",
        "event.harvest-festivals",
    ),
    ("地震警報が鳴ってる、どういう意味？揺れてる！", "service.earthquake"),
    ("スマホにミサイルみたいな警報が鳴ったんですが、地震速報ですか", "service.earthquake"),
    ("想請教會不會有颱風假", "service.typhoon"),
    ("제 친구인데요, 여권을 잃어버렸어요", "service.lost-items"),
    ("我在國外考的駕照可以在花蓮騎機車嗎", "service.local-transport"),
    ("해외에 살고 있는 유학생인데 대만 건강보험 가입 어떻게 해요?", "service.health-insurance"),
    ("大学の担当者とやり取りしていますが、ARCの申請に必要な書類は何ですか", "service.arc"),
    ("ARC가 무슨 뜻이에요? 교환학생도 필요해요?", "service.arc"),
    (
        "is there any flight subsidy for students going to temple city on the exchange program?",
        "exchange.student-programs",
    ),
    ("i got food poisoning from the tap water i think, where's a clinic", "service.medical-care"),
    (
        "i'm heading to the taroko visitor center tomorrow. is there staff there?",
        "contact.visitor-centers",
    ),
    ("화롄 중학교랑 자매결연 하고 싶은데 연결해 주실 수 있나요?", "exchange.school-exchange"),
    # The second review's (of the first mends).
    ("I just renewed my passport — do I need to update my NHI card?", "service.health-insurance"),
    ("와이파이 바로 연결해 줘요? 비밀번호 필요해요?", "service.wifi"),
    ("my phone screamed, what does the word 國家級警報 mean? is it a quake?", "service.earthquake"),
    # The third review's (of the second mends).
    ("교회 가는 길에 여권 잃어버렸어요", "service.lost-items"),
    (
        "I'm living abroad in Hualien as a Japanese student, how do I apply for Taiwan's health insurance?",
        "service.health-insurance",
    ),
    ("와이파이가 끊겼는데 다시 연결해 주세요", "service.wifi"),
    ("你好呀 在吗", "faq.greeting"),
    # The last sets' dev parts.
    ("予防接種はどこで受けられますか", "service.medical-care"),
    ("백신 어디서 맞을 수 있어요?", "service.medical-care"),
    ("where can i get a flu shot in hualien", "service.medical-care"),
    # The tenth session's sets' dev parts: thanks in chat, what can be asked in chat spelling.
    ("cheers mate, that's sorted it", "faq.thanks"),
    ("感謝 很清楚", "faq.thanks"),
    ("what kinda stuff can i ask u", "faq.help"),
    ("legend, cheers mate that's sorted it for me", "faq.thanks"),
    ("brill, all sorted now ta", "faq.thanks"),
    ("助かりました、ありがとうごさいました🙏", "faq.thanks"),
    ("ㅎㅇ", "faq.greeting"),
    ("らいげつ かれんで なにか いべんと ある？", "event.upcoming"),
    ("太魯閣馬拉松要怎麼訓練 報名時間是什麼時候", "event.taroko-marathon"),
    # A place abroad held up as the model of what is sought, not where it is sought.
    ("剛剛地震 有沒有像日本氣象廳那樣的網站可以查", "service.earthquake"),
    (
        "is there something like japans jma where i can check the quake that just happened",
        "service.earthquake",
    ),
    # Who is behind the desk, asked about, is no request for a person.
    ("你背后有真人在看吗 还是全自动的", "faq.about-bot"),
    # Where the visitor's business is, told beside a county department's contact asked for.
    (
        "We import tropical fruit into Singapore and would like to speak with whoever handles "
        "farm products at the county. Agriculture Department contact pls?",
        "contact.agriculture-department",
    ),
    # …and a person at a place, a crowd and an office's number are no request for a person.
    ("is there anybody there who speaks english at the visitor centre", "contact.visitor-centers"),
]
_REVIEWED_HANDOFFS = [
    # The first review's cases.
    "スタッフにつなぐ方法は？今すぐつないでほしいです",
    "상담원 연결하려면 어떻게 해요? 지금 연결해 주세요",
    # The second review's (of the first mends).
    "スタッフにつないでもらったら助かります",
    "is there staff here",
    # The last sets' dev parts.
    "담당 직원분 연결 부탁드려요",
    "상담원님 계세요?",
    "담당자님이 직접 회신 주실 수 있을까요",
    # The tenth session's sets' dev parts: someone asked after in frustration with the
    # answers, the person in charge, whoever handles the matter spoken with directly.
    "you've given me the same answer 3 times now 🙄 is there anybody actually there",
    "我想直接和负责这件事的人沟通，可以吗",
    "さっきから同じ答えばっかり…ちゃんと分かる人いないの？",
    "아니 계속 엉뚱한 대답만 하네.. 사람 없어요?",
    "책임자분 좀 바꿔주세요",
    # The review of those families: the same frustration in other words.
    "ugh useless answers. is there someone who actually understands my question?",
    "hello?? is anyone real here? none of this answers my question",
    "ちょっと、全然違う答え。係の人いないの？",
    "메일로 담당 직원분이랑 따로 연락할 수 있을까요?",
    # The session's last sets' dev parts: a person to handle it, another person to answer, a
    # meeting in person, staff called for, the person in charge asked after in frustration.
    "you keep giving me the same link. please let a person handle this",
    "你答非所問欸 可以換個人來回嗎",
    "這件事我想跟人當面談 可以約個時間嗎",
    "同じ回答ばっかり😇 もういいから職員さん呼んで",
    "責任者の方いますか？何度聞いても解決しないんですけど",
    # The final review's: a staff member called for politely, the person in charge after
    # asking again and again, an actual person to handle it.
    "もういいです、スタッフさんを呼んでもらえますか",
    "何回聞いても解決しないんですけど、担当者はいないんですか",
    "I'd rather have an actual person handle it",
    # Eleventh session: a title with 님, anyone there, a callback in Korean; staff asked after
    # in kana; 人工 alone and an app to be added on; an officer needed to look at it.
    "상담사님 연결 부탁드려요 ㅠㅠ 복잡한 문제라서",
    "사람 있어요?",
    "내일 오전에 콜백 가능할까요?",
    "すたっふさん いますか？",
    "人工",
    "能不能让工作人员加我微信聊",
    "Sorry, robot answers are not enough for my case. I need an officer to look at my situation personally.",
    # …and the second pair of blind sets': a human brought out, the person in charge in kana,
    # anyone "inside" asked after with a long vowel.
    "もういい、ボットじゃ埒があかない。人間出して💢",
    "にんげんの たんとうしゃさんと おはなし できますか",
    "だれか中の人いるー？",
]


@pytest.mark.parametrize("question", _REVIEWED_EMERGENCIES)
def test_reviewed_emergencies_are_answered_as_such(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, "contact.emergency")


@pytest.mark.parametrize("question", _REVIEWED_NO_EMERGENCIES)
def test_reviewed_non_emergencies_are_not_answered_as_one(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).entry != "contact.emergency"


@pytest.mark.parametrize("question", _REVIEWED_DECLINES)
def test_reviewed_declines_hold(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(("question", "entry"), _REVIEWED_ANSWERS)
def test_reviewed_answers_hold(matcher: Matcher, question: str, entry: str) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)


@pytest.mark.parametrize("question", _REVIEWED_HANDOFFS)
def test_reviewed_requests_for_a_person_hand_off(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.HANDOFF


@pytest.mark.parametrize(
    "question",
    [
        "颱風過後發生水災，火車還有開嗎",
        "my friend drank too much alcohol and is throwing up, which hospital is open now",
        "さっき揺れたけど震度いくつだったか確認したい。日本の気象庁みたいなサイトある？",
        # The review of this session's declines: words met inside others (house-warming,
        # 爬蟲類, 집을 사진), the county's own training plan, a menu, a delegation's programme.
        "could you design a study programme for our students visiting Hualien next spring?",
        "need to buy a house-warming gift for my host family, what local products are good?",
        "縣府的國際事務人才訓練計畫是什麼",
        "太魯閣步道有沒有爬蟲類要注意 現在開了嗎",
        "夜市の食事メニューって英語ありますか",
        "민박집을 사진으로 봤는데 합법인지 어떻게 알아요?",
        "Our company in Bangkok imports pomelo. How can we contact the agriculture department?",
    ],
)
def test_a_shared_word_does_not_decline(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is not Decision.FALLBACK


def test_a_cause_told_to_a_clinic_is_no_subject(matcher: Matcher) -> None:
    match = matcher.match("水道水を飲んでお腹を壊しました、病院はどこ？")
    assert match.decision is not Decision.FALLBACK
    assert "service.medical-care" in match.candidates


@pytest.mark.parametrize(
    "question",
    [
        "공항에 한국어 하는 직원 있어요?",
        "화롄 학교랑 연결 부탁드려요",
        "花蓮に日本語が分かる人いますか",
        "七星潭 주말에 사람 없어요?",
        "관리자 없는 무인 호텔 있어요?",
        # The review of this session's families: someone at a place at a time, who is in
        # charge asked about, a talk already had, an English speaker at a hospital, a crowd.
        "is anybody there at the visitor centre on sundays?",
        "is someone there at the immigration office on saturday mornings?",
        "who is the person in charge of sister-city affairs in the county?",
        "我昨天已經直接跟負責的人溝通過了 謝謝",
        "上禮拜已經直接跟負責的人談過了 問題都解決了 謝謝你們",
        "ちゃんと英語が分かる人いますか？病院で",
        "엉뚱한 질문인데 밤에 칠성담에 사람 있어요? 혼자 가도 안전해요?",
        "이메일로 민정처에 연락할 수 있나요?",
        # …and a hotline's number, an office's person in charge to be reached by its contact.
        "외국인이 전화로 상담할 수 있는 번호 있어요? 영어로라도 괜찮아요",
        "제천시청 국제교류팀입니다. 민정처 담당자분과 통화하고자 하는데 연락 방법을 안내해 주십시오.",
        "釧路市観光振興室の者です。花蓮県の観光処のご担当と連絡を取りたく、連絡方法をご教示ください。",
        # The final review's: a person to look at something elsewhere, another person to
        # care for a patient, a meeting told of, staff called at a hotel to no avail.
        "my hostel said they'd let a person look at it tomorrow, the wifi in my room is broken",
        "我媽住院了 想換個人來看護 花蓮有看護可以請嗎",
        "朋友说要跟人当面谈房租，花莲租房有什么要注意的",
        "ホテルでスタッフさん呼んでも誰も来ない。花蓮でいい民宿ある？",
        "問題が解決しない時、大学の担当者はいますか？留学生向けの",
        # …and 人工 in a word (an artificial lake), people at a beach.
        "人工湖在哪裡",
        "해변에 사람 많아요?",
        # The review of those: a callback awaited from a firm, a guesthouse's manager out of
        # reach or already spoken to, a hotel's or a firm's staff adding the visitor on an app
        # (and a scam story of it), somebody needed for a chore.
        "렌터카 회사 콜백이 안 와요. 다른 렌터카 업체 있나요?",
        "민박집 관리자님한테 연결이 안 돼요. 체크인은 어떻게 하죠?",
        "민박 관리자님께 직접 말했는데 환불을 안 해줘요",
        "飯店客服能加我微信嗎 我想訂房",
        "租車行的工作人員加我LINE 要我先付款 正常嗎",
        "we need somebody to check our bikes before the ride, any bike shops near the station?",
        "I need a staff member to help me at the airport? do they have wheelchair assistance?",
        # Connecting a phone to the Wi-Fi.
        "my phone won't connect to the wifi, just connect me now please?",
        "the hotel wifi keeps dropping, connect me please",
    ],
)
def test_staff_at_a_place_or_a_school_to_meet_is_no_request(
    matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).decision is not Decision.HANDOFF
