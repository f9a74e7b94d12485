"""``/chatid`` in any Telegram group tells the operator that group's id: the value for
``STAFF_TELEGRAM_CHAT_ID``, which has to be known before a staff group can be configured."""

from __future__ import annotations

from bot.app import STORE
from tests.channels.conftest import DeskFactory
from tests.staff.staff_group import (
    OTHER_GROUP,
    STAFF_CHAT,
    staff_message,
    start_staff_desk,
    to_chat,
    wait_until,
)


async def test_chatid_in_a_group_answers_its_id_before_any_staff_group_is_set(
    make_desk: DeskFactory,
) -> None:
    desk = await make_desk()  # Telegram on, no STAFF_TELEGRAM_CHAT_ID yet
    update = staff_message("/chatid@desk_bot", chat_id=OTHER_GROUP)
    assert (await desk.post_telegram(update)).status == 200
    await wait_until(lambda: len(to_chat(desk, OTHER_GROUP)) == 1)
    [answer] = to_chat(desk, OTHER_GROUP)
    assert f"STAFF_TELEGRAM_CHAT_ID={OTHER_GROUP}" in answer.params["text"]
    # Telegram delivering the same update again gets no second answer.
    assert (await desk.post_telegram(update)).status == 200
    await desk.settle()
    assert len(to_chat(desk, OTHER_GROUP)) == 1
    # A group's command is no visitor conversation: nobody was recorded.
    assert await desk.app[STORE].find_visitor("telegram", str(OTHER_GROUP)) is None


async def test_chatid_in_the_staff_group_says_it_is_the_staff_group(
    make_desk: DeskFactory,
) -> None:
    desk = await start_staff_desk(make_desk)
    assert (await desk.post_telegram(staff_message("/chatid"))).status == 200
    await wait_until(lambda: len(to_chat(desk, STAFF_CHAT)) == 1)
    [answer] = to_chat(desk, STAFF_CHAT)
    assert answer.params["text"].startswith("This group is the staff group")


async def test_other_group_messages_still_get_no_answer(make_desk: DeskFactory) -> None:
    desk = await make_desk()
    for text in ("/chatidx", "what is the chat id?", "/help"):
        assert (await desk.post_telegram(staff_message(text, chat_id=OTHER_GROUP))).status == 200
    await desk.settle()
    assert to_chat(desk, OTHER_GROUP) == []
