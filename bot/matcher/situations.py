"""Emergencies as situations: what is happening to the visitor, told in their own words.

People in trouble rarely ask for "the emergency number". They write that the kitchen is on
fire, that grandfather collapsed and will not wake up, that a stranger keeps following them,
that they sent money to an "investment group". This module reads such a message before and
apart from any matching, and says which situations it describes, so that the answer can lead
with the number for that situation (topics.yaml, contact.emergency: fire or injury → 119, a
crime or a traffic accident → 110, a scam → 165, thoughts of suicide → 1925, violence at home
→ 113).

Two strengths of evidence are told apart:

* a **sign** that it is happening ("smoke is coming out of the flat next door", 「叫不醒」,
  「一直跟著我」) makes the message an emergency: the desk answers with the numbers and opens
  an urgent ticket;
* a **topic** word ("anti-fraud hotline", 「自殺防治」, "domestic violence") says what kind of
  number the visitor asks about: the answer leads with that situation's number, but nothing
  is happening and no urgent ticket is opened.

A sign inside a hypothetical ("what do I do *if* there is a fire", 「萬一地震受困」) counts as
a topic only. Patterns match the normalised text (:func:`bot.text.normalize`: lower case,
Traditional script, punctuation as spaces): English by whole words, Han text with its spaces
removed, Japanese and Korean on their NFKC form. Every pattern is here, beside its tests
(tests/test_situations.py), because a wrong one either misses a person in danger or shouts
"emergency" at someone buying a SIM card.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Situation(StrEnum):
    """Kinds of emergency, most urgent first (the first found leads the answer)."""

    FIRE = "fire"
    MEDICAL = "medical"
    SUICIDE = "suicide"
    ABUSE = "abuse"
    CRIME = "crime"
    ACCIDENT = "accident"
    SCAM = "scam"
    #: "emergency numbers", 「緊急電話」: an emergency named, not which kind.
    GENERAL = "general"


#: The numbers to call for each situation, the one to call first first (topics.yaml,
#: contact.emergency: "which number first, by situation"; the order is the desk's policy).
NUMBERS: dict[Situation, tuple[str, ...]] = {
    Situation.FIRE: ("119",),
    Situation.MEDICAL: ("119",),
    Situation.SUICIDE: ("1925", "1995", "119"),
    Situation.ABUSE: ("113", "110"),
    Situation.CRIME: ("110",),
    Situation.ACCIDENT: ("110", "119"),
    Situation.SCAM: ("165", "110"),
    Situation.GENERAL: ("110", "119"),
}
#: An answer names at most this many numbers: in an emergency a long list is a list to read.
MAX_NUMBERS = 3


@dataclass(frozen=True)
class Emergency:
    """The situations a message describes, most urgent first."""

    situations: tuple[Situation, ...]
    #: True when the message says it is happening (not only which number it wants).
    happening: bool

    @property
    def lead(self) -> Situation:
        return self.situations[0]

    @property
    def numbers(self) -> tuple[str, ...]:
        """The numbers to give, the one to call first first, without repeats."""
        ordered = dict.fromkeys(n for s in self.situations for n in NUMBERS[s])
        return tuple(ordered)[:MAX_NUMBERS]


@dataclass(frozen=True)
class _Signs:
    """The signs of one situation, per script: alternatives of a regular expression each.

    English alternatives match whole words of the normalised text; Han ones its characters
    with the spaces removed; Japanese and Korean ones the text as typed (NFKC, no spaces).
    """

    en: tuple[str, ...] = ()
    han: tuple[str, ...] = ()
    ja: tuple[str, ...] = ()
    ko: tuple[str, ...] = ()


_PARTNER = (
    r"(?:(?:ex )?(?:boyfriend|girlfriend|husband|wife|partner|bf|gf)|father|dad|stepdad|"
    r"stepfather|mother|mom|mum|parents?|uncle|brother|employer|boss|landlord|host father)"
)

#: What it looks like when it is happening.
_HAPPENING: dict[Situation, _Signs] = {
    Situation.FIRE: _Signs(
        en=(
            r"on fire",
            r"(?:theres|there is|there s) (?:a )?fire",
            r"catch(?:ing|es)? fire|caught fire|set fire",
            r"fire (?:is )?(?:spreading|started|broke out|in (?:the|my|our)|next door|near|"
            r"next to|at (?:the|my|our))",
            r"(?:grass|house|kitchen|forest|brush|bush|apartment|building|car|electrical) fire",
            r"(?:flames?|smoke) (?:is |are )?(?:coming|everywhere|spreading|pouring|filling|"
            r"from|out of|in (?:the|my|our))",
            r"(?:full of|lots of|thick|black) smoke",
            r"smell(?:s|ing)? (?:of )?(?:gas|smoke|burning)|(?:gas|burning) smell",
            r"gas (?:leak|is leaking)|leaking gas",
            r"something is burning|burning (?:building|house)",
            r"(?:water is (?:coming|flooding) into|flooding (?:into|our|my))",
            r"landslide (?:hit|blocked|on)",
        ),
        han=(
            r"失火|火災(?!保險)|著火|起火|火燒|燒起來|燒了起來|火勢|冒煙|濃煙|煙好大|煙很大",
            r"瓦斯味|瓦斯外洩|瓦斯漏|漏瓦斯|煤氣味|煤氣洩漏|燒焦味|聞到.{0,4}(?:瓦斯|煤氣|燒焦|煙)",
            r"水淹進|淹進來|土石流(?:衝|壓|埋)",
        ),
        ja=(r"燃えて|火事|火災|煙が", r"ガス(?:の)?(?:臭い|におい|漏れ)|焦げ臭い"),
        ko=(r"불이\s?(?:났|나|붙)|불길|화재|연기가", r"가스\s?(?:냄새|누출|새)|타는\s?냄새"),
    ),
    Situation.MEDICAL: _Signs(
        en=(
            r"collapsed|unconscious|unresponsive|passed out|fainted",
            r"not breathing|(?:cant|cannot|can not) breathe|choking",
            r"(?:isnt|not|wont|doesnt) (?:waking up|wake up|responding)",
            r"heart attack|having a stroke|seizure|fitting|convulsing|chest pain",
            r"(?:is|are|was|keeps|still) bleeding|bleeding (?:a lot|heavily|badly|everywhere|from)",
            r"lots of blood",
            r"(?:badly|seriously|severely) (?:hurt|injured)",
            r"(?:people|someone|somebody|he|she) (?:is |are |got |was )?(?:injured|hurt)",
            r"overdosed?|poisoned|swallowed (?:a|some|bleach|pills)",
            r"allergic reaction|anaphyla\w*",
            r"(?:hit|banged) (?:his|her|my|their) head",
            r"broke (?:his|her|my) (?:leg|arm|neck|back)",
            r"drowning|swept (?:away|out|off)",
            r"(?:pulled|dragged) (?:out|under|away) by (?:the )?(?:waves?|current|sea)",
            r"(?:hit|knocked down) by a wave",
            r"bitten by a (?:snake|dog)|snake bit|stung by (?:a )?(?:jellyfish|hornets?|wasps?)",
            r"heat ?stroke",
            r"(?:lost|stuck|trapped) (?:in|on) (?:the )?(?:mountains?|trail|gorge|river)",
            r"(?:people|someone|somebody) (?:is |are )?trapped",
        ),
        han=(
            r"昏倒|暈倒|倒下|倒在(?:路邊|地上)|叫不醒|昏迷|失去意識|沒有?意識|休克|抽搐",
            r"沒(?:有)?呼吸|不能呼吸|無法呼吸|呼吸困難|喘不過氣",
            r"大量出血|流很多血|在流血|流血了|血流不止",
            r"心臟病發|心肌梗塞|中風了|骨折了|中毒了|胸口(?:很)?痛|過敏性休克",
            r"溺水|落水|(?:被|讓)(?:海)?浪(?:捲|沖|打)走|捲走|沖走",
            r"受傷了|有人(?:受傷|流血|昏倒|倒下)|受重傷|重傷|撞到頭",
            r"被(?:蛇|狗|虎頭蜂)(?:咬|叮)|中暑",
            r"(?:山上|山裡|步道)迷路|受困|被困|困在",
            r"快叫救護車|需要救護車|叫救護車",
        ),
        ja=(
            r"倒れ|意識が(?:ない|ありません)|息をしてい|呼吸が|血が(?:止まら|たくさん)|出血",
            r"(?:けが人|怪我人)(?!は?(?:い|お)(?:ない|ません|りません))|救急車を",
            r"溺れ|波にさらわれ|熱中症|閉じ込められ",
        ),
        ko=(
            r"쓰러|의식이\s?없|숨을\s?(?:안|못)|피가\s?(?:많이|멈추)|다치|다쳤|부상",
            r"구급차\s?(?:불러|좀)|물에\s?빠|파도에|열사병|갇혔",
        ),
    ),
    Situation.SUICIDE: _Signs(
        en=(
            r"kill(?:ing)? (?:my|him|her|them)sel(?:f|ves)|suicidal",
            r"(?:thinking|thought|thoughts) (?:about|of) (?:suicide|ending|dying|killing)",
            r"end(?:ing)? (?:it all|my life|things|his life|her life)",
            r"take (?:my|his|her) (?:own )?life",
            r"want(?:s)? to die|wanna die|better off dead|no reason to live",
            r"(?:dont|doesnt|do not) want to (?:live|be alive|wake up)",
            r"hurt(?:ing)? (?:my|him|her)sel(?:f|ves)|self harm\w*|cutting (?:my|him|her)self",
            r"(?:going|want|wants|trying) to (?:jump|commit suicide)",
            r"talk(?:s|ing|ed)? about (?:suicide|killing)",
            r"suicide note|goodbye (?:letter|note|message)",
        ),
        han=(
            r"想死|不想活|活不下去|輕生|想不開|尋短|割腕|跳樓|燒炭|自殘|傷害自己",
            r"(?:想|要|會|說要|打算|企圖|嘗試|試圖|考慮)(?:去)?自殺|自殺(?:的)?念頭",
            r"結束(?:自己的)?生命|結束自己|遺書|說要跳|要跳下去",
        ),
        ja=(r"死にたい|消えたい|自殺|生きていたくない|命を絶|遺書",),
        ko=(r"죽고\s?싶|자살|살고\s?싶지\s?않|극단적\s?선택|자해|유서",),
    ),
    Situation.ABUSE: _Signs(
        en=(
            rf"{_PARTNER}s? (?:\w+ )?(?:hits|hit|beats|beat|kicks|kicked|chokes|choked|slaps|"
            r"slapped|punches|punched|hurts|abuses|abused|threatens|threatened|locks|locked) "
            r"(?:me|her|him|us|them|my)",
            r"(?:being|been|was|is|are) (?:abused|beaten)",
            r"domestic (?:abuse|violence) (?:at|in|from)",
            r"(?:sexually )?assaulted|raped|molested",
            r"(?:wont|doesnt) let (?:me|her|him) (?:leave|go out)",
            r"(?:kid|child|boy|girl|children) (?:next door |upstairs |downstairs )?(?:has|have|with) "
            r"bruises",
        ),
        han=(
            r"(?:被|遭|一直|常常|又)(?:家暴|打|虐待|性侵|施暴)",
            r"打我|打她|打他|動手打|施暴|虐待(?:我|她|他|小孩|孩子)|性侵",
            r"不讓我出門|把我關",
            r"(?:小孩|孩子|小朋友).{0,8}(?:瘀青|被打|一直哭喊)",
        ),
        ja=(
            r"(?:夫|彼氏|恋人|親|父|母)(?:から|に)(?:殴|暴力|叩)",
            r"(?<![a-z])dv(?![a-z])|虐待され|暴力を(?:受け|振る)",
        ),
        ko=(
            r"(?:남편|남친|남자친구|아빠|엄마|부모)(?:가|한테|에게)\s?(?:때리|맞)|가정\s?폭력을|학대",
        ),
    ),
    Situation.CRIME: _Signs(
        en=(
            r"robbed|mugged|burglar|broke into|breaking into|break in",
            r"being (?:followed|stalked|harassed|threatened)|stalker",
            r"(?:follows|following|followed|stalking|harass(?:es|ing)|threaten(?:s|ing)) "
            r"(?:me|us|her|him)",
            r"(?:keeps|kept) (?:messaging|calling|following|harassing)",
            r"(?:has|with|pulled) a (?:knife|gun)",
            r"attacked|assaulted|punched|beaten up",
            r"(?:find|found|knows?) (?:out )?where (?:i|we|she|he) (?:live|lives|stay)",
            r"(?:someone|a man|a guy|they) (?:is |are )?(?:trying to get in|outside my door)",
            r"fight (?:outside|in front|on the street)",
            r"groped|grabbed me|touched me|flash(?:ed|er|ing)|upskirt|peeping tom|filming me",
            r"(?:sexually )?harassed",
            r"threatening (?:messages|me|to)|threaten(?:s|ed)? to (?:post|leak|share|kill|hurt)",
            r"blackmail\w*|sextortion",
        ),
        han=(
            r"被搶|搶劫|搶走|闖進|闖入|小偷(?:在|進)|拿刀|持刀|有槍|有人打人|被打了",
            r"被跟蹤|跟蹤我|一直跟著我|(?:找到|知道)我(?:住|家)",
            r"一直騷擾|騷擾我|被騷擾|性騷擾我|被性騷擾",
            r"恐嚇|威脅我|威脅要|勒索",
            r"被摸|摸我|偷拍|偷看我|露鳥|襲胸",
        ),
        ja=(
            r"(?:つけ|付きまと)られ|ストーカー|脅(?:し|さ)|強盗|襲われ|殴られ|ひったくり|痴漢|盗撮",
        ),
        ko=(r"따라와|따라오|스토킹|협박|강도|폭행|괴롭|위협|성추행|몰카",),
    ),
    Situation.ACCIDENT: _Signs(
        en=(
            r"(?:car|scooter|motorbike|motorcycle|bike|bicycle|traffic|road|bus|taxi|van|"
            r"truck) (?:accident|crash|collision)",
            r"(?:hit|crashed into|ran into|rear ended|collided with) (?:a|another|the|by a|"
            r"by another) (?:car|scooter|motorbike|bike|truck|bus|taxi|van|pedestrian|person)",
            r"(?:got|was|were|been) (?:hit|knocked (?:down|over|off)|run over) by",
            r"(?:been in|had|have had|just had) an? (?:accident|crash)",
            r"crashed (?:my|our|the)|fell off (?:my|his|her|the|a) (?:scooter|bike|motorbike)",
        ),
        han=(r"車禍|撞車|擦撞|追撞|對撞|被撞|撞到(?:人|車|機車)|翻車|自撞|摔車|出事故",),
        ja=(r"事故|追突|ぶつけ(?:られ|た)|はねられ",),
        ko=(r"사고\s?(?:났|가\s?났)|접촉\s?사고|교통\s?사고|치였|부딪",),
    ),
    Situation.SCAM: _Signs(
        en=(
            r"(?:been|got|was|were|being|getting) (?:scammed|defrauded|conned|cheated)",
            r"(?:is (?:this|it)|its|this is|sounds like|think (?:its|this is|it was)|might be|"
            r"could be|probably) (?:a |an )?(?:scam|fraud)",
            r"scammer",
            r"(?:sent|transferred|paid|wired) (?:them|him|her|the seller)",
            r"want(?:s)? more (?:money|for)",
            r"(?:atm|bank) (?:to )?(?:cancel|undo|stop) (?:the |an |my )?"
            r"(?:instal+ments?|order|payment)",
            r"fake (?:police|prosecutor|seller|shop|website|call|job|landlord)",
            r"(?:safe|secure|safety|supervised) account",
            r"(?:pretending|pretended|claim(?:s|ed|ing)?) to be (?:from )?(?:the )?(?:police|"
            r"bank|prosecutor|court|health insurance|nhi|immigration|customs|post office)",
            r"(?:buy|pay (?:with|in)|send (?:them )?) gift cards?",
            r"(?:cant|cannot|unable to) withdraw|guaranteed (?:returns|profits?)",
            r"(?:asked|asking|want(?:s|ed)?) (?:me )?(?:for|to give|to send|to read out) (?:my )?"
            r"(?:otp|verification code|bank password|pin)",
            r"(?:send|mail) (?:them |him |her )?my (?:atm|bank) card|bank ?book",
        ),
        han=(
            r"被騙|被詐騙|遇到詐騙|是不是詐騙|疑似詐騙|好像(?:是|被)?詐騙|可能(?:是|被)詐騙",
            r"(?:解除|取消)(?:分期|扣款|訂單)|重複扣款|atm操作",
            r"假(?:檢察官|警察|客服|健保)|(?:冒充|假冒|自稱是?)(?:警察|檢察官|法院|健保|銀行|海關|郵局|客服)",
            r"投資群組|老師帶單|保證獲利|穩賺不賠|無法出金|出不了金",
            r"安全帳戶|監管帳戶|遊戲點數|猜猜我是誰|寄(?:出)?(?:提款卡|存摺)",
            r"(?:匯|轉|付)了.{0,8}(?:錢|元|塊|萬)",
        ),
        ja=(
            r"詐欺(?:に|かも|でしょうか|だと)|騙され|振り込んで|振り込め|オレオレ|架空請求|出金でき",
            r"(?:届かず|届かない).*連絡が取れ",
        ),
        ko=(r"사기(?:를|당|인|같)|잠수|돈(?:을)?\s?(?:보냈|송금)|보이스\s?피싱|출금이\s?안",),
    ),
    #: A cry for help and nothing else ("help!!", 「救命啊」) is an emergency whose kind is
    #: not told; with more said (「救命 護照掉在火車上」) it is a figure of speech, and the
    #: rest decides.
    Situation.GENERAL: _Signs(
        # A bare "help" asks what the desk can do (faq.help): someone calling for help does not
        # write it alone.
        en=(r"^(?:sos|(?:somebody|someone|please|pls) help(?: me| us)?|help us|help me please)$",),
        han=(r"^(?:救命|救救我|救救我們|快來人)+[啊呀阿啦]*$",),
        ja=(r"^(?:助けて|たすけて)(?:ください)?$",),
        ko=(r"^(?:살려\s?주세요|살려줘)$",),
    ),
}

#: Words that name a kind of emergency or its number without saying it is happening: the
#: answer still leads with that situation's number.
_TOPICS: dict[Situation, _Signs] = {
    Situation.FIRE: _Signs(
        en=(r"fire|fires|fire brigade|fire department|smoke|gas",),
        han=(r"火警|火災|消防|瓦斯",),
        ja=(r"火事|消防",),
        ko=(r"화재|소방",),
    ),
    Situation.MEDICAL: _Signs(
        en=(r"ambulance|ambulence|paramedics?|injured|injury|first aid",),
        han=(r"救護車|急救|受傷",),
        ja=(r"救急",),
        ko=(r"구급|응급",),
    ),
    Situation.SUICIDE: _Signs(
        en=(r"suicide|crisis line|lifeline|mental health crisis",),
        han=(r"自殺|安心專線|生命線|張老師|1925|1995|1980",),
        ja=(r"自殺|いのちの電話",),
        ko=(r"자살|생명의\s?전화",),
    ),
    Situation.ABUSE: _Signs(
        en=(r"domestic violence|abuse|abused|sexual assault|protection hotline|113",),
        han=(r"家暴|家庭暴力|虐待|性侵|保護專線|113",),
        ja=(r"(?<![a-z])dv(?![a-z])|虐待|家庭内暴力",),
        ko=(r"가정\s?폭력|학대",),
    ),
    Situation.CRIME: _Signs(
        en=(r"police|robbery|theft|harassment|stalking|crime",),
        han=(r"報警|警察|報案|搶劫|騷擾|跟蹤",),
        ja=(r"警察|110番",),
        ko=(r"경찰|신고",),
    ),
    Situation.ACCIDENT: _Signs(
        en=(r"accident|crash",),
        han=(r"車禍|事故",),
        ja=(r"事故",),
        ko=(r"사고",),
    ),
    Situation.SCAM: _Signs(
        en=(r"scam|scams|scammed|fraud|anti fraud|165",),
        han=(r"詐騙|詐欺|165",),
        ja=(r"詐欺",),
        ko=(r"사기",),
    ),
    Situation.GENERAL: _Signs(
        en=(r"emergency|emergencies|sos|911|999|112|110|119|urgent help",),
        han=(r"緊急|求救|救命|急救|110|119|112",),
        ja=(r"緊急|救急|110番|119番|助けて",),
        ko=(r"긴급|응급|119|112|살려",),
    ),
}

#: Words that make what follows a supposition: "what do I do if there is a fire".
_HYPOTHETICAL_EN = re.compile(
    r"\b(?:if|in case(?: of)?|what if|should there be|suppose|hypothetically|when there is)\b"
)
_HYPOTHETICAL_HAN = re.compile(r"如果|萬一|要是|假如|假設|的話|遇到.{0,6}(?:怎麼辦|要打)")
_HYPOTHETICAL_JA = re.compile(r"もし|場合")
_HYPOTHETICAL_KO = re.compile(r"만약|경우|하면\s?어떻게")

#: Things that share a word with an emergency but are not one.
_NOT_AN_EMERGENCY_EN = re.compile(
    r"\b(?:fireworks?|fire (?:dance|festival|show|drill|safety)|fireplace|bonfire|"
    r"campfire|smoke free|smoking|no smoking|gas station|gas stove|(?:accident|travel|"
    r"health) insurance|sim card|prepaid)\b"
)
_NOT_AN_EMERGENCY_HAN = re.compile(r"煙火|火舞|消防演習|禁菸|抽菸|加油站|保險|sim卡|網卡|門號")


def _compile(alternatives: tuple[str, ...], words: bool = False) -> re.Pattern[str] | None:
    if not alternatives:
        return None
    pattern = "|".join(f"(?:{alternative})" for alternative in alternatives)
    return re.compile(rf"\b(?:{pattern})\b" if words else pattern, re.IGNORECASE)


@dataclass(frozen=True)
class _Compiled:
    en: re.Pattern[str] | None
    han: re.Pattern[str] | None
    ja: re.Pattern[str] | None
    ko: re.Pattern[str] | None

    @classmethod
    def of(cls, signs: _Signs) -> _Compiled:
        return cls(
            _compile(signs.en, words=True),
            _compile(signs.han),
            _compile(signs.ja),
            _compile(signs.ko),
        )


_HAPPENING_RE = {situation: _Compiled.of(_HAPPENING[situation]) for situation in Situation}
_TOPIC_RE = {situation: _Compiled.of(_TOPICS[situation]) for situation in Situation}


@dataclass(frozen=True)
class _Views:
    """The forms of one message the patterns read."""

    spaced: str  # normalised, words apart (English)
    compact: str  # normalised, spaces removed (Han)
    folded: str  # NFKC only, spaces removed (Japanese, Korean: no OpenCC on kana or Hangul)


def _views(normal: str, original: str) -> _Views:
    folded = unicodedata.normalize("NFKC", original).casefold()
    return _Views(normal, normal.replace(" ", ""), re.sub(r"\s+", "", folded))


def _find(compiled: _Compiled, views: _Views) -> tuple[re.Match[str], re.Pattern[str]] | None:
    """The first sign found, with the hypothetical words of its script."""
    for pattern, text, supposing in (
        (compiled.en, views.spaced, _HYPOTHETICAL_EN),
        (compiled.han, views.compact, _HYPOTHETICAL_HAN),
        (compiled.ja, views.folded, _HYPOTHETICAL_JA),
        (compiled.ko, views.folded, _HYPOTHETICAL_KO),
    ):
        if pattern is not None and (found := pattern.search(text)) is not None:
            return found, supposing
    return None


def _supposed(found: re.Match[str], supposing: re.Pattern[str]) -> bool:
    """Whether the sign stands in a supposition ("if there is a fire", 「萬一失火」)."""
    text = found.string
    # English says "if" well before the sign; Chinese, Japanese and Korean wrap it closely
    # (「萬一失火」「失火的話」「もし火事の場合」).
    window = text[max(0, found.start() - 40) : found.start()]
    if supposing is not _HYPOTHETICAL_EN:
        window = text[max(0, found.start() - 12) : found.end() + 8]
    return supposing.search(window) is not None


def detect(normal: str, original: str | None = None) -> Emergency | None:
    """The emergency ``normal`` (a normalised message) describes or asks about, or None.

    ``original`` is the message as typed, for Japanese and Korean (whose kana and Hangul
    normalisation leaves alone, but whose kanji it would turn into Chinese ones); without
    it the normalised text stands in.
    """
    views = _views(normal, original if original is not None else normal)
    happening: list[Situation] = []
    named: list[Situation] = []
    for situation in Situation:
        found = _find(_HAPPENING_RE[situation], views)
        if found is not None:
            (named if _supposed(*found) else happening).append(situation)
        elif _find(_TOPIC_RE[situation], views) is not None:
            named.append(situation)
    if happening:
        ordered = tuple(s for s in Situation if s in happening or s in named)
        # The situation seen happening leads; what is only named follows it.
        return Emergency((*happening, *(s for s in ordered if s not in happening)), True)
    if not named:
        return None
    if _NOT_AN_EMERGENCY_EN.search(views.spaced) or _NOT_AN_EMERGENCY_HAN.search(views.compact):
        return None
    return Emergency(tuple(named), False)
