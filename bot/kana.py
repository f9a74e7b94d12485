"""Japanese typed in kana alone, read in the kanji the knowledge base is written in.

A student in a hurry, a child, or a phone without a Japanese keyboard's conversion writes
「きょりゅうしょう どこで しんせい するの」: every word the Japanese phrasings hold in kanji
(居留証, 申請) is missing, and the matcher finds nothing. Hiragana is a reading, not a
spelling, so no rule turns it into kanji; a list does: the words of the desk's subjects
(residence, health, transport, weather, the exchange and its partner cities), each with the
one kanji spelling a visitor would mean.

Only words of three kana or more are listed, and only those with one likely meaning in a
message to this desk (じしん is listed as 地震, not the 自信 of confidence: the desk is asked
about earthquakes). A word is replaced only inside a run of hiragana, and the longest word
wins (かれんけん before かれん).
"""

from __future__ import annotations

import re

#: Kana reading → the kanji spelling the Japanese phrasings use.
READINGS: dict[str, str] = {
    # Hualien, its partner cities, the exchange.
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
    "けんちょう": "県庁",
    "しやくしょ": "市役所",
    "やくしょ": "役所",
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
    "つうやく": "通訳",
    # Weather and disasters.
    "たいふう": "台風",
    "じしん": "地震",
    "てんきよほう": "天気予報",
    "てんき": "天気",
    # Events.
    "ほうねんさい": "豊年祭",
    "まつり": "祭り",
    "いべんと": "イベント",
}

_HIRAGANA_RUN = re.compile(r"[\u3041-\u309f]{3,}")
_WORD = re.compile("|".join(sorted(map(re.escape, READINGS), key=len, reverse=True)))


def in_kanji(text: str) -> str:
    """``text`` with the words of READINGS in its hiragana written as the phrasings write
    them; a text with no run of three hiragana or more is given back as it is."""
    return _HIRAGANA_RUN.sub(lambda run: _WORD.sub(_spelled, run.group()), text)


def _spelled(word: re.Match[str]) -> str:
    return READINGS[word.group()]
