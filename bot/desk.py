"""The conversation core: one inbound message → the replies, whatever the channel.

No aiohttp and no SDK here: channels translate platform payloads into :class:`Inbound` and
:class:`Reply` objects back into platform messages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable

from bot.answers import AnswerContext, render, title
from bot.kb.loader import KnowledgeBase
from bot.matcher import Decision, Match, Matcher
from bot.models import Inbound, InboundKind, Option, Outcome, Reply
from bot.settings import Settings
from bot.store import Store, VisitorState
from bot.text import Lang, detect_language, localize, normalize

logger = logging.getLogger(__name__)

CHOICE_ENTRY = "entry:"
CHOICE_LANG = "lang:"
CHOICE_STAFF = "staff"
CHOICE_HELP = "help"
HELP_ENTRY = "faq.help"
LANGUAGE_ENTRY = "faq.language"
MAX_QUESTION_CHARS = 2000

# Both languages at once, for moments when the visitor's language is not known yet.
_WELCOME = (
    "您好！這裡是花蓮縣政府國際交流服務台。\n"
    "請直接輸入問題（中文或英文），例如「姊妹市有哪些」「居留證怎麼辦」。需要真人協助請輸入「真人」。\n\n"
    "Hello! This is Hualien County Government's exchange desk.\n"
    'Ask me anything in English or Chinese, e.g. "sister cities" or "ARC renewal". '
    'Type "staff" to reach a person.'
)
_UNSUPPORTED = (
    "抱歉，我目前只看得懂文字訊息，請用文字輸入您的問題。\n"
    "Sorry, I can only read text messages. Please type your question."
)

_TEXTS: dict[str, dict[Lang, str]] = {
    "clarify": {Lang.EN: "Did you mean one of these?", Lang.ZH_HANT: "請問您想問的是下列哪一項？"},
    "fallback": {
        Lang.EN: "Sorry, I don't have an answer to that yet. You can rephrase it, or tap "
        '"Ask staff" and a person will reply here.',
        Lang.ZH_HANT: "抱歉，這個問題我還無法回答。您可以換個說法，或點「詢問承辦人員」由專人在這裡回覆您。",
    },
    "handoff": {
        Lang.EN: "I have passed your message to our staff. They will reply to you here.",
        Lang.ZH_HANT: "已將您的訊息轉給承辦同仁，他們會在這裡回覆您。",
    },
    "lang_set": {
        Lang.EN: "OK, I will answer in English.",
        Lang.ZH_HANT: "好的，我會用繁體中文回答。",
        Lang.ZH_HANS: "好的，我会用简体中文回答。",
    },
    "too_long": {
        Lang.EN: 'Your message is very long; I read its first part. For details, tap "Ask staff".',
        Lang.ZH_HANT: "您的訊息很長，我先讀了前面的部分。如需詳細協助，請點「詢問承辦人員」。",
    },
    "empty": {
        Lang.EN: 'Please type your question in words, e.g. "emergency numbers".',
        Lang.ZH_HANT: "請用文字輸入您的問題，例如「緊急電話」。",
    },
}
_LABELS: dict[str, dict[Lang, str]] = {
    "staff": {Lang.EN: "Ask staff", Lang.ZH_HANT: "詢問承辦人員"},
    "help": {Lang.EN: "Help", Lang.ZH_HANT: "使用說明"},
}


def _say(key: str, lang: Lang) -> str:
    texts = _TEXTS[key]
    if lang in texts:
        return texts[lang]
    return localize(texts[Lang.EN if lang is Lang.EN else Lang.ZH_HANT], lang)


def _label(key: str, lang: Lang) -> str:
    labels = _LABELS[key]
    return localize(labels[Lang.EN if lang is Lang.EN else Lang.ZH_HANT], lang)


LANGUAGE_OPTIONS = (
    Option("English", f"{CHOICE_LANG}{Lang.EN.value}"),
    Option("繁體中文", f"{CHOICE_LANG}{Lang.ZH_HANT.value}"),
    Option("简体中文", f"{CHOICE_LANG}{Lang.ZH_HANS.value}"),
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


def requested_language(text: str) -> Lang | None:
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


def _storable(inbound: Inbound) -> Inbound:
    name = inbound.display_name
    return dataclasses.replace(
        inbound,
        text=_clean(inbound.text),
        choice=_clean(inbound.choice),
        display_name=_clean(name) if name is not None else None,
    )


class Desk:
    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: Matcher,
        store: Store,
        settings: Settings,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self.store = store
        self.settings = settings
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def _context(self) -> AnswerContext:
        today = self.clock().astimezone(self.settings.tz).date()
        return AnswerContext.from_settings(self.settings, today)

    async def handle(self, inbound: Inbound) -> Outcome:
        inbound = _storable(inbound)
        state = await self.store.visitor(
            inbound.channel.value, inbound.user_id, inbound.display_name
        )
        outcome = await self._dispatch(inbound, state)
        logged_in = inbound.text or inbound.choice or f"[{inbound.kind.value}]"
        await self.store.log_message(
            state.visitor_id,
            "in",
            logged_in[:MAX_QUESTION_CHARS],
            outcome.decision,
            outcome.entry_id,
        )
        for reply in outcome.replies:
            await self.store.log_message(
                state.visitor_id, "out", reply.text, outcome.decision, outcome.entry_id
            )
        last_options = next(
            (tuple(o.choice for o in r.options) for r in reversed(outcome.replies) if r.options), ()
        )
        await self.store.update_visitor(
            state.visitor_id,
            last_lang=outcome.lang.value,
            last_options=last_options,
            lang_choice=outcome.lang.value if outcome.decision == "language" else None,
        )
        return outcome

    async def _dispatch(self, inbound: Inbound, state: VisitorState) -> Outcome:
        chosen = Lang(state.lang_choice) if state.lang_choice else None
        # A tap or a bare "2" has no language of its own: it continues the conversation's.
        conversing = chosen or (Lang(state.last_lang) if state.last_lang else Lang.EN)
        if inbound.kind is InboundKind.FOLLOW:
            return Outcome([Reply(_WELCOME, self._start_options(chosen or Lang.EN))], "welcome")
        if inbound.kind is InboundKind.UNSUPPORTED:
            return Outcome([Reply(_UNSUPPORTED)], "unsupported")
        if inbound.kind is InboundKind.CHOICE:
            return self._choice(inbound.choice, conversing)
        text = inbound.text[:MAX_QUESTION_CHARS]
        lang = chosen or detect_language(text)
        command = text.strip().split(maxsplit=1)[0].lower() if text.strip() else ""
        if command.startswith("/"):
            return self._command(command.split("@", 1)[0], text, lang)
        asked = requested_language(text)
        if asked is not None:
            return self._set_language(asked)
        picked = self._numbered_pick(text, state)
        if picked is not None:
            return self._choice(picked, conversing)
        if not normalize(text):
            return Outcome(
                [Reply(_say("empty", lang), self._fallback_options(lang), lang=lang)],
                "fallback",
                lang=lang,
            )
        match = self.matcher.match(text)
        outcome = self._from_match(match, chosen or match.lang)
        if len(inbound.text) > MAX_QUESTION_CHARS:
            outcome.replies.insert(0, Reply(_say("too_long", outcome.lang), lang=outcome.lang))
        return outcome

    def _numbered_pick(self, text: str, state: VisitorState) -> str | None:
        stripped = normalize(text)
        if stripped.isdigit() and state.last_options:
            index = int(stripped) - 1
            if 0 <= index < len(state.last_options):
                return state.last_options[index]
        return None

    def _command(self, command: str, text: str, lang: Lang) -> Outcome:
        if command == "/start":
            return Outcome([Reply(_WELCOME, self._start_options(lang))], "welcome", lang=lang)
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
            return self._handoff(lang)
        return self._answer_entry(HELP_ENTRY, lang)

    def _choice(self, choice: str, lang: Lang) -> Outcome:
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
            return self._handoff(lang)
        elif choice == CHOICE_HELP:
            return self._answer_entry(HELP_ENTRY, lang)
        # A stale or forged button: say what the bot can do rather than fail.
        logger.info("unknown choice %r", choice[:80])
        return self._answer_entry(HELP_ENTRY, lang)

    def _set_language(self, lang: Lang) -> Outcome:
        return Outcome([Reply(_say("lang_set", lang), lang=lang)], "language", lang=lang)

    def _handoff(self, lang: Lang) -> Outcome:
        return Outcome([Reply(_say("handoff", lang), lang=lang)], Decision.HANDOFF.value, lang=lang)

    def _answer_entry(
        self, entry_id: str, lang: Lang, decision: str = Decision.ANSWER.value
    ) -> Outcome:
        entry = self.kb[entry_id]
        text = render(self.kb, entry, lang, self._context())
        options = (
            *tuple(
                Option(title(self.kb[related], lang), f"{CHOICE_ENTRY}{related}")
                for related in entry.related[:3]
                if self.kb.get(related) is not None
            ),
            Option(_label("staff", lang), CHOICE_STAFF),
        )
        reply = Reply(text, options, tuple(entry.contacts), lang=lang)
        return Outcome([reply], decision, entry_id, lang)

    def _from_match(self, match: Match, lang: Lang) -> Outcome:
        if match.decision is Decision.HANDOFF:
            return self._handoff(lang)
        if match.decision is Decision.ANSWER and match.entry:
            return self._answer_entry(match.entry, lang)
        if match.decision is Decision.CLARIFY:
            options = (
                *tuple(
                    Option(title(self.kb[c], lang), f"{CHOICE_ENTRY}{c}") for c in match.candidates
                ),
                Option(_label("staff", lang), CHOICE_STAFF),
            )
            lines = [_say("clarify", lang)] + [
                f"{n}. {option.label}" for n, option in enumerate(options[:-1], 1)
            ]
            return Outcome(
                [Reply("\n".join(lines), options, lang=lang)], Decision.CLARIFY.value, lang=lang
            )
        return Outcome(
            [Reply(_say("fallback", lang), self._fallback_options(lang), lang=lang)],
            Decision.FALLBACK.value,
            lang=lang,
        )

    def _fallback_options(self, lang: Lang) -> tuple[Option, ...]:
        return (
            Option(_label("staff", lang), CHOICE_STAFF),
            Option(_label("help", lang), CHOICE_HELP),
        )

    def _start_options(self, lang: Lang) -> tuple[Option, ...]:
        return (
            *LANGUAGE_OPTIONS,
            Option(_label("help", lang), CHOICE_HELP),
            Option(_label("staff", lang), CHOICE_STAFF),
        )
