"""Unanswered questions become knowledge: personal details out of drafts (bot/staff/redact.py),
the grouping of similar questions and the draft entries (bot/staff/curation.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher
from bot.staff.curation import Answer, draft_entry, draft_lang, group_questions
from bot.staff.redact import redact
from bot.store import UnansweredQuestion

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "gone", "placeholder"),
    [
        ("write to ann.lee+desk@example.co.jp please", "ann.lee+desk@example.co.jp", "[email]"),
        ("my LINE is @hualien_ann", "@hualien_ann", "[handle]"),
        ("手機 0912-345-678", "0912-345-678", "[phone]"),
        ("電話0912345678", "0912345678", "[phone]"),
        ("call +81 90-1234-5678 tonight", "90-1234-5678", "[phone]"),
        ("office (03) 822-7171 ext. 12", "822-7171", "[phone]"),
        ("ID A123456789 lost", "A123456789", "[ID number]"),
        ("ARC number A812345678", "A812345678", "[ID number]"),
        ("passport TZ1234567", "TZ1234567", "[ID number]"),
        ("주민번호 900101-1234567", "900101-1234567", "[ID number]"),
        ("booking 98765432109", "98765432109", "[phone]"),
        ("住花蓮市府前路17號3樓", "府前路17號", "[address]"),
        ("中山路二段123巷4弄5號之1", "123巷4弄5號", "[address]"),
        ("盛岡市内丸1丁目2番3号です", "1丁目2番3号", "[address]"),
        ("세종대로 110 앞에서", "세종대로 110", "[address]"),
        ("at No. 17, Fuqian Rd. in Hualien", "Fuqian Rd", "[address]"),
        ("I live at 221B Baker Street", "221B Baker Street", "[address]"),
        ("My name is Ann Lee and I study here", "Ann Lee", "[name]"),
        ("please ask Dr. Chen", "Chen", "[name]"),
        ("我叫王小明", "王小明", "[name]"),
        ("姓名：陳美華", "陳美華", "[name]"),
        ("林先生您好", "林先生", "[name]先生"),
        ("私は田中です", "田中", "[name]"),
        ("佐藤と申します", "佐藤", "[name]"),
        ("山田さんに聞いて", "山田", "[name]さん"),
        ("제 이름은 김민수입니다", "김민수", "[name]"),
        ("김민수 씨에게 물어보세요", "김민수", "[name]"),
    ],
)
def test_personal_details_are_replaced(text: str, gone: str, placeholder: str) -> None:
    redacted = redact(text)
    assert gone not in redacted
    assert placeholder in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Is the office open on 2026-12-25?",
        "Bus 1133 to Taroko, 2 times a day",
        "What does the 9th exchange plan fund?",
        "花蓮到太魯閣的公車幾點",
        "盛岡市との姉妹都市交流について",
        "자매도시 교류는 언제 시작했나요?",
        "오늘날씨 어때요?",
        "Where is the tax refund counter?",
    ],
)
def test_questions_without_personal_details_are_kept(text: str) -> None:
    assert redact(text) == text


def test_known_names_go_in_any_case() -> None:
    assert redact("thanks MEI-HUA, and lin mei-hua too", ["Lin Mei-hua", "Mei-hua"]) == (
        "thanks [name], and [name] too"
    )
    assert redact("a b", ["a", " "]) == "a b"  # one-letter "names" would eat every word


def _q(text: str, minutes_ago: int, n: int = 0, kind: str = "fallback") -> UnansweredQuestion:
    return UnansweredQuestion(
        text,
        None,
        NOW - dt.timedelta(minutes=minutes_ago),
        id=1000 - minutes_ago,
        visitor_id=n,
        kind=kind,
    )


def test_questions_sharing_most_terms_are_grouped_whatever_the_noise() -> None:
    questions = [  # newest first, as the store gives them
        _q("Can I get a tax refund at the airport? my mail is ann@example.com", 1),
        _q("where is the scooter rental", 2),
        _q("tax refund at the airport for visitors, call me on 0912-345-678", 3),
        _q("機場退稅在哪裡辦", 4, kind="clarify"),
        _q("机场可以退税吗", 5),
        _q("Tax refund for visitors at the airport??", 6),
        _q("rent a scooter", 7),
        _q("visa", 8),
        _q("visa fee", 9),
    ]
    groups = group_questions(questions)
    assert [(g.count, sorted(q.id for q in g.members)) for g in groups] == [
        (3, [994, 997, 999]),  # the e-mail address and the phone number are no topic
        (2, [995, 996]),  # Simplified and Traditional, 退稅 and 機場 in both
        (2, [991, 992]),  # every word of "visa" is in "visa fee" (token_set_ratio 100)
        (1, [998]),  # "rental" is not "rent": one shared term is not enough
        (1, [993]),
    ]
    assert groups[1].kinds == {"clarify": 1, "fallback": 1}
    assert groups[0].key == 999  # the newest question names the group in links


def test_draft_languages() -> None:
    assert draft_lang("Where is the bus?") == "en"
    assert draft_lang("公車在哪裡") == "zh-Hant"
    assert draft_lang("公车在哪里") == "zh-Hant"  # filed as Traditional, converted
    assert draft_lang("バスはどこですか") == "ja"
    assert draft_lang("버스는 어디에 있어요?") == "ko"


def test_a_draft_files_questions_by_language_and_validates_what_it_can(
    kb: KnowledgeBase, matcher: Matcher
) -> None:
    questions = [
        _q("机场可以退税吗", 1, n=1),
        _q("機場退稅在哪裡辦", 2, n=2),
        _q("空港で免税の手続きはできますか", 3, n=3),
        _q("機場退稅 怎麼辦？我叫王小明", 4, n=4),
        _q("退稅 機場", 5, n=5),
    ]
    [group] = [g for g in group_questions(questions) if g.count >= 4]
    draft = draft_entry(
        group,
        kb=kb,
        matcher=matcher,
        answer=Answer("zh-Hans", "请到出境大厅的退税柜台办理。王小明 您好"),
        names=["王小明"],
        today=dt.date(2026, 12, 1),
    )
    [entry] = yaml.safe_load(draft.text)["entries"]
    assert entry == draft.data
    assert entry["questions"]["zh-Hant"][0] == "機場可以退稅嗎"  # Simplified → Traditional
    assert all("王小明" not in q for q in entry["questions"]["zh-Hant"])
    assert entry["answer"] == {"zh-Hant": "請到出境大廳的退稅櫃檯辦理。[name] 您好"}
    assert entry["id"].startswith(f"{entry['category']}.draft-")
    assert kb.get(entry["id"]) is None
    assert entry["related"]
    assert all(kb.get(related) is not None for related in entry["related"])
    assert "last_reviewed: Field required" in draft.problems
    assert any(p.startswith("answer.en") for p in draft.problems)
    for problem in draft.problems:
        assert f"#   - {problem}" in draft.text
    assert "王小明" not in draft.text
