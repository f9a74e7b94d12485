"""Typed picks among offered options: by number, by place and by name."""

from __future__ import annotations

import pytest

from bot.picks import by_name, by_position

NAMES = {
    "entry:event.summer-festival": ["Hualien Summer Pacific Festival", "花蓮夏戀嘉年華"],
    "entry:event.harvest-festivals": ["Amis harvest festivals (Ilisin)", "阿美族豐年祭"],
    "entry:event.stone-sculpture": ["Stone Sculpture Festival", "花蓮國際石雕藝術季"],
    "staff": ["Ask staff", "詢問承辦人員"],
}
OPTIONS = list(NAMES)


@pytest.mark.parametrize(
    ("reply", "picked"),
    [
        ("2", "entry:event.harvest-festivals"),
        ("the second one", "entry:event.harvest-festivals"),
        ("第二個", "entry:event.harvest-festivals"),
        ("3番", "entry:event.stone-sculpture"),
        ("두 번째요", "entry:event.harvest-festivals"),
        ("last", "entry:event.stone-sculpture"),  # the numbered list ends before "Ask staff"
        ("4", None),
        ("what about the marathon in november", None),
    ],
)
def test_by_position(reply: str, picked: str | None) -> None:
    assert by_position(reply, OPTIONS) == picked


@pytest.mark.parametrize(
    ("reply", "picked"),
    [
        ("harvest", "entry:event.harvest-festivals"),
        ("the summer one", "entry:event.summer-festival"),
        ("豐年祭那個", "entry:event.harvest-festivals"),
        ("夏恋", "entry:event.summer-festival"),
        ("ask staff", "staff"),
        ("festival", None),  # names three options alike
        ("nope", None),
    ],
)
def test_by_name(reply: str, picked: str | None) -> None:
    assert by_name(reply, OPTIONS, NAMES.__getitem__) == picked


def test_nothing_is_picked_where_nothing_was_offered() -> None:
    assert by_position("2", []) is None
    assert by_name("harvest", [], NAMES.__getitem__) is None
