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
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from bot.text import has_han


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


#: People a message in English may be about, for the families read together.
_PEOPLE = (
    r"(?:son|daughter|kid|kids|child|children|boy|girl|baby|friend|husband|wife|dad|father|mom|"
    r"mum|mother|grandma|grandpa|grandmother|grandfather|brother|sister|partner|boyfriend|"
    r"girlfriend|roommate|classmate|uncle|aunt|aunty|neighbou?r|man|woman|guy|lady|he|she|"
    # How a caregiver or a grandchild names the one they look after: 阿嬤, oma, nenek, lola.
    r"ama|amah|ah ma|oma|opa|nenek|kakek|lola|lolo|patient|madam|sir)"
)

_PARTNER = (
    r"(?:(?:ex )?(?:boyfriend|girlfriend|husband|wife|partner|bf|gf)|father|dad|stepdad|"
    r"stepfather|mother|mom|mum|parents?|uncle|brother|employer|boss|landlord|host father|madam|maam|mam|sir)"
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
            # Sparks from wiring, the start of an electrical fire.
            r"sparks? (?:are |is )?(?:coming )?(?:from|out of|flying from) (?:the |a |my )?(?:socket|outlet|plug|wires?|wall|fuse box|heater)",
            r"smell(?:s|ing)? (?:\w+ ){0,3}(?:of )?(?:gas|smoke|burning)(?! (?:from|of) cigarettes?)(?<!cigarette smoke)|(?:gas|burning) smell",
            r"carbon monoxide|^(?=.*\b(?:water heater|gas heater|gas)\b)(?=.*\b(?:dizzy|nauseous|passed out|throwing up)\b)",
            r"gas (?:leak|is leaking)|leaking gas",
            r"(?:pan|pot|stove|grease|oil|wok) (?:is |has )?(?:on fire|caught fire|in flames)|mud (?:is )?sliding|"
            r"(?:water|flood|flooding) (?:is )?up to (?:the |our )?(?:doors|windows|knees)",
            r"something is burning|burning (?:building|house)",
            r"(?:water is (?:coming|flooding) into|flooding (?:into|our|my))",
            r"landslide (?:hit|blocked|on)",
            r"smoke (?:alarm|detector) (?:is )?(?:going off|ringing)(?! \w+ battery)",
            r"(?:filling|filled|full) (?:up )?with smoke|can smell (?:something )?burning",
        ),
        han=(
            r"失火|火災(?!保險)|(?<!圍)著火(?!堆)|起火|火燒|燒起來|燒了起來|火勢|冒煙|濃煙|煙好大|煙很大",
            r"瓦斯味|瓦斯外洩|瓦斯漏|漏瓦斯|煤氣味|煤氣洩漏|燒焦味|聞到.{0,4}(?:瓦斯|煤氣|燒焦|煙)",
            r"水淹進|淹進來|土石流(?:衝|壓|埋)",
            r"燒焦的?味道|(?:車|車子|車頭|隧道).{0,6}(?:在燒|燒起來|冒火|起火)|油鍋(?:著火|起火|著了|燒起來)|火衝(?:到|上)|(?:鍋子?|爐子|插座|電線)(?:著了|燒起來)|土石.{0,6}(?:滑下來|衝下來|崩|坍)|坍方.{0,10}(?:困|卡|擋|埋)|淹到(?:一樓|二樓|膝蓋|腰|胸|屋裡|家裡|房間)|水.{0,6}還在(?:漲|上升)|(?:走廊|樓梯間?|房間|屋裡|家裡|大廳)(?:全|都)是煙|滿(?:屋子|走廊|房間)(?:的)?煙",
            r"冒(?:出)?(?:黑|白|好多|很多)?煙|煙霧警報器?(?:在)?(?:響|叫)",
            # Carbon monoxide: a water heater or gas, and someone dizzy, sick or not answering.
            r"^(?=.*(?:熱水器|瓦斯|一氧化碳|燒炭))(?=.*(?:頭暈|頭好暈|想吐|噁心|昏|沒回應|沒反應|叫不醒))",
        ),
        ja=(
            r"燃えて|(?<!口が)火事|火災|煙が",
            r"(?:鍋|フライパン|油)(?:から|が)?(?:火が|燃え|発火)|土砂崩れ|(?:家|車)が埋ま|水が(?:どんどん)?入ってき",
            r"ガス(?:の)?(?:臭い|におい|匂い|くさ|漏れ)|焦げ(?:臭|くさ)",
            # In kana alone, as typed in a hurry without converting (「けむりがでてる こげくさい」).
            r"けむり(?:が)?(?:でて|出て|あが|上が|もくもく|すごい|いっぱい)|こげくさ|かじ(?:です|だ|だよ|になって|がおき)",
            r"一酸化炭素|^(?=.*(?:ガス|ストーブ|給湯器|練炭|ヒーター))(?=.*(?:頭痛|吐き気|めまい|ぼーっと|意識))",
        ),
        ko=(
            # A fire (「지금 불났어요」「숙소 주방에 불났어요」), not a mouth burning from spice, a chat,
            # a shop or a review "on fire" (입에 불났어, 단톡방 불났네, 리뷰 불났어요) nor a fire told
            # of (불났다는 뉴스, 불났었어요, 불났을 때) — but 불났다고 (「불났다고 방송 나와요」) is
            # news of now. Read without spaces.
            r"불이\s?(?:났|나|붙)|(?<!입에)(?<!입이)(?<!입안에)(?<!혀에)(?<!얼굴이)(?<!톡방)(?<!단톡)(?<!팅방)(?<!조회수)"
            r"(?<!리뷰)(?<!인스타)(?<!댓글)(?<!댓글창)(?<!대박)(?<!장사)(?<!반응)(?<!주문)(?<!분위기)(?<!분위기완전)(?<!웨이팅)"
            r"불\s?났(?!다는|던|었|을)|(?<!고기)(?<!고기에)(?<!삼겹살)에\s?불\s?붙었|불길|화재|연기가",
            r"(?:냄비|프라이팬|기름)(?:에|이)?\s?불(?:이)?\s?(?:붙|났)|산사태|토사|물이\s?(?:계속\s?)?(?:차\s?안으로|집\s?안으로)?\s?들어와",
            r"가스\s?(?:냄새|누출|새)|타는\s?냄새",
            r"일산화탄소|^(?=.*(?:가스|난로|보일러|히터|온수기))(?=.*(?:두통|머리가\s?아|메스꺼|어지러|구토|의식))",
        ),
    ),
    Situation.MEDICAL: _Signs(
        en=(
            r"collapsed|unconscious|unresponsive|passed out|fainted",
            r"not breathing|(?:cant|cannot|can not) breathe|choking",
            # An office or a school not answering is not a person who does not come round.
            # A person who does not come round, not an office or a professor who does not answer.
            r"(?:he|she|they|him|her|friend|dad|mom|mum|father|mother|baby|child|kid|son|"
            r"daughter|husband|wife|man|woman|person|someone|somebody|grandma|grandpa|"
            r"grandmother|grandfather|roommate|classmate|boyfriend|girlfriend)s? (?:is |s |are )?"
            r"(?:still )?(?:isnt|not|wont|doesnt|cant) (?:waking up|wake up|wake|responding|respond|reacting|react)\b"
            # …nor someone reacting badly to a vaccine or not answering requests.
            r"(?! well| badly| to (?:my|our|the|his|her|this|that) (?:e ?mails?|messages?|texts?|calls?|requests?|complaints?)"
            r"| to (?:the |a |his |her |this )?(?:vaccine|vaccination|medicine|medication|treatment|shot|jab))",
            r"(?:lying|lies|lay) .{0,30}(?:not responding|unresponsive|not moving|(?:very |completely |totally |dead )?still\b(?! (?:awake|in bed|at home|waiting|there)))",
            r"\band (?:still )?(?:wont|doesnt|cant|isnt) (?:wake up|waking up|respond(?:ing)?|react(?:ing)?)\b(?! well| badly| to)|"
            r"(?:wont|doesnt|isnt|cant) (?:wake up|waking up|wake)$",
            r"heart attack|having a stroke|seizure|fitting|convulsing|chest pain",
            r"(?:is|are|was|keeps|still) bleeding|bleeding (?:a lot|heavily|badly|everywhere|from)",
            r"lots of blood",
            r"(?:badly|seriously|severely) (?:hurt|injured)",
            r"(?:people|someone|somebody|he|she) (?:is |are |got |was )?(?:injured|hurt)",
            r"overdosed?|poisoned|swallowed (?:a|some|bleach|pills)",
            r"allergic reaction|anaphyla\w*",
            r"(?:hit|banged) (?:his|her|my|their) head",
            r"broke (?:his|her|my) (?:leg|arm|neck|back)",
            r"drowning(?! in (?:work|assignments|homework|debt|paperwork|e ?mails|deadlines))|swept (?:away|out|off)",
            r"(?:slipped|fell|fallen|falling) (?:off|into|down|from) (?:the |a )?(?:trail|gorge|cliff|ravine|edge|canyon|rocks)",
            r"pregnant\b.{0,40}\b(?:bleeding|blood)|(?:bleeding|blood)\b.{0,40}\bpregnant",
            r"(?:pulled|dragged) (?:out|under|away) by (?:the )?(?:waves?|current|sea)",
            r"(?:hit|knocked down) by a wave",
            r"bitten by a (?:snake|dog)|snake bit|stung by (?:a )?(?:jellyfish|hornets?|wasps?)",
            r"heat ?stroke",
            r"(?:lost|stuck|trapped) (?:in|on) (?:the )?(?:mountains?|trail|gorge|river)",
            r"(?:people|someone|somebody) (?:is |are )?trapped",
            r"(?:stuck|trapped|pinned) (?:under|beneath)|(?:trapped|pinned) inside",
            r"(?:he|she|they|him|her|friend|dad|mom|child|kid|baby|man|woman|someone) (?:is |s )?"
            r"(?:not|isnt|wont|cant|cannot|can not) (?:moving|move (?:his|her|my|their) "
            r"(?:arm|leg|legs|side|body))",
            r"(?:cant|cannot|can not|couldnt|could not) wake (?:him|her|them|it) up",
            r"fell (?:down|off|from) (?:the |a |some )?(?:stairs|roof|ladder|cliff|balcony|rocks?|"
            r"tree|scooter|bike|motorbike)",
            r"(?:fell|slipped) (?:into|in) (?:the |a )?(?:river|sea|water|ocean|stream|pool)",
            r"(?:took|swallowed|ate|taken) (?:a whole|the whole|all (?:of )?(?:her|his|my|the)|"
            r"too many|a lot of|lots of|a (?:bottle|handful|box|pack|packet) of) (?:\w+ ){0,2}(?:pills|tablets|medicine|meds)",
            r"stabbed|(?:spiked|drugged) (?:my|her|his|our) drink|(?:my|her|his) drink (?:was|got) (?:spiked|drugged)|spiked",
            r"face (?:is )?(?:drooping|swelling|swollen)|slurr(?:ed|ing) (?:his|her|their)? ?speech",
            r"chest (?:hurts|is hurting|feels tight)|(?:throat|lips|tongue) (?:is |are )?swell",
            r"(?:wont|doesnt|will not|does not) stop bleeding",
            r"(?:put|slipped) something in (?:my|her|his|our) drink|(?:i was|been|got|was) drugged",
            r"(?:is |are |was )?(?:having|had) (?:a )?(?:seizure|stroke|heart attack)",
            r"(?:got|was|been|is|has been|just got) (?:bitten|stung)(?! by (?:a |some )?(?:mosquito|bug|bed ?bug|flea|ant)s?)",
            r"(?:vomiting|throwing up|coughing up|spitting) blood|blood everywhere",
            r"blood (?:is )?(?:spurting|gushing|pouring|squirting)|(?:spurting|gushing|pouring) blood",
            # Families that count together anywhere in the message, as the Chinese ones do.
            rf"^(?=.*\b{_PEOPLE}s?\b)(?=.*\b(?:wont|cant|doesnt|not|isnt|couldnt) (?:wake|waking|wake up|"
            r"waking up|breathing|breathe|responding|respond|moving|move)\b)",
            r"(?:holding|clutching|grabbing|gripping) (?:his|her|my|their) chest|chest (?:pain|hurts|is tight)",
            r"throat (?:is |are |feels )?(?:tight|closing|swelling|swollen)|(?:lips|tongue|face) (?:are |is )?(?:swelling|swollen)|cant swallow",
            r"^(?=.*\b(?:hasnt|havent|not|no one|nobody) (?:answered|opened|seen|heard from|picked up)\b)"
            r"(?=.*\b(?:days|mail|letters|newspapers|smell)\b)",
            r"^(?=.*\b(?:water|flood|flooding) (?:is |keeps )?(?:still )?(?:rising|coming in|getting higher))"
            r"(?=.*\b(?:room|basement|house|flat|apartment|car|knees|waist|trapped|stuck|fast|quickly)\b)",
            # Water coming up round a tent (「camping by the river and water coming up fast around
            # the tents」) — not a river asked about before a trip.
            r"^(?!.*\b(?:is|will|does) (?:the )?(?:water|river|stream)\b)(?!.*\b(?:planning|next week|going to)\b)"
            r".*\b(?:water|river|stream)\b.{0,30}\b(?:coming up|rising|getting higher)\b.{0,40}\b(?:tent|tents|campsite)\b",
            r"(?:wave|waves|sea|current|river) (?:just )?(?:took|swept|pulled|dragged|knocked)\b",
            r"(?:dog|dogs) (?:is |are )?(?:attacking|biting|bit|mauling)|attacked by (?:a |some )?(?:dog|dogs)",
            r"(?:went|was|were|been) swimming\b.{0,40}\b(?:cant see (?:him|her|them)|hasnt come back|"
            r"havent seen (?:him|her|them)|disappeared|went under)",
            r"^(?=.*\b(?:knock\w*|rang|ringing|calling|called)\b)(?=.*\b(?:no answer|not answering|"
            r"doesnt answer|no response|not responding)\b)(?=.*\b(?:days|hours|lives alone|all day)\b)",
            r"^(?=.*\blost\b)(?=.*\b(?:getting dark|its dark|dark soon|phone (?:is )?dead|no signal)\b)",
            r"(?:fell|crashed|fall|crash|wiped out|slipped)\b.{0,60}\b(?:cant|cannot|can not|unable to) "
            r"(?:stand|get up|walk)",
            r"(?:cut|slit|slashed) (?:his|her|my|their) (?:wrists?|throat|arm|arms)",
            r"(?:fell|fallen|falling) (?:from|off) (?:the |a |his |her |some )?(?:scaffolding|roof|balcony|window|"
            r"cliff|ladder|bridge|building|stairs|tree|rocks?|height|wall|motorbike|scooter|bike|horse)",
            r"(?:leg|arm|hand|face|throat|neck|lips?|tongue) (?:is |are )?(?:swelling|swollen)(?! from walking)",
            r"electrocuted|(?:badly|severely) burn(?:ed|t)|(?:is|s|went|gone|going) into labou?r|(?:is|s) in labou?r|water broke",
            r"(?:stuck|trapped|stranded) (?:on|in) (?:the |a )?(?:sandbar|rocks?|river|car|"
            r"lift|elevator|mud|flood)",
            r"(?:river|water|sea|stream|creek) is rising (?:fast|quickly)|water is up to (?:my|our|the) (?:knees|waist|chest)|(?:flat|house|home|room) is flooding",
            # A child burning with fever and limp; a breathing crisis; a seizure described;
            # something swallowed; fumes and dizziness; a fall and not getting up.
            r"^(?=.*\b(?:fever|burning hot|burning up|temperature|39|40|41)\b)(?=.*\b(?:floppy|limp|lethargic|barely "
            r"(?:opens|wakes|responds|moves)|wont wake|not responding|unresponsive|wont open)\b)",
            r"\basthma\b.{0,60}\b(?:cant|wont|not|worse|bad|blue|inhaler)|lips (?:are |look |turning )?(?:blue|purple|grey)|"
            r"struggling to breathe|gasping",
            r"shaking all over|foam(?:ing)? at (?:the|his|her) mouth|convuls\w*|eyes rolled back",
            r"\bface\b.{0,20}\bdroop\w*|droop\w* (?:face|mouth)|(?:cant|cannot|can t) (?:lift|raise|move) (?:his|her|their|my) "
            r"(?:left |right )?(?:arm|leg|hand)|(?:words|speech) (?:are |is )?(?:coming out )?(?:all )?(?:wrong|garbled|slurred)|"
            # Speech gone all of a sudden ("my grandma can't speak properly all of a sudden").
            r"^(?=.*\b(?:he|she|grandma|grandpa|grandmother|grandfather|dad|mom|mum|father|mother|husband|wife|"
            r"friend|partner)\b)(?=.*\b(?:cant|cannot|can t) (?:speak|talk)\b)(?=.*\b(?:suddenly|all of a sudden|out of nowhere)\b)",
            r"(?:swallowed|ate|drank) (?:a |an |some |the |his |her )?(?:\w+ )?(?:magnet|battery|button battery|coin|bleach|"
            r"detergent|chemical|poison|pesticide)",
            r"(?:chemical|fumes|bleach)\b.{0,50}\b(?:dizzy|faint|cant breathe|passed out|collapsed)",
            r"(?:fell|fallen|fall)\b.{0,60}\b(?:(?:not|isnt|is not) getting up|cant get up|wont get up|unable to get up)",
            r"(?:arm|hand|sleeve|leg|hair|fingers?) (?:got |is |was |has been )?(?:pulled|caught|stuck|trapped|dragged) in(?:to)? "
            r"(?:the |a )?(?:machine|roller|conveyor|press|mill|gears?)|(?:cant|cannot) get (?:him|her|them|his arm|her arm) out",
            r"boiling (?:oil|water) (?:went|spilled|splashed|poured)|skin (?:is )?(?:bubbling|peeling|blistering)",
            r"(?:legs?|arms?|body|he|she|someone)s? (?:is |are )?(?:under|beneath) (?:a |the )?(?:concrete|beam|rubble|wall|debris|car)",
            r"roof (?:is )?(?:coming off|ripped off|blown off|torn off)|ceiling (?:is )?(?:falling|collapsing|caving)",
            r"(?:s|is|are|was|got) pinned\b|(?:cant|cannot) feel (?:her|his|my|their) (?:legs|arms|body)|"
            r"(?:half |partly )?buried\b.{0,40}\b(?:people|someone|somebody|inside)|landslide (?:just )?(?:came down|hit|buried)",
            r"bitten by (?:a |an )?(?:\w+ ){0,3}snake|snake ?bite|bleeding so much|"
            r"(?:not|doesnt|dont|isnt) answer(?:ing)? when (?:i|we) call|stopped shivering|fell (?:onto|on) the (?:tracks|rails)",
        ),
        han=(
            r"昏倒|暈倒|倒下|倒在(?:路邊|地上)|叫不醒|昏迷|失去意識|沒有?意識|休克|抽搐",
            r"沒(?:有)?呼吸|不能呼吸|無法呼吸|呼吸困難",
            r"大量出血|流很多血|在流血|流血了|血流不止",
            r"心臟病發|心肌梗塞|中風了|骨折了|中毒了|胸口(?:很|好|超|一直|突然)?(?:痛|悶)|過敏性休克|"
            # Clutching the chest; a wheeze after eating (呼吸咻咻叫).
            r"(?:抓著|摀著|捂著)胸口|呼吸.{0,6}(?:咻咻|嘶嘶)|咻咻叫",
            r"溺水|落水|(?:被|讓)(?:海)?浪(?:捲|沖|打)走|捲走|沖走",
            r"受傷了|有人(?:受傷|流血|昏倒|倒下)|受重傷|重傷|撞到頭|頭(?:撞|磕|敲)到(?!.{0,8}(?:沒事|還好|不痛))",
            r"被(?:蛇|狗|虎頭蜂)(?:咬|叮)|中暑",
            r"(?:山上|山裡|步道)迷路|受困|被困|困在",
            r"快(?:點|幫我)?叫救護車|需要救護車|幫(?:我|忙)叫救護車",
            r"(?:躺|倒)在(?:地上|路上|路邊|路中間).{0,4}(?:不動|沒反應|沒有反應|沒意識)|(?:人|他|她|朋友|腳|手|身體|爸|媽|小孩)[^，。 ]{0,3}(?:動不了|不能動)|叫不醒|怎麼叫都(?:不|沒)|(?:摔|跌|掉)(?:下來|下去|倒|傷).{0,12}(?:動不了|流血|昏|不醒|撞到頭|頭)",
            r"(?:吞|吃)了.{0,6}(?:安眠藥|(?:整|一)(?:罐|瓶|盒|把).{0,3}(?:藥|藥丸|安眠藥))|被(?:人)?下藥",
            r"(?:人|他|她|朋友|小孩|孩子|小朋友|同學)[^，。 ]{0,4}掉(?:進|到|入)(?:河|溪|海|水|池)|被壓(?:在|住)|壓在下面",
            r"(?:突然|忽然)(?:講話|說話)不清楚|口齒不清|嘴(?:巴)?歪|(?:半邊|一邊|單邊)(?:手|腳|身體)?(?:沒力|無力|麻)",
            r"暈過去|昏過去|(?<!壓力)(?<!大到)(?<!累到)喘不(?:上|過)氣(?!來了吧)|臉(?:都)?腫|(?:滿臉|全身|頭上|臉上)(?:都)?是血|一直(?:在)?流血",
            r"吐血|咳血|(?<!針)見血|血流|(?:從|由)(?:鷹架|屋頂|樓梯|陽臺|窗戶|樹|懸崖|橋|樓)(?:上)?(?:掉|摔|跌|墜)(?:了)?下|墜落|墜樓",
            r"(?:小孩|孩子|女兒|兒子|寶寶|嬰兒|他|她|發燒|高燒).{0,6}(?:抽筋|抽搐)|痙攣|昏睡不醒|卡在(?:車(?!陣)|裡面|下面)|(?:被)?(?:蛇|狗|毒蛇|水母|蜂|虎頭蜂)(?:咬|螫|叮)(?:傷|到|了)",
            r"(?:蛇|蜂|水母|狗)(?:咬|螫|叮).{0,8}(?:腫|呼吸|流血|昏)|割腕|(?:山|步道|山上|山裡|古道).{0,4}迷路|迷路.{0,8}(?:天黑了|天快黑|天要黑|沒電|山上|山裡)",
            r"電線走火|走火了|觸電|(?:吃|吞)了?一大把(?:的)?藥|空藥(?:瓶|罐)|落石.{0,16}(?:擋住|困住|壓|砸|埋|卡住)|(?:被|遭)落石(?:砸|壓|擊)|(?:嚴重|大面積)(?:燙傷|燒傷)|羊水破|(?:老婆|太太|她)(?:現在)?(?:肚子痛)?(?:快|要)生了(?!.{0,6}(?:申請|依親|月))",
            r"(?:游泳|玩水|下水|衝浪).{0,10}(?:不見了|沒(?:有)?上來|沒(?:有)?浮上來|找不到(?:人|他|她))",
            # Signs that count together anywhere in the message, in any order: someone not
            # answering for long (獨居, 好幾天, 按電鈴沒回應), lost at dusk (迷路, 天快黑).
            r"^(?=.*(?:叫|敲門|按電鈴|按門鈴|喊|打電話))(?=.*(?:沒回應|沒有回應|沒反應|不應門|沒人應|沒人開))"
            r"(?=.*(?:好幾天|獨居|一個多小時|很久|一整天|兩天|三天|報紙))",
            r"^(?=.*迷路)(?=.*(?:天快黑|天黑了|天要黑|沒電|打不通|沒訊號))",
            r"^(?=.*(?:發燒|燒到|高燒|4\d度|39度))(?=.*(?:沒(?:什麼)?反應|軟趴趴|叫不醒|眼睛(?:都)?(?:不|睜不)|意識不清|昏睡))",
            r"氣喘發作|(?:一直|好|很)喘.{0,10}(?:講不出話|說不出話|嘴唇)|嘴唇(?:有點|發)?(?:紫|發紫|發黑)",
            r"全身(?:一直)?抽|口吐白沫|翻白眼",
            r"(?:吞|吃|喝)(?:了|下去|下)?.{0,6}(?:磁鐵|電池|硬幣|漂白水|清潔劑|農藥|洗衣精|洗衣球)|(?:磁鐵|電池|硬幣).{0,4}吞(?:下去|了)",
            r"(?:刺鼻|化學|藥品|打翻).{0,20}(?:頭暈|站不住|昏|想吐|呼吸)",
            r"止不住血|血止不住",
            r"噎(?:到|住)|(?:卡|哽)在喉嚨|眼睛.{0,10}(?:看不見|睜不開)|骨頭(?:都)?露出來|露出骨頭|倒地不起|"
            r"(?:車|人)(?:被)?(?:沖|衝|捲)進(?:河|溪|海)|走進海(?:裡|里)|往海(?:裡|里)走|水(?:已經)?到(?:他|她)?的?(?:腰|胸|脖子)|(?:前門|車門)打不開|一直想睡.{0,10}(?:發抖|冷)|"
            r"掉(?:下|進|到)(?:峽谷|山谷|懸崖|溪谷|谷底)|(?:摔|跌)下(?:峽谷|山谷|懸崖)|"
            r"掉(?:進|到|入).{0,4}(?:游泳池|泳池)|撈起來.{0,4}(?:沒反應|沒呼吸|不動)|車翻了|(?:很多|好多|多)人受傷|"
            r"(?:懷孕|孕婦).{0,12}(?:流血|出血|流好多血)|流好多血|電梯(?:卡|停|困)(?:在|住)|"
            r"(?:溪水|河水|溪|河)(?:一直|突然|越來越)?(?:漲|暴漲)|淹到(?:帳篷|車|膝蓋|腰)|"
            r"(?:飲料|酒|杯子)(?:裡|里|裏)(?:被)?(?:加|放|下)(?:了)?(?:東西|藥)|喝了(?:他|她|對方)給的.{0,8}(?:全身沒力|頭暈|想睡|昏)|(?:捲|卷|夾)進.{0,6}(?:機器|機|滾輪|輸送帶)|拔不出來|"
            r"(?:熱油|滾水|熱水|開水)(?:濺|潑|倒|灑)(?:到|在)|起(?:了)?(?:好大的|很大的)?水?泡|皮(?:膚)?(?:掉|脫)了|"
            r"(?:屋頂|鐵皮).{0,4}(?:掀掉|掀開|被吹走|飛走)|天花板.{0,4}(?:掉|塌)|牆壁?在裂|"
            r"煙.{0,6}(?:從門縫|跑進來|灌進來)|門把(?:好|很)?燙|酒(?:和|跟|配)(?:安眠藥|藥)|"
            r"說話含糊不清|(?:左|右)邊(?:的)?手腳(?:都)?沒(?:有)?力|^(?=.*血)(?=.*(?:止不住|停不下來|還在流|一直冒))|(?:被|讓)(?:海)?浪(?:捲|沖|打)(?:下去|下海|進海)|在水裡掙扎",
            # Heatstroke: dizzy or confused, and burning hot or no longer sweating.
            r"^(?=.*(?:頭暈|想吐|昏|講話怪|意識|站不穩))(?=.*(?:全身(?:很|好)?燙|不(?:再)?流汗|體溫(?:很|好|超)?高))",
            # Blood that will not stop, however it is said (噴血, 狂流血, 血一直流).
            r"(?:噴|冒|狂流|狂噴|滴|一直冒)血|血(?:一直|狂|不停)?(?:噴|湧)(?:出來)?|血(?:一直|不停)流|流了(?:很多|好多|一堆|一灘)血",
            # Cannot get up after a fall, a crash or a blow.
            r"(?:摔|跌|撞|倒|犁田|滑倒|打滑).{0,20}(?:站不起來|爬不起來|起不來|坐不起來)|(?:站不起來|爬不起來).{0,12}(?:流血|很痛|好痛|骨折|腫)",
        ),
        ja=(
            r"(?<!木が)(?<!木)(?<!きが )(?<!きが)(?<!電柱が)(?<!看板が)(?<!塀が)倒れ|意識が(?:ない|ありません)|息をしてい|呼吸が|血が(?:止まら|たくさん)|出血",
            r"手首(?:を)?(?:深く)?切|リストカット|(?:谷|崖|渓谷)(?:に|から|へ)(?:落ち|転落)|妊娠.{0,12}(?:出血|血が)|"
            r"エレベーター(?:に|が)(?:閉じ込め|止ま)|(?:道|路上|外)で(?:寝て|倒れて).{0,10}起きな|(?:川|水)が(?:急に)?増水|逃げられな",
            r"(?:けが人|怪我人)(?!は?(?:い|お)(?:ない|ません|りません))|救急車を",
            r"溺れ|波にさらわれ|熱中症|閉じ込められ|"
            # Someone swept away by the water (「一人が流されて、岩にしがみついてます」).
            r"(?:一人|人|子|子ども|子供|友達|友人|誰か|だれか|息子|娘)が(?:川に|沢に|海に|波に)?流され|岩にしがみつ",
            # Water coming up round the tents (「テントの近くまで川の水が上がってきた」).
            r"^(?!.*(?:きたら|れば|予定|来週))(?=.*テント)(?=.*水(?:位|かさ)?が.{0,4}(?:上がって|増えて)き)",
            r"胸が(?:苦し|痛|締め付け)|胸を(?:押さえ|抑え|かきむし)|冷や汗|顔(?:が)?真っ青|落石.{0,16}(?:埋ま|下敷き|挟ま|閉じ込め)|(?:車|人)が埋まって",
            r"息が(?:苦し|でき|吸え)|意識が(?:遠|もうろう|朦朧)|^(?=.*(?:熱|発熱|4\d度))(?=.*(?:ぐったり|目を開けな|反応がな|意識))|"
            r"喘息(?:の)?発作|ヒューヒュー|ゼーゼー|唇が(?:紫|青)|けいれん|痙攣|泡を吹|"
            r"(?:磁石|電池|ボタン電池|硬貨|洗剤|漂白剤)\s?(?:を)?\s?(?:飲み込|誤飲|飲んじゃ|食べちゃ)|誤飲|"
            r"ろれつが回らな|落石.{0,10}(?:直撃|当たっ)|運転手が出てこな|息(?:を)?して(?:い)?な|(?:高いところ|屋根|足場|階段|はしご)から落ち|"
            r"頭から血|同じことを何度も|ヘルメットが割れ|線路に落ち|ホームから落ち|機械に(?:巻き込|挟ま)|(?:油|熱湯|お湯)が(?:腕|手|顔|足)に(?:かか|こぼ)|皮(?:が)?むけ|水ぶくれ|"
            # Scalded: boiling water or oil over someone, skin coming off (「熱湯をかぶった 腕の皮が
            # めくれてる」).
            r"(?:熱湯|お湯|熱い油|油)を(?:頭から)?(?:かぶ|浴び)|皮(?:膚)?が(?:めくれ|はがれ|剥がれ)|"
            r"屋根が.{0,8}(?:はがれ|飛ば|剥が)|(?:お酒|酒)と(?:睡眠薬|薬)|揺すっても起きな|蛇に噛まれ|マムシ|(?:川|海)で.{0,6}流され|顔の(?:右|左)?(?:側|半分)?が(?:下が|垂れ|ゆが)|(?:右|左)?(?:手|腕|足)に力が入らな|(?:喉|のど)に(?:何か)?詰ま|"
            r"(?:薬品|刺激臭|塩素).{0,20}(?:めまい|倒れ|気分が悪)|^(?=.*(?:ふらふら|吐い|吐き|意識|めまい|ぐったり))"
            r"(?=.*(?:汗(?:が)?(?:止ま|出な|かいてな)|体(?:が|中)?(?:すごく|とても|めっちゃ)?熱))",
            # Verbs matched by their stem, whatever the form (止まらない, 止まりません).
            r"血が(?:噴き出|吹き出|どくどく|ドクドク|止ま(?:ら|り|っていない))",
            r"(?:下敷き|生き埋め|挟ま(?:っ|れ)て(?:い|動け|出られ)|閉じ込め)",
            r"(?:泳い|遊んで|海に入っ|川に入っ).{0,20}(?:見えな|見当たらな|上がってこな|戻ってこな|いなくな)",
            # The same families as the Chinese and English ones, in any order.
            r"^(?=.*(?:道に迷|遭難|迷って|道が(?:わから|分から)な))(?=.*(?:暗く|真っ暗|日が暮れ|下りてこられな|下山できな|電池が|電池(?:は)?あと))",
            r"(?:転倒|転んで|倒れて|横転).{0,20}(?:動かない|動けない|意識|起き上がれな|血)",
            r"^(?=.*(?:呼んでも|ノックしても|チャイム|インターホン|電話して?も))(?=.*(?:返事がな|応答がな|出てこな|反応がな))"
            r"(?=.*(?:何日|数日|一人暮らし|ずっと))",
            r"(?:転|落ち|ぶつか|事故).{0,20}(?:立てない|立ち上がれない|起き上がれない|動けない)",
        ),
        ko=(
            r"쓰러|의식(?:이)?\s?없|불러도\s?대답\s?(?:안|없)|(?:협곡|계곡|절벽|낭떠러지)(?:에서|으로|아래로)\s?(?:떨어|추락)|일행이\s?떨어졌|"
            r"임신.{0,12}(?:피가|출혈)|엘리베이터(?:에|가)\s?(?:갇혔|멈췄)|(?:강물|계곡물|물)이?\s?(?:갑자기\s?)?(?:불어|차\s?올라|차\s?오르)|"
            r"텐트까지\s?물|숨을\s?(?:안|못)|피가\s?(?:많이|멈추|안\s?멈|철철)|다치|다쳤|부상",
            # A cut wrist is an injury now, whoever made it (the suicide signs also read it).
            r"손목을\s?(?:그었|긋|그어|칼로)",
            r"구급차\s?(?:불러|좀)|물에\s?빠|파도에|열사병|갇혔",
            r"숨(?:을)?\s?(?:쉬기|쉬는\s?게)?\s?(?:힘들|어려|못\s?쉬)|(?:얼굴|입술|(?<![손발])목|혀)(?:이|가)?\s?(?:퉁퉁\s?|많이\s?)?(?:붓|부었|부어)",
            r"피가\s?(?:계속|막|콸콸|펑펑|줄줄)|피가\s?(?:너무\s?|정말\s?|엄청\s?)?(?:많이|안\s?멈)|안\s?멈춰",
            # A broken bone, as in English ("broke his leg") and Chinese (骨折了).
            r"(?:다리|발목|팔|뼈|갈비뼈)(?:가|이)?\s?부러(?:졌|진|지)|"
            r"갑자기.{0,8}말을?\s?(?:잘\s?)?못\s?하|(?:한쪽|오른쪽|왼쪽)\s?(?:팔|다리|손)(?:을|이|에)?\s?"
            r"(?:못\s?움직|힘이\s?없|마비)|천장이?\s?(?:떨어지|무너지|내려앉)|(?:건물|벽|집|지붕)이?\s?무너지",
            r"말(?:이)?\s?어눌|^(?=.*(?:열이|고열|4\d\s?도))(?=.*(?:축\s?늘어|처져|눈을\s?(?:잘\s?)?못\s?떠|반응이\s?없|의식))|"
            r"천식\s?발작|뛰어내렸는데\s?안\s?(?:올라|나와)|물에서\s?안\s?올라와|(?:버스|차|택시|자동차)(?:가|이)?.{0,16}(?:절벽|가드레일|낭떠러지).{0,10}(?:걸려|매달려)|(?:내려|세워)\s?달라고\s?해도\s?안\s?(?:세워|내려|멈춰)|"
            r"떨다가\s?(?:이제는?\s?)?안\s?떨|자꾸\s?졸려|말도\s?느려|치고\s?도망|길\s?위에\s?누워|기계에\s?(?:말려|끼|끼였)|(?:팔|손)이?\s?안\s?빠져|(?:기름|뜨거운\s?물)이?\s?(?:팔|손|얼굴|다리)에\s?(?:쏟아|튀)|"
            r"(?:데었|데어서|데였|화상을?\s?입었|뜨거운|끓는|기름이|불에\s?데)[^.?!]{0,24}물집(?![^.?!]{0,12}(?:나았|괜찮))|피부가\s?벗겨|지붕이?\s?(?:날아|뜯겨)|뱀(?:한테|에)\s?물렸|(?:물|강|계곡)에\s?휩쓸|불러도\s?(?:대답|반응)이?\s?없|머리에서\s?피|"
            r"술이랑\s?(?:수면제|약)|숨을?\s?(?:잘\s?)?못\s?쉬|목에\s?(?:뭐가\s?)?걸려|목에\s?걸렸|입술이?\s?(?:파래|보라)|쌕쌕|경련|거품을?\s?물|"
            r"(?:자석|건전지|배터리|동전|세제|락스)(?:을|를)?\s?(?:삼켰|먹었)|(?:화학|약품|락스).{0,20}(?:어지러|쓰러|숨)|"
            r"피가\s?뚝뚝|지혈이\s?안|(?:한쪽|반쪽)\s?(?:얼굴|팔|다리)(?:이|가)?\s?(?:처졌|마비|안\s?움직)|얼굴(?:이)?\s?처졌",
            # Someone under something fallen (깔렸, 깔려 계세요), not papers lying under a
            # blanket (「이불 밑에 깔려 있는 서류」).
            r"(?:사람|아이|애|할머니|할아버지|엄마|아빠|어머니|아버지|친구|동생|누나|형|언니|오빠|"
            r"남편|아내|가족|삼촌|이모|누가|분)(?:이|가|께서)?\s?(?:\S+\s?){0,2}깔(?:렸|려)|"
            r"^(?=.*(?:무너|붕괴|지진|사고))(?=.*깔(?:렸|려))|갇혀\s?있|매몰",
            r"^(?=.*(?:길\s?(?:을\s?)?잃|조난|헤매))(?=.*(?:어두워|해가?\s?(?:지|졌)|못\s?내려|배터리))",
            r"(?:넘어졌|넘어져|쓰러졌|전복).{0,20}(?:안\s?움직|못\s?움직|의식이|피가)",
            r"^(?=.*(?:불러도|두드려도|초인종|전화해도|전화를\s?해도))(?=.*(?:대답이\s?없|응답이\s?없|안\s?열|반응이\s?없))"
            r"(?=.*(?:며칠|하루\s?종일|혼자\s?사|계속))",
            r"(?:수영하다가|수영하던|물놀이하다가|바다에\s?들어간|물에\s?들어간).{0,12}(?:안\s?보여|보이지\s?않|사라졌|안\s?나와|안\s?올라와)",
            r"(?:넘어|떨어|부딪|사고).{0,20}(?:못\s?일어나|일어나지\s?못|일어날\s?수\s?없|못\s?움직|움직이지\s?못)",
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
            r"(?:dont|do not|cant|cannot) see (?:the|any) point (?:of|in) (?:anything|living|life|going on)",
            r"(?:want|wants|need) (?:it all|everything) to (?:stop|end)|no point (?:in )?(?:living|going on)",
            r"posted (?:a )?goodbye|(?:sent|wrote) (?:a )?goodbye (?:note|letter|post|message)(?! (?:to|for) (?:my )?host)",
            r"want(?:s)? to disappear(?! into| for| to)|(?:cant|cannot) go on(?! \w)|(?:cant|cannot) go on (?:like this|living)",
            r"(?:dont|doesnt|do not|does not) want to be (?:here|around|alive) (?:anymore|any more)|"
            r"^(?=.*\b(?:bridge|roof|rooftop|ledge|edge|cliff)\b)(?=.*\b(?:cant do this|cant take (?:it|this)|cant go on|"
            r"goodbye|end it|jump)\b)|"
            r"^(?=.*\b(?:thank(?:s| you) for everything|goodbye|dont worry about me(?: anymore)?)\b)(?=.*\b(?:not answering|"
            r"wont answer|doesnt answer|no reply|phone (?:is )?off|turned (?:her|his) phone off|not picking up|hasnt "
            r"replied|cant reach)\b)|"
            r"sorry for everything|(?:sleep|go to sleep) (?:forever|and never wake)|giving (?:away )?(?:his|her|my) (?:things|stuff) away",
        ),
        han=(
            r"想死|不想活|活不下去|輕生|想不開|尋短|割腕|跳樓|燒炭|自殘|傷害自己",
            r"(?:把)?藥(?:全部|都|一次)?(?:吃光|吞了|全吃了|全部吃了)|吞了一(?:整)?(?:罐|瓶|排)",
            r"(?:想|要|會|說要|打算|企圖|嘗試|試圖|考慮)(?:去)?自殺|自殺(?:的)?念頭",
            r"結束(?:自己的)?生命|結束自己|遺書|說要跳|要跳下去",
            r"活著(?:好|很|真|太)?(?:累|沒意思|沒意義)(?!.{0,3}(?:哈|笑|lol))|結束一切|不想(?:再)?醒來|(?:吞|吃)了?.{0,3}安眠藥",
            r"想消失(?!.{0,3}(?:一(?:個|天|下)|週末|幾天))|不想(?:再)?撐|撐不下去|不想(?:再)?活",
            # A farewell, then silence (「發了很像遺言的話 然後不讀不回」); a bridge or a roof and
            # not going on.
            r"^(?=.*(?:遺言|遺書|謝謝大家|謝謝你們|不用再擔心我|不用再為我擔心|永別|對不起大家))"
            r"(?=.*(?:不讀不回|已讀不回|沒回|不回|關機|聯絡不上|打不通|沒接|失聯|不接))",
            r"^(?=.*(?:橋上|頂樓|樓頂|天台|懸崖))(?=.*(?:撐不下去|受不了了|不想活|跳下去|活不下去|好累|再見))",
            r"(?:吃|吞)了?一大把(?:的)?藥",
            r"(?:家裡|大家)的?負擔|消失了?(?:大家|他們|家人)會(?:輕鬆|比較好|更好)|結束這一切",
        ),
        ja=(
            # …and in kana alone, as typed in distress without converting (しにたい).
            r"死にたい|消えたい|自殺|生きていたくない|命を絶|遺書|しにたい|きえたい|しんでしまいたい|いきていたくない",
            # Harm to oneself, and an overdose told by the one who took it or by a friend
            # (「薬を全部飲んだ」ってLINEが来て).
            r"自分を傷つけ|自傷|リスカ|(?:薬|睡眠薬|錠剤)を(?:全部|ぜんぶ|大量に|たくさん|まとめて)飲(?:んだ|みました)|"
            r"オーバードーズ|(?<![a-z])od(?:した|しちゃ)",
            r"^(?=.*(?:今までありがとう|さようなら|さよなら|もう心配しないで|遺書))(?=.*(?:既読(?:が)?つかな|電話(?:にも)?出な|"
            r"連絡(?:が)?(?:つかな|取れな)|返事がな))",
            r"^(?=.*(?:橋の上|屋上|崖))(?=.*(?:もう無理|耐えられな|飛び降り|終わりにしたい|限界))",
            r"目が覚めなければ|目覚めなければ|起きなければいい|ベランダ(?:に|で)立っ",
            r"ごめんね、?もう無理|(?:手紙|メモ|置き手紙).{0,30}(?:どこにもいな|電話(?:も)?つながらな)",
            # Of one's life, not of a task: 「仕事を全部終わりにしたい」 has an object of its own.
            r"(?<![をがの])(?:全部|すべて|何もかも)終わりにしたい|人生(?:を)?終わりにしたい|"
            r"生きる意味(?:が|も)?(?:ない|無い|わからない)",
        ),
        ko=(
            r"죽고\s?싶|자살|살고\s?싶지\s?않|극단적\s?선택|자해|유서",
            # Thought of as a plan, or wished as vanishing (「죽어버릴까 생각 중이에요」,
            # 「그냥 사라지고 싶어요」).
            # Not a phone or a plant feared dying (「배터리가 죽어버릴까 봐」), nor hunger (「배고파
            # 죽을까 생각함ㅋㅋ」).
            # 「죽어버릴까 봐요」 is the thought itself; 봐 then worry or fear is a thing feared dying.
            r"^(?!.*(?:배터리|폰이|핸드폰|휴대폰|시동|엔진|식물|화분|꽃이|모기)).*죽어\s?버릴까(?!\s?봐\s?(?:걱정|무서|겁|불안|두려))|"
            r"죽어\s?버리고\s?싶|죽어\s?버릴래|(?<!배고파 )(?<!배고파)죽을까\s?(?:생각|고민)|"
            r"죽어야겠|사라지고\s?싶(?:어|다|네|은)|없어지고\s?싶(?:어|다|네|은)|그만\s?살고\s?싶|"
            r"죽는\s?게\s?(?:나을|낫겠)",
            r"(?:제|내|저|나)\s?자신을\s?(?:해치|해칠|다치게)|스스로를?\s?(?:해치|해칠|다치게)|"
            r"약을\s?(?:다|전부|한꺼번에|많이)\s?(?:먹었|삼켰)|과다\s?복용",
            r"안\s?깨어났으면|깨어나지\s?않았으면|수면제(?:를)?\s?(?:다|전부|많이|한꺼번에)\s?먹었",
            r"눈\s?안\s?떴으면|눈을?\s?뜨지\s?않았으면|오늘\s?밤이\s?마지막",
            r"더는\s?못\s?버티겠|(?:쪽지|편지|메모).{0,30}(?:전화(?:도)?\s?안\s?받|방에\s?없)",
            r"^(?=.*(?:그동안\s?고마웠|고마웠어|잘\s?있어|걱정\s?하지\s?마|유서))(?=.*(?:연락이\s?안|연락\s?안|전화(?:를)?\s?안\s?받|안\s?나와|문(?:을)?\s?잠그|"
            r"답이\s?없|안\s?읽))",
            r"^(?=.*(?:다리\s?위|옥상|난간))(?=.*(?:못\s?버티|더는|뛰어내|끝내고))",
            # "End it all" is said of one's life, not of homework: 「다 끝내고 싶다는 생각」,
            # 「인생을 끝내고 싶어」; 「숙제 다 끝내고 싶어」 has an object of its own.
            r"(?:인생|삶|목숨|모든\s?(?:걸|것))[을를]?\s?(?:다\s?)?끝내|끝내고\s?싶다는\s?생각|"
            r"사라지고\s?싶|살기\s?싫|(?:더\s?(?:이상\s?)?)?살\s?(?:이유|자신)[가이]?\s?없|"
            # …and "all of it" with nothing named before it (「그냥 다 끝내고 싶어 오늘 밤에」).
            r"^(?:그냥\s?|이제\s?|진짜\s?|정말\s?)*다\s?끝내고\s?싶",
        ),
    ),
    Situation.ABUSE: _Signs(
        en=(
            rf"{_PARTNER}s? (?:\w+ )?(?:hits|hit|beats|beat|kicks|kicked|chokes|choked|slaps|"
            r"slapped|punches|punched|hurts|abuses|abused|threatens|threatened|locks|locked) "
            r"(?:me|her|him|us|them|my)",
            r"(?:being|been|was|is|are) (?:abused|beaten)",
            r"no (?:give|gave) me (?:food|eat|to eat)|(?:dont|doesnt|wont|not) (?:give|let) me (?:eat|food|any food)",
            r"(?:is|are|keeps|started) (?:\w+ (?:and )?){0,3}(?:hitting|beating|kicking|choking|"
            r"slapping) (?:his|her|my|their) (?:wife|husband|partner|girlfriend|boyfriend|mom|"
            r"mother|dad|father|kids?|children|son|daughter|sister|brother)",
            rf"{_PARTNER}s? (?:\w+ )?(?:threw|throws) (?:\w+ ){{0,2}}at (?:me|her|him|us)",
            r"domestic (?:abuse|violence) (?:at|in|from)",
            r"(?:sexually )?assaulted|raped|molested",
            r"(?:wont|doesnt) let (?:me|her|him) (?:leave|go out)",
            r"(?:kid|child|boy|girl|children) (?:next door |upstairs |downstairs )?(?:has|have|with) "
            r"bruises",
            r"(?:next door|upstairs|downstairs|neighbou?rs?)\b.{0,40}\b(?:screaming|smashing|"
            r"throwing things|things (?:breaking|being thrown))|(?:screaming|smashing things)\b.{0,30}"
            r"\b(?:next door|upstairs|downstairs)",
        ),
        han=(
            # 打 as beating, not 打噴嚏 (sneezing), 打電話, 打工, 打球 and the like.
            r"(?:被|遭|一直|常常|又)(?:家暴|打(?!噴嚏|電話|工|球|字|折|卡|針|給|算|開|掃|包|招呼|擾|聽|不通|來)|虐待|性侵|施暴)",
            r"打(?:我|她|他)(?!的?(?:電話|手機))|動手打|施暴|虐待(?:我|她|他|小孩|孩子)|性侵",
            r"不讓(?:我|她|他)出門|把(?:我|她|他)關|被(?:僱主|老闆|先生|老公|男友|男朋友|丈夫|爸爸|媽媽|家人|前夫|室友|同居人)打",
            r"(?:又|對我|跟我)動手|動手了",
            r"被.{0,6}(?:家暴|虐待)|家暴我|打小孩|虐童",
            r"(?:在|一直|又|正在)打(?:媽媽|爸爸|老婆|太太|妻子|女友|女朋友|男友|阿姨|奶奶|爺爺)",
            r"(?:小孩|孩子|小朋友).{0,8}(?:瘀青|被打|哭喊)|強暴|強姦",
            # Violence overheard next door: screaming, things thrown, someone beaten.
            r"(?:隔壁|樓上|樓下|鄰居|對面).{0,12}(?:尖叫|摔東西|砸東西|丟東西|打人|打老婆|打小孩|哭喊|慘叫)",
        ),
        ja=(
            # 「ホームステイ先のお父さんに叩かれてます」: the hitter is who the visitor lives with;
            # blows suffered, not 叩き起こされ (woken roughly) nor 暴力的なゲーム.
            r"(?:夫|彼氏|恋人|親|父|母|兄|姉|ホスト(?:ファミリー|マザー|ファーザー|の(?:お)?(?:父|母|兄|姉))?|ルームメイト|"
            r"ルームメート|同居人|シェアハウスの人|寮の人|大家)"
            r"(?:さん|ちゃん|親)?(?:から|に)(?:毎日|いつも|また|何度も)?(?:殴られ|叩かれ|蹴られ|暴力を?(?:振る|ふる|受け)|首を?絞められ(?:た|て|まし|そうに)|ビンタされ)|"
            r"(?:夫|彼氏|同居人|ルームメイト|ルームメート|ホスト\S{0,6}?)が\S{0,6}?(?:叩いて|殴って|蹴って)(?:くる|きます|きて)|首を?絞められ(?:た|て|まし|そうに)",
            # Someone beating someone, told as it happens (「お父さんがお母さんを殴っていて」).
            r"(?:人|私|僕|母|父|妻|夫|奥|旦那|嫁|娘|息子|子|子供|赤ちゃん|彼女|彼|お母さん|お父さん|ママ|パパ|"
            r"友達|妹|弟|姉|兄|誰か)(?:さん|ちゃん)?を(?:殴って|殴った|殴りつけ|蹴って|蹴った|叩いて|叩いた)",
            r"(?:隣|上の階|下の階|上の部屋|下の部屋).{0,16}(?:悲鳴|叫び声|泣き叫ぶ|怒鳴り声|ドンドン|物が壊れる|物を投げ|殴る音|殴られ)",
            r"(?<![a-z])dv(?![a-z])|虐待され|暴力を(?:受け|振る)",
        ),
        ko=(
            r"(?:남편|남친|남자친구|아빠|엄마|부모)(?:이|가|한테|에게)\s?(?:또\s?|계속\s?|자꾸\s?)?(?:저를\s?|나를\s?|절\s?|날\s?)?(?:때리|때려|때렸|맞)|"
            # Whoever the visitor lives with hitting them (「룸메가 또 때렸어요」「집주인한테 맞았어요」)
            # — after 이/가, 맞 is "right" (「집주인이 맞다고 하면」), so only 때리 there.
            r"(?:룸메이트|룸메|호스트|집주인|숙소\s?주인|셰어하우스\s?사람|하우스메이트)(?:이|가).{0,12}?(?:때리|때려|때렸)|"
            r"(?:룸메이트|룸메|호스트|집주인|숙소\s?주인)(?:한테|에게)\s?(?:또\s?|계속\s?)?(?:맞았|맞고|맞아서)|목을?\s?(?:졸랐|졸라서|졸라요)|"
            r"가정\s?폭력을|학대",
            r"(?:남편|남자\s?친구|남친|아내|아빠|아버지)(?:이|가)?.{0,20}(?:때리려|때려요|때리고\s?있|물건(?:을)?\s?(?:던지|부수))",
            r"(?:(?:옆|윗|아랫|위|아래)\s?(?:집|방|층|호실)|이웃).{0,16}(?:비명|물건\s?(?:던지|부수|깨지)|때리는\s?소리|맞는\s?소리)",
            r"때리는\s?소리.{0,16}비명|비명.{0,16}때리는\s?소리",
            r"(?:주인|사장|고용주|아저씨|아줌마)(?:한테|에게)\s?맞|맞고\s?있어요|(?:애|아이|애기)를\s?(?:계속\s?)?때려|살려\s?달라고\s?울",
        ),
    ),
    Situation.CRIME: _Signs(
        en=(
            r"robbed|mugged|burglar|broke into|breaking into|break in",
            r"being (?:followed|stalked|harassed|threatened)|stalker",
            r"(?:someone|somebody|a man|a guy|a woman|a stranger|strangers|he|they|this guy|"
            r"people|men) (?:\w+ ){0,2}(?:follows|following|followed|stalking|harass(?:es|ing)|"
            r"threaten(?:s|ing)) "
            r"(?:me|us|her|him)",
            # Following or harassing is a sign; calling or messaging only when it frightens ("my
            # boss keeps calling me" about a work permit is not one).
            r"(?:keeps|kept) (?:following|harassing)|(?:keeps|kept) (?:messaging|calling|texting)\b"
            r".{0,40}\b(?:scared|afraid|frightened|threat\w*|blocked|wont stop|even after)\b",
            r"(?:has|with|pulled) a (?:knife|gun)|at (?:knife|gun) ?point",
            r"attacked|assaulted|punched|beaten up",
            r"(?:find|found|knows?) (?:out )?where (?:i|we|she|he) (?:live|lives|stay)",
            r"(?:someone|a man|a guy|they) (?:is |are )?(?:trying to get in|outside my door)",
            r"fight (?:outside|in front|on the street)",
            r"(?:someone|somebody|a man|a guy|a stranger|there is (?:a man|someone|somebody)) (?:is )?(?:inside|in) "
            r"(?:my|our|the) (?:room|house|flat|apartment|dorm)|(?:going|went) through my (?:bag|drawers|stuff|things)",
            r"(?:kicking|banging on|pounding on|trying to break|trying to kick) (?:in )?(?:my|our|the) door",
            r"(?:has |have |had )?(?:followed|been following) (?:me|us|her) (?:from|for|all the way|since)|"
            r"(?:standing|waiting|watching|lurking) outside (?:my|our) (?:building|door|window|room|house|dorm|flat)",
            r"groped|grabbed me|touched me|flash(?:ed|er|ing)|upskirt|peeping tom|filming me",
            r"pulled (?:his )?(?:pants|trousers) down|exposed himself|(?:hes|shes|theyre) (?:still )?following (?:me|us|her)",
            r"(?:padlocked|locked) (?:me|us) in|(?:padlocked|locked) the (?:gate|door)\b.{0,60}\b(?:until|wont let|cant leave|dont leave)",
            # Unwanted touching, told as it goes on ("keep touching my leg", "rubbing against
            # me"), and a follower in learners' English ("he follow me").
            r"(?:keeps?|kept|is|was|started|wont stop|wouldnt stop) (?:touching|rubbing|groping|"
            r"grabbing|feeling|pressing)(?: (?:up )?against)? (?:me|my|her)\b",
            r"(?:he|she|the man|a man|the guy|a guy|that man|this man|that guy|this guy|a stranger)"
            r" (?:still |also |even |just |again )?follow (?:me|us|her)\b",
            r"(?:sexually )?harassed",
            r"threatening (?:messages|me|to)|threaten(?:s|ed)? to (?:post|leak|share|kill|hurt)",
            r"blackmail\w*|sextortion",
            r"(?:send|post|share|leak|show)\w* (?:my |her |his |our )?(?:nudes|naked (?:photos|pictures|pics|videos)|"
            r"intimate (?:photos|pictures|videos)|sex video)",
            r"(?:recorded|filmed|screenshot\w*) (?:me|us|our)\b.{0,80}\b(?:send|post|share|leak|show)",
            r"^(?=.*\b(?:driver|taxi|uber|cab)\b)(?=.*\b(?:wont let me (?:out|off)|locked the doors|(?:driving|drove|going|heading)"
            r" (?:\w+ )?(?:into|towards?) the mountains?|asked (?:me )?if i (?:am|was|m) alone|off (?:the )?route)\b)",
            r"(?:with|has|holding|waving|pulled out) a (?:\w+ )?(?:knife|gun|machete|bat|broken bottle|weapon)",
            r"(?:someone|somebody|a man|a guy|a stranger|strangers|he|they)(?: \w+){0,6}? (?:is |are |keeps |kept )?"
            r"(?:trying|tried|rattling|jiggling) (?:to open )?(?:the|my|our) (?:door|doors|handle|door handle|window|lock|latch)",
            r"(?:men|guys|people|drunks?) (?:are|were) fighting|(?:someone|somebody|a man|a guy|he|they|people|a stranger) (?:is |are |was |were )?(?:trying|tried) to "
            r"(?:open|break|get (?:in|into)) (?:our|my|the) "
            r"(?:door|window|room)",
            r"(?:someone|somebody|a man|a guy|he|they) (?:grabbed|snatched|stole) (?:my|her|his|our) (?:bag|purse|phone|wallet)|(?:grabbed|pushed) (?:me|her|him|my friend) (?:into|and)",
            r"pushed (?:me|her|him) (?:down|over)",
            r"(?:is|are|keeps|started) (?:hitting|beating|kicking|attacking|stabbing|choking) "
            r"(?:a (?:man|woman|girl|boy|child|kid|person)|an old|my|his|her|someone|somebody|me|him|them|us)\b",
            r"(?:post|share|leak|send) (?:my|her|his) (?:photos|pictures|pics|videos) unless",
            r"(?:keeps|kept) (?:coming|walking) into (?:my|her|our) room",
            r"(?:smashed|broke|broken) (?:my|our|the) (?:car )?(?:window|windows|door|lock)",
            r"(?:throwing|threw) (?:\w+ )?at (?:people|us|me|someone)",
            r"(?:followed|following) (?:me|her) (?:home|back (?:home|to (?:my|the) (?:room|hotel|dorm)))",
        ),
        han=(
            # A stranger trying the door of the visitor's room (「有陌生男人一直想開我房間的門」).
            r"(?:陌生|不認識的)(?:男人|男的|人|女人|女的).{0,10}(?:想|一直|要|在)(?:開|開啟|撬|撞|轉)(?:開)?.{0,8}門",
            r"被搶|搶劫|搶走|搶了(?:我|他|她)|闖進|闖入|小偷(?:在|進)|拿刀|持刀|有槍|有人打人|被打了",
            r"被跟蹤|跟蹤我|一直跟著我|(?:找到|知道)我(?:住|家)|一路(?:跟|尾隨)|尾隨我|跟著我(?:到|回)",
            r"一直騷擾|騷擾我|被騷擾|性騷擾我|被性騷擾",
            r"恐嚇|威脅我|威脅要|勒索",
            r"小偷.{0,4}還在|闖空門|(?:對我)?脫褲子|露(?:出)?下體|暴露狂|(?:一直)?跟在我後面|(?:拉|開)我的?車門|拍(?:我的)?車窗|"
            r"(?:鎖在|關在).{0,6}(?:工廠|房間|裡面|屋裡).{0,10}(?:不讓|不準|出不去)|不讓(?:我|我們)(?:走|離開|出去)|有人在我(?:的)?(?:房間|家|宿舍|屋裡)|(?:翻|偷翻)(?:我的)?(?:抽屜|包包|東西).{0,10}(?:不敢|假裝|好怕)|"
            r"有(?:陌生)?人(?:闖|跑)進(?:來|我)|(?:截圖|錄影|錄下|錄了).{0,20}(?:發給|傳給|寄給|公開)|撬(?:我|開)?.{0,4}門|(?:一直)?轉門把|(?:躲|藏)在(?:廁所|房間|衣櫃|浴室|床底).{0,8}(?:不敢|好怕|很怕)|"
            r"(?:砸|踹|撞|踢)(?:我的?|我們的?)?門|(?:說|喊)要進來|不(?:給|匯|付|轉)(?:他|她|我)?(?:轉|匯)?錢就(?:發|po|公開|寄|傳|散佈|把)|"
            r"(?:洗澡|偷拍)的?(?:影片|視頻|照片)|^(?=.*(?:裸照|私密照|性愛影片|不雅(?:照|影片)))(?=.*(?:寄|發|傳|公開|散佈|po|流出|匯|錢))",
            r"^(?=.*(?:司機|運將|駕駛))(?=.*(?:往山裡|山裡開|不讓我下車|不停車|是不是一個人|一個人嗎))",
            r"被摸|摸我|偷拍|偷看我|露鳥|襲胸",
            # Pressed against or rubbed on a train or bus, and followed when the visitor moved
            # away (「換了車廂他也跟過來了」).
            r"(?:貼|靠|擠)(?:著|在)?我(?:身上)?.{0,2}(?:蹭|磨)|一直(?:蹭|貼)我|蹭我|鹹豬手|色狼",
            r"(?:換|躲|走)(?:了|到)?.{0,6}(?:車廂|位子|座位|位置|地方).{0,10}(?:跟(?:過來|上來|著我)|也跟)|"
            r"(?:他|那個人|那個男的|男的|那男的)(?:也|又|還|一直)?跟(?:過來|上來)了",
            # Followed home, a stranger waiting below the window (「從學校跟我跟到租屋處 現在又站在樓下」).
            r"跟我跟到|一路跟到|跟到(?:我)?(?:家|宿舍|租屋處|住處|住的地方)|"
            r"(?:男的|陌生人|那個人|怪人|一個男|有人).{0,24}(?:站在|守在|躲在|徘徊在|一直在)(?:我家)?(?:樓下|門口|窗外)",
            r"(?:一直|偷偷|有人|陌生人|男的)(?:在)?跟著我|(?:每天|一直|天天)(?:在)?.{0,8}(?:外面|門口|樓下)等我|拿(?:著)?(?:刀|棍|槍|酒瓶)|被人打|打架(?!鼓)",
            r"殺人(?!遊戲)|砍(?:人|傷|我)|被.{0,6}摸|摸(?:我|屁股|胸)|砸(?:破|爛|車|東西)|打破.{0,3}(?:車窗|窗)",
        ),
        ja=(
            r"(?:つけ|付きまと)られ|ついて(?:こ|き)られ|後をつけ|ストーカー|脅(?:し|さ)|強盗|襲われ|"
            r"殴られ|ひったくり|痴漢|盗撮|"
            # Chased now by someone (「いま 追いかけられてる たすけて」), not a monkey, a dream or a
            # game of tag watched (「猿に追いかけられてる人を見た」「追いかけられてる夢」).
            r"(?:知らない人|変な人|男|誰か|だれか|いま|今)(?:に|が|から)?\s?.{0,6}?追いかけられ(?:てる|ている|てます)"
            r"(?![^。！!？?]{0,8}(?:夢|ゆめ|気分|のを見|を見|笑|ｗ))",
            # The police called for, as the whole message (「けいさつよんで」, read 警察よんで).
            r"^警察(?:を)?(?:呼んで|よんで)(?:ください|下さい)?$",
            # The police wanted after a theft (「財布すられた！警察よびたいです」).
            # …a theft of now, not yesterday's (「昨日財布を盗まれたので警察に通報したい」).
            r"^(?!.*(?:昨日|きのう|先週|先月|この前|おととい)).*?"
            r"(?:盗まれ|すられ|スリに|取られ|とられ).{0,12}(?:警察|110番?)(?:を|に)?"
            r"(?:呼びたい|よびたい|(?:呼|よ)んで(?:ください|下さい|ほしい|欲しい|[!！]|$)|通報したい|したい|"
            r"どうやって呼ぶ)",
            r"ひったくられ|突き飛ばされ|(?:裸の?|恥ずかしい)(?:写真|画像|動画).{0,20}(?:ばらま|送る|晒|拡散|流す)",
            r"^(?=.*(?:運転手|タクシー))(?=.*(?:山の方|山奥|人気のない|降ろしてくれな|一人かどうか|一人ですか))",
            r"(?:体|足|脚|太もも|お尻|胸)を?(?:ずっと)?(?:触|さわ)(?:られ|って(?:くる|き))|ずっと(?:触|さわ)って(?:くる|き)",
            r"(?:今|さっき|たった今).{0,10}(?:盗まれ|すられ|スリに)|犯人が(?:まだ|近く)",
            r"喧嘩(?:して|になって|が起き)|けんか(?:して|になって)|(?:ナイフ|刃物|包丁)(?:を)?(?:持|振り回)|暴れて(?:る|いる)",
            r"ドア(?:を)?ガチャガチャ|ドアノブ(?:を)?(?:回|ガチャ)|鍵を(?:開けよう|こじ開け)",
            r"(?:部屋|家)(?:の中)?に(?:誰か|知らない(?:人|男|女)|男|人)が(?:いる|いま|いた)|(?:知らない(?:人|男|女)|誰か)が(?:部屋|家)(?:の中)?に(?:いる|いま|いた)|(?:カバン|かばん|引き出し)を(?:あさ|漁)|ドア(?:を)?(?:ずっと)?(?:蹴|叩き続|ドンドン)|開けろ(?:って|と)",
            r"(?:検察|警察|銀行|裁判所)を?名乗る.{0,40}(?:送金|振り込|atm)",
            r"下半身を出|露出狂|ついてくる|車のドアを.{0,6}(?:引っ張|開けよう)|窓(?:を)?(?:叩|たたい)|外から鍵|"
            r"(?:鍵をかけられ|閉じ込められ).{0,10}出られな",
        ),
        ko=(
            r"따라와|따라오|스토킹|협박|강도|폭행|괴롭|위협|성추행|몰카",
            r"(?:제|내|저의)\s?(?:다리|몸|허벅지|엉덩이|가슴)(?:을|를)?\s?(?:계속\s?)?(?:만지|더듬|만져)|계속\s?(?:만져|만지|더듬)",
            # A theft just now, the thief still near.
            r"날치기|가방(?:을)?\s?(?:낚아채|뺏)|소매치기\s?(?:당했|당했어|당했습니다|당함)|(?:방금|지금|막).{0,10}(?:훔쳐\s?갔|도둑맞|털렸)|(?:훔쳐\s?갔|도둑맞|털렸).{0,10}(?:방금|지금\s?막)|범인이\s?(?:아직|지금)",
            r"싸움이?\s?(?:났|붙)|싸우고\s?있|칼(?:을)?\s?(?:들고|휘두)|흉기",
            r"싸우는데|칼(?:을)?\s?(?:꺼냈|꺼내)|바지를?\s?내리|차\s?문\s?(?:손잡이를?\s?)?(?:당기|열려)|창문을?\s?두드려|"
            r"(?:가둬|가뒀|갇혀|문을\s?잠가).{0,10}(?:못\s?나가|안\s?보내)|방에\s?(?:누가|누군가|모르는\s?사람)\s?있|(?:가방|서랍)(?:을|를)?\s?뒤지|문(?:을)?\s?(?:계속\s?)?(?:발로\s?)?(?:차요|차고|부수|부서질)|열라고\s?(?:소리|해)|손잡이(?:를)?\s?(?:돌려|돌리|흔들)|문(?:을)?\s?(?:열려고|따려고)",
            r"(?:자꾸|계속)\s?(?:제\s?|내\s?)?(?:몸|다리|허벅지|엉덩이|가슴)(?:을|를)?\s?(?:만져|만지|더듬)|몸캠|"
            r"(?:사진|영상)(?:을)?\s?(?:뿌리|뿌린|뿌릴|유포|퍼뜨리)|돈\s?안\s?보내면.{0,20}(?:뿌린|뿌릴|유포|퍼뜨)",
            r"^(?=.*(?:기사|택시))(?=.*(?:산\s?쪽|산으로|내려\s?주지\s?않|혼자냐|혼자예요|이상한\s?길))",
        ),
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
            r"hit and run|(?:hit|knocked down) (?:me|us|him|her) and (?:the driver )?(?:drove|ran) off",
            r"(?:a |the )?(?:car|scooter|truck|bus|taxi|van|motorbike) hit (?:me|us|him|her|my)",
            r"(?:bus|car|scooter|truck|taxi|van) (?:just )?(?:crashed|overturned|rolled over|flipped)",
            r"crashed into (?:a |the )?(?:wall|pole|tree|guardrail|barrier|railing|ditch)",
        ),
        han=(
            r"車禍|撞車|擦撞|追撞|追尾|對撞|被撞|被.{1,3}撞(?:飛|倒|到|傷)|撞(?:飛|倒)了?人|撞人的?車|自摔|犁田|(?:機車|摩托車|車子|輪胎)打滑|撞到(?:人|車|機車|卡車|汽車|貨車)|翻車|翻覆|(?:機車|摩托車|汽車|車子|兩臺車|兩輛車).{0,3}撞了|自撞|摔車|出事故|肇逃|滑倒.{0,6}(?:流血|受傷|骨折|動不了|起不來)|撞(?:到|上)(?:護欄|電線桿|樹|牆|分隔島)",
        ),
        ja=(r"事故|追突|ぶつけ(?:られ|た)|はねられ|横転|負傷者",),
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
            r"^(?=.*\bwithdraw\w*)(?=.*\b(?:tax|taxes|fee|fees|deposit|pay (?:first|more|before))\b)",
            r"(?:asked|asking|want(?:s|ed)?) (?:me )?(?:for|to give|to send|to read out) (?:my )?"
            r"(?:otp|verification code|bank password|pin)",
            r"(?:send|mail) (?:them |him |her )?my (?:atm|bank) card|bank ?book",
            r"(?:paid|sent (?:the )?money|transferred)\b.{0,100}(?:seller|shop|they|he|she) (?:then |just |now |has |have )?(?:blocked|ghosted|disappeared)",
            r"(?:account|card) (?:is |was |has been )?(?:frozen|suspended).{0,40}(?:move|transfer|send)",
            r"(?:pretending|pretended|claiming|claimed) to be my (?:son|daughter|grandson|friend|boss)",
            r"(?:gave|told|sent) (?:them|him|her) (?:my )?(?:otp|verification code|code|password|pin)",
            r"^(?=.*\b(?:police|prosecutors?|officers?|bank|court|immigration|customs)\b)(?=.*\b(?:atm|transfer|"
            r"wire|send money|account)\b)(?=.*\b(?:now|right now|immediately|on the phone|on the line|still talking)\b)",
        ),
        han=(
            r"被騙|被詐騙|遇到詐騙|是不是詐騙|疑似詐騙|好像(?:是|被)?詐騙|可能(?:是|被)詐騙",
            r"(?:解除|取消)(?:分期|扣款|訂單)|atm操作|(?:叫|要)我(?:去)?atm",
            r"假(?:檢察官|警察|客服|健保)|(?:冒充|假冒|自稱是?)(?:警察|檢察官|法院|健保|銀行|海關|郵局|客服)",
            r"投資群組|老師帶單|保證獲利|穩賺不賠|無法出金|出不了金",
            r"^(?=.*(?:出金|提領|領出|取出))(?=.*(?:稅|保證金|手續費|解凍金|先繳|先付|先匯))",
            r"(?:轉帳|匯款|atm|操作)(?:來|去)?(?:取消|解除)|誤(?:開|設|升級)(?:了)?(?:會員|vip|分期|訂閱)",
            r"^(?=.*(?:檢察官|法院|地檢署|公安|健保局))(?=.*(?:領錢|提款|交給|匯款|轉帳|監管|安全帳戶))|不能(?:跟|和|告訴)任何人",
            r"安全帳戶|監管帳戶|遊戲點數|猜猜我是誰|寄(?:出)?(?:提款卡|存摺)",
            r"(?:匯|轉|付)了.{0,8}(?:錢|元|塊|萬)",
            r"(?:付|匯|轉)了?(?:錢|款).{0,8}(?:封鎖|不見|失聯|不回)|(?:投資|平臺|群組).{0,12}(?:錢|金)取不出來|監管帳戶|涉嫌洗錢",
            r"(?:說|自稱)(?:是|他是)?(?:公安|警察|檢察官|健保局|銀行).{0,12}(?:轉帳|匯款|atm|帳戶)",
            r"刷單.{0,8}(?:墊付|任務|返利|匯)|(?:付|匯|轉|墊付)(?:了)?.{0,12}(?:聯繫|聯絡)不上|(?:冒充|假冒).{0,6}(?:提供|給|要).{0,4}驗證碼|(?:給|提供)了.{0,4}驗證碼",
        ),
        ja=(
            r"詐欺(?:に|かも|でしょうか|だと)|騙され|振り込んで|振り込め|オレオレ|架空請求|出金でき",
            r"(?:届かず|届かない).*連絡が取れ",
            r"^(?=.*atm)(?=.*(?:解除|操作|振り込|指示))(?=.*(?:電話|今))|出金.{0,12}(?:税金|手数料|保証金)",
            r"振り込んだ.{0,20}(?:ブロック|連絡(?:が)?取れな|返事がな)",
        ),
        ko=(
            r"사기(?:를|당|인|같)|잠수|돈(?:을)?\s?(?:보냈|송금)|보이스\s?피싱|출금이\s?안",
            r"안전\s?계좌|(?:검찰|금감원|경찰)(?:청)?(?:이라|에서|이래).{0,30}(?:계좌|돈|송금|옮기)|"
            # Someone claiming to be the bank, asking for a password now (「은행 직원이라는
            # 사람이랑 통화중인데 비밀번호 불러달래요」), not the visitor asking what to do if so.
            r"은행\s?(?:직원)?(?:이라는|이라고\s?하는)\s?사람.{0,30}(?:비밀번호|인증\s?번호|송금)"
            r"(?![^.?!]{0,12}(?:보면|오면|하면|어떻게))|"
            r"출금(?:하려면|하려고|을\s?하려면).{0,20}(?:세금|수수료|보증금)",
            r"^(?=.*atm)(?=.*(?:취소|해지|시키는\s?대로|하라고))",
            r"송금했는데.{0,20}(?:차단|잠수|연락이\s?안|답이\s?없)",
        ),
    ),
    #: A cry for help and nothing else ("help!!", 「救命啊」) is an emergency whose kind is
    #: not told; with more said (「救命 護照掉在火車上」) it is a figure of speech, and the
    #: rest decides.
    Situation.GENERAL: _Signs(
        # A bare "help" asks what the desk can do (faq.help): someone calling for help does not
        # write it alone.
        en=(
            r"^(?:sos|(?:somebody|someone|please|pls) help(?: me| us)?|help us|help me please)$",
            # Someone's cry for help heard now; "calling for help with my visa" is not one.
            r"(?:screaming|shouting|yelling|crying)(?: out)? (?:for help|help)\b|calling out for help",
            r"(?:cant|cannot|can t) find (?:my|our) (?:\d+ ?(?:yr|yrs|year|years|yo)(?: old)? |little |young )?"
            r"(?:son|daughter|kid|child|boy|girl|baby|toddler)|"
            r"(?:son|daughter|kid|child|boy|girl|toddler) (?:is |has |went )?(?:gone )?missing|"
            r"(?:son|daughter|kid|child|boy|girl|toddler) (?:just )?(?:vanished|disappeared)|vanished in the crowd",
            rf"^(?=.*\b{_PEOPLE}s?\b)"
            rf"(?=.*\b(?:{_PEOPLE}s? (?:is|went|has gone|has been|are) missing|disappeared|(?:cant|cannot|can not) find (?:him|her|them|my {_PEOPLE})|"
            r"hasnt come back|not back yet|still not back|no sign of (?:him|her|them)|phone (?:is )?off|lost (?:him|her|them)|"
            r"(?:straight )?to voicemail|not picking up|(?:doesnt|isnt|wont|didnt) pick(?:ing)? up)\b)"
            r"(?=.*\b(?:minutes|hours|dark|since|by \d+|tonight)\b)",
        ),
        han=(
            r"^(?:救命|救救我|救救我們|快來人)+[啊呀阿啦]*$",
            r"一轉(?:頭|身|眼).{0,6}就?不見|(?:小孩|孩子|兒子|女兒|小朋友).{0,10}不見了",
            # Someone else's cry for help, heard now: not a figure of speech.
            r"(?:有人|女生|女的|男生|男的|小孩|小朋友|鄰居|隔壁|樓上|樓下|外面).{0,8}(?:喊|叫|哭喊|大叫|尖叫|呼)(?:著)?救命|聽到.{0,10}(?:喊|叫)救命",
            # Someone missing, and time passing: a child gone on the beach, a friend not down
            # from the mountain by dusk.
            r"^(?=.*(?:小孩|孩子|兒子|女兒|小朋友|阿公|阿嬤|爺爺|奶奶|爸|媽|朋友|同學|老人|弟弟|妹妹|老公|老婆|先生|太太|男友|女友|男朋友|女朋友))"
            r"(?=.*(?:人不見了|一轉(?:頭|身)就不見|走失|走丟|走散|沒找到|打不通|沒接電話|找不到人|找不到他|找不到她|沒看到人|失聯|還沒下來|沒下山|還沒回來|聯絡不上))"
            r"(?=.*(?:分鐘|小時|天快黑|天黑|天都黑|天已經黑|晚上|傍晚|[0-9一二三四五六七八九十]+點了|到現在|一直|整晚))",
        ),
        ja=(
            r"^(?:助けて|たすけて)(?:ください)?$",
            r"(?:子|息子|娘|子ども|子供)(?:が)?(?:いなくなっ|見当たらな|見つからな)|迷子になっ",
            r"^(?=.*(?:子|息子|娘|友達|友人|父|母|祖父|祖母|おじいちゃん|おばあちゃん|夫|妻|彼氏|彼女|主人))"
            r"(?=.*(?:はぐれ|見つから|いなくな|迷子|行方不明|連絡が取れな|連絡(?:が)?つかな|戻ってこな|戻らな|帰ってこな))"
            r"(?=.*(?:分|時間|暗く|ずっと))",
            r"(?:誰か|人|女性|男性|子供|子ども|隣|外).{0,10}(?:助けて|たすけて)(?:と|って)(?:叫|さけ)",
        ),
        ko=(
            r"^(?:살려\s?주세요|살려줘)$",
            r"(?:아이|아들|딸|애)(?:가|이|를|을)?\s?(?:안\s?보여|없어졌|잃어버렸|못\s?찾)",
            # An elder gone missing, told with the honorific (「치매가 있으신데 없어지셨어요」).
            r"치매.{0,30}(?:없어지|사라지|안\s?보이|못\s?찾|실종)|(?:할아버지|할머니)(?:를|을)\s?(?:잃어버렸|못\s?찾)",
            r"살려\s?달라(?:는|고)\s?(?:소리|비명|외치|소리치)",
            r"^(?=.*(?:아이|아들|딸|친구|할머니|할아버지|엄마|아빠|동생|남편|아내|남자\s?친구|여자\s?친구))"
            r"(?=.*(?:잃어버렸|안\s?보여|없어졌|실종|연락이\s?안|못\s?찾|안\s?내려와|안\s?돌아와|전화\s?안\s?받))"
            # Minutes counted (10분, not the 분 of 분실), and no belonging the one lost: a wallet
            # gone missing is the lost-items entry (「할머니가 지갑이 없어졌대요 분실 신고…」).
            r"(?=.*(?:\d\s?분|몇\s?분|시간|어두워|해\s?(?:가\s?)?졌|밤|계속))"
            r"(?!.*(?:지갑|가방|핸드폰|휴대폰|여권|카드|캐리어))",
        ),
    ),
}

#: Words that name a kind of emergency or its number without saying it is happening: the
#: answer still leads with that situation's number.
_TOPICS: dict[Situation, _Signs] = {
    Situation.FIRE: _Signs(
        en=(r"fire|fires|fire brigade|fire department|smoke|gas",),
        han=(r"火警|火災|消防|瓦斯",),
        ja=(r"(?<!口が)火事|消防",),
        ko=(r"화재|소방|불(?:이)?\s?나면",),
    ),
    Situation.MEDICAL: _Signs(
        en=(r"ambulance|ambulence|paramedics?|injured|injury|first aid",),
        han=(r"救護車|急救|受傷",),
        ja=(r"救急",),
        ko=(r"구급|응급",),
    ),
    Situation.SUICIDE: _Signs(
        en=(r"suicide|crisis line|lifeline|mental health crisis",),
        han=(
            r"自殺|安心專線|生命線|張老師|1925|1995|1980|心理危機|危機(?:專線|熱線)|心理(?:專線|熱線)",
            r"心理(?:援助|諮詢|諮商|支援|健康)(?:專線|熱線)",
        ),
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
        en=(r"police|cops|robbery|theft|harassment|stalking|crime",),
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
        # 사기 the noun (fraud), not 사기 좋은 / 사기 위해 (to buy).
        ko=(r"사기(?:를|꾼|\s?전화|\s?문자|\s?같|인지|당|\s?피해|\s?신고|$)",),
    ),
    Situation.GENERAL: _Signs(
        en=(
            r"(?<!not )(?<!not an )(?<!non )(?<!no )(?<!isnt an )(?<!isnt )"
            r"(?:emergency|emergencies)|sos|911|999|112|110|119|urgent help|call for help",
            # The number to call in danger, asked without the word ("if i'm ever in danger who
            # do i call", "which number can i call if something bad happens").
            # …not danger to a booking or a plan ("in danger of missing the last train",
            # "if anything happens to my booking").
            r"(?:who|what number|which number|what|which) (?:do|should|can|would) (?:i|we|you) (?:call|dial|ring)\b.{0,30}"
            r"\b(?:in danger(?! of)|in (?:real )?trouble here|something (?:bad|terrible|serious) happens(?! to (?:my|our|the|your)\b)|"
            r"anything (?:bad )?happens(?! to (?:my|our|the|your)\b))|"
            r"\b(?:in danger(?! of)|in case of danger|something (?:bad|terrible|serious) happens(?! to (?:my|our|the|your)\b)|"
            r"god forbid anything happens)\b.{0,30}\b(?:who|what number|which number|what) (?:do|should|can|would) (?:i|we|you) "
            r"(?:call|dial|ring)",
        ),
        han=(
            r"緊急|求救|救命(?:電話|專線)|急救|110|119|112",
            r"(?:遇到危險|碰到危險|有危險|發生危險|遇到壞人|碰到壞人)(?:狀況|情況)?(?:的話|時|的時候)?(?:要|該|可以)?(?:打|撥|找)"
            r"(?:給誰|幾號|什麼電話|什麼號碼|哪支|哪個號碼)",
        ),
        ja=(
            r"緊急|救急|110番|119番|^助けて(?:ください)?$",
            # …not something wrong with a booking or a ticket (「予約に何かあったら」).
            r"(?:(?:危ない|危険な)目に(?:あった|遭った)?|(?<!に)何かあった)(?:ら|とき|時)(?:は)?(?:何番|どこに電話|誰に電話)",
        ),
        ko=(
            r"긴급|응급|119|112|^살려\s?(?:주세요|줘요?)$",
            # …not something wrong with a parcel or a booking (「택배에 무슨 일 생길 때」).
            r"(?<!에\s)(?<!에)(?:위험할\s?(?:때|땐)|위험한\s?일\s?생길\s?(?:때|땐)|무슨\s?일\s?(?:생길\s?(?:때|땐)|생기면|있을\s?(?:때|땐)|있으면))"
            r"\s?(?:몇\s?번|어디로?\s?전화|누구한테)",
        ),
    ),
}

#: Words that make what follows a supposition: "what do I do if there is a fire".
_HYPOTHETICAL_EN = re.compile(
    r"\b(?:if|in case(?: of)?|what if|should there be|suppose|hypothetically|when there is)\b"
)
_HYPOTHETICAL_HAN = re.compile(
    r"如果|萬一|要是|假如|假設|的話|遇到.{0,6}(?:怎麼辦|要打|怎麼報案|找誰)"
)
# もし, but not the もし inside かもしれない ("may have swallowed a battery" is happening).
_HYPOTHETICAL_JA = re.compile(r"(?<!か)(?<!もし)もし(?!れ|もし)|場合")
# …and "if it happens" (불이 나면, 지진 나면, 사고가 생기면, 사기 당하면).
_HYPOTHETICAL_KO = re.compile(r"만약|경우|하면\s?어떻게|(?<![가-힣]가)(?:나|생기|일어나|당하)면")

#: Words that make a sign something that happened long ago, told as background ("I broke my
#: arm on my last exchange, so can I join the NHI?"): not what is happening now. Recent times
#: ("last night", 「十分鐘前」) are not among them.
_TOLD_OF_THE_PAST_EN = re.compile(
    r"\b(?:last (?:year|week|weekend|time|summer|winter|spring|autumn|fall|semester|term|trip|exchange|"
    r"visit|month)|(?:years?|months?|weeks?|days?) ago|when i was (?:a kid|a child|little|young|small)|"
    r"as a (?:kid|child)|back in \d{4}|once before|in the past)\b"
)
_TOLD_OF_THE_PAST_HAN = re.compile(
    r"去年|前年|上次|上回|上個月|上週|上禮拜|已經出院|(?<!分鐘)(?<!小時)(?:以前|之前)|小時候|幾年前|上學期|曾經"
)
# Last month and last week too, as in English and Chinese (「先月バイクで事故にあったけど」,
# 「지난달에 스쿠터 사고 났었는데」).
_TOLD_OF_THE_PAST_JA = re.compile(
    r"去年|以前|前回|子供の頃|数年前|先月|先週|先学期|この前|数(?:ヶ月|か月|カ月|週間)前|何年か前"
)
_TOLD_OF_THE_PAST_KO = re.compile(
    r"작년|예전에|어렸을\s?때|몇\s?년\s?전|지난\s?(?:달|주|번|해|학기|여름|겨울)|저번(?:에|\s?주|\s?달)|"
    r"(?:며칠|몇\s?(?:달|주|개월))\s?전"
)

#: Things that share a word with an emergency but are not one.
_NOT_AN_EMERGENCY_EN = re.compile(
    r"\b(?:fireworks?|fire (?:dance|festival|show|drill|safety)|fireplace|bonfire|"
    r"campfire|smoke free|smoking|no smoking|gas station|gas stove|(?:accident|travel|"
    r"health) insurance|sim card|prepaid)\b"
)
_NOT_AN_EMERGENCY_HAN = re.compile(
    r"煙火|火舞|消防演習|禁菸|抽菸|加油站|保險|sim卡|網絡卡|門號|유심|심\s?카드|sim\s?카드|simカード"
)
#: An emergency or its number said outright: no shared word above makes it something else
#: ("without a SIM card, can I still call the emergency number?").
_SAID_OUTRIGHT = re.compile(
    r"\b(?:emergency|emergencies|sos|ambulance|call the (?:police|cops)|something (?:bad|terrible) happens|in danger)\b|(?<!\d)(?:911|999|112|110|119)(?!\d)|"
    r"緊急|求救|報警|救護車|긴급"
)
#: A number named only as what a visitor gets ready for ("a SIM so I can call 119 if
#: something ever happens" is about the SIM): read as if not there.
_JUST_IN_CASE = re.compile(
    # "…a SIM that can call 110" in Korean and Chinese, as in English below.
    r"(?<!\d)(?:110|119|112)\s?(?:전화|통화)\s?(?:되는|가\s?되는|할\s?수\s?있는)|(?:能|可以)打(?:110|119|112)的|"
    r"萬一.{0,6}(?:打|撥)(?:110|119|112)|(?:110|119|112)(?:才|也)?打得通|"
    r"\b(?:call|dial|ring|reach) (?:the )?(?:emergency (?:number|services|line)|911|999|112|"
    r"110|119)s? (?:if|in case|whenever|should)\b"
)
#: A phone's status line when it has no network of its own ("emergency calls only", 「僅限緊急
#: 通話」, 「緊急通報のみ」, 「긴급 통화만」): a SIM or coverage is the matter, read as if not there.
_PHONE_STATUS = re.compile(
    r"\b(?:emergency calls? only|sos only|only (?:emergency calls?|sos))\b|"
    r"(?:僅限|只能撥?打?|只可以撥?打?)緊急(?:通話|電話|撥號)|緊急(?:通話|電話)(?:限定|而已)|"
    r"緊急(?:通報|通話|電話)のみ|sosのみ|긴급\s?(?:통화|전화)\s?만|sos\s?만"
)

#: Words that ask which number to call: with a kind of emergency named ("number to report
#: a crime?", 「報警電話幾號」), the question is about the emergency numbers, whatever else
#: its words match.
_ASKS_FOR_A_NUMBER_EN = re.compile(
    r"\b(?:numbers?|hotlines?|helplines?|crisis line|dial|equivalent|call (?:for|an?|the|911|"
    r"110|119|112)|who (?:do|can|should) (?:i|we|they|you) (?:call|contact|ring|tell))\b"
)
_ASKS_FOR_A_NUMBER_HAN = re.compile(
    r"幾號|電話|(?:還|還能|能|可以)打(?:得通)?|打得通|打多少|打哪|撥打|專線|熱線|號碼|找誰|打給誰"
)
_ASKS_FOR_A_NUMBER_JA_KO = re.compile(r"番号|電話|何番|번호|전화|몇\s?번")


#: A number asked of a named hospital is that hospital's (「慈済病院の救急の電話番号」).
_A_HOSPITALS_OWN = re.compile(r"\b(?:hospital|clinic)s?\b|醫院|医院|病院|診所|병원")


#: Numbers that are not for an emergency: an emergency contact on a form, a police station's
#: own line for papers (良民證), a lost-property report.
_NOT_AN_EMERGENCY_NUMBER = re.compile(
    r"\bemergency contact|police (?:record|station|certificate|clearance)|緊急聯絡人|良民證|"
    r"警察局.{0,6}(?:辦|電話)|(?:遺失|掉了|不見).{0,12}報案"
)


#: A threat's condition is no supposition ("he will hurt me if i dont pay", 「如果不給錢就打我」):
#: a condition on the visitor's own doing, with a threat beside it.
_THREATENED_UNLESS = re.compile(
    r"\bif (?:i|we|you|he|she|they) (?:dont|do not|doesnt|does not|wont|will not|refuse|tell|"
    r"call|report|leave|go to)\b|(?:如果|要是|萬一)(?:我|你|妳|我們|他|她)?(?:不|沒|敢|報警)"
)
_THREAT = re.compile(
    r"\b(?:hurt|kill|beat|hit|break|burn|stab|shoot|post|leak|expose|share|send)\b|"
    r"打(?:我|死|你|人)|殺|揍|弄死|傷害|公開|散佈|曝光"
)
#: "not sure if", "wonder whether": a question put indirectly, not a supposition.
_ASKED_INDIRECTLY = re.compile(
    r"\b(?:not sure|dont know|do not know|don t know|wonder|wondering|check|ask|asking|see|tell me) "
    r"(?:if|whether)\b"
)


def supposes(normal: str, original: str | None = None) -> bool:
    """Whether a message says "if" anywhere (「지진이 나면」「萬一」「もし」): what it tells may
    not be happening. The signs weigh a supposition next to each sign; the learned alarm,
    which reads no grammar, does not sound for a message that makes one (pipeline.py)."""
    folded = unicodedata.normalize("NFKC", original if original is not None else normal)
    normal = _ASKED_INDIRECTLY.sub(" ", normal)
    if _THREAT.search(normal):
        normal = _THREATENED_UNLESS.sub(" ", normal)
    return bool(
        _HYPOTHETICAL_EN.search(normal)
        or _HYPOTHETICAL_HAN.search(normal.replace(" ", ""))
        or _HYPOTHETICAL_JA.search(folded)
        or _HYPOTHETICAL_KO.search(folded)
    )


def asks_for_a_number(normal: str, original: str | None = None) -> bool:
    """Whether a message asks which number to call (see the patterns above), and not a
    hospital's own number."""
    folded = unicodedata.normalize("NFKC", original if original is not None else normal)
    if _A_HOSPITALS_OWN.search(normal) or _A_HOSPITALS_OWN.search(folded):
        return False
    if _NOT_AN_EMERGENCY_NUMBER.search(normal) or _NOT_AN_EMERGENCY_NUMBER.search(
        normal.replace(" ", "")
    ):
        return False
    return bool(
        _ASKS_FOR_A_NUMBER_EN.search(normal)
        or _ASKS_FOR_A_NUMBER_HAN.search(normal.replace(" ", ""))
        or _ASKS_FOR_A_NUMBER_JA_KO.search(folded)
    )


#: The visitor says outright that nothing dangerous is happening ("nothing dangerous, I just
#: can't stay there"): what it describes is then not an emergency.
_NOTHING_DANGEROUS = re.compile(
    r"\b(?:nothing (?:dangerous|serious|urgent)|(?:its|it is|this is) not (?:an )?(?:emergency|urgent|"
    r"dangerous))\b(?! (?:room|exit|number|contact|line))|不是緊急(?:情況|的事)|(?:這|事情)?不緊急(?![嗎吧])|"
    r"沒什麼危險(?![嗎吧])|並不危險"
)
#: …or that it is over and everyone is fine ("fainted last night but the doctor said she's
#: fine now", 「已經沒事了」): what it tells is then background, whatever it was.
_SETTLED = re.compile(
    r"\b(?:(?:doctors?|hospital|nurse) said (?:she|he|they|it)s? (?:is |are )?(?:fine|ok|okay)|"
    r"(?:she|he|they|it|everyone)(?:s| is| are) (?:fine|ok|okay) now|all fixed now)\b|"
    r"已經沒事了|醫生說沒事|已經出院|(?:已經|今天)?和好了|\b(?:made up|back to normal)\b|仲直りした|화해했|もう大丈夫(?:です)?(?:が|けど)|이제\s?괜찮(?:은데|지만|아요)|"
    # …or seen in a video or the news, not here: 「刷抖音看到有人被浪捲走的視頻」.
    r"(?:看到|看了|刷到).{0,20}(?:視頻|影片|新聞|報導)|\b(?:saw|watched) (?:a |the |this )?(?:video|news|movie|film)\b|"
    r"\b(?:on|in) the news\b|ニュースで|動画で見|뉴스에서|영상을\s?봤"
)
#: …or asks how to keep it from happening ("how do I avoid getting scammed", 「怎麼避免被詐騙」,
#: 「詐欺に遭わないためには」, 「사기 안 당하려면」): a question about it, not it.
_PREVENTING = re.compile(
    r"\b(?:how (?:do i|can i|to|do we|can we) (?:avoid|prevent|not get)|avoid (?:getting|being)|"
    r"tips (?:to|for) (?:avoid|prevent))\b|避免|防止|預防|防範|怎麼防|以防|聽說有|"
    r"(?:な|ない)(?:ため|よう)に(?:は)?|防ぐ(?:には|ため)|対策|안\s?당하려면|당하지\s?않으려면|예방|방지"
)
#: …which never makes a fire, a collapse or thoughts of suicide anything but an emergency.
_NEVER_PLAYED_DOWN = {Situation.FIRE, Situation.MEDICAL, Situation.SUICIDE}


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

#: Signs that are also everyday idioms: a threat to kill ("my mum will kill me if i miss the
#: train lol", 「我媽說要打死我 哈哈」, 「성적 보면 나 죽인다고 ㅋㅋ」), someone hiding (a cat, a
#: game of hide-and-seek, the heat), things thrown or smashed at home (packing, clearing out,
#: a pottery class). They count as happening only in a message that neither laughs nor tells
#: of a film or a drama (_IN_JEST), and hiding only beside fear or whom the visitor hides from.
_IDIOMS: dict[Situation, _Signs] = {
    Situation.ABUSE: _Signs(
        en=(
            rf"{_PARTNER}s? (?:is |keeps |started |has been )?(?:\w+ )?(?:and )?(?:smashing|throwing|breaking) "
            r"(?:things|stuff|plates|dishes|furniture|bottles|chairs|glasses|a chair|a bottle)(?! (?:out|away|in the|into|on purpose))",
        ),
        han=(
            # Whom the visitor lives with smashing things (「我先生喝醉又在摔東西」), not
            # throwing things away (丟東西: 「老婆一直丟東西說要斷捨離」).
            r"(?:先生|老公|丈夫|男友|男朋友|老婆|太太|妻子|女友|女朋友|爸爸|媽媽|繼父|繼母|室友|同居人)"
            r".{0,8}(?:又在|正在|在|一直|又)(?:摔|砸)東西",
        ),
        ja=(
            r"(?:夫|旦那|彼氏|父|母|ホスト\S{0,6}?|同居人|ルームメイト)(?:さん)?が(?:酔って)?"
            r"\S{0,6}?(?:物を投げ|物を投げて|皿を割|物を壊|暴れ)",
        ),
    ),
    Situation.CRIME: _Signs(
        en=(
            r"(?:says?|said|saying|told me|texted(?: me)?(?: that)?|threatens|threatened|messaged(?: me)?(?: that)?) "
            r"(?:(?:he|she|they) (?:will|would|gonna|is going to|are going to)|(?:hes|shes|theyre) (?:gonna|going to)) "
            r"(?:hurt|kill|beat) (?:me|us|her|him)",
            # Hiding from someone, beside fear or whom the visitor hides from ("hiding in the
            # closet rn he's looking for me").
            r"hiding (?:in|under|inside|behind) (?:the |my |a )?(?:closet|wardrobe|bathroom|toilet|room|bed|car)"
            r"(?=.{0,60}\b(?:scared|afraid|terrified|help|police|looking for me|coming|find me|outside))|"
            r"\b(?:scared|afraid|terrified|spiked|drugged|followed|following|chasing)\b.{0,80}\bhiding (?:in|under|inside|behind)\b",
        ),
        han=(
            r"(?:要|說要|威脅要|揚言)殺(?:了|死)?(?:我|你)|(?:說|揚言|威脅|喊著?)要?(?:打死|弄死|砍死)(?:我|我們)",
            # Hiding from someone now (「我現在躲在廁所」), beside fear or an aggressor.
            r"(?:現在|正|正在)(?:躲|藏)在(?:廁所|房間|衣櫃|浴室|床底)(?=.{0,16}(?:怕|不敢|救命|報警|他在|她在|找我))|"
            r"(?:怕|不敢|打我|打死|殺|喝醉|家暴|跟蹤|跟著我|下藥|頭暈|頭好暈).{0,20}(?:現在|正|正在)(?:躲|藏)在(?:廁所|房間|衣櫃|浴室|床底)",
        ),
        ja=(
            # A threat to kill (「殺すって言ってる」「殺すぞって言われた」), hiding now beside fear.
            r"殺(?:す|してやる|すぞ)(?:って|と)(?:言|叫|脅)",
            r"(?:トイレ|風呂場?|浴室|クローゼット|押し入れ)に(?:隠れて|閉じこもって)(?:る|い|ます)"
            r"(?=.{0,16}(?:怖|助けて|警察|110|探して|来る))|(?:怖|殴|殺|暴れ|酔って|つけられ|追いかけ|入れられ|めまい|くらくら).{0,20}"
            r"(?:トイレ|風呂場?|浴室|クローゼット|押し入れ)に(?:隠れて|閉じこもって)(?:る|い|ます)",
        ),
        ko=(
            # A threat to kill (「죽인다고 해요」), hiding now beside fear (「화장실에 숨어 있어요」).
            r"죽(?:인다|이겠다|여\s?버린다|여\s?버리겠다|일\s?거라)고",
            r"(?:화장실|욕실|옷장|방)에\s?숨어\s?있(?=.{0,16}(?:무서|도와|신고|경찰|찾고|112|오고))|"
            r"(?:무서|때리|죽인|술\s?먹고|취해|던지|어지럽|탄\s?것\s?같|따라와|따라오|쫓아).{0,24}(?:화장실|욕실|옷장|방)에\s?숨어\s?있",
        ),
    ),
}
_IDIOMS_RE = {situation: _Compiled.of(signs) for situation, signs in _IDIOMS.items()}
#: Laughter, or a film or a drama told of: an idiom, not a danger (_IDIOMS).
_IN_JEST = re.compile(
    r"\b(?:lol|lmao|rofl|haha\w*|hehe\w*|jk|kidding|joking)\b|哈哈|呵呵|笑|[ㅋᄏ]{2}|[ㅎᄒ]{2}|(?<=[ぁ-んァ-ン一-龥])w+(?![a-z])|"
    r"\b(?:drama|movie|film|series|tv show|anime|video game)\b|劇|電影|映畫|映画|ドラマ|アニメ|드라마|영화|게임|"
    r"開玩笑|玩笑|冗談|농담"
)


@dataclass(frozen=True)
class _Views:
    """The forms of one message the patterns read."""

    spaced: str  # normalised, words apart (English)
    compact: str  # normalised, spaces removed (Han)
    folded: str  # NFKC only, spaces removed (Japanese, Korean: no OpenCC on kana or Hangul)
    #: The scripts the message has letters of, each with its patterns' name in _Compiled and
    #: the view they read: a script's patterns are not run over a message without one
    #: (English signs over Chinese text cost a third of detection). Told once a message, not
    #: once for each of its sixteen sets of signs.
    scripts: tuple[tuple[str, str, _Script], ...]


#: Texting shorthand spelt out before English signs are read: panicked people type "lips r
#: swelling", "20 min", "bank acc", "pls hlp".
_SHORTHAND = {
    "r": "are",
    "u": "you",
    "ur": "your",
    "min": "minutes",
    "mins": "minutes",
    "hr": "hours",
    "hrs": "hours",
    "acc": "account",
    "pls": "please",
    "plz": "please",
    "hlp": "help",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "bro": "brother",
    "sis": "sister",
    "rn": "right now",
    "b4": "before",
    "2day": "today",
    "tmr": "tomorrow",
}
_SHORTHAND_WORD = re.compile(r"\b(?:" + "|".join(map(re.escape, _SHORTHAND)) + r")\b")


#: Figures of speech that use an emergency's words ("nearly had a heart attack", 「痛到想死」,
#: 「熱死了 感覺要中暑」, 「課題に溺れて」, 「배고파 죽겠어」): read as if not there.
_FIGURES = re.compile(
    r"\b(?:nearly|almost) (?:had|have|having) (?:a )?heart attack\b|"
    r"\bdrowning in (?:work|assignments|homework|debt|paperwork|deadlines|e ?mails)\b|"
    r"差(?:一)?點(?:就)?心臟病(?:發)?|(?:痛|癢|熱|累|餓|煩|忙|笑|冷|氣)(?:到)?(?:想)?死(?:了|掉)?|(?:感覺|快|好像|覺得)要中暑|"
    r"(?:課題|宿題|仕事|レポート|勉強)に溺れ|死ぬほど|(?:배고파|힘들어|더워|추워|졸려)\s?죽겠|"
    # Fainting from hunger or heat, said in jest (「배고파서 쓰러지기 직전ㅋㅋ」「お腹すきすぎて死にそう」).
    r"(?:배고파|배고파서|더워서|피곤해서)\s?(?:쓰러지(?:기\s?직전|겠)|쓰러질\s?것\s?같)|お腹(?:が)?すきすぎて死にそう|"
    r"(?:餓|熱|累)(?:到)?(?:快)?(?:昏倒|暈倒|昏過去)"
)


def _views(normal: str, original: str) -> _Views:
    normal = _SHORTHAND_WORD.sub(lambda found: _SHORTHAND[found.group(0)], normal)
    normal = _FIGURES.sub(" ", _JUST_IN_CASE.sub(" ", _PHONE_STATUS.sub(" ", normal)))
    folded = unicodedata.normalize("NFKC", original).casefold()
    folded = _FIGURES.sub(" ", _JUST_IN_CASE.sub(" ", _PHONE_STATUS.sub(" ", folded)))
    compact = normal.replace(" ", "")
    folded = re.sub(r"\s+", "", folded)
    scripts = (
        ("en", normal, _EN, _has_latin(normal)),
        ("han", compact, _HAN, has_han(compact)),
        ("ja", folded, _JA, _has_kana_or_han(folded)),
        ("ko", folded, _KO, _has_hangul(folded)),
    )
    return _Views(
        normal,
        compact,
        folded,
        tuple((name, text, script) for name, text, script, present in scripts if present),
    )


@dataclass(frozen=True)
class _Script:
    """How signs are read in one script: the view they are found in, and the words that make
    one a supposition or a thing of the past there."""

    supposing: re.Pattern[str]
    past: re.Pattern[str]
    #: English says "if" well before the sign; Chinese, Japanese and Korean wrap it closely
    #: (「萬一失火」「失火的話」「もし火事の場合」).
    spaced: bool


_EN = _Script(_HYPOTHETICAL_EN, _TOLD_OF_THE_PAST_EN, spaced=True)
_HAN = _Script(_HYPOTHETICAL_HAN, _TOLD_OF_THE_PAST_HAN, spaced=False)
_JA = _Script(_HYPOTHETICAL_JA, _TOLD_OF_THE_PAST_JA, spaced=False)
_KO = _Script(_HYPOTHETICAL_KO, _TOLD_OF_THE_PAST_KO, spaced=False)


#: Whether a view holds any letter of a script's signs (_Views.scripts).
_HAS_LATIN = re.compile(r"[a-z0-9]")
_HAS_KANA = re.compile(r"[\u3041-\u30ff]")
_HAS_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e]")


def _has_latin(text: str) -> bool:
    return _HAS_LATIN.search(text) is not None


def _has_kana_or_han(text: str) -> bool:
    return _HAS_KANA.search(text) is not None or has_han(text)


def _has_hangul(text: str) -> bool:
    return _HAS_HANGUL.search(text) is not None


def _signs(compiled: _Compiled, views: _Views) -> Iterator[tuple[re.Match[str], _Script]]:
    """Every sign found, with how its script is read."""
    for name, text, script in views.scripts:
        pattern: re.Pattern[str] | None = getattr(compiled, name)
        if pattern is not None:
            for found in pattern.finditer(text):
                yield found, script


#: Fear or panic in the visitor's own words ("so scared", 「好怕」「怎麼辦」, 「どうしよう」,
#: 「어떡해요」): no situation of its own, but the desk that cannot answer such a message says
#: where to call if someone is in danger (desk.py), since the signs above do not know every
#: emergency there is.
_SOUNDS_FRIGHTENED = re.compile(
    r"\b(?:scared|terrified|afraid|frightened|panicking|please help|pls help|plz help|help us|"
    r"what do (?:i|we) do|omg)\b|好怕|很怕|害怕|嚇死|救命|怎麼辦|拜託快|怖い|こわい|どうしよう|助けて|"
    r"무서워|무섭|어떡해|어떡하|도와주세요|살려"
)


def sounds_frightened(normal: str) -> bool:
    """Whether a normalised message speaks of fear or panic (see _SOUNDS_FRIGHTENED)."""
    return bool(
        _SOUNDS_FRIGHTENED.search(normal) or _SOUNDS_FRIGHTENED.search(normal.replace(" ", ""))
    )


#: The grammar of a threat: "unless I pay", 「不匯錢就…」, 「払わないと」, 「안 주면」.
_A_THREAT = re.compile(
    r"\bunless (?:i|we|you)\b|\bor (?:else|he will|she will|they will)\b|不(?:再)?(?:給|匯|付|轉|交).{0,12}就|"
    r"(?:払わ|振り込ま|送ら)ないと|(?:안|않)\s?(?:주면|보내면|내면)"
)


def _happening(found: re.Match[str], script: _Script) -> bool:
    """Whether the sign tells of something happening, not of a supposition ("if there is a
    fire", 「萬一失火」) or of long ago ("I broke my arm last year")."""
    text = found.string
    before = text[max(0, found.start() - (40 if script.spaced else 12)) : found.start()]
    if _A_THREAT.search(text):
        # A threat's condition is the threatener's, not the visitor's supposition: 「如果我不
        # 再匯五萬 就把照片寄到學校」 is happening.
        return not script.past.search(before)
    if script.spaced:
        after = text[found.end() : found.end() + 40]
        return not script.supposing.search(before) and not script.past.search(before + " " + after)
    around = before + text[found.start() : found.end() + 8]
    return not script.supposing.search(around) and not script.past.search(before)


def detect(normal: str, original: str | None = None) -> Emergency | None:
    """The emergency ``normal`` (a normalised message) describes or asks about, or None.

    ``original`` is the message as typed, for Japanese and Korean (whose kana and Hangul
    normalisation leaves alone, but whose kanji it would turn into Chinese ones); without
    it the normalised text stands in.
    """
    views = _views(normal, original if original is not None else normal)
    happening: list[Situation] = []
    named: list[Situation] = []
    in_earnest = not (_IN_JEST.search(views.spaced) or _IN_JEST.search(views.folded))
    for situation in Situation:
        signs = list(_signs(_HAPPENING_RE[situation], views))
        if in_earnest and situation in _IDIOMS_RE:
            signs += _signs(_IDIOMS_RE[situation], views)
        if any(_happening(*sign) for sign in signs):
            happening.append(situation)
        elif signs or next(_signs(_TOPIC_RE[situation], views), None) is not None:
            named.append(situation)
    if (
        happening
        and not _NEVER_PLAYED_DOWN & set(happening)
        and (_NOTHING_DANGEROUS.search(views.spaced) or _PREVENTING.search(views.spaced))
    ) or (happening and _SETTLED.search(views.spaced)):
        named, happening = [*happening, *named], []
    if happening:
        ordered = tuple(s for s in Situation if s in happening or s in named)
        # The situation seen happening leads; what is only named follows it.
        return Emergency((*happening, *(s for s in ordered if s not in happening)), True)
    if not named:
        return None
    shared_word = _NOT_AN_EMERGENCY_EN.search(views.spaced) or _NOT_AN_EMERGENCY_HAN.search(
        views.compact
    )
    if shared_word and not _SAID_OUTRIGHT.search(views.spaced):
        return None
    return Emergency(tuple(named), False)
