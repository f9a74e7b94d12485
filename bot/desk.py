"""The conversation core: one inbound message → the replies, whatever the channel.

No aiohttp and no SDK here: channels translate platform payloads into :class:`Inbound` and
:class:`Reply` objects back into platform messages.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable

from bot.answers import AnswerContext, render, title
from bot.i18n import N_, both, date_and_time, translate
from bot.kb.loader import KnowledgeBase
from bot.kb.schema import RELATED_SHOWN
from bot.matcher import EMERGENCY_ENTRY, Decision, Match, Matcher
from bot.matcher.alarm import WORRYING
from bot.matcher.situations import Emergency, sounds_frightened
from bot.models import Inbound, InboundKind, NoticeKind, Option, Outcome, Reply, StaffNotice
from bot.office import OfficeCalendar, OfficeStatus
from bot.picks import by_name, by_position
from bot.ratelimit import Verdict, VisitorRateLimit
from bot.reading import read
from bot.settings import Settings
from bot.store import CLOSURE_FLAG, Priority, Store, Ticket, TicketStatus, VisitorState
from bot.text import Lang, detect_language, localize, normalize, tag_language
from bot.when import Window, asked_window

logger = logging.getLogger(__name__)

CHOICE_ENTRY = "entry:"
CHOICE_LANG = "lang:"
CHOICE_STAFF = "staff"
CHOICE_HELP = "help"
CHOICE_STATUS = "ticket:status"
CHOICE_CANCEL = "ticket:cancel"
CHOICE_DELETE_YES = "delete:yes"
CHOICE_DELETE_NO = "delete:no"
_CHOICES = frozenset(
    (
        CHOICE_STAFF,
        CHOICE_HELP,
        CHOICE_STATUS,
        CHOICE_CANCEL,
        CHOICE_DELETE_YES,
        CHOICE_DELETE_NO,
    )
)
SUPPORT_ENTRY = "exchange.student-support"
HELP_ENTRY = "faq.help"
LANGUAGE_ENTRY = "faq.language"
MAX_QUESTION_CHARS = 2000

#: Answers a group does not need from a bot that reads every message: greetings, thanks.
_GROUP_SMALL_TALK = frozenset({"faq.greeting", "faq.thanks"})


def _welcome(lang: Lang) -> str:
    """The welcome: in Chinese and English while the visitor's language is not known (or is
    one of those), in Japanese or Korean for a visitor known to write it."""
    welcome = N_(
        "Hello! This is Hualien County Government's exchange desk.\n"
        'Ask me anything in English, Chinese, Japanese or Korean, e.g. "sister cities" or '
        '"ARC renewal". Type "staff" to reach a person.'
    )
    if lang.is_translated:
        return translate(welcome, lang)
    return f"{translate(welcome, Lang.ZH_HANT)}\n\n{translate(welcome, Lang.EN)}"


def _group_pointer() -> str:
    pointer = N_(
        "In this group I answer general questions only. Requests to staff, and anything about "
        "your own case, go through a 1:1 chat with me: tap my name, then Chat."
    )
    return both(pointer, "\n")


def _unsupported(lang: Lang) -> str:
    unsupported = N_("Sorry, I can only read text messages. Please type your question.")
    if lang.is_translated:
        return translate(unsupported, lang)
    return f"{translate(unsupported, Lang.ZH_HANT)}\n{translate(unsupported, Lang.EN)}"


# The languages' own names, the same in every language (a visitor looks for their own).
LANGUAGE_OPTIONS = (
    Option("English", f"{CHOICE_LANG}{Lang.EN.value}"),
    Option("繁體中文", f"{CHOICE_LANG}{Lang.ZH_HANT.value}"),
    Option("简体中文", f"{CHOICE_LANG}{Lang.ZH_HANS.value}"),
    Option("日本語", f"{CHOICE_LANG}{Lang.JA.value}"),
    Option("한국어", f"{CHOICE_LANG}{Lang.KO.value}"),
)

# "English please", "switch to Chinese", 「請用英文」「中文」: an explicit language choice.
_ASK_ENGLISH = re.compile(
    r"^(?:(?:please |pls )?(?:switch |change )?(?:to |in )?english(?: please| pls)?|"
    r"(?:can you |could you )?(?:speak|answer|reply|talk) (?:in )?english(?: please)?|"
    r"(?:請)?(?:用|說|講|換成|切換成?|改用?)?英文(?:回答|回覆)?(?:好嗎|可以嗎)?|english)$"
)
_ASK_CHINESE = re.compile(
    r"^(?:(?:please |pls )?(?:switch |change )?(?:to |in )?chinese(?: please| pls)?|"
    r"(?:請)?(?:用|說|講|換成|切換成?|改用?)?(?:中文|繁體中文|繁體)(?:回答|回覆)?(?:好嗎|可以嗎)?)$"
)
_ASK_SIMPLIFIED = re.compile(
    r"^(?:請)?(?:用|換成|切換成?|改用?)?(?:簡體中文|簡體|简体中文|简体)(?:回答)?$"
)

# 「日本語でお願いします」, "Korean please", 「한국어로 해 주세요」 (matched on the text as typed:
# normalisation would turn 語 and 本 into nothing else, but keeps kana and Hangul as they are).
_ASK_JAPANESE = re.compile(
    r"^(?:(?:please |pls )?(?:switch |change )?(?:to |in )?japanese(?: please| pls)?|"
    r"日本語(?:で|に)?(?:お願いします|おねがいします|お願い|話して(?:ください)?|答えて(?:ください)?|"
    r"返事して(?:ください)?|大丈夫ですか|いいですか)?)$",
    re.IGNORECASE,
)
_ASK_KOREAN = re.compile(
    r"^(?:(?:please |pls )?(?:switch |change )?(?:to |in )?korean(?: please| pls)?|"
    r"한국어(?:로)?\s?(?:해\s?주세요|부탁(?:드립니다|해요)|답(?:변)?해\s?주세요|말해\s?주세요|"
    r"가능한가요|돼요|되나요)?)$",
    re.IGNORECASE,
)


def requested_language(text: str) -> Lang | None:
    typed = text.strip().rstrip("。.!！?？ ")
    if _ASK_JAPANESE.match(typed):
        return Lang.JA
    if _ASK_KOREAN.match(typed):
        return Lang.KO
    normal = normalize(text)
    if _ASK_ENGLISH.match(normal):
        return Lang.EN
    if _ASK_SIMPLIFIED.match(normal) or _ASK_SIMPLIFIED.match(text.strip()):
        return Lang.ZH_HANS
    if _ASK_CHINESE.match(normal):
        return Lang.ZH_HANT
    return None


def _clean(text: str) -> str:
    """Drop what no database can store: lone surrogates (valid JSON escapes) and NUL."""
    return text.encode("utf-8", "ignore").decode("utf-8").replace("\x00", "")


def _not_a_question(text: str) -> bool:
    """A logged inbound text that only steered the conversation: a button's value (taps are
    logged by their choice), a numbered pick or a command."""
    stripped = text.strip()
    return (
        stripped.startswith(("/", CHOICE_ENTRY, CHOICE_LANG))
        or stripped in _CHOICES
        or normalize(stripped).isdigit()
    )


def _storable(inbound: Inbound) -> Inbound:
    name = inbound.display_name
    return dataclasses.replace(
        inbound,
        text=_clean(inbound.text),
        choice=_clean(inbound.choice),
        display_name=_clean(name) if name is not None else None,
    )


#: Whether the message being handled may open a ticket (``Desk.handle(new_tickets=…)``): a
#: context variable, as each message is handled in its own task or in turn.
_new_tickets: contextvars.ContextVar[bool] = contextvars.ContextVar("new_tickets", default=True)


class Desk:
    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: Matcher,
        store: Store,
        settings: Settings,
        clock: Callable[[], dt.datetime] | None = None,
        rate_limit: VisitorRateLimit | None = None,
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self.store = store
        self.settings = settings
        self.office = OfficeCalendar(settings)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.rate_limit = rate_limit or VisitorRateLimit()

    def _today(self) -> dt.date:
        return self.clock().astimezone(self.settings.tz).date()

    def _context(self) -> AnswerContext:
        return AnswerContext.from_settings(self.settings, self._today())

    async def handle(self, inbound: Inbound, *, new_tickets: bool = True) -> Outcome:
        """The outcome of one message; ``new_tickets=False`` (the web chat's budget per
        address is spent): a request for staff is declined politely, an emergency still gets
        its numbers, an open ticket still takes follow-ups."""
        if inbound.group:
            return self._in_group(inbound)
        token = _new_tickets.set(new_tickets)
        try:
            return await self._handle(inbound)
        finally:
            _new_tickets.reset(token)

    async def _handle(self, inbound: Inbound) -> Outcome:
        inbound = _storable(inbound)
        state = await self.store.visitor(
            inbound.channel.value, inbound.user_id, inbound.display_name
        )
        ticket = await self.store.active_ticket(state.visitor_id) if state.has_ticket else None
        verdict = self.rate_limit.check(f"{inbound.channel.value}:{inbound.user_id}")
        if verdict is Verdict.ALLOW:
            outcome = await self._dispatch(inbound, state, ticket)
        else:
            # A flood: one notice, then quiet until it calms; the messages are still recorded.
            lang = Lang(state.lang_choice or state.last_lang or Lang.EN.value)
            notice = [
                Reply(
                    translate(
                        "You are sending messages very fast. Please wait a minute, then ask again.",
                        lang,
                    ),
                    lang=lang,
                )
            ]
            outcome = Outcome(
                notice if verdict is Verdict.NOTIFY else [], "rate_limited", lang=lang
            )
        if outcome.forget:
            return outcome
        logged_in = inbound.text or inbound.choice or f"[{inbound.kind.value}]"
        last_options = next(
            (tuple(o.choice for o in r.options) for r in reversed(outcome.replies) if r.options), ()
        )
        await self.store.record_exchange(
            state.visitor_id,
            [
                ("in", logged_in[:MAX_QUESTION_CHARS], None),
                *(("out", reply.text, "bot") for reply in outcome.replies),
            ],
            decision=outcome.decision,
            entry_id=outcome.entry_id,
            ticket_id=outcome.ticket_number,
            last_lang=outcome.lang.value,
            last_options=last_options,
            lang_choice=outcome.lang.value if outcome.decision == "language" else None,
            at=self.clock(),
        )
        return outcome

    async def _dispatch(
        self, inbound: Inbound, state: VisitorState, ticket: Ticket | None
    ) -> Outcome:
        chosen = Lang(state.lang_choice) if state.lang_choice else None
        # Before a visitor writes, the platform's word for their language is the first guess
        # (a Japanese LINE user is welcomed in Japanese); once they write, what they write wins.
        platform = tag_language(inbound.language) if inbound.language else None
        last = Lang(state.last_lang) if state.last_lang else platform
        # A tap or a bare "2" has no language of its own: it continues the conversation's.
        conversing = chosen or last or Lang.EN
        if inbound.kind is InboundKind.FOLLOW:
            return Outcome(
                [Reply(_welcome(conversing), self._start_options(conversing))],
                "welcome",
                lang=conversing,
            )
        if inbound.kind is InboundKind.UNSUPPORTED:
            if ticket is not None:
                return await self._follow_up(ticket, "[sticker/image/file]", conversing)
            # Bilingual text unless the visitor is known to write Japanese or Korean; the
            # conversation's language is kept for what follows.
            return Outcome(
                [Reply(_unsupported(conversing), lang=conversing)], "unsupported", lang=conversing
            )
        if inbound.kind is InboundKind.CHOICE:
            return await self._choice(inbound.choice, conversing, state, ticket)
        text = inbound.text[:MAX_QUESTION_CHARS]
        lang = chosen or detect_language(text, last)
        command = text.strip().split(maxsplit=1)[0].lower() if text.strip() else ""
        if command.startswith("/"):
            # A bare command has no language of its own: it continues the conversation's.
            command_lang = chosen or (lang if " " in text.strip() else conversing)
            return await self._command(command.split("@", 1)[0], text, command_lang, state, ticket)
        # Safety first, even inside a conversation with staff.
        reading = read(text, last)
        topic = await self._topic(state) if ticket is None else None
        match = self.matcher.match_reading(reading, topic) if reading.normal else None
        if match is not None and match.emergency:
            return await self._emergency(match, chosen or match.lang, state, ticket, text)
        if ticket is not None:
            return await self._follow_up(ticket, text, chosen or (match.lang if match else lang))
        asked = requested_language(text)
        if asked is not None:
            return self._set_language(asked)
        picked = by_position(text, state.last_options)
        if picked is None and (match is None or match.decision is not Decision.ANSWER):
            # A short reply naming an offered option ("harvest", 「豐年祭那個」); a question
            # the matcher answers on its own is read as that question instead.
            picked = by_name(text, state.last_options, self._option_names)
        if picked is not None:
            return await self._choice(picked, conversing, state, ticket)
        if match is None:
            return Outcome(
                [
                    Reply(
                        translate(
                            'Please type your question in words, e.g. "emergency numbers".', lang
                        ),
                        self._fallback_options(lang),
                        lang=lang,
                    )
                ],
                "fallback",
                lang=lang,
            )
        answer_lang = chosen or match.lang
        if match.decision is Decision.HANDOFF:
            return await self._handoff(state, answer_lang, "asked", text, match)
        outcome = self._from_match(
            match,
            answer_lang,
            asked_window(reading.normal, self._today()),
            frightened=self._may_be_in_danger(reading.normal, match),
        )
        if len(inbound.text) > MAX_QUESTION_CHARS:
            outcome.replies.insert(
                0,
                Reply(
                    translate(
                        'Your message is very long; I read its first part. For details, tap "Ask staff".',
                        outcome.lang,
                    ),
                    lang=outcome.lang,
                ),
            )
        return outcome

    def _option_names(self, choice: str) -> list[str]:
        if choice.startswith(CHOICE_ENTRY):
            entry = self.kb.get(choice[len(CHOICE_ENTRY) :])
            return [] if entry is None else [entry.title.en, entry.title.zh_hant]
        if choice.startswith(CHOICE_LANG):
            return [o.label for o in LANGUAGE_OPTIONS if o.choice == choice]
        label = {CHOICE_STAFF: "Ask staff", CHOICE_HELP: "Help", CHOICE_STATUS: "Request status"}
        return [translate(label[choice], lang) for lang in Lang] if choice in label else []

    async def _command(
        self, command: str, text: str, lang: Lang, state: VisitorState, ticket: Ticket | None
    ) -> Outcome:
        if command == "/start":
            return Outcome([Reply(_welcome(lang), self._start_options(lang))], "welcome", lang=lang)
        if command == "/help":
            return self._answer_entry(HELP_ENTRY, lang)
        if command == "/lang":
            argument = text.strip().split(maxsplit=1)[1:] if " " in text.strip() else []
            wanted = requested_language(argument[0]) if argument else None
            if wanted is not None:
                return self._set_language(wanted)
            return Outcome(
                [
                    Reply(
                        localize("Choose a language / 請選擇語言", lang),
                        LANGUAGE_OPTIONS,
                        lang=lang,
                    )
                ],
                "language_menu",
                lang=lang,
            )
        if command == "/human":
            if ticket is not None:
                return self._status(ticket, lang)
            question = (
                await self.store.last_question(state.visitor_id, skip=_not_a_question) or text
            )
            return await self._handoff(state, lang, "asked", question, None)
        if command == "/status":
            return self._status(ticket, lang)
        if command == "/cancel":
            return await self._cancel(ticket, lang)
        if command == "/delete":
            return self._confirm_delete(lang)
        return self._answer_entry(HELP_ENTRY, lang)

    async def _choice(
        self, choice: str, lang: Lang, state: VisitorState, ticket: Ticket | None
    ) -> Outcome:
        if choice.startswith(CHOICE_ENTRY):
            entry_id = choice[len(CHOICE_ENTRY) :]
            if self.kb.get(entry_id) is not None:
                return self._answer_entry(entry_id, lang)
        elif choice.startswith(CHOICE_LANG):
            try:
                return self._set_language(Lang(choice[len(CHOICE_LANG) :]))
            except ValueError:
                pass
        elif choice == CHOICE_STAFF:
            if ticket is not None:
                return self._status(ticket, lang)
            question = await self.store.last_question(state.visitor_id, skip=_not_a_question) or ""
            match = self.matcher.match(question) if question else None
            about_support = match is not None and SUPPORT_ENTRY in (match.entry, *match.candidates)
            reason = "support" if about_support else "fallback"
            return await self._handoff(state, lang, reason, question, match)
        elif choice == CHOICE_HELP:
            return self._answer_entry(HELP_ENTRY, lang)
        elif choice == CHOICE_STATUS:
            return self._status(ticket, lang)
        elif choice == CHOICE_CANCEL:
            return await self._cancel(ticket, lang)
        elif choice == CHOICE_DELETE_YES:
            await self.store.delete_visitor(state.visitor_id)
            logger.info("visitor data deleted on request")
            return Outcome(
                [
                    Reply(
                        translate(
                            "Done: everything this desk kept about you has been deleted.", lang
                        ),
                        lang=lang,
                    )
                ],
                "deleted",
                lang=lang,
                forget=True,
            )
        elif choice == CHOICE_DELETE_NO:
            return Outcome(
                [Reply(translate("OK, nothing was deleted.", lang), lang=lang)], "kept", lang=lang
            )
        # A stale or forged button: say what the bot can do rather than fail.
        logger.info("unknown choice %r", choice[:80])
        return self._answer_entry(HELP_ENTRY, lang)

    def _set_language(self, lang: Lang) -> Outcome:
        return Outcome(
            [Reply(translate("OK, I will answer in English.", lang), lang=lang)],
            "language",
            lang=lang,
        )

    # -- tickets -------------------------------------------------------------------------

    async def office_status(self, now: dt.datetime) -> OfficeStatus:
        """Office hours at ``now``, with the staff's closure switch for the day."""
        local_today = now.astimezone(self.settings.tz).date().isoformat()
        closed_today = await self.store.get_flag(CLOSURE_FLAG) == local_today
        return self.office.status(now, closed_today=closed_today)

    async def _when(self, lang: Lang) -> str:
        status = await self.office_status(self.clock())
        if status.open_now:
            return translate("The office is open now, so expect a reply soon.", lang)
        when = self._reopening(status, lang)
        if status.closed_by_switch:
            return translate(
                "The office is closed today; staff will reply after it reopens on {when} "
                "(Taiwan time).",
                lang,
                when=when,
            )
        return translate(
            "The office is closed now; staff will reply after it reopens on {when} (Taiwan time).",
            lang,
            when=when,
        )

    @staticmethod
    def _reopening(status: OfficeStatus, lang: Lang) -> str:
        reopens = status.reopens_at
        if reopens is None:
            return "?"
        return date_and_time(reopens, lang)

    def _ticket_options(self, lang: Lang) -> tuple[Option, ...]:
        return (
            Option(translate("Request status", lang), CHOICE_STATUS),
            Option(translate("Close my request", lang), CHOICE_CANCEL),
        )

    async def _handoff(
        self, state: VisitorState, lang: Lang, reason: str, question: str, match: Match | None
    ) -> Outcome:
        if not _new_tickets.get():
            return Outcome(
                [
                    Reply(
                        translate(
                            "Many requests to staff have come from your network in the last hour, so this one was not passed on. Please try again later.",
                            lang,
                        ),
                        lang=lang,
                    )
                ],
                "ticket_limit",
                lang=lang,
            )
        ticket = await self._open_ticket(state, lang, reason, question, match)
        handed = translate(
            "I have passed your message to our staff as request #{number}. "
            "They will reply to you here.",
            lang,
            number=ticket.number,
        )
        text = f"{handed}\n{await self._when(lang)}"
        if lang.is_translated:
            # Staff answer in the languages they write; the visitor should not wait for
            # Japanese or Korean, nor be surprised by Chinese.
            text += "\n" + translate("Staff will reply in English or Chinese.", lang)
        return Outcome(
            [Reply(text, self._ticket_options(lang), lang=lang)],
            Decision.HANDOFF.value,
            lang=lang,
            notices=[StaffNotice(NoticeKind.OPENED, ticket.number, question)],
            ticket_number=ticket.number,
        )

    async def _open_ticket(
        self,
        state: VisitorState,
        lang: Lang,
        reason: str,
        question: str,
        match: Match | None,
        *,
        priority: Priority = Priority.NORMAL,
    ) -> Ticket:
        visitor = await self.store.visitor_by_id(state.visitor_id)
        assert visitor is not None, "the visitor row exists for the whole exchange"
        return await self.store.open_ticket(
            state.visitor_id,
            channel=visitor.channel,
            lang=lang.value,
            priority=priority,
            reason=reason,
            question=question[:MAX_QUESTION_CHARS] or "(no question)",
            guesses=match.guesses if match else (),
        )

    async def _topic(self, state: VisitorState) -> str | None:
        """The entry the visitor is on, if they were answered within the last minutes."""
        if not self.settings.topic_minutes:
            return None
        since = self.clock() - dt.timedelta(minutes=self.settings.topic_minutes)
        return await self.store.recent_topic(state.visitor_id, since)

    def _emergency_card(self, situation: Emergency, lang: Lang) -> Reply:
        """The situation's numbers, the one to call first first: short, and impossible to
        miss (channels show an urgent reply as a red card with call buttons)."""
        by_number = {c.phone: c for c in self.kb[EMERGENCY_ENTRY].contacts if c.phone}
        contacts = [by_number[number] for number in situation.numbers if number in by_number]
        first, *others = contacts
        lines = [
            translate(
                "🚨 Call {number} now: {name}.",
                lang,
                number=first.phone,
                name=localize(first.name.for_reader(lang), lang),
            )
        ]
        if others:
            items = "; ".join(
                f"{c.phone} {localize(c.name.for_reader(lang), lang)}" for c in others
            )
            lines.append(translate("Also: {items}.", lang, items=items))
        options = (
            Option(translate("All emergency numbers", lang), f"{CHOICE_ENTRY}{EMERGENCY_ENTRY}"),
        )
        return Reply("\n".join(lines), options, tuple(contacts), lang=lang, urgent=True)

    async def _emergency(
        self,
        match: Match,
        lang: Lang,
        state: VisitorState,
        ticket: Ticket | None,
        text: str,
    ) -> Outcome:
        assert match.situation is not None, "the matcher names the situation of an emergency"
        card = self._emergency_card(match.situation, lang)
        outcome = Outcome([card], Decision.ANSWER.value, EMERGENCY_ENTRY, lang)
        if ticket is None and not _new_tickets.get():
            return outcome  # the numbers, without a ticket
        if ticket is None:
            ticket = await self._open_ticket(
                state, lang, "emergency", text, match, priority=Priority.URGENT
            )
            notice = StaffNotice(NoticeKind.OPENED, ticket.number, text, urgent=True)
        else:
            await self.store.escalate(ticket.number, "visitor", "emergency words")
            notice = StaffNotice(NoticeKind.FOLLOW_UP, ticket.number, text, urgent=True)
        status = await self.office_status(self.clock())
        when = (
            translate(
                "Staff are in the office and will see it shortly; call the number above first.",
                lang,
            )
            if status.open_now
            else translate(
                "The office is closed now: staff will see it when it reopens on {when} (Taiwan time). Do not wait for us: call the number above.",
                lang,
                when=self._reopening(status, lang),
            )
        )
        alerted = translate(
            "I have also alerted our staff (request #{number}, urgent).", lang, number=ticket.number
        )
        outcome.replies.append(Reply(f"{alerted}\n{when}", lang=lang))
        outcome.notices.append(notice)
        outcome.ticket_number = ticket.number
        return outcome

    async def _follow_up(self, ticket: Ticket, text: str, lang: Lang) -> Outcome:
        reply = Reply(
            translate(
                "Added to your request #{number}; staff will reply here.",
                lang,
                number=ticket.number,
            ),
            self._ticket_options(lang),
            lang=lang,
        )
        return Outcome(
            [reply],
            "relayed",
            lang=lang,
            notices=[StaffNotice(NoticeKind.FOLLOW_UP, ticket.number, text)],
            ticket_number=ticket.number,
        )

    def _status(self, ticket: Ticket | None, lang: Lang) -> Outcome:
        if ticket is None:
            return Outcome(
                [
                    Reply(
                        translate(
                            'You have no open request. Type "staff" to reach a person.', lang
                        ),
                        self._fallback_options(lang),
                        lang=lang,
                    )
                ],
                "status",
                lang=lang,
            )
        if ticket.status is TicketStatus.CLAIMED:
            text = translate(
                "Request #{number} is being handled by our staff.", lang, number=ticket.number
            )
        elif ticket.status is TicketStatus.ANSWERED:
            text = translate(
                "Staff have replied to request #{number}. Write here to continue, or close it.",
                lang,
                number=ticket.number,
            )
        else:
            text = translate(
                "Request #{number} is waiting for a staff member.", lang, number=ticket.number
            )
        reply = Reply(text, self._ticket_options(lang), lang=lang)
        return Outcome([reply], "status", lang=lang, ticket_number=ticket.number)

    async def _cancel(self, ticket: Ticket | None, lang: Lang) -> Outcome:
        if ticket is None:
            return self._status(None, lang)
        await self.store.set_status(ticket.number, TicketStatus.CLOSED, "visitor", "cancelled")
        return Outcome(
            [
                Reply(
                    translate(
                        "Request #{number} is closed. I am back to answering your questions.",
                        lang,
                        number=ticket.number,
                    ),
                    lang=lang,
                )
            ],
            "cancelled",
            lang=lang,
            notices=[StaffNotice(NoticeKind.CANCELLED, ticket.number)],
            ticket_number=ticket.number,
        )

    def _confirm_delete(self, lang: Lang) -> Outcome:
        options = (
            Option(translate("Delete my data", lang), CHOICE_DELETE_YES),
            Option(translate("Keep it", lang), CHOICE_DELETE_NO),
        )
        return Outcome(
            [
                Reply(
                    translate(
                        "Delete everything this desk keeps about you: your messages, our replies and your requests? This cannot be undone.",
                        lang,
                    ),
                    options,
                    lang=lang,
                )
            ],
            "delete_confirm",
            lang=lang,
        )

    def _answer_entry(
        self,
        entry_id: str,
        lang: Lang,
        decision: str = Decision.ANSWER.value,
        window: Window | None = None,
    ) -> Outcome:
        entry = self.kb.get(entry_id)
        if entry is None:
            # The knowledge base was reloaded while this message was being read, without the
            # entry matched: say what the desk can do rather than fail.
            logger.warning("entry %s is gone from the knowledge base", entry_id)
            return self._answer_entry(HELP_ENTRY, lang)
        text = render(self.kb, entry, lang, self._context(), window)
        options = (
            *tuple(
                Option(title(self.kb[related], lang), f"{CHOICE_ENTRY}{related}")
                for related in entry.related[:RELATED_SHOWN]
                if self.kb.get(related) is not None
            ),
            Option(translate("Ask staff", lang), CHOICE_STAFF),
        )
        reply = Reply(text, options, tuple(entry.contacts), lang=lang)
        return Outcome([reply], decision, entry_id, lang)

    def _from_match(
        self, match: Match, lang: Lang, window: Window | None = None, *, frightened: bool = False
    ) -> Outcome:
        if match.decision is Decision.ANSWER and match.entry:
            outcome = self._answer_entry(match.entry, lang, window=window)
            if match.in_context:
                # Read as a follow-up: say which topic the answer is about.
                about = translate("About {title}:", lang, title=title(self.kb[match.entry], lang))
                first = outcome.replies[0]
                outcome.replies[0] = dataclasses.replace(first, text=f"{about}\n{first.text}")
            return outcome
        # A frightened message the desk cannot answer may be an emergency its signs do not
        # know: it says first where to call, whatever else it offers.
        in_danger = (
            translate(
                "If someone is in danger now, call 110 (police) or 119 (fire and ambulance).", lang
            )
            + "\n"
            if frightened
            else ""
        )
        if match.decision is Decision.CLARIFY:
            options = (
                *tuple(
                    Option(title(self.kb[c], lang), f"{CHOICE_ENTRY}{c}") for c in match.candidates
                ),
                Option(translate("Ask staff", lang), CHOICE_STAFF),
            )
            lines = [translate("Did you mean one of these?", lang)] + [
                f"{n}. {option.label}" for n, option in enumerate(options[:-1], 1)
            ]
            return Outcome(
                [Reply(in_danger + "\n".join(lines), options, lang=lang)],
                Decision.CLARIFY.value,
                lang=lang,
            )
        return Outcome(
            [
                Reply(
                    in_danger
                    + translate(
                        'Sorry, I don\'t have an answer to that yet. You can rephrase it, or tap "Ask staff" and a person will reply here.',
                        lang,
                    ),
                    self._fallback_options(lang),
                    lang=lang,
                )
            ],
            Decision.FALLBACK.value,
            lang=lang,
        )

    def _may_be_in_danger(self, normal: str, match: Match) -> bool:
        """Whether a message the desk does not answer should say first where to call: it
        sounds frightened, or the emergency model finds it worrying, though not sure enough
        to answer it as an emergency (matcher/alarm.py)."""
        if match.decision not in (Decision.CLARIFY, Decision.FALLBACK):
            return False
        return sounds_frightened(normal) or match.danger >= WORRYING

    def _fallback_options(self, lang: Lang) -> tuple[Option, ...]:
        return (
            Option(translate("Ask staff", lang), CHOICE_STAFF),
            Option(translate("Help", lang), CHOICE_HELP),
        )

    def _start_options(self, lang: Lang) -> tuple[Option, ...]:
        return (
            *LANGUAGE_OPTIONS,
            Option(translate("Help", lang), CHOICE_HELP),
            Option(translate("Ask staff", lang), CHOICE_STAFF),
        )

    # -- group and room chats ------------------------------------------------------------

    def _in_group(self, inbound: Inbound) -> Outcome:
        """A group or room chat (LINE): general answers and emergency numbers, without buttons;
        no ticket, no ticket command, nothing stored (so no member's request is ever shown
        there); chatter gets silence. Requests to staff are pointed to a 1:1 chat, as is
        said when the bot joins."""
        quiet = Outcome([], "group_ignored")
        if self.rate_limit.check(f"{inbound.channel.value}:{inbound.user_id}") is not Verdict.ALLOW:
            return quiet
        pointer = Outcome([Reply(_group_pointer())], "group_pointer")
        if inbound.kind is InboundKind.FOLLOW:
            return pointer
        if inbound.kind is InboundKind.CHOICE:
            choice = inbound.choice
            wants_staff = choice in _CHOICES or choice.startswith(CHOICE_LANG)
            return pointer if wants_staff else quiet
        text = _clean(inbound.text)[:MAX_QUESTION_CHARS]
        if inbound.kind is not InboundKind.TEXT or not normalize(text):
            return quiet
        if text.strip().startswith("/"):
            return pointer
        match = self.matcher.match(text)
        if match.emergency and match.situation is not None:
            card = dataclasses.replace(
                self._emergency_card(match.situation, match.lang), options=()
            )
            return Outcome([card], Decision.ANSWER.value, EMERGENCY_ENTRY, match.lang)
        if match.decision is Decision.HANDOFF:
            return pointer
        if (
            match.decision is Decision.ANSWER
            and match.entry
            and match.entry not in _GROUP_SMALL_TALK
        ):
            return self._group_answer(match.entry, match.lang)
        return quiet

    def _group_answer(self, entry_id: str, lang: Lang) -> Outcome:
        # Without buttons: each leads to a conversation (staff, a language) groups do not get.
        outcome = self._answer_entry(entry_id, lang)
        outcome.replies = [dataclasses.replace(reply, options=()) for reply in outcome.replies]
        return outcome
