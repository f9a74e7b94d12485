"""Shared fixtures, and a guard that fails any test reaching beyond the loopback interface."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.kb.loader import KnowledgeBase, load
from bot.matcher import Matcher

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = ROOT / "knowledge"
#: Copies of the steering repository's files, so that a clone of this repository stands alone.
TOPICS_FILE = ROOT / "eval" / "topics.yaml"
DEV_SET = ROOT / "eval" / "dev.tsv"
CHAT_SET = ROOT / "eval" / "chat.tsv"
JA_KO_SET = ROOT / "eval" / "ja-ko.tsv"
FIXTURES = ROOT / "tests" / "fixtures"
HOLDOUT_SET = ROOT / "eval" / "holdout.tsv"
#: Written 2026-11-27 from topics.yaml alone, by someone who saw neither the KB nor the other
#: sets; first measured after the matcher work of that day, without changing anything for it.
FRESH_SET = ROOT / "eval" / "fresh.tsv"
#: Written 2026-12-06 in chat style from topics.yaml alone, by someone who saw neither the KB,
#: the code nor the other sets; measured only, never developed on.
CHAT_FRESH_SET = ROOT / "eval" / "chat-fresh.tsv"
#: Written blind on 2026-12-07 by a helper who read only the entries' ids, titles and answers.
CHAT_BLIND_SET = ROOT / "eval" / "chat-blind.tsv"
JA_KO_BLIND_SET = ROOT / "eval" / "ja-ko-blind.tsv"
#: Written blind the same day in the style of real messages (greeting, introduction, story).
JA_KO_STORY_SET = ROOT / "eval" / "ja-ko-story.tsv"
#: Written blind on 2026-12-07 (third session) in ja-ko.tsv's style, mostly short and
#: specific, 90 ja and 60 ko: a probe whose misses were analysed by cause.
JA_KO_PROBE_SET = ROOT / "eval" / "ja-ko-probe.tsv"
#: A second one, harder on purpose (short questions about details inside answers, neighbours).
JA_KO_PROBE2_SET = ROOT / "eval" / "ja-ko-probe2.tsv"
#: Written blind on 2026-12-07 (fourth session) in ja-ko.tsv's own style (read for style
#: only), 105 Japanese and 75 Korean, from the entries' ids, titles and answers alone. Its
#: dev part is developed on; its test part is measured only.
JA_KO_MIMIC_SET = ROOT / "eval" / "ja-ko-mimic.tsv"
JA_KO_MIMIC2_SET = ROOT / "eval" / "ja-ko-mimic2.tsv"
#: Sixth session: the same by a new writer (90 Japanese, 60 Korean).
JA_KO_MIMIC3_SET = ROOT / "eval" / "ja-ko-mimic3.tsv"
#: Seventh session: the same by a new writer (100 Japanese, 100 Korean).
JA_KO_MIMIC4_SET = ROOT / "eval" / "ja-ko-mimic4.tsv"
JA_KO_MIMIC5_SET = ROOT / "eval" / "ja-ko-mimic5.tsv"
#: Eighth session, by a new writer asked for out-of-scope questions that share words with
#: entries (a partner city's own sister cities, Korea's own health insurance).
JA_KO_MIMIC6_SET = ROOT / "eval" / "ja-ko-mimic6.tsv"
#: Written at the end of the eighth session by another new writer, measured on its last code.
JA_KO_MIMIC7_SET = ROOT / "eval" / "ja-ko-mimic7.tsv"
JA_KO_MIMIC8_SET = ROOT / "eval" / "ja-ko-mimic8.tsv"
JA_KO_MIMIC9_SET = ROOT / "eval" / "ja-ko-mimic9.tsv"
#: Tenth session: written blind at its start by another new writer, measured first on the
#: ninth session's last code.
JA_KO_MIMIC10_SET = ROOT / "eval" / "ja-ko-mimic10.tsv"
#: Written blind late in the tenth session by another new writer (with kana-only messages and
#: jokes that are no emergencies asked for), measured first on the session's code then.
JA_KO_MIMIC11_SET = ROOT / "eval" / "ja-ko-mimic11.tsv"
#: Written blind at the start of the eleventh session by another new writer, measured first on
#: the tenth session's last code.
JA_KO_MIMIC12_SET = ROOT / "eval" / "ja-ko-mimic12.tsv"
#: Written blind in the middle of the eleventh session by another new writer, measured first on
#: the session's code then and on the session-start code.
JA_KO_MIMIC13_SET = ROOT / "eval" / "ja-ko-mimic13.tsv"
#: Written blind on 2026-12-07 (third session) in Chinese chat style, 100 zh-Hant and 50
#: zh-Hans, by a helper who read only the entries' ids, titles and answers; its misses were
#: then analysed by cause, and the causes (not the messages) worked on.
CHAT_ZH_PROBE_SET = ROOT / "eval" / "chat-zh-probe.tsv"
#: The same, in English (150, written blind the same session).
CHAT_EN_PROBE_SET = ROOT / "eval" / "chat-en-probe.tsv"
#: A second Chinese probe, harder on purpose (details inside answers, colloquial words, sights
#: named as places, mixed concerns), 120 zh-Hant, written blind the same session.
CHAT_ZH_PROBE2_SET = ROOT / "eval" / "chat-zh-probe2.tsv"
#: And a second English one (110): twenty emergencies told as panicked people type them.
CHAT_EN_PROBE2_SET = ROOT / "eval" / "chat-en-probe2.tsv"
#: Written blind on 2026-12-07 (fourth session) in chat.tsv's own style (read for style only:
#: new people, situations and wording), 122 zh-Hant and 78 zh-Hans, by a helper who read only
#: the entries' ids, titles and answers. Its dev part (bot.evaluation.part_of) is developed
#: on; its test part is measured only.
CHAT_ZH_MIMIC_SET = ROOT / "eval" / "chat-zh-mimic.tsv"
#: The same in English (180): students, delegation staff and workers from the partner
#: countries, many writing English as a second language.
CHAT_EN_MIMIC_SET = ROOT / "eval" / "chat-en-mimic.tsv"
CHAT_MIMIC3_SET = ROOT / "eval" / "chat-mimic3.tsv"
#: Sixth session: written blind in chat.tsv's style by a new writer (240: en, zh-Hant,
#: zh-Hans) from the entries' ids, titles and answers alone; its dev part is developed on.
CHAT_MIMIC4_SET = ROOT / "eval" / "chat-mimic4.tsv"
#: Seventh session: the same by a new writer.
CHAT_MIMIC5_SET = ROOT / "eval" / "chat-mimic5.tsv"
CHAT_MIMIC6_SET = ROOT / "eval" / "chat-mimic6.tsv"
#: Eighth session: the same by a new writer.
CHAT_MIMIC7_SET = ROOT / "eval" / "chat-mimic7.tsv"
#: Written at the end of the eighth session by another new writer, measured on its last code.
CHAT_MIMIC8_SET = ROOT / "eval" / "chat-mimic8.tsv"
CHAT_MIMIC9_SET = ROOT / "eval" / "chat-mimic9.tsv"
CHAT_MIMIC10_SET = ROOT / "eval" / "chat-mimic10.tsv"
#: Tenth session: written blind at its start by another new writer, measured first on the
#: ninth session's last code.
CHAT_MIMIC11_SET = ROOT / "eval" / "chat-mimic11.tsv"
#: Written blind late in the tenth session by another new writer (jokes and exaggeration that
#: are no emergencies asked for), measured first on the session's code then.
CHAT_MIMIC12_SET = ROOT / "eval" / "chat-mimic12.tsv"
#: Written blind at the start of the eleventh session by another new writer, measured first on
#: the tenth session's last code.
CHAT_MIMIC13_SET = ROOT / "eval" / "chat-mimic13.tsv"
#: Written blind in the middle of the eleventh session by another new writer, measured first on
#: the session's code then and on the session-start code.
CHAT_MIMIC14_SET = ROOT / "eval" / "chat-mimic14.tsv"
#: Emergencies as frightened people type them, and messages that only share words with one,
#: 40 in each of en, zh-Hant, zh-Hans, ja and ko, written blind on 2026-12-07 (fourth
#: session) from the entries' ids, titles and answers alone. The first (emergency-probe) was
#: then developed on whole; the second (emergency-probe2, keywords avoided on purpose) on its
#: dev part only, its test part measured.
EMERGENCY_PROBE_SET = ROOT / "eval" / "emergency-probe.tsv"
EMERGENCY_PROBE2_SET = ROOT / "eval" / "emergency-probe2.tsv"
#: A third (150), situations invented from inside the moment (a machine, boiling oil, a
#: roof torn off, a landlord's padlock); its dev part developed on, its test part measured.
EMERGENCY_PROBE3_SET = ROOT / "eval" / "emergency-probe3.tsv"
#: A fourth (150), each message typed as a different person would under stress (a caregiver
#: in simple Chinese or English, a retiree, a mother); dev part developed on, test part measured.
EMERGENCY_PROBE4_SET = ROOT / "eval" / "emergency-probe4.tsv"
#: A fifth (150): situations of a mountainous, coastal county (hot springs, river tracing,
#: tunnels, railway platforms) and non-emergencies that only sound alarming (news, videos,
#: figures of speech); dev part developed on, test part measured.
EMERGENCY_PROBE5_SET = ROOT / "eval" / "emergency-probe5.tsv"
EMERGENCY_PROBE6_SET = ROOT / "eval" / "emergency-probe6.tsv"
#: Sixth session: a seventh by a new writer (150: 100 happening, 5 questions about the
#: numbers, 45 that only sound alarming), measured first with the signs and the model.
EMERGENCY_PROBE7_SET = ROOT / "eval" / "emergency-probe7.tsv"
#: The opposite (200, five languages, written blind the same session): messages that use an
#: emergency's words and are none (figures of speech, news, past and settled events, safety
#: questions before a trip, routine medical care, festivals with fire).
FALSE_ALARM_SET = ROOT / "eval" / "false-alarm.tsv"


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX paths stay on this machine
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_loopback(address):
        raise RuntimeError(f"test tried to reach {address!r}: only 127.0.0.1 is allowed")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_loopback(address):
        raise RuntimeError(f"test tried to reach {address!r}: only 127.0.0.1 is allowed")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)
