"""Spotters: what a question asks before what it is about. A request for a person (listed
phrases and a small grammar: "speak with a staff member", 「跟工作人員溝通」), the emergency
and cue phrases of knowledge/intents.yaml, and places elsewhere: a question about a place
the KB never mentions (another city's government, New York, Mars) is declined."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from bot.kb.schema import Entry
from bot.matcher.haystack import Haystack
from bot.text import has_han, is_han, is_hangul, is_kana, normalize, normalize_many

# A request for a person, beyond the listed phrases: a verb of talking near a word for a person
# ("can I speak with a staff member", "is there someone I can talk to"), or a message that is
# nothing but such a word ("human pls", "staff").
_PERSON = r"(?:human|humans|person|people|someone|somebody|staff|staffer|staffers|agent|agents|operator|operators|representative|representatives|officer|officers|member of staff|staff member|staff members|real one)"
_TALK = r"(?:talk|speak|chat|connect|transfer|put me through|get me|hand me over|pass me)"
_EN_PERSON_REQUEST = re.compile(
    rf"\b{_TALK}\b(?:\s+\S+){{0,6}}?\s+{_PERSON}\b|\b{_PERSON}\b(?:\s+\S+){{0,6}}?\s+(?:i|we)\s+(?:can|could)\s+{_TALK}\b"
)
_EN_PERSON_ONLY = re.compile(
    rf"^(?:(?:a|an|the|to|please|pls|plz|now|me|i want|i need)\s+)*{_PERSON}(?:\s+(?:please|pls|plz|now))*$"
)
_ZH_PERSON_REQUEST = re.compile(
    r"(?:跟|和|與|找|轉|接|給)[^，。？！ ]{0,4}(?:真人|活人|工作人員|承辦|客服|專人|人工|服務人員|縣府的人|真的人)"
)
# The county's people, however a visitor names them: 同事 only as theirs (你們的同事), not the
# visitor's own colleague (我同事).
_ZH_COUNTY_PERSON = (
    r"(?:(?:你們|您們|貴府|貴單位|貴處|縣府)(?:的)?(?:負責的?)?(?:同事|同仁)|(?:負責的?)?"
    r"(?:工作人員|承辦人?|專人|負責人|同仁|人員|真人|活人|客服)|"
    # Whoever handles a matter (「讓負責姊妹市的同事聯繫我」).
    r"負責.{0,8}?的(?:同事|同仁|人|窗口|承辦人?))"
)
# Indirect requests: asking to be called back or contacted, a personal reply, whoever is
# responsible ("would one of your colleagues phone me?", 「可以請專人回電嗎」「換成人工」).
_EN_INDIRECT_REQUEST = re.compile(
    r"\b(?:(?:phone|call|ring|text|email|e mail|contact|reach) me(?: back)?|(?:message|msg|dm) me back|get back to me|"
    r"personal (?:reply|answer|response)|reply (?:from|by) a (?:person|human)|"
    r"(?:dont|do not|don t) want to (?:talk|speak|chat) (?:to|with) (?:an? |the |this )?(?:ai|bot|"
    r"robot|machine|chatbot|computer)|"
    r"(?:pass|forward|hand) (?:this|it|my (?:message|question|request)) (?:on|along|over|to)|"
    r"whoever is (?:responsible|in charge)|(?<!who is )(?<!whos )(?:someone|somebody|a person|the person|an officer|"
    r"the officer|the staff member) (?:responsible|in charge)|(?:speak|talk|chat) (?:to|with) "
    r"(?:someone|somebody|a (?:real )?(?:person|human))|human being|(?:not|no) (?:a )?(?:bot|"
    r"machine|robot|automated)(?: answer| reply)?(?: please| pls)?$|"
    r"(?:put|get) (?:me|us) in touch|connect (?:me|us) (?:to|with) (?:someone|the right|a)|"
    r"escalate (?:this|it|my)|(?:your|a) (?:supervisor|manager)|have someone (?:call|contact|"
    r"email|get back)|(?:can|could|would) (?:someone|somebody|anyone|one of you|a (?:real |actual )?staff "
    r"member|a (?:real |actual )?(?:person|human)) (?:call|contact|email|phone|ring|get back|help me personally)"
    # …me, not the police, an ambulance or a taxi for me (the numbers answer those).
    r"(?! (?:the |a |an )?(?:police|cops|ambulance|fire|emergency|taxi|cab|110|119|112))|"
    r"(?:let|get) (?:a |an )?(?:real |actual )?(?:person|human|staff member) (?:to )?(?:handle|deal with|take over)(?: this| it)?\b|"
    r"(?:have|get) an? (?:real|actual) (?:person|human) (?:to )?(?:handle|deal with|look at|take over)\b|"
    r"(?:file|make|lodge) a complaint|anyone (?:there|here)$|is (?:anyone|anybody|someone|somebody) "
    r"(?:actually |really |even )?(?:there|here|reading this)(?! (?:at|in|on|during|after|before|from|over)\b)|"
    r"is (?:anyone|anybody|someone|somebody) real\b|(?:someone|somebody|anyone|anybody|a person|a human) (?:who|that) "
    r"(?:actually |really )?(?:understands|gets|can understand|knows what)|is there (?:anyone|anybody|someone|somebody) "
    r"(?:actually|really|even) (?:there|here|reading this)|discuss (?:this|it|my \w+) with (?:a|an|the|someone|your)|"
    r"arrange a (?:call|meeting) with (?:someone|your|a|an|the)|reach out to (?:me|us)|"
    r"callback|a call back|(?:your|the) boss|someone (?:at|from) (?:the )?(?:office|county|desk)|"
    # "if a member of your staff could contact us directly by email".
    r"(?:a member of|someone (?:from|on)|one of) your (?:staff|team)\b.{0,20}\b(?:contact|call|email|phone|reach)|"
    # A reply from a person by name of how it comes, instead of the bot's: "answer me
    # personally by email instead of these automatic replies", "arrange a phone call for me",
    # "connect me with whoever is handling our trip … talk to them directly".
    r"(?:answer|reply to|respond to|write to|get back to) (?:me|us) (?:personally|directly|in person)|"
    r"instead of (?:these |the |this |your |an? )?(?:automatic|automated|auto|canned|bot|robot)|"
    r"(?:arrange|schedule|set up|book) (?:a |an )?(?:phone |video |zoom |online )?(?:call|phone call) "
    r"(?:for|with) (?:me|us)|"
    r"(?:connect|put) (?:me|us) (?:through )?(?:with|to) (?:whoever|the (?:person|people|officer|staff))|"
    r"(?:talk|speak) (?:to|with) (?:them|him|her) (?:directly|in person|personally)|"
    r"(?:someone|somebody|a person|one of you)(?:\s+\S+){0,4}\s+(?:reach out|get in touch)|"
    r"(?:an? |any )?(?:actual|real|live) (?:person|human|people)(?: there| here)?$|"
    r"(?:is there|are there|any|get me|i want|i need|we need|need|want) (?:an? |any |some )?"
    r"(?:actual|real|live) (?:person|human|people)(?: (?:i can|to) (?:talk|speak|chat)| (?:there|here|around|"
    r"on this chat|in this chat|on this|to help)|$)|"
    # "is there a human around?": a person asked after, not people at a place.
    # …not staff at a place the visitor goes ("the visitor center … is there staff there?").
    r"(?:is there|are there|any) (?:a |an |any )?(?:human|humans|real person) (?:around|here|there|online|available)$|"
    r"(?:is there|are there|any) (?:a |an |any )?(?:staff|person) (?:online|available|here|on here)$|"
    r"(?:speak|talk|chat|meet) (?:to|with) (?:one of )?(?:your|the) (?:officers?|staff|team|"
    r"people|colleagues|officials?)(?: directly| in person)?|"
    # The message routed to whoever handles it, a preference for a person, a human asked
    # whether there: "forwarded to whoever handles these", "I'd rather explain to somebody in
    # your office", "is there an actual human reading this".
    r"(?:forward|forwarded|pass|passed|send|sent|route|routed|escalated?) (?:\w+ ){0,3}to "
    r"(?:whoever|someone|somebody|a person|the person|the (?:right|responsible) (?:person|officer|people)|"
    r"one of (?:your|the) (?:colleagues|staff|officers|team)|your (?:colleagues?|staff|officers?|team))|"
    r"(?:i would|i d|id|we would|wed) (?:rather|prefer to) (?:explain|discuss|talk|speak|deal)\b"
    r"(?:\s+\S+){0,6}?\s+(?:someone|somebody|a person|a human|an officer|a (?:responsible )?officer|"
    r"your (?:office|staff|team|officers?|colleagues))|"
    r"(?:actual|real|live) (?:human|person|people) (?:reading|seeing|there|here|looking)|"
    # A person's call or reply asked for by whom it comes from, a staff member asked to look
    # into it, a human who can help, a person needed to sort it out.
    r"(?:appreciate|like|want|prefer|request|expect|welcome)(?: to (?:get|have|receive))? (?:a call|a phone call|"
    r"a callback|an email|a reply|a message|a response) (?:back )?from (?:whoever|someone|somebody|a person|"
    r"a human|one of your|your (?:staff|team|office|officers?|colleagues))|"
    r"(?:could|can|would|may) (?:a |one of your )(?:staff(?: member)?|officers?|colleagues?) (?:please )?"
    r"(?:look into|handle|deal with|sort out|look at my|check my)|"
    r"(?:is there|are there|any) (?:a |an )?(?:human|real person|actual person|(?:real |actual )?staff member)s? (?:there )?(?:who|that) (?:can|could)|"
    r"(?:i|we) need (?:a |an )?(?:real |actual )?(?:person|human) to (?:sort|handle|look|deal|help|check|talk|"
    r"speak|call|answer|reply)|"
    # An officer to look at the visitor's own case ("I need an officer to look at my situation
    # personally"), not anyone to help with a chore ("we need somebody to check our bikes").
    r"(?:i|we) need (?:a |an )?(?:officer|official|staff member|someone|somebody) to (?:look (?:at|into)|"
    r"handle|deal with|review) (?:my|our|this) (?:case|situation|application|matter|problem|file)|"
    r"(?:someone|somebody|a person|a human) (?:to |who can |could )?(?:look at|handle|deal with|check) "
    r"(?:my|this|our) (?:case|problem|situation|message|request|application) (?:personally|in person|directly))\b"
)
_ZH_INDIRECT_REQUEST = re.compile(
    r"回(?:個|一下)?電(?:話)?(?:給我|給我們)?|打(?:個)?電話給(?:我|我們)|(?:跟|和|與)負責(?:的)?(?:人|老師|同仁|窗口|視窗|承辦)|"
    r"負責(?:的)?(?:人|老師|同仁|承辦人).{0,6}(?:聯絡|聯繫|回覆|回電|講|說|談|對接)|換(?:成|個)?人工|"
    r"(?:安排|請|找)專人|專人(?:跟|和|與|來|幫)|對接一下|(?:直接)?跟人(?:講|說|談)|投訴|申訴|"
    r"(?:你們|您們|貴單位)的?主管|(?:找|跟|請|叫)(?:你們的?)?主管|主管(?:出來|回覆|聯絡我|打給我)|"
    r"轉接|(?:轉給|交給|轉交(?:給)?)(?:相關的?)?(?:承辦|負責|工作人員|你們|專人|真人)|留(?:個|下)?(?:我的)?電話|請.{0,6}(?:聯絡|聯繫|打給|回覆)我|"
    r"有人在嗎|有沒有人(?:在|回)|(?:有沒有|有無|有)(?:工作人員|真人|客服|人工|專人|承辦人?){1,2}(?:在線|線上|在嗎)|幫我聯絡.{0,4}(?:承辦|負責|工作人員)|"
    r"(?:讓|叫|請|要|安排)(?:工作人員|承辦|專人|負責的?人|你們的人|同仁|人員).{0,8}(?:聯絡|聯繫|打給|回覆|回電|回我|"
    r"給我打|打(?:個|通)?電話|回(?:個)?信|寄信)|"
    # 「麻煩叫你們負責的同事回覆我」「可否請貴府同仁與本人聯繫」: asking one of the county's
    # people, whoever they are called, to get in touch.
    rf"(?:讓|叫|請|要|安排|麻煩|煩請)(?:你們|您們|貴府|貴單位)?(?:的)?{_ZH_COUNTY_PERSON}.{{0,10}}"
    r"(?:聯絡|聯繫|打給|回覆|回電|回我|答覆|回信|與本人|與敝人|和我|跟我)|"
    r"(?:與|和|跟)(?:本人|敝人)(?:聯絡|聯繫|聯系|連繫)|"
    # A person instead of the bot, or called out to the visitor (「我不想跟AI聊」「叫你們工作人員出來」).
    r"(?:不想|不要|不願意?)(?:再)?(?:跟|和|與)(?:ai|機器人|bot|電腦|程式)(?:聊|講|說|對話|溝通)?|"
    rf"(?:叫|請)(?:你們|您們)?(?:的)?(?:{_ZH_COUNTY_PERSON}|主管)出來|(?:叫|請)(?:你們|您們)的?人(?:來|過來|出來)|"
    # Anyone there who will talk (「有沒有人可以直接跟我談」「有沒有真的人在」).
    r"有沒有(?:人|誰)(?:可以|能)?(?:直接)?(?:跟|和|與)我(?:談|聊|講|說)|有沒有(?:真的?人|活人)|"
    # Someone at the office, however called (「跟你們辦公室的人談」「承辦的先生小姐」), asked to
    # talk; a person asked to look at a case (「找個人幫我看一下」); a reply by LINE.
    r"(?:跟|和|與|找)(?:你們|您們|貴單位|縣府)?(?:的)?(?:辦公室|單位|處裡|那邊)的人(?:直接)?(?:談|聊|講|說|約|討論)|"
    r"承辦的?先生(?:或|跟|和)?小姐|(?:先生|小姐)(?:或|跟|和)?(?:先生|小姐)可以(?:直接)?(?:跟我|幫我|回)|"
    r"找(?:個|一個)人(?:來)?幫(?:我|忙)(?:看|處理|確認|弄)|"
    r"(?:同事|同仁|承辦|工作人員|專人|負責人)(?:直接)?(?:line|賴|私訊|密)我|"
    r"換(?:個|一個)(?:懂的|會的|真的|專業的)(?:人)?(?:來)?|換(?:個|一個)人(?:來)?(?:回|答)|"
    # A talk in person asked for by the visitor (「這件事我想跟人當面談」), not told of others.
    r"我(?:想|要|希望)?(?:直接)?(?:跟|和|與)(?:人|你們|承辦人?|負責人)當面(?:談|聊|說|討論)|"
    # A complaint about the bot with a person asked for: 「機器人都答非所問 有沒有活人可以聊」.
    r"(?:答非所問|鬼打牆|跳針|雞同鴨講|聽不懂|看不懂|沒有用|沒用).{0,20}(?:真人|活人|人工|客服|工作人員|專人)|"
    r"(?:有沒有|有無|有)(?:真人|活人|工作人員|客服|專人)(?:可以|能)(?:聊|談|講|說|回|問)|"
    # A call to the visitor (「有沒有專人可以打電話跟我說明」), not the visitor calling (「…可以打
    # 電話問」) nor a place's staff explaining (「博物館有沒有工作人員可以解釋展覽」).
    r"(?:有沒有|有無|有)(?:真人|活人|工作人員|客服|專人)(?:可以|能)(?:打(?:個)?電話(?:給我|跟我)|給我打(?:個)?電話)|"
    # …or to explain to the visitor, asked at the start (「有沒有專人可以跟我說明」), not of a
    # place (「博物館有沒有工作人員可以跟我解釋展覽」).
    r"^(?:請問)?(?:有沒有|有無|有)(?:真人|活人|工作人員|客服|專人)(?:可以|能)(?:跟我|和我)(?:說明|解釋|聊|講|說)|親自(?:回覆|回電|聯絡)我|(?:我)?想找(?:個|一個)?(?:真)?人(?:聊|談|講|說)(?!天練習|中文|英文|語言)|"
    r"(?:你們|您們|請)(?:找|叫|派)(?:個|一個)?(?:真)?人(?:來|過來)|(?:找|叫)(?:個|一個)?真人(?:來|過來)|(?:找|叫)(?:個|一個)?人(?:來|過來)$|"
    r"(?:跟|和|與)我(?:聯絡|聯繫)|(?<!會)打給我|問人|找人問|派(?:個)?人|"
    # The county's superiors asked for, not the visitor's own (「領導讓我聯繫民政處」).
    r"(?:找|叫|請|要)(?:你們|您們|貴單位|貴府)?的?領導|領導(?:出來|回覆|聯絡我|打給我)|"
    # Staff on duty asked for, a call to talk it through (「有沒有值班的工作人員 我想直接打電話溝通」).
    r"值班的?(?:工作人員|人員|同仁|人)|想(?:直接)?(?:打|通)(?:個)?電話(?:跟你們|跟人|和人)?(?:溝通|談|聊)|"
    r"(?:聯絡|聯繫|找)(?:一下)?(?:你們的?)?負責人|"
    # 「我想直接跟你們的同仁談」: speaking with the county's people themselves.
    r"(?:跟|和|與)(?:你們|貴單位|縣府)?的?(?:同仁|承辦人?|工作人員|負責人|專人)(?:直接)?(?:談|聊|講|說|討論|溝通)|"
    # Whoever handles a matter, spoken with directly (「我要跟負責姊妹市業務的人直接談」).
    r"(?:跟|和|與)負責.{1,12}?的(?:人|同事|同仁|窗口)直接(?:談|聊|講|說|討論|溝通)|"
    # …or directly with whoever handles it (「我想直接和負責這件事的人溝通」).
    r"直接(?:跟|和|與)負責.{0,12}?的?(?:人|同事|同仁|窗口|承辦人?)(?:談|聊|講|說|討論|溝通)(?!過|了)|"
    # Someone asked to get in touch however the person is named or not named (「能不能有人
    # 私訊我」「麻煩有空的同仁回一下」「叫你們負責國際交流的來回我」), a person who knows asked
    # for (「找個懂的來」「請專員協助」), a message left for them (「留言給負責人」), a person
    # asked to look at the case (「有人可以幫我看一下我的狀況嗎」), the office's contact window.
    r"(?:能不能|可不可以|可否|麻煩|請|希望)有人(?:可以|能)?(?:私訊|私信|密|回覆|回|聯絡|聯繫|打給|打電話給)(?:我|一下)|"
    r"有沒有人(?:可以|能)(?:私訊|私信|密|回覆|回|聯絡|聯繫|打給|打電話給)(?:我|一下)|找(?:個|一個)人(?:來)?處理|"
    r"(?:麻煩|請|讓|叫)(?:有空的|值班的|負責的)?(?:同仁|同事|承辦人?|工作人員)(?:回(?:覆)?一下|回我|聯絡我|聯繫我)|"
    r"(?:叫|請|讓)(?:你們|您們|貴單位|貴府)?負責.{0,8}?的(?:人|同仁|同事|承辦人?)?(?:來)?(?:回我|回覆我|聯絡我|聯繫我|打給我)|"
    r"找(?:個|一個)?(?:懂的|會的|專業的|負責的)(?:人)?(?:來|過來)|(?:請|找|安排|需要)專員|"
    r"留言給(?:負責人|承辦人?|工作人員|同仁|專人)|"
    r"有(?:沒有)?人(?:可以|能)幫(?:我|忙)(?:看|處理|確認)(?:一下)?(?:我的|我們的)?(?:狀況|情況|案子|問題|申請|資料|檔案)|"
    # OpenCC's Taiwan phrasing writes 窗口 (a contact window) as 視窗 in the normal form.
    r"(?:跟|和|與)(?:你們|您們|貴單位|貴府)的?(?:窗口|視窗)(?:聯絡|聯繫|談|講)|"
    # 「人工」「轉人工」 alone: the customer-service word for a person, typed as the whole message.
    r"^(?:轉|要|找)?人工(?:客服|服務)?(?:呢|咧|啦|喔|吧)?$|"
    # A person asked to add the visitor on a chat app (「能不能讓工作人員加我微信聊」).
    r"(?:能不能|可不可以|可否|可以|請|麻煩)(?:讓|叫|請)?(?:你們|您們|縣府)?的?(?:工作人員|承辦人?|專人|同仁|客服)"
    r"加(?:我|一下我)(?:的)?(?:微信|wechat|line|賴|whatsapp)"
)
#: Put through, asked outright ("just connect me now please") — not to the Wi-Fi ("the hotel
#: wifi keeps dropping, connect me please").
_EN_CONNECT_ME = re.compile(
    r"\b(?:just |pls |please )?connect me(?: now| please| pls| asap| already)+$"
)
_A_CONNECTION_OF_DEVICES = re.compile(
    r"\b(?:wifi|wi fi|internet|network|hotspot|vpn|bluetooth|data|phone|laptop)\b"
)
_JA_PERSON_REQUEST = re.compile(
    # 担当者 asked for (担当者につないで, ご担当の方と直接), not named (「…の担当者です」,
    # 「担当者の電話番号」: who writes, and a contact asked for).
    r"担当(?:者(?:の方)?|の方)(?:様|さん)?より\S{0,8}?(?:ご?連絡|お?電話|お返事|ご回答)(?:を)?(?:いただ|頂|ください|下さい|願|ほしい|欲しい)|"
    r"担当(?:者(?:の方)?|の方)(?:様|さん)?(?:と|に|から|へ|を)\S{0,4}?(?:話|つな|繋|代わ|替わ|連絡|電話|"
    r"折り返|相談|直接|お願い|対応|呼)|"
    r"担当(?:者(?:の方)?|の方)(?:様|さん)?と(?:直接)?(?:やり取り|やりとり)(?:させて|したい|を?お願い|でき(?:ます|ません)か)|"
    # The person named, then asked to be put through after a reason (「この件は職員さんに
    # ちゃんと確認したいので、つないでもらえますか」).
    r"(?:職員|担当者?|スタッフ)(?:の方|さん)?(?:に|と).{0,24}(?:つないで|繋いで)(?:もらえ|ください|下さい|ほしい|欲しい|いただ)|"
    # Put through, asked outright (「今すぐつないでほしいです」).
    r"(?:今すぐ|すぐに?)(?:つないで|繋いで)(?:ほしいです|ほしい|欲しい|ください|下さい)[。!！]*$|"
    # Staff asked for as the whole message (「staff おねがいします」).
    r"^(?:staff|スタッフ|職員|担当者?)(?:さん|の方)?\s?(?:を)?\s?(?:お願い|おねがい)(?:します|いたします)?$|"
    r"(?:スタッフ|職員|人間|有人|窓口の人|係の人|責任者)(?:の方|さん)?(?:と|に)?(?:お|ご)?"
    r"(?:話|つな|繋|相談|代わ|替わ|代えて|やりとり|やり取り|直接)|"
    r"人(?:と|に)(?:話|相談|代わ|つな)|人間(?:の|と|に)|有人対応|"
    # In kana alone, as typed without converting (「にんげんの ひと いますか」, 「ひとと はなせますか」)
    # — not people of a place (「げんちの ひとと はなしたい」) nor dangers to them.
    r"(?:すたっふ|しょくいん)(?:さん)?(?:に|と)\s?(?:かわ|はなし|はなせ|つな)|中の人(?:いますか|いる[ー～~]*[?？]|と話)|"
    r"にんげんの\s?(?:ひと|かた|スタッフ|たんとう|担当)|にんげんと\s?(?:はなし|はなせ)|(?<!の)(?<!の\s)ひと(?:と|に)\s?(?:はなし|はなせ)|"
    # Someone of the office, by the polite 方 (「市役所の方と直接お話しできますか」「担当課の方に
    # つないでください」), not the people of a place (「花蓮の方と交流できる」).
    r"(?:県庁|県|市役所|役所|役場|課|部署|窓口|事務局|事務所|センター|職場)の方(?:と|に)"
    r"(?:直接)?(?:お?話|相談|つな|繋|代わ)|"
    r"(?:ボット|bot|チャットボット|AI|機械|自動応答|自動返信)(?:じゃなく|ではなく|でなく|とは?話したくな)|"
    r"(?:職員|担当|スタッフ|係|責任者|上の人|上の方|人間)(?:の方|の人|者)?(?:さん)?(?:を)?(?:呼んで|出して)(?!も(?!らえ|らい)|って|と言)|"
    # Someone who understands, asked after in frustration with the answers (「同じ答えばっかり…
    # ちゃんと分かる人いないの？」「全然違う答え。係の人いないの？」), not a Japanese speaker
    # sought at a place.
    r"^(?=.*(?:同じ答え|同じ回答|同じ返事|違う答え|ばっか|ばかり|ボット|機械|話にならな|使えな|意味不明|答えになってな|"
    r"役に立たな|何度聞いても|何回聞いても|何回も聞いて))"
    r".*(?:(?:分かる|わかる|詳しい|まともな|ちゃんとした|係の|担当の|窓口の)(?:人|方)|責任者(?:の方)?|担当者)(?:は|って)?"
    r"(?:いない|いません|いる[?？]|いますか|おらん)|"
    r"折り返し|(?:電話|連絡)(?:を)?(?:して|いただ|ください|下さい|ほしい|欲しい|もらえ|お願い)|"
    r"オペレーター|"
    # Staff asked after as the whole message (「すたっふさん いますか？」「職員の方いらっしゃいますか」).
    r"^(?:あの|すみません|すいません)?\s?(?:スタッフ|すたっふ|職員|しょくいん|担当者?|係の人|人間|にんげん|誰か|だれか|どなたか)"
    r"(?:さん|の方)?\s?(?:は|が)?\s?(?:いますか|いる|いませんか|おられますか|いらっしゃいますか|いらっしゃいませんか)[?？!！\s]*$|"
    # Indirect: a person's reply, a call or a mail asked for (「職員の方のお返事をいただけますか」
    # 「お電話でご相談できますでしょうか」「メールでご回答いただけると助かります」), someone to ask.
    r"(?:職員|担当|スタッフ)の方?の?(?:お返事|ご回答|ご返答|回答|返事)|"
    r"(?:お電話|電話)で(?:ご相談|相談|お話|話)(?:でき|したい|させ|可能|を)|"
    r"(?:メール|電話|お電話)で(?:ご回答|回答|ご返信|返信|ご連絡|連絡|お返事)(?:を)?(?:いただ|ください|下さい|ほしい|欲しい|願|もらえ)|"
    r"(?:誰か|だれか)?(?:人|人間)に(?:聞きたい|聞いて|尋ね|相談した)|"
    # Someone who knows, asked to look at it (「どなたか詳しい方に確認していただけますか」).
    r"(?:どなたか|誰か|だれか|詳しい方|分かる方|わかる方|専門の方|係の方)(?:に|が|から)?"
    r"\S{0,6}?(?:確認|対応|見て|調べて|回答|説明)(?:して)?(?:いただ|もら|ほしい|欲しい|くださ|下さ)"
)
_KO_PERSON_REQUEST = re.compile(
    # 담당자 asked for (담당자와 통화, 담당자 연결), not named (「유학생 담당자입니다」).
    r"(?:직원|(?<!한국 )(?<!한국)(?<!외국 )(?<!외국)(?<!현지 )(?<!현지)사람|담당자?|실무자|상담원|상담사|책임자|관리자)(?:분|님)?"
    r"(?:과|와|이랑|랑|하고|한테|에게|께|분|으로|로|을|를)?"
    r"\s?(?:좀\s?)?(?:통화|연결|이야기|얘기|대화|채팅|상담|바꿔|바꾸|직접|불러|전달|넘겨|여쭤|여쭙|물어보고\s?싶|"
    # …not a talk already had (「실무자랑 이야기해 봤는데」) nor a restaurant's call bell.
    r"호출(?!하는|\s?(?:벨|버튼|시스템)))(?!\S*\s?\S*?(?:봤|했는데|했어|했습니다|했고|하셨|안\s?(?:돼|되|와|받)))|"
    # Put through now, asked outright as the message's last words (「지금 연결해 주세요」) — not a
    # school to be put in touch with (「화롄 학교와 … 연결해 주실 수 있나요?」) nor Wi-Fi or 119
    # (「와이파이 바로 연결해 줘요?」).
    r"(?:^|\s)지금\s?(?:바로\s?)?연결해\s?(?:주세요|줘|주십시오)(?:\s?(?:빨리요|빨리|급해요|부탁해요))?\s*$|"
    r"(?:챗봇|봇|로봇|기계|AI|자동\s?응답|자동\s?답변)\s?말고|"
    # A real person asked for (「실제 사람이랑」), or asked after in frustration with the bot
    # (「아 답답해 진짜 사람 없어요??」) — not whether a place is crowded (「진짜 사람 없어요?」).
    r"(?:진짜|실제)\s?사람\s?(?:이랑|하고|과|와|좀|바꿔|연결)|"
    r"^(?=.*(?:답답|짜증|봇|기계|대답|엉뚱한\s?(?:답|대답|소리)|말이\s?안\s?통|못\s?알아)).*(?:(?:진짜|실제)\s?)?사람\s?(?:없|있)|"
    r"^(?:여기|이거|이\s?채팅)\s?(?:진짜|실제)\s?사람\s?(?:없|있)|"
    # Indirect: a person's own reply, a call or a mail asked for (「직원분이 직접 답변해 주실 수
    # 있나요」「메일로 회신 부탁드립니다」「전화로 상담 가능할까요」), or a number left to be called.
    r"(?:직원|담당자?)(?:분|님)?(?:이|께서|의)?\s?(?:직접\s?)?(?:답변|회신|답장)|"
    # A connection asked for where a person is named (「담당 공무원분께 직접 여쭤봐야 할 것 같습니다.
    # 연결 부탁드립니다」), or staff asked after as present (「직원분 계세요?」).
    r"^(?=.*(?:공무원|직원|담당|상담원|사람))(?=.*연결\s?(?:좀\s?)?(?:부탁|해\s?주세요|해\s?주십시오))|"
    r"(?:직원|담당자?|상담원|책임자)(?:분|님)\s?(?:계세요|계신가요|계십니까)|"
    # Anyone there, as the whole message (「사람 있어요?」「거기 누구 없어요?」), and a callback.
    r"^(?:저기요?\s?|여기\s?|거기\s?)?(?:사람|누구|아무도)\s?(?:있어요|있나요|있습니까|없어요|없나요|없습니까|계세요)[?？!\s]*$|"
    r"콜백\s?(?:좀\s?)?(?:가능|부탁|해\s?주|주세요|주실|받을\s?수|요청|원해)|"
    r"(?:메일|이메일|전화|문자)로\s?(?:회신|답변|연락|상담|답장|답)\s?(?:좀\s?)?(?:부탁|주세요|주시|주실|바랍니다|받고|가능|해\s?주|할\s?수)"
    # …not a line to call (「전화로 상담할 수 있는 번호 있어요?」: a hotline).
    r"(?!\s?있는\s?(?:번호|곳|전화|데|창구))|"
    # …or a person named between (「메일로 담당 직원분이랑 따로 연락할 수 있을까요?」) — not an
    # office (「이메일로 민정처에 연락할 수 있나요?」).
    r"(?:메일|이메일|전화|문자)로\s?(?:\S+\s?){0,2}?(?:담당|직원|주무관|상담원)\S*\s?(?:\S+\s?){0,2}?"
    r"(?:연락|상담|통화|이야기)(?:할|하고|해|드릴)|"
    r"제\s?(?:전화\s?)?(?:번호|연락처)(?:는|은)\s?\+?\d|"
    # 「담당 주무관님께 직접 말씀드리고 싶은데」: an official's title, then speaking directly.
    r"(?:주무관|공무원|직원|담당자?)님?(?:께|에게|한테)?\s?(?:직접\s?)?(?:말씀|통화|연결)|"
    # Spoken with, as a wish or a request (「주무관님과 직접 말씀 나누고 싶습니다」) — not a call
    # already had (「주무관님과 통화를 했는데」) nor a meeting in a programme.
    r"(?:주무관|공무원|직원|담당자?)님?(?:과|와|하고|이랑)\s?(?:직접\s?)?(?:통화|말씀|이야기|얘기|대화)"
    r"[^.?!,]{0,10}?(?:싶|부탁|수\s?있을까|가능할까)|"
    r"직접\s?(?:말씀(?:드리|을\s?드리)|통화|상담|대화)|"
    r"(?:전화|연락)\s?(?:좀\s?)?(?:주세요|주시|주실|부탁|해\s?주|줄\s?수|바랍니다)|"
    # A person to look at it (「이 문제는 사람이 봐 줘야 할 것 같아요」, 「담당자분이 확인해 주세요」).
    r"(?:사람|직원|담당자?|공무원)(?:분)?(?:이|께서|가)\s?(?:(?:직접|한번|한\s?번|좀|꼭)\s?)*(?:봐|확인해|처리해|검토해|답해)\s?(?:줘|주|주세|주시|줬)"
)


# Asking whether the bot is a person is a question about the bot, not a request for one.
#: "… or a real person", "… or a bot": the other half of the question, read with it.
_OR_THE_OTHER = (
    r"(?:\w* (?:or|and) (?:a |an )?(?:real |actual |live )?(?:person|human|bot|robot|machine|ai|"
    r"program|automated|automatic)\b)?"
)
_ABOUT_THE_BOT = re.compile(
    r"(?:你|妳|您|這)是(?:不是)?(?:真人|機器人|ai|自動回覆)|是真人還是|是不是(?:真人|機器人)|機器人還是真人"
    r"|機器人在?(?:回|答)(?!不)|是機器人嗎|還是(?:真人|機器人)(?:嗎|呢)?$"
    # 「你背後有真人在看嗎 還是全自動的」: who is behind the desk.
    r"|背後(?:有|是)(?:真人|人)|還是(?:全)?自動(?:的|回覆|回答)?(?:嗎|呢)?$"
    rf"|\b(?:are|r) (?:you|u) (?:a |an )?(?:real|human|bot|robot|person|ai\b|machine|automated){_OR_THE_OTHER}"
    r"|\b(?:real person|human) or (?:a |an )?(?:bot|robot|machine|ai\b|automatic|automated)"
    rf"|\bis this (?:a |an )?(?:bot|robot|ai|chatbot|automated|automatic|real person|human)\b{_OR_THE_OTHER}"
    r"|\bam i (?:talking|chatting|speaking) (?:to|with) (?:a |an )?(?:bot|robot|human|real person|machine|ai)\b"
    rf"{_OR_THE_OTHER}"
    r"|(?:これ|あなた)は(?:人間|ボット|ロボット|ai|自動応答|機械)|(?:人間|ボット|ロボット|機械)(?:です|なんです)か"
    r"|(?:사람|챗봇|로봇|기계)(?:이에요|예요|인가요|이세요|입니까|이야)|(?:챗봇|로봇|ai)\s?(?:이|가)?\s?(?:답하|대답하|답변하)"
)


def asks_whether_the_desk_is_a_person(normal: str) -> bool:
    """Whether the visitor asks if a person or a program answers: the question about the desk,
    whatever else its words match ("are you a real person or an automatic answer thing?")."""
    return bool(_ABOUT_THE_BOT.search(normal) or _ABOUT_THE_BOT.search(normal.replace(" ", "")))


#: What the desk can be asked, asked of the desk and nothing else ("what kind of stuff can i ask
#: u", 「可以問你什麼」, 「ここでは何が聞けますか」, 「뭐 물어보면 돼?」): the help entry, whatever
#: other entry the words "ask" or "here" happen to match. Whole messages only: "what can i ask
#: about the ARC" asks about the ARC.
_WHAT_THE_DESK_DOES = re.compile(
    r"^(?:(?:hi|hey|hello|ok|okay|so|um|uh|hmm|yo|sorry|and)\s+)*(?:what|which)\s+(?:kinds? of\s+|kinda\s+|sorts? of\s+|sorta\s+|types? of\s+)?"
    r"(?:stuff|things|questions|topics|info)?\s*(?:can|could|should|do|may)\s+(?:i|we)\s+ask"
    r"(?:\s+(?:you|u|here|about|exactly|then|lol|anyway|this bot|this chat))*$|"
    r"^(?:請問)?(?:我|我們)?(?:可以|能|都能|都可以|該|要)問(?:你|妳|您)?(?:些|哪些|什麼|啥)(?:問題|事情?|東西)?(?:呢|啊|嗎|呀)?$|"
    # What the desk itself can do (「這個機器人可以幫我做什麼」「這個小助手都能回答些啥」).
    r"^(?:請問)?(?:這個|你|妳|您)?(?:機器人|小助手|助手|客服|bot|ai)?(?:都|到底)?(?:可以|能|會)"
    r"(?:(?:幫我|幫你|為我)?(?:做|回答|答|處理|解決|幫)|幫忙)(?:些|哪些)?(?:什麼|甚麼|啥|哪些)(?:問題|事情?|東西)?(?:呢|啊|嗎|呀)?$|"
    r"^(?:ここ|このチャット|このボット|ここで|ここでは|これ)?(?:は|で|では|って)?(?:何|なに)(?:を|が)(?:聞け|聞いて|質問でき|質問して)(?:る|ます|いい|も)?.{0,6}$|"
    r"^(?:이거\s?|여기\s?|여기서\s?)?(?:뭐|뭘|무엇을|어떤\s?(?:거|걸|것|질문))\s?(?:물어보|물어봐|물어볼|질문하|질문할)(?:면\s?돼|\s?수\s?있)\S{0,4}$"
)


def asks_what_the_desk_does(normal: str) -> bool:
    """Whether a message only asks what the desk can be asked (see the pattern above)."""
    compact = normal.replace(" ", "")
    return bool(_WHAT_THE_DESK_DOES.search(normal) or _WHAT_THE_DESK_DOES.search(compact))


#: Another office's officer named to ask for their number (「想找教育處的承辦 電話有分機嗎」):
#: a question about that office's contact, not a request for this desk's staff.
_ANOTHER_OFFICES_CONTACT = re.compile(
    r"(?:處|局|署|所|站|中心|學校|醫院)的?(?:承辦|承辦人|負責人|窗口|視窗|工作人員).{0,12}(?:電話|分機|地址|信箱|email|怎麼聯絡)|"
    # …or the office's own number asked for (「民政處電話咋打」「教育處的電話幾號」).
    r"(?:處|局|署|所|站|中心)的?(?:電話|分機|總機)(?:號碼)?(?:咋|怎麼|怎樣|要怎麼)?(?:打|撥|幾號|多少|是)"
)

#: A place asked for where the visitor can talk to someone, not the desk's own people: "any
#: visitor centre where i can talk to someone in person about day trips?", 「有沒有服務中心可以
#: 當面問人」: the centres' entry answers it.
_A_PLACE_TO_TALK = re.compile(
    r"\b(?:cent(?:re|er)|counter|booth|kiosk|place|somewhere)s?\b(?:\s+\S+){0,4}?(?: where| that)? "
    r"(?:i|we|you|one) (?:can|could) (?:go (?:and |to )?)?(?:talk|speak|chat)\b"
)
#: A talk with the person in charge already had (「我昨天已經直接跟負責的人溝通過了 謝謝」): told,
#: not asked for.
_HAN_TALK_ALREADY_HAD = re.compile(
    r"已經.{0,4}(?:跟|和|與).{1,16}?(?:談|聊|講|說|溝通|聯絡|聯繫|討論)(?:過|好了)|(?:談|聊|溝通|聯絡|聯繫|討論)過了"
)
#: An office's person in charge named to ask how to reach them (「민정처 담당자분과 통화하고자
#: 하는데 연락 방법을 안내해 주시기 바랍니다」「観光処のご担当者様と連絡を取りたく、連絡方法を」):
#: the office's contact, not a request for this desk's staff.
_KO_JA_OFFICES_CONTACT = re.compile(
    r"(?:처|국|과|청|센터)\s?(?:의\s?)?담당(?:자|\s?직원)?(?:분|님)?.{0,30}(?:연락\s?방법|연락처|전화\s?번호|이메일\s?주소)"
    r"(?:을|를)?\s?(?:좀\s?)?(?:알려|안내|가르쳐|알고\s?싶)|"
    r"(?:処|處|局|課|署|センター)の(?:ご)?担当(?:者)?(?:様|の方|さん)?.{0,30}(?:連絡方法|連絡先|電話番号|メールアドレス)"
    r"(?:を)?(?:教え|ご教示|お知らせ|知りたい)"
)
#: The staff of a place the visitor deals with (「민박집 관리자님한테 연결이 안 돼요」「호텔 직원분이랑
#:통화했는데」): not the desk's people.
_KO_A_PLACES_STAFF = re.compile(
    r"(?:민박(?:집)?|숙소|호텔|게스트\s?하우스|렌터카|회사|업체|가게|식당|병원|공항|은행)\s?(?:의\s?)?"
    r"(?:직원|관리자|사장|담당자?|상담원|매니저)"
)
_HAN_A_PLACE_TO_TALK = re.compile(
    r"(?:服務中心|遊客中心|旅遊中心|旅客中心|服務臺|櫃臺|地方)(?:可以|能)(?:直接)?(?:找人|跟人|和人|問人|當面)"
)


def is_person_request(normal: str, original: str = "") -> bool:
    """Whether the normalised message asks for a person by the grammar above. ``original``
    (the message as typed) is read for Japanese, whose kanji normalisation would change."""
    compact = normal.replace(" ", "")
    folded = unicodedata.normalize("NFKC", original or normal)
    if (
        _ABOUT_THE_BOT.search(normal)
        or _ABOUT_THE_BOT.search(compact)
        or _ANOTHER_OFFICES_CONTACT.search(compact)
        or _A_PLACE_TO_TALK.search(normal)
        or _HAN_A_PLACE_TO_TALK.search(compact)
        or _HAN_TALK_ALREADY_HAD.search(compact)
        or _KO_JA_OFFICES_CONTACT.search(folded)
        or _KO_A_PLACES_STAFF.search(folded)
    ):
        return False
    return bool(
        _EN_PERSON_REQUEST.search(normal)
        or _EN_PERSON_ONLY.match(normal)
        or _EN_INDIRECT_REQUEST.search(normal)
        or (_EN_CONNECT_ME.search(normal) and not _A_CONNECTION_OF_DEVICES.search(normal))
        or _ZH_PERSON_REQUEST.search(compact)
        or _ZH_INDIRECT_REQUEST.search(compact)
        or _JA_PERSON_REQUEST.search(folded)
        or _KO_PERSON_REQUEST.search(folded)
    )


# Work the desk does not do, whatever it is about: writing code, essays or homework,
# translating a text ("write a SQL query about sister cities", 「幫我寫一篇報告」). A program
# is code only when written or debugged: drafted, made or run, it is an exchange programme
# ("draft a program for our visit", 「留学プログラムをやっている」, 「프로그램을 만들려고」).
_EN_TASK = re.compile(
    r"\b(?:write|code|program|generate|compose|draft|solve|debug|calculate|summari[sz]e|"
    r"translate|proofread|fix) (?:me |us |my |our |a |an |the |this |some )?(?:\w+ ){0,3}"
    r"(?:sql|python|java|javascript|code|script|function|query|essay|poem|story|"
    r"song|letter|cover letter|homework|assignment|equation|sentence|paragraph|text|speech|"
    r"toast|remarks|caption|slogan|resume|cv)\b|"
    # A plan for the visitor's own body or studies ("make me a diet plan for the marathon").
    r"\b(?:make|create|design|plan|write|put together) (?:me |us |my |a |an )?(?:\w+ ){0,2}(?:diet|meal|"
    r"workout|training|exercise|running) (?:plan|schedule|routine|menu)\b|"
    r"\bscrape\b.{0,40}\b(?:with|in|using) (?:python|java|javascript|r)\b|\bweb scrap(?:e|er|ing)\b|"
    r"\b(?:write|code|debug) (?:me |us |a |an |the |this |some )?(?:\w+ ){0,2}program\b|"
    r"\bhelp (?:me )?with my (?:essay|homework|assignment|thesis|code|paper)\b|"
    r"\b(?:homework|exam|quiz|test|assignment|textbook) (?:question|problem)\b|"
    # Code named by its language, whatever the verb ("python script to scrape train times,
    # can you write it for me"), a programming language's workings.
    r"\b(?:python|sql|java|javascript|excel|vba|bash|powershell|html|css) (?:script|code|program|"
    r"function|query|macro|formula)s?\b|"
    r"\b(?:difference between|error in|syntax (?:of|in)) .{0,30}\b(?:in|of) (?:python|java|javascript|sql|excel)\b|"
    # Recipes, geography's records ("a recipe for beef noodle soup", "the tallest mountain in
    # south korea").
    r"\brecipes? (?:for|to make|without|with)\b|\b(?:a|an|good|easy|simple|quick) (?:\w+ )?recipe\b|"
    r"\bhow (?:do (?:i|you)|to) (?:cook|bake) \w+|"
    r"\bwhat(?:s| is| are) the (?:tallest|highest|longest|largest|biggest|deepest|oldest) "
    r"(?:mountains?|rivers?|lakes?|buildings?|islands?|countries|country|deserts?|oceans?|volcanos?|volcanoes)\b|"
    # A phrase to be put into another language ("how do you say 'i'm allergic to shrimp' in
    # mandarin"), a film or a series to watch.
    # A plot to summarise, a phrase to translate as the whole request ("translate nice to
    # meet you into korean"), a food's calories.
    r"\bsummari[sz]e the (?:plot|story|book|novel|movie|film)\b|\bhow many calories\b|"
    r"^translate .{1,40} (?:into|to) (?:korean|japanese|chinese|mandarin|english|german|taiwanese)$|"
    r"\bhow (?:do|would|can|should) (?:you|i|we|one) (?:say|pronounce)\b.{1,80}\b(?:in|into) "
    r"(?:mandarin|chinese|taiwanese|hokkien|japanese|korean|english|amis|german)\b|"
    r"\brecommend (?:me |us )?(?:a |an |some |any )?(?:good |great |fun )?(?:k ?dramas?|c ?dramas?|"
    r"dramas?|movies?|films?|tv shows?|shows to watch|series|netflix \w+|anime|novels?|books? to read|"
    r"songs?|games?|podcasts?)\b|"
    # A text handed over to be translated ("translate this into german: …").
    r"\btranslate (?:this|these|that|the following|my|our)\b(?: \w+){0,3} (?:into|to) \w+|"
    # General knowledge asked for its own sake: the desk is no encyclopaedia.
    r"\b(?:what is|whats|which is|name) the (?:capital|population|currency|national (?:animal|"
    r"flower|sport)) of\b|\bcapital (?:city )?of\b|\bhow (?:tall|high|deep|long|old) is "
    r"(?:the |mount |mt )?(?:taipei 101|\w+ (?:tower|building|mountain|river|bridge))\b|"
    r"\bwho (?:won|invented|discovered|wrote|painted|founded)\b|\bwhy is (?:it|\w+(?: \w+){0,3}) called\b|"
    # A race's past results, how storms get their names ("last year's winning time", "who
    # names the typhoons").
    r"\b(?:winning times?|last years? (?:\w+ )?winners?|fastest times? ever)\b|"
    r"\bcourse record (?:for|of|at)\b|\bpast (?:winners|results|champions) of the (?:\w+ )?(?:marathon|race)\b|"
    r"\bwho (?:names|picks the names of|decides|gives|chooses) (?:the )?(?:typhoons?|hurricanes?|storms?)"
    r"(?:s)?(?: their)? names?\b|\bwho (?:names|names the) (?:typhoons|hurricanes|storms)\b|"
    r"\bhow (?:are|do) (?:typhoons|hurricanes|storms) (?:get )?(?:named|their names)\b|"
    r"\bwhere do (?:typhoon|hurricane|storm) names come from\b|"
    # Who holds an office: the KB names no official ("who is the mayor of temple city").
    r"\bwho (?:is|was) (?:the )?(?:current |new |present |first |last )?(?:mayor|governor|president|prime minister|"
    r"magistrate|premier|king|queen|chairman)\b|"
    r"\b(?:explain|tell me about) (?:the )?(?:causes|history) of\b|\bwhat is \d+ ?[+*x/-] ?\d+\b|"
    r"\b\w+ vs \w+\b.*\bexplain\b|\bexplain\b.*\b\w+ vs \w+\b|"
    # Records for their own sake: "which typhoon was the strongest ever to hit hualien".
    r"\b(?:strongest|biggest|largest|deadliest|worst|highest|tallest|longest|oldest) (?:\w+ )?ever\b|"
    # A disaster's toll asked as news or history, how nature works: "how many people died in
    # the 2018 earthquake", "how do tsunamis form".
    r"\bhow many (?:people )?(?:died|were killed|were injured|deaths|casualties|victims)\b|"
    # A place's population asked for its own sake: "how many people live in hualien county?".
    r"\bhow many (?:people|residents|inhabitants) (?:live|are there) in\b|\bpopulation of\b|"
    r"\b(?:death toll|casualties|number of deaths)\b|"
    r"\bhow do(?:es)? (?:earthquakes?|typhoons?|tsunamis?|volcanoes?|hurricanes?|storms?) "
    r"(?:form|happen|start|work)\b"
)
_ZH_TASK = re.compile(
    # A phrase to be put into another language, a film or a series to watch, why a place is
    # called what it is (「過敏用中文怎麼說」「推薦一部韓劇」「為什麼台灣叫寶島」).
    r"(?:用|的)(?:中文|英文|日文|韓文|臺語|閩南語|客語|阿美語)(?:要)?怎麼(?:說|講|念|唸)|"
    # A programming language's workings (「Python裡list和tuple有啥區別」).
    r"(?:python|java|javascript|sql|html|css|c\+\+|excel)(?:裡|里|裏|的|中|要)?(?:怎麼寫|怎麼用|的?語法|.{0,20}(?:區別|差別|差異|報錯|錯誤))|"
    # …or put to work (「怎麼用Python爬網頁資料」), a scraper.
    r"(?:怎麼|如何)用(?:python|java|javascript|sql|excel)|爬(?:網頁|蟲(?!類))|網路爬蟲|"
    # A plan for the visitor's own body (「幫我排一個馬拉松訓練菜單」「減肥菜單」), not the
    # county's own training plans (「人才訓練計畫」).
    r"(?:訓練|練跑|健身)(?:選單|課表)|(?:減肥|減重|飲食|健身)(?:選單|計畫|計劃)|"
    r"推薦.{0,6}(?:韓劇|日劇|陸劇|臺劇|美劇|電影|影集|連續劇|動漫|動畫|小說)|"
    r"為什麼.{1,8}?(?:叫(?![了我你妳他她人車們])(?:做)?|被稱為|被叫做?|稱為|又稱|別稱)|"
    r"(?:幫|替|給)我(?:寫|擬|改|翻譯|算|解|做)|寫(?:一)?(?:篇|段|首|個程式|份報告|封信)|程式碼|寫程式|"
    r"寫作業|做作業|報告怎麼寫|翻譯(?:這|下面|以下)|"
    # A question from a class or an exam (「化學課的題目」「期中考考題怎麼解」) is homework.
    r"(?:課|作業|考試|考卷|期中考|期末考|小考|課本)的?(?:題目|考題|習題)|(?:題目|考題|習題)(?:要)?怎麼(?:解|算|寫|做)|"
    # Who holds an office: the KB names no official.
    r"(?:市長|縣長|總統|首相|州長|議長)(?:現在)?(?:是|叫)(?:誰|哪位|什麼名字)|誰是(?:現任)?(?:市長|縣長|總統|首相)|"
    r"(?:有)?哪些(?:議員|立委|委員|官員)|(?:議員|立委)(?:有)?(?:哪些|是誰|名單)|"
    # A speech or a greeting to be written, records for their own sake (「史上最強的颱風」).
    r"(?:寫|擬)(?:一)?(?:篇|份|段)?(?:致詞|致辭|演講稿|講稿|賀詞|歡迎詞)|"
    # A letter asked for (「請擬一份邀請函給姊妹市」「可以幫忙寫感謝函嗎」), not one the visitor
    # writes (「我想寫一封感謝信給縣長，地址是什麼」).
    r"(?:請|幫忙|幫我)(?:幫忙)?(?:寫|擬)(?:一)?(?:封|份|篇)?(?:邀請函|感謝函|感謝信|謝函)|^寫一封(?:邀請函|感謝函|感謝信)|史上最|歷史上最.{0,4}(?:強|大|嚴重)|"
    # The desk's opinion asked between two places or things, how nature came to be.
    r"你(?:覺得|認為).{0,12}(?:哪個|哪一個|哪裡|哪邊).{0,6}比較|(?:是)?(?:怎麼|如何)形成(?:的)?|形成的原因|"
    # A disaster's toll (「921地震死了多少人」「死亡人數」).
    r"(?:死了|死亡|罹難|喪生)(?:幾個人|多少人|幾人)|(?:死亡|傷亡|罹難)人數|"
    # A population, a country's emblems (「花蓮人口有多少」「台灣的國花是什麼」).
    r"人口(?:有|是|大概|總共)*(?:多少|幾)|多少人口|國花|國鳥|國樹|"
    # A race's past results, how typhoons get their names (「歷屆冠軍」「颱風的名字是誰取的」).
    r"歷屆(?:冠軍|紀錄)|冠軍(?:是誰|成績|紀錄)|(?:馬拉松|比賽|賽事)的?(?:歷屆|往年)成績|(?:去年|上屆)的?冠軍是誰|最快(?:成績|紀錄)|"
    r"(?:颱風|臺風)的?(?:名字|名稱)(?:是|都是)?(?:誰|怎麼|如何)(?:取|命名|決定|來)|(?:颱風|臺風)(?:是)?怎麼命名"
)


_JA_TASK = re.compile(
    r"(?:市長|町長|村長|[県縣]長|知事|首相|大統領|總統|議長)(?:さん)?(?:は|って)(?:誰|だれ|どなた)|"
    r"(?:市長|町長|村長|[県縣]長|知事|首相|大統領|總統|議長)(?:さん)?の(?:お)?名前|"
    # An outline or a draft asked for (「卒論の構成案つくって」).
    r"構成案?(?:を)?(?:つくって|作って|考えて)(?:ください|くれ|ほしい)?|"
    # A letter's wording asked to be drafted (「お礼状の文面を考えていただけませんか」) — not one the
    # visitor writes (「志望動機の文章を書いて提出」「挨拶文を書いてきた」). Normal forms (禮狀).
    r"(?:文面|文章|文案|例文|挨拶文)(?:を)?(?:(?:考え|作っ|書い)て|(?:作成|添削)して)"
    r"(?:いただけ|いただき|ください|下さい|くれ|もらえ|ほしい|欲しい)|"
    r"(?:コード|スクリプト|作文|レポート|論文|宿題|メール|手紙|お禮狀|禮狀|招待狀)(?:を)?"
    r"(?:書い|書け|かい|作っ|つくっ|作成|直し|添削|解い|やっ)|プログラム(?:を)?(?:書い|書け|かい)|"
    r"翻譯して(?:ください|くれ|ほしい)?$|(?:中國語|英語|臺灣語|韓國語|日本語)に(?:[訳譯]|翻[訳譯])して|"
    # For a report or homework (「レポートで台湾の原住民族について書いてる」).
    r"(?:レポート|宿題|論文)(?:で|のため|用に)|"
    # A plan for the visitor's own body, a résumé to be made or corrected (「練習メニュー作って
    # ほしい」「英語の履歴書を添削してもらえますか」).
    r"(?:練習|トレーニング|筋トレ|ダイエット|食事)(?:メニュー|プラン|計畫)(?:を)?(?:作っ|つくっ|考え|組ん)て|獻立(?:を)?(?:作っ|考え)|"
    r"(?:履歴書|職務經歴書|エントリーシート|自己pr)(?:を)?(?:作っ|作成し|添削し|直し|書い|見)て|"
    r"(?:中國語|英語|臺灣語|韓國語)で.{0,16}?(?:なんて|何て|なんと|何と)(?:言|い)|"
    r"(?:おすすめ|オススメ)の?.{0,4}?(?:ドラマ|映畫|アニメ|小説)|(?:ドラマ|映畫|アニメ|小説)(?:を)?(?:おすすめ|オススメ|教えて)|"
    # A disaster's toll (「死者は何人」).
    r"(?:死者|犠牲者|死亡者)(?:の数)?(?:は|って)?(?:何人|どのくらい|どれくらい)|何人(?:が)?(?:亡くな|死ん|犠牲)|"
    r"人口(?:は|って)?(?:何人|どのくらい|どれくらい|いくつ)|"
    # A race's past results, how typhoons get their names (「過去の優勝タイム」「台風の名前は誰が」).
    r"優勝(?:タイム|記錄)|優勝者(?:は|って)(?:誰|だれ)|(?:マラソン|大會)の優勝者$|歴代(?:の)?(?:優勝|記錄|チャンピオン)|大會記錄|"
    r"臺風の名前(?:は|って)?(?:誰|だれ|どうやって|どう)"
)
_KO_TASK = re.compile(
    r"(?:시장|군수|현장|도지사|대통령|총통|총리|의장)(?:님)?(?:은|는|이|가)?\s?누구|"
    r"(?:시장|군수|현장|도지사|대통령|총통|총리|의장)(?:님)?\s?(?:의\s?)?(?:이름|성함)|"
    # A letter or a speech asked to be written (「초청장 좀 써 주세요」), not one the county
    # issues (「초청장을 작성해 주실 수 있나요」).
    r"(?:초청장|인사말|축사|감사\s?편지)(?:를|을)?\s?(?:좀\s?)?(?:써|대신\s?써)\s?(?:주세요|줘)|"
    r"(?:코드|스크립트|에세이|작문|리포트|보고서|숙제|과제|편지)(?:를|을)?\s?"
    r"(?:좀\s?)?(?:짜|작성|만들|써|대신|풀어|해\s?줘)|프로그램(?:를|을)?\s?(?:좀\s?)?짜|"
    r"번역해\s?(?:줘|주세요)|첨삭\s?(?:해\s?줘|해\s?주세요|부탁)|"
    # A plan for the visitor's own body, a résumé (「완주용 식단 짜줘」「이력서 좀 봐 주세요」).
    r"(?:식단|운동\s?(?:계획|루틴)|훈련\s?(?:계획|일정|프로그램)|다이어트\s?계획|이력서|자소서|자기소개서)"
    r"(?:을|를)?\s?(?:좀\s?)?(?:짜|만들어|써|고쳐|봐\s?주|봐\s?줘)|"
    r"(?:중국어|영어|대만어|일본어)로\s?(?:\S+\s?){0,4}?(?:뭐라고\s?(?:해|말|하|써|읽)|어떻게\s?(?:말|발음|읽))|"
    r"(?:드라마|영화|애니|소설|웹툰)\s?(?:좀\s?)?추천|"
    # A disaster's toll (「사망자가 몇 명」).
    r"(?:사망자|희생자)(?:는|가|수)?\s?(?:몇|얼마)|몇\s?명(?:이|이나)?\s?(?:죽|사망|숨)|"
    r"인구(?:가|는)?\s?(?:몇|얼마)|"
    # A race's past results, how typhoons get their names (「역대 우승자」「태풍 이름은 누가 지어요」).
    r"우승\s?기록|역대\s?(?:우승|기록)|우승자(?:가|는)?\s?누구|마라톤\s?우승자$|"
    r"태풍\s?이름(?:은|을|는)?\s?(?:누가|어떻게)"
)


#: Three kinds of question whose words a question the desk answers also uses: each is read
#: only when none of those words (its guard) is in the message.
#: A sum converted at a rate is arithmetic ("if i change 500 euro at 35.2 how many nt do i
#: get", 「1500日幣是多少台幣」) — not where or at which bank to change money, nor a fare.
_FOREIGN_MONEY = r"(?:euros?|eur|usd|us dollars|dollars|yen|jpy|won|krw|ringgit|myr|rmb|yuan)"
_TAIWAN_DOLLARS = r"(?:nt|ntd|twd|nt dollars|taiwan dollars)"
_CONVERSION = re.compile(
    rf"\b\d[\d,.]* ?{_FOREIGN_MONEY}\b.{{0,40}}\bhow (?:many|much) {_TAIWAN_DOLLARS}\b|"
    rf"\bhow (?:many|much) {_TAIWAN_DOLLARS}\b.{{0,30}}\b\d[\d,.]* ?{_FOREIGN_MONEY}\b|"
    rf"\b\d[\d,.]* ?{_FOREIGN_MONEY} (?:in|to|into) {_TAIWAN_DOLLARS}\b|"
    r"\d[\d,.]*(?:塊)?(?:日幣|日圓|日元|美金|美元|歐元|韓元|韓幣|人民幣|港幣|馬幣|令吉)(?:大概|大約|約)?"
    r"(?:是|等於|可以換|能換|換)?(?:多少|幾)(?:塊)?(?:臺幣|新臺幣|錢)"
)
_CHANGING_MONEY = re.compile(r"\b(?:where|bank|banks|atm|counter|fee|fees)\b|哪|銀行|郵局|手續費")
#: Gadgets to buy or choose ("which iphone should i get", "best vpn", 「推薦一台筆電」) — not
#: a SIM for one's phone, nor a phone lost or broken.
_GADGET_SHOPPING = re.compile(
    r"\b(?:buy|get|purchase|recommend|which|best|cheap|cheapest|good)\b[^.?!]{0,25}?"
    r"\b(?:iphones?|ipads?|macbooks?|laptops?|hair ?dryers?|airpods|headphones|vpns?(?: apps?)?)\b|"
    r"(?:買|推薦).{0,8}(?:iphone|ipad|macbook|蘋果手機|筆電|筆記型電腦|吹風機|vpn)"
)
_NOT_SHOPPING = re.compile(
    r"\b(?:get|got|have|want) (?:it|them|my \w+) back\b|"
    r"\b(?:lost|left|stolen|forgot|missing|broke|broken|repair|sim|esim|card|data|plan|"
    r"charger|case)\b|卡|掉|不見|遺失|忘|修"
)
#: Why whales and dolphins are as they are: biology ("why do whales sing", 「クジラって哺乳類な
#: のになんで海で暮らせるの」) — not why a trip saw none or was called off.
_WHALE_BIOLOGY = re.compile(
    r"\bwhy do (?:whales|dolphins)\b|\bhow do (?:whales|dolphins) (?:breathe|sleep|sing|communicate)\b|"
    r"(?:鯨魚|海豚)(?:為什麼|為何|怎麼會)|(?:クジラ|鯨|イルカ)(?:って|は|が).{0,24}(?:なんで|なぜ|どうして)|"
    r"(?:돌)?고래(?:는|가|들은|들이)?\s?왜"
)
_WHALE_TRIPS = re.compile(
    r"\b(?:tour|trip|boat|cancel|cancelled|canceled|refund|see|saw|spot|watching)\b|賞鯨|取消|退|船|"
    r"看不到|沒看到|出海|ウォッチング|ツアー|見られ|見え|会え|キャンセル|中止|欠航|환불|투어|배|취소|"
    r"못\s?봤|안\s?나왔|보러|관찰"
)


#: A visa to enter a country — a visa-free stay, a tourist, work or working-holiday visa to
#: get — is the consulates' business, mostly of other countries ("how do i apply for a us
#: tourist visa", 「台湾ってビザなしで何日いられますか」, 「미국 관광비자 신청」): the immigration
#: office's entry, which extends visas, would mislead. Not a visa the visitor holds and asks
#: about here — extending it, an ARC or insurance on it (its guard, in normal forms).
#: Where a name, a word, a tradition or a people comes from, asked for its own sake ("where
#: does the tradition originally come from", "what does the amis word pangcah mean",
#: 「阿美族的祖先是從哪裡來的」, 「花莲清朝的时候叫什么名字」, 「名前の由来」, 「이름의 유래」): the
#: festival's or the county's entry would answer when and where instead. Only these forms: a
#: history or a meaning asked beside an answerable question ("the history of the marathon and
#: when is it this year?", 「ARC가 무슨 뜻이에요? 교환학생도 필요해요?」, an earthquake alert's
#: meaning) is the entry's. Not the exchange's own past, its guard.
_HISTORY_AND_MEANING = re.compile(
    r"\bwhere (?:does|did|do) (?:the |this |that |their |its )?(?:\w+ ){0,3}(?:name|tradition|word|"
    r"custom|ritual|people|tribe|ancestors)s?(?: \S+)? (?:originally |first )?come from\b|"
    r"\bwhat (?:does|did) (?:the )?(?:\w+ ){0,2}word (?:\S+ ){0,2}(?:actually |really )?mean\b|"
    r"\borigin of (?:the )?(?:name|word)\b|"
    r"祖先(?:是)?(?:從|打)哪(?:裡|兒)?來|(?:名字|名稱|地名)的?由來|"
    r"(?:以前|古時候|清朝|日治|日據|古代)(?:的時候|時期|時代)?(?:叫|稱為|稱作)(?:什麼|甚麼|啥)|"
    r"語源|名前の由來|地名の由來|어원|이름(?:의)?\s?유래"
)
_THE_EXCHANGES_OWN = re.compile(
    r"\b(?:sister|friendship|exchange|mou|relationship|partnership)\b|姊妹|友好|交流|姉妹|자매|우호|교류|"
    # …nor an alert, a typhoon day or the ARC, whose meaning their entries give ("what does the
    # word 國家級警報 mean? is it a quake?").
    r"\b(?:alert|alarm|warning|typhoon|arc)\b|警報|速報|颱風|臺風|경보|태풍"
)
_VISA_TO_ENTER = re.compile(
    r"\bvisa free\b|\bwithout a visa\b|\bvisa (?:exemption|waiver|on arrival|requirements?|process|"
    r"application)\b|\b(?:tourist|work|working holiday|business|transit) visa\b|"
    r"\b(?:apply for|get|obtain|need|require) (?:a |an )?(?:\w+ ){0,2}visa\b|"
    r"免簽|落地簽|(?:觀光|旅遊|工作|打工度假|商務|過境)簽證|(?:申請|辦|需要|要)簽證|簽證(?:要求|申請|怎麼辦)|"
    r"ビザなし|ビザ免除|ノービザ|(?:觀光|就勞|ワーキングホリデー|ワーホリ|商用)ビザ|ビザ(?:の)?(?:申請|取得)|ビザ(?:が|は)?(?:必要|いる)|"
    r"무비자|비자\s?없이|(?:관광|취업|워킹홀리데이|상용)\s?비자|비자\s?(?:신청|발급|받|필요)|비자가\s?필요"
)
_VISA_HELD_HERE = re.compile(
    r"\b(?:extend\w*|extension|renew\w*|expir\w*|arc|residen\w*|permit|overstay\w*|invitation)\b|"
    r"延|到期|過期|居留|移民署|邀請函|在留|切れ|招へい|招聘|"
    r"연장|갱신|만료|거류|이민서|체류\s?기간|초청장|"
    # Visa the card: the money entry's (「visa or mastercard」).
    r"\bvisa (?:or |and )?(?:card|debit|credit|mastercard)\b|\bmastercard\b"
)
#: Insurance or a doctor on a visa held ("on a tourist visa, can I get NHI?", 「관광비자로
#: 왔는데 병원 가면 보험 돼요?」) — not insurance a visa asks for (「觀光簽證需要保險證明嗎」).
_HEALTH = re.compile(
    r"\b(?:insurance|nhi|health|hospital|doctor|clinic)\b|健保|保險|醫院|看病|病院|보험|병원"
)
_HOLDING_A_VISA = re.compile(
    r"\b(?:on a|on my|i have a|has a|have a|holding a|came on a|entered on a|with my)\b|"
    r"持|我的|簽證的人|ビザの人|(?:で|に)(?:来|來|入国|入國|滞在|滯在)|(?:로|으로)\s?(?:왔|입국|와서|온)|비자인\s?사람"
)


def asks_about_a_visa_to_enter(normal: str) -> bool:
    """Whether the normalised message asks how to get into a country, not about the visa the
    visitor holds here."""
    if not _VISA_TO_ENTER.search(normal) or _VISA_HELD_HERE.search(normal):
        return False
    return not (_HEALTH.search(normal) and _HOLDING_A_VISA.search(normal))


#: Papers of the visitor's own country — a passport, a driving licence, a pension, insurance
#: or an ID at home — kept up from abroad are that country's business ("how do i renew my US
#: passport while im abroad", 「日本の運転免許の更新って、海外にいる間は」, 「한국 국민연금 해외
#: 체류 중 납부 예외」): the county's entries on its own papers (the ARC, the NHI, a lost
#: passport, a SIM bought with one) would mislead. Read in normal forms.
_PAPERS = (
    r"(?:\b(?:passports?|driver'?s licen[cs]es?|driving licen[cs]es?|licen[cs]es?|pensions?|"
    r"my number(?: card)?|id cards?|health insurance|tax(?:es| return)?|absentee ballots?|"
    r"vote|voting)\b|"
    r"護照|駕照|駕駛執照|年金|退休金|身分證|健保|健康保險|報稅|投票|"
    r"パスポート|旅券|運轉免許|免許|マイナンバー|住民票|保險證|稅金|確定申告|"
    r"여권|운전면허|면허|국민연금|연금|건강보험|주민등록|세금|투표)"
)
_PAPERS_FOUND = re.compile(_PAPERS)
#: The visitor says they are away from home ("while i'm abroad", 「海外にいる間」, 「해외 체류
#: 중」, 「人在國外」) — not that they came from abroad ("a student from abroad").
_AWAY_FROM_HOME = re.compile(
    r"\b(?:while|when|whilst) (?:i'?m |im |i am |we'?re |we are |living |staying |being |"
    r"i live |i'?m living |im living )?(?:abroad|overseas)\b|"
    r"\b(?:i'?m|im|i am|we'?re|we are|living|live|staying) (?:abroad|overseas)\b|"
    r"人在國外|人在海外|在國外|旅居|僑居|住在國外|住在海外|"
    r"海外(?:に|で)?(?:いる|居る|住ん|在住|滯在|暮らし|生活)|海外在住|海外にいて|"
    r"해외\s?(?:체류|거주)|해외에\s?(?:있|살|체류|거주)|해외에서도|외국에\s?(?:있|살)|외국에서도|"
    r"해외에서\s?(?:갱신|신청|연장|재발급|할|하|납부)"
)
#: …unless the visitor says they are abroad here and asks of Taiwan's papers: "living abroad
#: in Hualien, can I use my licence to rent a scooter", 「海外に住んでいる学生です。台湾の健康保険に
#: 入れますか」 — but not when the papers are said to be home's ("my driver's license back
#: home", 「日本の年金」, a pension, a vote).
_TAIWAN_NAMED = re.compile(
    r"\b(?:taiwan|taiwans|taiwanese|hualien|hualiens|here)\b|臺灣|花蓮|這裡|這邊|ここ|대만|화롄|여기"
)
#: Other countries by their adjective (English) or their name (Chinese and Japanese kanji, in
#: normal forms).
_NATIONS = (
    r"american|japanese|korean|german|malaysian|palauan|british|french|filipino|philippine|"
    r"canadian|australian|indonesian|vietnamese|thai|indian|italian|spanish|dutch|swiss|singaporean"
)
_HAN_NATIONS = r"日本|韓國|美國|德國|馬來西亞|帛琉"
_HOME_NAMED = re.compile(
    r"\b(?:back home|at home|home country|my country|pension|vote|voting|ballot|taxes|tax return|absentee)\b|"
    r"本國|自國|年金|住民票|投票|본국|국민연금|연금|투표|세금|"
    # The papers themselves said to be another country's (「日本の年金」, "my japanese
    # insurance") — not the visitor ("as a Japanese student", 「한국인인데」).
    rf"\b(?:{_NATIONS}) {_PAPERS}|(?:{_HAN_NATIONS})(?:の|的)?{_PAPERS}|"
    rf"한국\s?(?:의\s?)?{_PAPERS}"
)
#: The visitor's own country's papers named as such and asked to be renewed or paused
#: (「日本の在留カード更新」, "renew my american passport"): Taiwan's are the county's.
_NATIONALITY = rf"(?:us|uk|{_NATIONS}|home country'?s?|my country'?s?)"
_HOME_PAPERS_KEPT_UP = re.compile(
    rf"\b{_NATIONALITY} {_PAPERS}.*\b(?:renew\w*|reissu\w*|suspend\w*|paus\w*|exempt\w*)\b|"
    rf"\b(?:renew\w*|reissu\w*|suspend\w*) (?:my |our |a |an |the )?{_NATIONALITY} {_PAPERS}|"
    # A passport renewed is always its country's: the county issues none.
    r"\b(?:renew|renewing|reissue) (?:my |our |a |an |the |his |her )?(?:\w+ )?passports?\b|"
    r"\bpassports? renewal\b|\bpassports? (?:expires|expired|expiring|is expiring)\b.{0,40}\brenew|"
    r"護照.{0,16}(?:換新|換發|換本|更新|延期)|パスポート(?:の)?(?:更新|切り替え)|여권\s?(?:갱신|연장)|"
    rf"(?:{_HAN_NATIONS}|本國)的?{_PAPERS}.*(?:更新|換發|換照|延長|停保|暫停)|"
    rf"(?:日本|韓國|本國|自國)の?(?:{_PAPERS}|在留カード).*(?:更新|再發行|切り替え|停止|免除)|"
    rf"(?:한국|본국|우리나라)\s?의?\s?{_PAPERS}.*(?:갱신|재발급|연장|정지|예외|납부)"
)
#: Papers lost or stolen are the lost-items entry's whatever country issued them; Taiwan's
#: own (the ARC, an international driving permit to drive here) are the county's.
_PAPERS_HELD_HERE = re.compile(
    # …or only shown for a SIM or to change money here.
    r"(?<![a-z])sims?(?![a-z])|\b(?:exchange money|change money)\b|유심|シム|換錢|換匯|兩替|환전|"
    # …or renewed to update Taiwan's papers with (the NHI card, a visa extended here).
    r"\b(?:nhi|visa)\b|健保|簽證|ビザ|비자|"
    r"\b(?:lost|stolen|arc|residence permit|international driving permit|idp)\b|"
    r"遺失|弄丟|不見|被偷|掉了|居留|移民署|國際駕照|なくし|無くし|紛失|盜|國際免許|"
    r"잃어버|분실|도난|거류|이민서|국제운전면허|국제면허"
)


def asks_about_papers_at_home(normal: str) -> bool:
    """Whether the normalised message asks about keeping up the visitor's own country's
    papers — its passport, licence, pension or insurance — rather than anything of Taiwan's."""
    if _PAPERS_HELD_HERE.search(normal):
        return False
    if _HOME_PAPERS_KEPT_UP.search(normal):
        return True
    return bool(
        _AWAY_FROM_HOME.search(normal)
        and _PAPERS_FOUND.search(normal)
        and (_HOME_NAMED.search(normal) or not _TAIWAN_NAMED.search(normal))
    )


def asks_for_a_task(normal: str) -> bool:
    """Whether the normalised message asks the desk to do work it does not do."""
    compact = normal.replace(" ", "")
    return bool(
        _EN_TASK.search(normal)
        or _ZH_TASK.search(compact)
        or _JA_TASK.search(normal)
        or _KO_TASK.search(normal)
        or (
            (_CONVERSION.search(normal) or _CONVERSION.search(compact))
            and not _CHANGING_MONEY.search(normal)
        )
        or (
            (_GADGET_SHOPPING.search(normal) or _GADGET_SHOPPING.search(compact))
            and not _NOT_SHOPPING.search(normal)
        )
        or (_WHALE_BIOLOGY.search(normal) and not _WHALE_TRIPS.search(normal))
        or (
            (_HISTORY_AND_MEANING.search(normal) or _HISTORY_AND_MEANING.search(compact))
            and not _THE_EXCHANGES_OWN.search(normal)
        )
    )


def _unspaced(phrase: str) -> bool:
    return any(is_han(ch) or is_kana(ch) or is_hangul(ch) for ch in phrase)


class PhraseSpotter:
    """Finds any of a set of phrases in normalised text (English by whole words)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        normal = set(normalize_many(list(phrases))) - {""}
        # Chinese, Japanese and Korean phrases are found inside words (no spaces between
        # Chinese or Japanese words; Korean attaches particles: 어디에 있어요), the others
        # as whole words.
        self.zh = sorted({p.replace(" ", "") for p in normal if _unspaced(p)})
        self.en = sorted({f" {p} " for p in normal if not _unspaced(p)})

    def found_in(self, normal: str) -> bool:
        padded = f" {normal} "
        compact = normal.replace(" ", "")
        return any(p in padded for p in self.en) or any(p in compact for p in self.zh)

    def found(self, normal: str) -> list[str]:
        """The phrases (normalised; English ones padded with a space each side) in ``normal``."""
        padded = f" {normal} "
        compact = normal.replace(" ", "")
        return [p for p in self.en if p in padded] + [p for p in self.zh if p in compact]


class HandoffSpotter:
    """A request for a person: one of the listed phrases (intents.yaml ``handoff``) or the
    grammar of is_person_request, unless the question asks whether the bot is one."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = PhraseSpotter(phrases)

    def found_in(self, normal: str, original: str = "") -> bool:
        unquoted = _QUOTED_WORD.sub(" ", original) if original else ""
        if unquoted != original and normalize(unquoted).strip():
            # A word in quotes beside others is mentioned, not used: 「輸入"真人"以後多久會有
            # 人回」 asks how the handoff works.
            original, normal = unquoted, normalize(unquoted)
        # Asking whether the desk is a person asks for none; a request beside it still does
        # ("is this a bot? i need a human").
        normal = _ABOUT_THE_BOT.sub(" ", normal)
        original = _ABOUT_THE_BOT.sub(" ", original)
        # How the handoff works asked, not for it: "if i ask for staff here, when do they get
        # back to me?", 「轉給工作人員之後大概多久會回」 — the staff entry answers; a request
        # beside it still is one ("how do i get connected to a person? connect me now").
        normal = _ABOUT_THE_HANDOFF.sub(" ", normal)
        original = _ABOUT_THE_HANDOFF.sub(" ", original)
        # When the people work is asked, not for one of them: 「人工客服幾點上班」.
        normal = _STAFF_HOURS.sub(" ", normal)
        return self.phrases.found_in(normal) or is_person_request(normal, original)


_STAFF_HOURS = re.compile(
    r"(?:(?:人工|真人)?客服|人工|真人|工作人員|承辦人?|專人)(?:一般|通常|平常|都)?"
    r"(?:幾點|什麼時候|何時|的?(?:上班|服務|營業)時間)(?:上班|下班|開始|有人|在|回覆|服務)?"
)


_STAFF = r"(?:staff|a person|a human|a real person|an agent|someone|a staff member)"
_ABOUT_THE_HANDOFF = re.compile(
    rf"\bif (?:i|we) (?:ask for|type|request|choose|pick|say) (?:to (?:talk|speak) to )?{_STAFF}\b|"
    r"\bhow (?:do|can|would) (?:i|we) (?:get|be) (?:transferred|connected|put through|passed on)\b|"
    r"\b(?:staff|staffs|staff s|your) (?:office |working |opening )?hours\b|"
    r"\bwhen (?:are|is|do) (?:your |the )?staff (?:actually |usually |normally )?"
    r"(?:online|available|in|working|reply|answer|respond)\b|"
    r"\bhow (?:long|soon) (?:does|do|will|until) (?:it|staff|they|someone|a person|your staff)\b.{0,30}"
    r"\b(?:reply|answer|respond|get back|see it|see my)\b|"
    r"\bwhen (?:will|do|would) (?:they|staff|someone|a person|your staff) (?:usually |normally |actually )?"
    r"(?:get back|reply|answer|respond)\b|"
    r"轉(?:給|接|到)(?:工作人員|承辦人員?|真人|專人|人工)(?:之後|以後|後)|"
    r"(?:怎麼|如何)轉(?:給|接|到)(?:工作人員|承辦人員?|真人|專人|人工)|"
    r"(?:スタッフ|職員|担当者?)(?:さん)?(?:に|へ)(?:つな|繋)ぐ(?:方法|には)|"
    r"(?:轉接|轉給)(?:真人|專人|人工|工作人員|承辦人員?)?(?:客服)?要等多久|"
    r"轉(?:人工|真人|專人)(?:需要|要|前)|打staff就(?:行|可以|好)|"
    r"(?:직원|담당자?|상담원)\s?연결(?:하는|은|하려면)\s?(?:방법|어떻게)|(?:직원|담당자?|상담원)\s?연결되면\s?(?:답장|답변|답|얼마|언제|몇)"
)


#: The desk's people named: a question about transfers or opening hours is about them only
#: so ("how do i get transferred from the airport?", "your opening hours at the visitor
#: centre?" are not).
_THE_DESKS_PEOPLE = re.compile(
    r"\b(?:staff|person|human|someone|somebody|agent|officer)\b|人工|真人|工作人員|專人|承辦|客服|"
    r"スタッフ|職員|担当|직원|담당|상담원"
)


#: Another place whose staff are meant ("the staff hours at the visitor center", 「移民署花蓮
#:服務站的工作人員幾點上班」, 「렌터카 회사 상담원 연결」): that place's entry, not the desk's.
_ANOTHER_PLACES_PEOPLE = re.compile(
    r"\b(?:visitor cent(?:er|re)|immigration|hospital|clinic|hostel|hotel|bank|university|uni|school|"
    r"station|park|company|rental|airport|office at|museum)\b|遊客中心|服務中心|服務站|移民署|醫院|診所|"
    r"飯店|旅館|民宿|銀行|大學|學校|車站|火車站|公司|租車|機場|出入國|出入国|病院|ホテル|大学|駅|空港|"
    r"병원|은행|대학|학교|렌터카|회사|호텔|공항|역\s"
)


def asks_how_the_handoff_works(normal: str) -> bool:
    """Whether the message asks how to reach the desk's people or when they answer (the
    patterns above, the people named and no other place's), not for one of them: the staff
    entry answers it."""
    compact = normal.replace(" ", "")
    about = (
        _ABOUT_THE_HANDOFF.search(normal)
        or _ABOUT_THE_HANDOFF.search(compact)
        or _STAFF_HOURS.search(compact)
    )
    return bool(
        about and _THE_DESKS_PEOPLE.search(normal) and not _ANOTHER_PLACES_PEOPLE.search(normal)
    )


_QUOTES = '"“”「」『』＂‘’'
_QUOTED_WORD = re.compile(rf"[{_QUOTES}][^{_QUOTES}]{{1,8}}[{_QUOTES}]")


#: Han text right after a place that makes it a description of people, papers or firms from
#: there (「大阪人」「中國的學生」「日本籍」「美國護照」「中國信託」), part of another name
#: (「中山路」「南京東路」「中山一路」, a district, a village, a school) or where a trip starts
#: (「東京出發」): not what the question is about.
_HAN_NOT_THE_SUBJECT_AFTER = re.compile(
    r"(?:大陸)?的?(?:人(?!口)|籍|國籍|護照|駕照|學生|留學生|交換生|同學|朋友|家人|旅客|遊客|"
    r"觀光客|老師|教授|居民|公民|國民|移工|外勞|配偶|新住民|代表團|訪問團|銀聯|團|協會|學校)"
    r"|信託|航空|銀行|醫藥"
    r"|[東西南北]?[一二三四五六七八九十]*段?(?:路(?!線)|街|巷|弄|大道)|區|村|大學|國小|國中|高中"
    r"|出發|來的|過來"
)
#: Japanese after a place that makes it where the visitor, their papers or their people come
#: from: 「日本の免許証で原付に乗れますか」 asks about riding in Hualien with a Japanese
#: licence, 「韓国から来ました」 says where the writer comes from. Normalised, as the text is.
_JA_NOT_THE_SUBJECT_AFTER = re.compile(
    "の?(?:"
    + "|".join(
        normalize_many(
            "免許 運転免許 国際免許 パスポート 旅券 キャッシュカード クレジットカード カード スマホ "
            "携帯 学生 留学生 大学 友達 友人 家族 出身 国籍 団体 訪問団 代表団 自治体 銀行 人".split()
        )
    )
    + ")|から(?:来|参|き|の)"
)
#: Han text right before a place the visitor comes from: 「從台中」「來自大阪」.
_HAN_FROM = ("從", "自")
#: A verb of going or a preposition of place right before a name makes it a place, whatever
#: pair the two characters form: the KB's own 「怎麼去臺北」 makes 去臺 one of its pairs, which
#: read 「要去台中」 as a word 去臺 and left 台中 unseen.
_HAN_TOWARD = frozenset("去到在往飛")
#: Korean after a place that makes it where the visitor comes from (「울산에서 온」「제천 출신」)
#: or a description of people from there (「울산 대표단」「제천시 공무원」「모리오카 친구들」).
_KO_NOT_THE_SUBJECT = re.compile(
    # Where a trip was boarded or comes from: 「타이베이역에서 탄 기차」「타이베이 쪽에서 오는 길」.
    r"(?:역)?에서\s?(?:탄|타고|출발한)|\s?쪽에서|"
    r"\S*?(?:에서\s(?:온|왔|오)|\s?출신)|(?:시|군|현|도|구|시청)?\s?(?:대표단|방문단|시찰단|연수단|친구|사람|"
    r"학생|유학생|교환학생|주민|청소년|공무원|단체|시민|팀)"
)
#: English words before and after a place that make it where the visitor comes from, a
#: description of people, papers or firms from there, or part of a street's name.
_EN_FROM = {"from"}
_EN_NOT_THE_SUBJECT_AFTER = {
    "citizen", "citizens", "national", "nationals", "passport", "passports", "student",
    "students", "exchange", "friend", "friends", "visitor", "visitors", "tourist", "tourists",
    "people", "resident", "residents", "delegation", "delegates", "migrant", "migrants",
    "worker", "workers", "spouse", "spouses", "wife", "husband", "family", "driver", "drivers",
    "driving", "license", "licence", "airlines", "airline", "bank", "street", "st", "road",
    "rd", "avenue", "ave", "group", "groups", "team", "association", "school", "schools",
    "club", "choir", "troupe",
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
        # Korean attaches particles and suffixes to a name (제천시청, 울산에서): a Hangul name
        # is found at the start of a word, longest first.
        self._hangul = sorted((p for p in self.en if is_hangul(p[0])), key=len, reverse=True)
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
                    or _JA_NOT_THE_SUBJECT_AFTER.match(compact, end)
                    or (
                        at
                        and compact[at - 1] not in _HAN_TOWARD
                        and self._known_pair(compact[at - 1 : at + 1])
                    )
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
                if not size and self._hangul and is_hangul(words[at][0]):
                    attached = next((p for p in self._hangul if words[at].startswith(p)), "")
                    size, place = (1, attached) if attached else (0, "")
                if (
                    size == 1
                    and is_hangul(place[0])
                    and _KO_NOT_THE_SUBJECT.match(" ".join(words[at : at + 2]), len(place))
                ):
                    at += 1
                    continue
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
        self._answers: Haystack | None = None
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
                self._answers = Haystack(normalize_many(answers))
            known = self._in_answers[place] = self._answers.names_place(place)
        return not known


class EntryTexts:
    """Every text of each entry (title, answer, questions, keywords, in every language),
    normalised, read the first time an entry is asked about: whether an entry speaks of a
    place or a subject at all."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._entries = entries
        self._texts: dict[int, Haystack] = {}

    def of(self, entry_index: int) -> Haystack:
        """The entry's texts, for whole words and for words inside Chinese, Japanese or
        Korean text."""
        texts = self._texts.get(entry_index)
        if texts is None:
            entry = self._entries[entry_index]
            raw = [
                *entry.title.by_lang().values(),
                *entry.answer.by_lang().values(),
                *entry.questions.every(),
                *entry.keywords.every(),
            ]
            texts = self._texts[entry_index] = Haystack(normalize_many(raw))
        return texts


class Abroad:
    """Places outside Hualien, whether the KB mentions them or not (intents.yaml
    ``elsewhere``, knowledge/places.yaml), and which of them an entry speaks of.

    Elsewhere declines a question about a place the KB never mentions. A place the KB does
    mention, in passing, somewhere (Japan among the partners, Vietnam among the hotline's
    languages, Taipei at the other end of the railway) is no sign a question is in scope:
    "where can i buy a sim card in vietnam", "what's a good hotel near taipei main station"
    and 「韓國的地鐵怎麼坐」 are about practical matters *there*, and the county's answer about
    its own SIM cards, hotels or buses would mislead. So an answer about a practical matter
    is given only when its entry itself speaks of the places the question is about ("trains
    to taipei are sold out" and the Taipei–Hualien trains; a study programme in Germany).
    """

    def __init__(
        self,
        places: Iterable[str],
        known_pair: Callable[[str], bool],
        texts: EntryTexts,
        names: Sequence[Sequence[str]] = (),
    ) -> None:
        """``places``: normalised; ``names``: each place's names in every language
        (intents.yaml ``place_names``), normalised."""
        self.places = PlaceSpotter(places, known_pair)
        self._texts = texts
        self._names = {name: group for group in names for name in group}

    def __bool__(self) -> bool:
        return bool(self.places)

    def unspoken_of(self, normal: str, entry_index: int) -> list[str]:
        """The places the normalised question is about that entry ``entry_index`` never
        names (in its title, questions, keywords or answer, in any language)."""
        named = self.places.named(normal)
        if not named:
            return []
        texts = self._texts.of(entry_index)
        # An entry that names the place in any language speaks of it: the lost-items entry's
        # "lost my phone on the train to taipei" for 「타이베이 가는 기차에서 지갑 잃어버렸어요」.
        return [
            place
            for place in named
            if not any(map(texts.names_place, self._names.get(place, (place,))))
        ]


#: "at the gym", "in a ktv", "near the church": where the story happened, not the place
#: sought; "a church group", "my gym buddy": whom the visitor is with. In Chinese, Japanese and
#: Korean, a place marked as where something happened (「在健身房弄丟手機」「ジムで財布をなくし
#: ました」「노래방에서 지갑 잃어버렸어요」).
_WHERE = re.compile(r"\bat (?:the |a |an )?$|\b(?:in|inside|near|outside|from) (?:the|a|an) $")
_COMPANY = re.compile(r"^ (?:group|groups|club|friends?|members?|buddy|buddies|team)\b")
_HAN_WHERE_BEFORE = re.compile(r"在$")
_HAN_WHERE_AFTER = re.compile(r"^(?:で|에서)")


def _only_in_the_story(subject: str, normal: str) -> bool:
    """Whether every mention of ``subject`` (English ones padded) says where or with whom."""
    if subject.startswith(" "):
        found = list(re.finditer(rf"\b{re.escape(subject.strip())}\b", normal))
        return bool(found) and all(
            _WHERE.search(normal[: f.start()]) or _COMPANY.search(normal[f.end() :]) for f in found
        )
    found = list(re.finditer(re.escape(subject), normal))
    return bool(found) and all(
        _HAN_WHERE_BEFORE.search(normal[: f.start()]) or _HAN_WHERE_AFTER.search(normal[f.end() :])
        for f in found
    )


class Unserved:
    """Subjects the desk does not serve (intents.yaml ``unserved``: pets, vets), and whether
    an entry speaks of them: "my cat is sick, is there a vet nearby" meets the clinics for
    people by its words (sick, clinic), and that answer would mislead."""

    def __init__(self, phrases: Iterable[str], texts: EntryTexts) -> None:
        self.subjects = PhraseSpotter(phrases)
        # Chinese and Japanese subjects are found inside words but not across the spaces
        # between them, Korean ones of two syllables at the start of a word (친구인데 holds no
        # 구인, 학교 회의 no 교회), longer ones anywhere (코인빨래방, 근처헬스장).
        spaced = set(normalize_many(list(phrases))) - {""}
        self._han = sorted(p for p in spaced if _unspaced(p) and not is_hangul(p[0]))
        self._hangul = [
            re.compile(re.escape(p) if len(p.replace(" ", "")) > 2 else rf"(?<!\S){re.escape(p)}")
            for p in sorted(spaced)
            if is_hangul(p[0])
        ]
        self._texts = texts

    def __bool__(self) -> bool:
        return bool(self.subjects.zh or self.subjects.en)

    def named(self, normal: str) -> list[str]:
        """The subjects the normalised question names (English ones padded with spaces), but
        not where the story happened or whom with: "i lost my phone at the gym" asks about a
        lost phone, "is there a gym near ndhu" about a gym."""
        padded = f" {normal} "
        english = [subject for subject in self.subjects.en if subject in padded]
        han = [subject for subject in self._han if subject in normal]
        hangul = [found.group() for pattern in self._hangul if (found := pattern.search(normal))]
        return [
            subject if subject.startswith(" ") else subject.replace(" ", "")
            for subject in english + han + hangul
            if not _only_in_the_story(subject, normal)
        ]

    def unspoken_of(self, named: list[str], entry_index: int) -> list[str]:
        """Those of the ``named`` subjects entry ``entry_index`` never speaks of."""
        texts = self._texts.of(entry_index)
        # English subjects come padded (whole words); the others are found inside words.
        return [
            s
            for s in named
            if not (texts.has_words(s.strip()) if s.startswith(" ") else texts.has_piece(s))
        ]
