"""A message read once, at entry: its normal form, its language and the clauses it is made of.

Visitors in chat apps greet, introduce themselves and tell a sentence or two of story before
they ask ("hey! I'm Jonas from Starnberg, we land on Friday. any bus from the airport?"). The
matcher should weigh the clause that asks above the story and not at all the greeting, and
a message that is nothing but a greeting or a self-introduction is a greeting. This module
finds those clauses; it knows nothing of the knowledge base.

Clauses are split at sentence ends, commas, dashes and, in Chinese, the spaces chat users
type instead of punctuation (「家裡一直聞到瓦斯味 好像外洩了 要打給誰」).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property

from bot.kana import in_kanji
from bot.text import Lang, detect_language, has_han, is_han, is_hangul, is_kana, normalize


class Role(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    INTRO = "intro"
    STORY = "story"
    ASK = "ask"
    #: Chatter the visitor sets aside themselves: "btw do you like cats haha. ok real
    #: question: …", and the marker that sets it aside.
    ASIDE = "aside"


#: How much a clause of each role counts when the message is matched. A story clause holds
#: the context ("I came from Jecheon via the twinning link; my stipend is late"), so it
#: counts, but less than the clause that asks.
ROLE_WEIGHTS: dict[Role, float] = {
    Role.GREETING: 0.0,
    Role.THANKS: 0.0,
    Role.INTRO: 0.35,
    Role.STORY: 0.8,
    Role.ASK: 1.0,
    Role.ASIDE: 0.0,
}


@dataclass(frozen=True)
class Clause:
    text: str
    normal: str
    role: Role


# Sentence ends, then commas and dashes; Han text also breaks at a space between two Han
# characters (or a Han character and a Latin letter), which chat users type for a comma.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;…~～\n])\s*|(?<=\.\.)\s*")
_COMMA = re.compile(r"\s*(?:(?<!\d),|,(?!\d{3})|[，、])\s*|\s+[-–—]+\s+|\s*[:：]\s+")

_GREETING_WORDS = (
    r"hi+|hello+|hey+|hallo|heya|hiya|yo|howdy|greetings|aloha|alii|bonjour|hola|ciao|"
    r"servus|moin|konnichiwa|annyeong(?: ?haseyo)?|ni ?hao|xin chao|kumusta|sawasdee|selamat (?:pagi|siang|sore|malam)|namaste|salam|assalamualaikum|good (?:morning|afternoon|"
    r"evening|day)|morning|evening|guten (?:tag|morgen|abend)|dear (?:sir|madam|sirs|sir or madam|"
    r"sir madam|desk|team|all|staff|colleagues|friends|officer|hualien(?: \w+){0,3})"
)
_EN_GREETING = re.compile(
    rf"^(?:(?:{_GREETING_WORDS})(?: (?:there|all|everyone|everybody|guys|team|desk|folks|"
    rf"friends|from \w+(?: \w+)?))?\s*)+$"
)
#: A farewell is said in passing, as a greeting is: "haha see you at dinner", 「明天見」,
#: 「またね」, 「내일 봐요」 ask nothing (and "dinner" is no question about food).
_EN_FAREWELL = re.compile(
    r"^(?:(?:ok|okay|alright|haha|lol|cool)\s+)*(?:see (?:you|ya|u)|bye(?: ?bye)?|good ?night|"
    r"talk (?:to you )?later|ttyl|catch you later|later)(?: (?:all|everyone|guys))?"
    r"(?: (?:tomorrow|later|soon|there|then|tonight|next (?:week|time)|on (?:monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)|at (?:dinner|lunch|breakfast|home|school|work|class)))?$"
)
_HAN_FAREWELL = re.compile(
    r"^(?:掰掰|拜拜|晚安|再見|(?:明天|待會|待會兒|等等|等一下|下次|晚點|晚上|週末|周末)\S{0,4}見)+[囉喔啦~]*$"
)
_JA_KO_FAREWELL = re.compile(
    r"^(?:またね|また明日|じゃあね|バイバイ|お疲れ様でした|내일\s?봐요|나중에\s?봐요|안녕히\s?(?:가세요|계세요)|잘\s?자요)[~!]*$"
)
#: One piece of thanks or acknowledgement; a thanks clause is any run of them ("ok got it
#: thank you so much", "thx a lot that really helped", "terima kasih ya very useful info").
_EN_THANKS_PIECE = (
    r"(?:(?:ok |okay |alright |oh )?(?:many |a lot of )?(?:thanks?|thx|ty|tysm|tq|tqvm)(?: (?:you|u))?"
    r"(?: (?:so|very) much| a lot| in advance| again)?|cheers|much appreciated|appreciate it|"
    r"ok(?:ay)? thanks?|thank you(?: very much| so much)?(?: for your help)?|"
    r"(?:very |v |so |super |really )?(?:helpful|useful|brilliant|great|perfect|awesome|cool|lovely|"
    r"got it|noted|understood|alright|ok(?:ay)?)(?: thanks?| thank you| info| answer)?|"
    r"(?:that|this|it|you|that info|this info)(?: (?:really|truly|so|very))? (?:helped|helps|was "
    r"(?:(?:really|very|so|super) )?(?:helpful|useful|clear))(?: (?:a lot|so much|me))?|"
    r"(?:ok(?:ay)? |alright )?(?:got it|makes sense|clear now|understood)|(?:cheers|thanks|thx|ta) mate|legend|brill|ta|"
    r"(?:thats|that is|that has|thatll|it is|its|all) (?:sorted|solved|fixed)(?: (?:it|me|now))*(?: for (?:me|us))?|"
    r"terima kasih(?: banyak)?(?: ya)?|danke(?: schon| sehr)?|vielen dank|merci(?: beaucoup)?|"
    r"gracias|arigato(?: gozaimasu)?|kamsahamnida|xie ?xie)"
)
_EN_THANKS = re.compile(rf"^(?:{_EN_THANKS_PIECE}\s*)+(?: \w+)?$")
_EN_INTRO = re.compile(
    r"^(?:(?:so |well |ok |okay |hey |hi )?(?:(?:i am|im|i m|we are|were)(?! \w+ing\b)|this is|my name is|"
    r"my names|i work|we work|i teach|i study|we study|i live|i came|we came|i just "
    r"(?:moved|arrived|got here)|i moved|we moved|i arrived|ive been|i have been|"
    r"writing from|greetings from|hello from|hi from|(?:a|an) (?:student|teacher|delegate)|"
    r"just (?:landed|arrived|got here)|new here|first time here)\b)|"
    # "bored exchange student here", "teacher from ohio here": who writes, signed off.
    r"^(?:\w+ ){0,4}(?:student|teacher|delegate|volunteer|intern|mom|dad|parent|tourist|visitor|"
    r"traveller|traveler|worker|official|officer|researcher|professor|backpacker)s?(?: from \w+(?: \w+)?)? here$"
)
_EN_ASKS = re.compile(
    r"^(?:(?:ok|okay|so|and|also|btw|but|oh|um|uh|well|hey|real question|one more)\s+)*(?:what|whats|how|hows|where|wheres|when|whens|who|whos|whom|which|why|can|cant|"
    r"could|may|might|should|shall|would|will|is|isnt|are|arent|am|do|dont|does|doesnt|"
    r"did|have|has|any|anyone|anybody|anything|pls|plz|please|need|looking for|tell me|"
    r"recommend|help)\b|\b(?:any chance|is it ok|is it possible|know if|how to|how do|"
    r"where (?:can|do|is|are)|i need|i want|we need|we want|i would like|id like|we would "
    r"like|wed like|wondering|looking for|can i|can we|could you|can you|do i|do we|"
    r"possible to|is there|are there|what|whats|where|wheres|which|how|who|whom|whose|"
    r"please|pls|plz|"
    # Chat asks without a question mark: "bored this weekend lol anything going on".
    r"anything (?:going on|on|happening|fun|interesting|good)|anyone know|any (?:tips|ideas|recs))\b"
)

_HAN_GREETING = re.compile(
    r"^(?:(?:您好|你好|妳好|大家好|哈囉|哈啰|嗨|安安|早安|午安|晚安|早上好|下午好|晚上好|"
    r"hi|hello|hey|敬啟者|敬啓者|各位好|服務臺你好|服務臺您好|承辦人您好|小編(?:你|您)?好|"
    # "Are you there?", the Chinese chat opener (「你好呀 在嗎」).
    r"在嗎|在不在)[呀啊喔哦欸耶~]*)+$"
)
_HAN_THANKS = re.compile(
    r"^(?:(?:非常|十分)?(?:謝謝|感謝|多謝|謝啦|謝了|感恩|3q|thx|thanks?)(?:你|您|妳|大家)?"
    r"(?:的)?(?:耐心)?(?:幫忙|協助|回覆|解答)?[啦喔哦了呀~]*|[了瞭]解(?:了)?|知道了|好的|ok|收到|"
    r"幫(?:了)?(?:我|我們)?(?:一個|個)?大忙(?:了|啦)?|辛苦(?:了|啦|你了|您了)?|太好了|(?:很|超|真|好|非常|蠻|挺)?有(?:幫助|用)(?:了|啦|耶|欸|喔|哦|的)*|"
    # Praise and acknowledgement close a thanks as well (「3Q 感恩 讚啦」「好喔 收到」).
    r"讚(?:啦|喔|讚|讚讚)*|(?:太|好|超|真)?棒(?:了|啦|喔)?|好(?:喔|哦|唷|滴|der)|ok(?:啦|喔|der)?|"
    # …and a closing remark that the matter is settled (「感恩感恩 問題解決了」).
    r"(?:問題)?(?:解決了|搞定了|處理好了)|沒事了|沒問題了|(?:很|超|非常|蠻|挺)?清楚(?:了|啦)?|明白了|懂了)+$"
)
_HAN_INTRO = re.compile(
    r"^(?:我是|我們是|本人是|本人|我叫|敝姓|本校(?:為|是)|本會(?:為|是)|我在|我們在)"
)
#: …but where the visitor was when something happened is the story: 「我在花蓮丟了手機」
#: 「我們在火車上被偷了」 (an aspect or passive marker after 我在 / 我們在).
_HAN_WHERE_IT_HAPPENED = re.compile(r"^(?:我|我們)在.{1,12}?(?:了|被|過)")
_HAN_ASKS = re.compile(
    # 幾 asks, save as a quantity (好幾個, 十幾天, 幾乎); 一下 softens a request (問一下), save
    # after 了 (「剛剛晃了一下」: it shook a little); ㄇ is 嗎 in 注音 chat spelling.
    r"[?？嗎嘛呢ㄇ]|什麼|甚麼|啥|怎麼|怎樣|如何|哪|(?<![好十])幾(?!乎)|多少|多久|多長|是否|能否|可否|可不可以|能不能|"
    r"有沒有|是不是|要不要|會不會|可以嗎|行嗎|請問|想問|想知道|請教|請惠知|敬請|求助|推薦|誰|"
    r"該不該|需不需要|用不用|好不好|對嗎|對不對|麻煩|幫忙|幫我|請協助|要怎|還是|(?<!了)一下|給我|發我|"
    r"告訴我|求|^我?(?:們)?(?:想(?!說|帶)|想要|需要|要)"
)
#: Why the visitor asks, told beside the question: 「想說幫他問一下」「想說先幫她準備」.
_HAN_PURPOSE = re.compile(r"^(?:我|我們)?想說")

_JA_GREETING = re.compile(
    r"^(?:こんにちは|こんばんは|おはようございます|はじめまして|初めまして|お世話になっております|"
    r"お疲れ様です|失礼します|突然のご連絡失礼します|"
    # A first letter's formulae: 「どうぞよろしくお願いいたします」「何卒よろしくお願い申し上げます」
    # 「本日からお世話になります」 (in the desk's care from today).
    r"(?:どうぞ|何卒|なにとぞ|今後とも|引き続き)?(?:よろしくお願い(?:いた)?します|"
    r"よろしくお願い申し上げます|よろしくです|よろしく)|"
    r"(?:今日|本日|明日|これ)から(?:こちらで|しばらく)?お世話になります)+$"
)
_JA_THANKS = re.compile(
    # …typed in a hurry (ありがとうごさいます: ざ without its marks).
    r"^(?:ありがとう(?:ご[ざさ]います|ご[ざさ]いました)?|どうも|助かりました|了解です|わかりました|"
    r"(?:おかげで|お陰で)?(?:解決しました|よく(?:わかり|分かり)ました|分かりました|安心しました))+$"
)
#: Who is writing: 「…の者です」「…と申します」「…でございます」, or a group or a role and です
#: (「釧路の青年会議所です」「盛岡市役所国際課です」「高千穂町の教員です」). Not any sentence that
#: ends in です: 「訪問を計画中です」「派遣する予定です」 tell the story the question is about.
_JA_INTRO = re.compile(
    # Where the writer comes from, too: 「盛岡から来ました」「釧路から参りました佐藤です」.
    r"から(?:来|参)(?:ました|た\S{1,12}です|りました\S{0,12}です)。?$|"
    r"(?:の者です|と申します|でございます|(?:課|係|室|局|部|庁|役場|役所|所|会|団|協会|センター|"
    r"チーム|クラブ|学校|大学|高校|中学|生|員|者|師|長|担当|先生|メンバー|一同)です)。?$|"
    # …and a name after the office: 「盛岡市国際課の佐々木です」.
    r"(?:課|係|室|局|部|庁|役場|役所|市|町|村|県|協会|大学|学校)の[^\s、。]{1,8}です。?$"
)
_JA_ASKS = re.compile(
    r"[?？]|か$|ですか|ますか|でしょうか|ませんか|どこ|いつ|何|なに|なん|誰|どう|どの|"
    r"ください|下さい|教えて|知りたい|ほしい|いただけ|可能|たいのですが|たいです|かな"
)
_KO_GREETING = re.compile(
    r"^(?:안녕하세요|안녕하십니까|안녕|안뇽|하이(?:요)?|헬로(?:우)?|처음\s?뵙겠습니다|수고하십니다|ㅎㅇ|ᄒᄋ|"
    r"반갑습니다|반가워요|만나서\s?반갑습니다)+[~!ㅎ^]*$"
)
#: …and a closing remark of satisfaction after them (「덕분에 해결됐어요」「よく分かりました」).
_KO_THANKS = re.compile(
    # ㄳ and ㄱㅅ (감사 in initials) as NFKC writes them: ᆪ, ᄀᄉ.
    r"^(?:(?:감사합니다|감사해요|감사요|감사|고맙습니다|고마워요|고마워용?|땡큐요?|ᆪ|ᄀᄉ|알겠습니다|"
    # Solved, by the desk's help or by the visitor (해결됐어요, 잘 해결했어요).
    r"(?:덕분에\s?)?(?:(?:잘\s?)?해결(?:됐어요|되었습니다|됐습니다|했어요|했습니다)|"
    r"도움이\s?(?:됐어요|되었습니다|많이\s?됐어요)|"
    r"잘\s?알겠습니다|잘\s?알겠어요|이해했어요))[ᄒᄏㅎㅋ~!^]*)+$"
)
#: 「저는…」, or a group or a role and 입니다 (「제천시청 국제협력팀입니다」「학부모입니다」) —
#: not 「방문할 예정입니다」, which tells the story.
_KO_INTRO = re.compile(
    r"^(?:저는|제\s?이름은|저희는)|(?:팀|과|청|처|국|실|회|단|학교|대학교|협회|센터|생|원|사|관|"
    r"부모|교사|담당자|주무관|일동)(?:입니다|이에요|예요|인데요)$|"
    # Where the writer comes from: 「울산에서 온 김민지입니다」「제천에서 왔어요」.
    r"에서\s?(?:온\s?\S+(?:입니다|이에요|예요|이라고\s?합니다)|왔습니다|왔어요)(?:\s?반가워요|\s?반갑습니다)?$"
)
_KO_ASKS = re.compile(
    r"[?？]|까요?$|나요$|어디|언제|뭐|무엇|무슨|누구|어떻게|얼마|몇|있나요|있어요|되나요|"
    r"주세요|알려|궁금|싶어요|싶습니다|할까|해야"
)


#: A clause that turns from chatter to what the visitor came for ("ok real question",
#: "anyway", "jokes aside", 「言歸正傳」「說正經的」, 「それはさておき」「本題ですが」,
#: 「그건 그렇고」「본론으로 들어가서」): what came before it is set aside, not matched.
_BACK_TO_BUSINESS = re.compile(
    r"^(?:(?:ok(?:ay)?|so|but|lol|haha|anyway|anyways)\s+)*(?:(?:my\s+)?(?:real|actual|serious)"
    r"\s+question|anyway|anyways|anyhow|but seriously|seriously though|jokes? aside|kidding aside|"
    r"jk|back to (?:my|the) question|on a serious note|back to business)$|"
    r"^(?:好啦|好了|好|ok|咳)?(?:言歸正傳|言归正传|說正經的|说正经的|說正事|说正事|認真問|认真问|"
    r"正經問|正经问|回到正題|回到正题|正題|正题|不鬧了|不闹了|不開玩笑了|不开玩笑了)(?:啦|了)?$|"
    r"^(?:それはさておき|冗談はさておき|本題(?:ですが|に入ります|です)?|真面目な質問(?:です)?(?:が)?)$|"
    r"^(?:그건 그렇고|농담이고|본론으로(?: 들어가서| 돌아가서)?|진지하게(?: 물어볼게요)?)$"
)

#: A clause that only asks whether what came before is so ("… from long time. it is true?",
#: 「聽說花蓮有賞鯨 是真的嗎」, 「…と聞きました。本当ですか？」, 「…라던데 사실인가요?」): the
#: question is the clause before it, and the two are read as one.
_CONFIRMATION_TAG = re.compile(
    r"^(?:(?:so|but|and|ok|hmm|lol)\s+)*(?:(?:is|isnt|was) (?:it|that|this) (?:true|right|correct|so|real)|"
    r"(?:it is|its|thats|that is) (?:true|right|correct)|(?:true|right|correct|really|for real|is that so|"
    r"am i right|or not)(?: or not)?)$|"
    r"^(?:這|这|那)?(?:是真的|是不是真的|真的|對|对|沒錯|没错|是這樣|是这样)(?:嗎|吗|嘛|嗎嗎|吧|不|沒|没|呢)$|"
    r"^(?:對不對|对不对|是嗎|是吗|真的假的)$|"
    r"^(?:それ(?:は|って)?)?(?:本当|ほんと|ホント|マジ|事実|正しい|合って(?:い)?ます)(?:ですか|でしょうか|なの|なん(?:です)?か|？|\?)*$|"
    r"^(?:그게\s?|그거\s?)?(?:사실|진짜|정말|맞)(?:인가요|이에요|이야|예요|나요|아요|죠|습니까|입니까)\??$"
)

#: …and the unmistakable ones, found inside a clause typed without a comma ("haha ok real
#: question where is…", 「ㅋㅋ 그건 그렇고 기차표는…」): the clause is split at them.
_BACK_TO_BUSINESS_INSIDE = re.compile(
    r"\b(?:ok(?:ay)? )?(?:real|actual|serious) question\b|\bjokes? aside\b|\bbut seriously\b|"
    r"言歸正傳|言归正传|說正經的|说正经的|回到正題|回到正题|それはさておき|冗談はさておき|"
    r"그건 그렇고|본론으로(?: 들어가서| 돌아가서)?",
    re.IGNORECASE,
)

#: A greeting typed before the rest with only a space between ("hi how do I…", 「안녕하세요 저는…」).
_LEADING_GREETING = re.compile(
    r"^(?:hi|hello|hey|hallo|안녕하세요|안녕하십니까|こんにちは|こんばんは|おはようございます|"
    r"你好|您好|哈囉|嗨)\s+(?=\S)",
    re.IGNORECASE,
)

#: Thanks typed before a new question with only a space and a turning word between ("thanks
#: btw where…", 「감사해요 근데 기차표는…」, 「ありがとう あと…」, 「謝謝 另外…」): set apart only
#: when what follows asks something (_ASKS_AFTER_THANKS) — "thanks and bye", 「감사합니다
#: 참고하겠습니다」 and 「謝謝 那就這樣」 close the conversation.
_LEADING_THANKS = re.compile(
    r"^(?:thanks|thank you|thx|ty|감사합니다|감사해요|감사|고마워요|고맙습니다|ありがとうございます|"
    r"ありがとう|謝謝|谢谢|感謝|感谢|多謝|多谢)[!！~]*\s+(?=(?:but|and|also|btw|oh|one more|근데|그런데|"
    r"그리고|혹시|あと|ところで|それと|另外|還有|还有|那|請問|请问)(?:\s|$|(?=\S)))",
    re.IGNORECASE,
)
_ASKS_AFTER_THANKS = re.compile(
    r"[?？]|\b(?:where|what|whats|how|when|which|who|why|is there|are there|can i|can we|do i|do we|"
    r"does|should i)\b|哪|什麼|什么|怎麼|怎么|幾|几|多少|如何|嗎|吗|どこ|何|いつ|どう|ですか|ますか|"
    r"어디|뭐|언제|어떻게|얼마|나요|까요|있어요\?"
)


def _split(text: str) -> list[str]:
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for part in _COMMA.split(sentence):
            for piece in _split_han_spaces(part):
                piece = piece.strip()
                thanks = _LEADING_THANKS.match(piece)
                if thanks and not _ASKS_AFTER_THANKS.search(piece[thanks.end() :]):
                    thanks = None
                opener = _LEADING_GREETING.match(piece) or thanks
                turn = _BACK_TO_BUSINESS_INSIDE.search(piece)
                if opener and _role(piece, normalize(piece)) not in (Role.GREETING, Role.THANKS):
                    pieces += [opener.group(0), piece[opener.end() :]]
                elif turn:
                    pieces += [piece[: turn.start()], turn.group(0), piece[turn.end() :]]
                else:
                    pieces.append(piece)
    return [piece.strip() for piece in pieces if piece.strip(" .!?。！？~～…")]


def _split_han_spaces(text: str) -> list[str]:
    """Split at spaces between Han characters, emoji aside (「倒下叫不醒😭 救護車幾號」)."""
    parts: list[str] = []
    start = 0
    for found in re.finditer(r"\s+", text):
        before = next((ch for ch in reversed(text[: found.start()]) if ch.isalnum()), "")
        after = next((ch for ch in text[found.end() :] if ch.isalnum()), "")
        if before and after and is_han(before) and is_han(after):
            parts.append(text[start : found.start()])
            start = found.end()
    parts.append(text[start:])
    return parts


def _role(raw: str, normal: str) -> Role:
    folded = unicodedata.normalize("NFKC", raw).strip()
    compact = normal.replace(" ", "")
    if not normal:
        return Role.GREETING  # an emoji or punctuation alone says nothing to match
    if _EN_GREETING.match(normal) or _HAN_GREETING.match(compact):
        return Role.GREETING
    if _JA_GREETING.match(re.sub(r"[\s。！!、]", "", folded)) or _KO_GREETING.match(compact):
        return Role.GREETING
    if _EN_FAREWELL.match(normal) or _HAN_FAREWELL.match(compact) or _JA_KO_FAREWELL.match(folded):
        return Role.GREETING
    if (
        _EN_THANKS.match(normal)
        or _HAN_THANKS.match(compact)
        # (Punctuation and emoji apart: 「ありがとうございました🙏」.)
        or _JA_THANKS.match(re.sub(r"[\W_]", "", folded))
        or _KO_THANKS.match(compact)
    ):
        return Role.THANKS
    if _HAN_PURPOSE.match(compact) and "?" not in folded and "？" not in raw:
        return Role.STORY
    asks = (
        "?" in folded
        or "？" in raw
        or _EN_ASKS.search(normal) is not None
        or _HAN_ASKS.search(compact) is not None
        or _JA_ASKS.search(folded) is not None
        or _KO_ASKS.search(folded) is not None
    )
    if asks:
        return Role.ASK
    if (
        _EN_INTRO.match(normal)
        or (_HAN_INTRO.match(compact) and not _HAN_WHERE_IT_HAPPENED.match(compact))
        or _JA_INTRO.search(folded)
        or _KO_INTRO.search(compact)
    ):
        return Role.INTRO
    return Role.STORY


#: What a follow-up asks, whatever the topic: cost, place, time, who, how to get there, the
#: contact; with pronouns and question words. A message made of these alone names no topic.
_FOLLOW_UP_WORDS_EN = re.compile(
    r"\b(?:how|much|many|what|whats|when|whens|where|wheres|who|whos|which|why|is|are|was|"
    r"do|does|did|can|could|i|we|you|it|its|they|them|their|theirs|there|that|this|these|"
    r"those|one|the|a|an|to|of|for|in|on|at|and|or|about|then|so|ok|okay|also|again|too|"
    r"please|pls|cost|costs|price|fee|fees|pay|free|time|times|date|dates|day|days|open|"
    r"opening|hours|close|closing|deadline|apply|application|register|registration|sign|up|"
    r"get|go|there|place|located|location|address|phone|number|tel|email|contact|website|"
    r"site|link|office|department|unit|runs|run|organises|organizes|handles|charge|"
    r"responsible|need|needed|bring|long|take|takes|else|more|details|info|information)\b"
)
_FOLLOW_UP_HAN = (
    "費用 價格 多少錢 多少 要錢 免費 收費 報名 申請 截止 時間 日期 什麼時候 幾點 幾號 哪天 哪裡 在哪 "
    "在哪裡 哪邊 地點 地址 位置 怎麼去 怎麼走 怎麼 如何 電話 聯絡 聯繫 方式 網站 網址 哪個 單位 部門 "
    "誰 負責 主辦 辦 要 需要 帶 什麼 是 有 嗎 呢 吧 啊 呀 那 這 它 他們 那邊 這邊 那個 這個 還有 其他 "
    "可以 能 會 去 在 的 了 和 跟 也 都 請問 一下"
).split()
#: Longest first: at each place the longest word is taken ("在哪裡" whole, not "在哪" + "裡").
_FOLLOW_UP_WORDS_HAN = re.compile(
    "|".join(sorted(dict.fromkeys(_FOLLOW_UP_HAN), key=len, reverse=True))
)

#: A short clause without a verb of its own right after a self-introduction continues it:
#: at most this many words, and this many Han, kana and Hangul characters (a Japanese or
#: Chinese clause is one "word"; 「町長以下5名で秋に花蓮県政府を表敬訪問する場合」 and
#: 「봄에 화롄현을 방문할 예정입니다」 are the question's story, 「제천에서 온 교환학생」 is not).
_INTRO_TAIL_WORDS = 8
_INTRO_TAIL_CJK = 10


def _is_short(normal: str) -> bool:
    cjk = sum(1 for ch in normal if is_han(ch) or is_kana(ch) or is_hangul(ch))
    return len(normal.split()) <= _INTRO_TAIL_WORDS and cjk <= _INTRO_TAIL_CJK


@dataclass(frozen=True)
class Reading:
    """One message, read once."""

    text: str
    normal: str
    lang: Lang

    @cached_property
    def clauses(self) -> tuple[Clause, ...]:
        clauses: list[Clause] = []
        for piece in _split(self.text):
            normal = normalize(piece)
            role = _role(piece, normal)
            if (
                role is Role.STORY
                and clauses
                and clauses[-1].role is Role.INTRO
                and _is_short(normal)
            ):
                # "I'm Ana, exchange student from Manila": the tail of an introduction.
                role = Role.INTRO
            if _BACK_TO_BUSINESS.match(normal) or _BACK_TO_BUSINESS.match(normal.replace(" ", "")):
                # The chatter before the turn is set aside; who the visitor is still counts.
                clauses = [
                    replace(c, role=Role.ASIDE) if c.role in (Role.ASK, Role.STORY) else c
                    for c in clauses
                ]
                role = Role.ASIDE
            folded = unicodedata.normalize("NFKC", piece).strip().rstrip("?？!！。.~ ")
            if (
                clauses
                and clauses[-1].role in (Role.STORY, Role.ASK)
                and (
                    _CONFIRMATION_TAG.match(normal)
                    or _CONFIRMATION_TAG.match(normal.replace(" ", ""))
                    or _CONFIRMATION_TAG.match(folded)
                )
            ):
                # "…is sister city with hualien. it is true?": the clause before is asked.
                before = clauses.pop()
                text = f"{before.text} {piece}"
                clauses.append(Clause(text, normalize(text), Role.ASK))
                continue
            clauses.append(Clause(piece, normal, role))
        return tuple(clauses)

    @property
    def greeting_only(self) -> bool:
        """Nothing but greetings and self-introductions: no question, no request, no story."""
        roles = {clause.role for clause in self.clauses}
        return bool(roles) and roles <= {Role.GREETING, Role.INTRO}

    @property
    def thanks_only(self) -> bool:
        roles = {clause.role for clause in self.clauses}
        return bool(roles) and roles <= {Role.GREETING, Role.THANKS} and Role.THANKS in roles

    @property
    def without_introductions(self) -> str:
        """The normalised message without its greetings, thanks and self-introductions."""
        kept = (c.normal for c in self.clauses if c.role in (Role.ASK, Role.STORY))
        return " ".join(kept)

    @property
    def asking(self) -> str:
        """The normalised clauses that ask, or, with none, all but greetings and introductions."""
        asked = " ".join(c.normal for c in self.clauses if c.role is Role.ASK)
        return asked or self.without_introductions

    @property
    def to_match(self) -> str:
        """The normalised message without the chatter the visitor set aside."""
        if not any(c.role is Role.ASIDE for c in self.clauses):
            return self.normal
        return " ".join(c.normal for c in self.clauses if c.role is not Role.ASIDE)

    @property
    def names_nothing(self) -> bool:
        """Nothing but what a follow-up asks ("how much?", "where is it?", 「報名時間？」
        「哪個單位？」): no word of its own says what it is about."""
        rest = _FOLLOW_UP_WORDS_EN.sub(" ", self.normal)
        rest = _FOLLOW_UP_WORDS_HAN.sub("", rest.replace(" ", "") if has_han(rest) else rest)
        return not rest.strip()

    def weighted(self) -> list[tuple[str, float]]:
        """The clauses to match, normalised, with how much each counts.

        A message with no clause that asks is all question ("grass fire near the bike path"):
        its story clauses count in full.
        """
        kept = [c for c in self.clauses if ROLE_WEIGHTS[c.role] > 0]
        if not any(c.role is Role.ASK for c in kept):
            return [(c.normal, 1.0 if c.role is Role.STORY else ROLE_WEIGHTS[c.role]) for c in kept]
        return [(c.normal, ROLE_WEIGHTS[c.role]) for c in kept]


def read(text: str, previous: Lang | None = None) -> Reading:
    """``text`` read once; ``previous``, the visitor's last language, only breaks the tie of
    a short kanji-only text (see detect_language)."""
    lang = detect_language(text, previous)
    if lang is Lang.JA:
        # 「きょりゅうしょう どこで しんせい するの」: the words of kana alone in the kanji the
        # phrasings are written in (kana.py).
        text = in_kanji(text)
    return Reading(text, normalize(text), lang)
