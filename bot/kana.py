"""Japanese typed in kana alone, read in the kanji the knowledge base is written in.

A student in a hurry, a child, or a phone without a Japanese keyboard's conversion writes
「きょりゅうしょう どこで しんせい するの」: every word the Japanese phrasings hold in kanji
(居留証, 申請) is missing, and the matcher finds nothing. Hiragana is a reading, not a
spelling, so no rule turns it into kanji; a list does: the words of the desk's subjects
(residence, health, transport, weather, the exchange and its partner cities), each with the
one kanji spelling a visitor would mean.

Only words of three kana or more are listed, and only those with one likely meaning in a
message to this desk (じしん is 地震, but not in 「じしんが ない」, no confidence). Hiragana
runs words together, so a reading is taken as a word only where one begins and ends: at the
edge of the hiragana (a space, kanji, katakana, the text's ends) or beside a particle —
otherwise こうしん (更新) would be found in けんこうしんだん (健康診断) and にゅうかん (入管) in
にゅうかんりょう (入館料). The longest word wins (かれんけん before かれん).
"""

from __future__ import annotations

import re

#: Kana reading → the kanji spelling the Japanese phrasings use.
READINGS: dict[str, str] = {
    # Hualien, its partner cities, the exchange.
    "かれんけんちょう": "花蓮県庁",
    "かれんけん": "花蓮県",
    "かれん": "花蓮",
    "たろこ": "タロコ",
    "たいわん": "台湾",
    "もりおか": "盛岡",
    "いわてけん": "岩手県",
    "いわて": "岩手",
    "たかちほ": "高千穂",
    "くしろ": "釧路",
    "よなぐに": "与那国",
    "いさし": "伊佐市",
    "しまいとし": "姉妹都市",
    "ゆうこうとし": "友好都市",
    "しさつだん": "視察団",
    "ほうもんだん": "訪問団",
    "ひょうけいほうもん": "表敬訪問",
    "こうりゅう": "交流",
    "しやくしょ": "市役所",
    "やくしょ": "役所",
    "けんちょう": "県庁",
    "みんせいしょ": "民政処",
    "りゅうがくせい": "留学生",
    "こうかんりゅうがく": "交換留学",
    "りゅうがく": "留学",
    "しょうがくきん": "奨学金",
    "ほじょきん": "補助金",
    "だいがく": "大学",
    # Residence and papers.
    "きょりゅうしょう": "居留証",
    "ざいりゅう": "在留",
    "いみんしょ": "移民署",
    "にゅうかん": "入管",
    "しんせい": "申請",
    "こうしん": "更新",
    "てつづき": "手続き",
    "ひつようしょるい": "必要書類",
    "しょるい": "書類",
    # Health.
    "けんこうほけん": "健康保険",
    "ほけんしょう": "保険証",
    "ほけん": "保険",
    "びょういん": "病院",
    "しんりょうじょ": "診療所",
    "はいしゃ": "歯医者",
    "きゅうきゅうしゃ": "救急車",
    "けいさつ": "警察",
    "しょうぼう": "消防",
    # Transport, money, staying.
    "くうこう": "空港",
    "ひこうき": "飛行機",
    "でんしゃ": "電車",
    "れっしゃ": "列車",
    "きっぷ": "切符",
    "じてんしゃ": "自転車",
    "げんつき": "原付",
    "めんきょ": "免許",
    "こうつう": "交通",
    "りょうがえ": "両替",
    "しゅくはく": "宿泊",
    "わすれもの": "忘れ物",
    "おとしもの": "落とし物",
    "さいふ": "財布",
    "けいたい": "携帯",
    "すまほ": "スマホ",
    "ぱすぽーと": "パスポート",
    "しむかーど": "SIMカード",
    "わいふぁい": "Wi-Fi",
    "たくしー": "タクシー",
    "みんしゅく": "民宿",
    "よやく": "予約",
    "よいち": "夜市",
    "つうやく": "通訳",
    # Weather and disasters.
    "たいふう": "台風",
    "じしん": "地震",
    "てんきよほう": "天気予報",
    "てんき": "天気",
    # When: the dates of events and the weather are asked by these.
    "こんしゅうまつ": "今週末",
    "らいしゅうまつ": "来週末",
    "らいしゅう": "来週",
    "こんげつ": "今月",
    "らいげつ": "来月",
    # Emergencies told in kana (「こどもが ぼたんでんち のみこんだかも」「ぱすぽーと とられた！
    # いま おいかけられてる」): the words situations.py reads its signs in. Verbs are listed in the
    # forms a frightened message ends a word with, since a word must end where it is found. Not
    # the words a question about safety uses as often (ちかん, かさい, けむり: 「よる ひとりで
    # あるいても ちかん とか だいじょうぶ？」), which the signs would take for one happening.
    "ぼたんでんち": "ボタン電池",
    "でんち": "電池",
    "のみこんだ": "飲み込んだ",
    "のみこんじゃった": "飲み込んじゃった",
    "のんじゃった": "飲んじゃった",
    "たおれた": "倒れた",
    "たおれて": "倒れて",
    "たおれました": "倒れました",
    "いしき": "意識",
    "すとーかー": "ストーカー",
    "おいかけられてる": "追いかけられてる",
    "おいかけられて": "追いかけられて",
    "おぼれてる": "溺れてる",
    "おぼれて": "溺れて",
    "なんばん": "何番",
    # Events.
    "ほうねんさい": "豊年祭",
    "まつり": "祭り",
    "いべんと": "イベント",
}

_HIRAGANA = "\u3041-\u309f"
#: What may stand before a word inside hiragana: a particle, the polite お (おまつり), a word
#: of time (きのうじしん, あしたたいふう).
_BEFORE = "|".join(
    f"(?<={before})" for before in ("[のはがをにでとへもお]", "きのう", "きょう", "あした", "いま")
)
#: What may follow one: a particle, the copula, a form of する, a question word, a verb of
#: coming, going, calling or losing, another word of the list (きょりゅうしょうこうしん).
_AFTER = (
    r"[のはがをにでとへもやね]|か(?!つ)|よ(?!ほう)|って|から|まで|より|について|さん|"
    r"する|して|した|しま|しよ|しない|です|でし|だ|じゃ|など|"
    r"どこ|いつ|どう|なに|なん|いくら|くる|きて|きた|こない|よんで|よぶ|ある|あっ|あり|いる|"
    r"いき|いく|こわい|なくし|なくな|おとし|うりば|ほしい"
)
#: Readings that are also another word in a common phrase: 自信が(ない).
_NOT_FOLLOWED_BY = {"じしん": r"\s?が?\s?(?:ない|なく|なかっ|ある|あり|をもっ|まんまん)"}


def _alternative(reading: str) -> str:
    unless = _NOT_FOLLOWED_BY.get(reading)
    return re.escape(reading) + (f"(?!{unless})" if unless else "")


_WORDS = "|".join(map(_alternative, sorted(READINGS, key=len, reverse=True)))
_WORD = re.compile(
    rf"(?:(?<![{_HIRAGANA}])|{_BEFORE})"
    rf"(?:{_WORDS})"
    rf"(?=$|[^{_HIRAGANA}]|{_AFTER}|{'|'.join(map(re.escape, READINGS))})"
)


def in_kanji(text: str) -> str:
    """``text`` with the words of READINGS in its hiragana written as the phrasings write
    them. Twice: a word after another one (きょりゅうしょうこうしん) begins where the first,
    once respelled, ends."""
    return _WORD.sub(_spelled, _WORD.sub(_spelled, text))


def _spelled(word: re.Match[str]) -> str:
    return READINGS[word.group()]
