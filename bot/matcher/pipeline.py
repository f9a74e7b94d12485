"""The Matcher: a visitor's message through the pipeline to a Match, in order.

1. The message is read once (bot.reading): its normal form, its language and its clauses —
   greetings, self-introductions, story, and the clause that asks.
2. Safety and intent first: a situation happening now (situations.py: a fire, a collapse, a
   stranger following, a scam …) always gives the emergency entry; a request for a person is
   a ``handoff`` whatever else the message says (spotters.py); a greeting or thanks with no
   question is answered as one; work the desk does not do (an essay, code) is declined.
3. The clauses become weighted tokens (analyzer.py): the clause that asks counts most, the
   story less, the greeting not at all.
4. The entries are ranked over the index (index.py) and the leaders re-scored; category cue
   words lift their category (score.py). The emergency entry is a candidate only when the
   message speaks of an emergency at all ("need a sim card for my phone" does not).
5. A question about a place the KB never mentions is declined (spotters.py); otherwise a
   threshold and a margin decide ``answer``, ``clarify`` or ``fallback`` (decide.py; for
   Japanese and Korean, translated.py).
6. The decision is read once more against what the message is about: past a partner city's
   name (it says which city, not which topic), by the asking clause alone (a Japanese or
   Korean delegate's long message), and declined when it is about a partner's own affairs, a
   practical matter abroad or a subject the desk does not serve — the place or subject in
   the clause that asks decides, not one named in the story.

The index is built once, in the constructor; ``match`` has no side effect but reading, once,
the KB's answers when a question first names a place elsewhere (see spotters.Elsewhere).
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.kb.loader import KnowledgeBase
from bot.kb.schema import RELATED_SHOWN, Category, Entry
from bot.matcher.alarm import THRESHOLD as ALARM_THRESHOLD
from bot.matcher.alarm import saved_model
from bot.matcher.analyzer import Analyzer, Fillers
from bot.matcher.chooser import (
    SETTLES_FROM_WORDS,
    WORD_WEIGHT,
    Chooser,
    FloatArray,
    choice_among,
    chooser_for,
)
from bot.matcher.config import MatcherConfig
from bot.matcher.decide import Decider, emergency, fixed, handoff, numbers_asked
from bot.matcher.index import TRANSLATED_INDEX_LANGS, build_index
from bot.matcher.result import EMERGENCY_ENTRY, Decision, Match
from bot.matcher.score import CategoryCues, Scored, Scorer
from bot.matcher.situations import Emergency, Situation, asks_for_a_number, detect, supposes
from bot.matcher.spotters import (
    Abroad,
    Elsewhere,
    EntryTexts,
    HandoffSpotter,
    PhraseSpotter,
    PlaceSpotter,
    Unserved,
    asks_about_a_visa_to_enter,
    asks_about_papers_at_home,
    asks_for_a_task,
    asks_how_the_handoff_works,
    asks_what_the_desk_does,
    asks_whether_the_desk_is_a_person,
)
from bot.matcher.translated import TranslatedDecider
from bot.matcher.word_forms import BaseFormFillers
from bot.reading import Reading, Role, read
from bot.text import Lang, has_han, normalize_many
from bot.when import names_a_time, without_times

GREETING_ENTRY = "faq.greeting"
#: The categories whose answers are about practical matters in Hualien: a question about such
#: a matter in a place abroad or elsewhere in Taiwan is not answered from them.
_PRACTICAL = frozenset({Category.SERVICE, Category.EVENT, Category.CONTACT})
#: Below this many times the even share (1 / the number of entries) for every option, a
#: "did you mean" is declined as unrelated (Matcher._options_unrelated; docs/matcher.md).
UNRELATED_SHARE = 2.5
UPCOMING_ENTRY = "event.upcoming"
THANKS_ENTRY = "faq.thanks"
#: Whether a person or a program answers: asked outright, this entry answers it.
ABOUT_THE_DESK_ENTRY = "faq.about-bot"
#: What the desk can be asked: asked outright, this entry answers it.
HELP_ENTRY = "faq.help"
#: How to reach the desk's people, and when they answer: asked outright ("if I type staff
#: now, when would someone get back to me?"), this entry answers it.
STAFF_ENTRY = "contact.staff"
#: Speaks of every place a thing is lost: no unserved subject keeps it from a loss.
LOST_ITEMS_ENTRY = "service.lost-items"


class Matcher:
    """Matches questions to the entries of ``kb``; synchronous and pure once built."""

    def __init__(
        self,
        kb: KnowledgeBase,
        config: MatcherConfig | None = None,
        *,
        settle_near_ties: bool = True,
    ) -> None:
        self.kb = kb
        self.config = config or MatcherConfig()
        self.entries: tuple[Entry, ...] = kb.entries
        intents = kb.intents
        ids = {entry.id for entry in self.entries}
        self.has_emergency_entry = EMERGENCY_ENTRY in ids
        self.alarm = saved_model()
        self.emergency_index = next(
            (i for i, entry in enumerate(self.entries) if entry.id == EMERGENCY_ENTRY), None
        )
        self.fixed_entries = ids & {
            GREETING_ENTRY,
            THANKS_ENTRY,
            ABOUT_THE_DESK_ENTRY,
            HELP_ENTRY,
            STAFF_ENTRY,
        }
        self.handoff = HandoffSpotter(intents.handoff.all())
        self.home = PhraseSpotter(intents.home.every())
        places = [*intents.places_elsewhere(), *kb.places]
        self.index, self.analyzer = build_index(
            self.entries, self.config, kb.synonyms, Fillers(intents.fillers.all()), places
        )
        self.elsewhere = Elsewhere(
            self.index.places_unmentioned, self.index.is_kb_pair, self.entries
        )
        entry_texts = EntryTexts(self.entries)
        self.abroad = Abroad(
            normalize_many(places),
            self.index.is_kb_pair,
            entry_texts,
            [normalize_many(group) for group in intents.place_names],
        )
        self.in_taiwan = frozenset(normalize_many(intents.in_taiwan.every()))
        self.unserved = Unserved(intents.unserved.every(), entry_texts)
        self.partners = PlaceSpotter(intents.partners.every(), self.index.is_kb_pair)
        self.partner_names = PhraseSpotter(intents.partners.every())
        #: The cities whose own sister cities a visitor may ask after: the partners and the
        #: cities named in every language (normalised, without 市 or 시).
        self.cities = frozenset(
            _city_name(name)
            for name in normalize_many(
                [*intents.partners.every(), *(n for group in intents.place_names for n in group)]
            )
        )
        # Hualien's sights and townships say where a question is, beside what it asks about
        # (score.py, _places_as_where); the county's own name is in most questions and is left.
        places_in_hualien = [
            place
            for place in normalize_many(intents.home.every())
            if place and not _COUNTY_NAME.search(place)
        ]
        place_tokens = frozenset(
            token for place in places_in_hualien for token in self.analyzer.tokens(place)
        )
        self.scorer = Scorer(self.index, self.analyzer, self.config, place_tokens)
        # Japanese and Korean questions are matched against the KB's Japanese and Korean
        # texts, in an index of their own: the Chinese and English one stays as it is (its
        # BM25 weights and lengths, so zh/en decisions do not move), and a Japanese
        # question's kanji meet the KB's Japanese words, not Chinese ones.
        translated_index, translated_analyzer = build_index(
            self.entries,
            self.config,
            kb.synonyms,
            BaseFormFillers(intents.fillers.all(), [*intents.fillers.ja, *intents.fillers.ko]),
            [],
            TRANSLATED_INDEX_LANGS,
        )
        self.translated_scorer = Scorer(translated_index, translated_analyzer, self.config)
        self.cues = CategoryCues(intents.category_cues, self.entries, self.config.cue_boost)
        self.offices = {
            entry: PhraseSpotter(names.every())
            for entry, names in intents.offices.items()
            if entry in ids
        }
        self.contact_asked = PhraseSpotter(intents.contact_asked.every())
        self.positions = {entry.id: i for i, entry in enumerate(self.entries)}
        # The entries each answer offers as buttons (the desk shows its first related ones).
        buttons = {
            self.positions[entry.id]: frozenset(
                self.positions[related]
                for related in entry.related[:RELATED_SHOWN]
                if related in self.positions
            )
            for entry in self.entries
        }
        self.decider = Decider([entry.id for entry in self.entries], self.config, buttons)
        # Japanese and Korean: a higher bar, and a clear leader below it only when words and
        # wording agree (translated.py; docs/matcher.md, "Japanese and Korean").
        self.translated_decider = TranslatedDecider(
            [entry.id for entry in self.entries], self.config, buttons
        )
        self.upcoming_index = self.positions.get(UPCOMING_ENTRY)
        self.chooser: Chooser | None = None
        if settle_near_ties:
            self.learn_to_settle_near_ties()

    def learn_to_settle_near_ties(self) -> None:
        """Train the model that settles a near-tie the scores offer as choices (chooser.py;
        some 1.5 s at 57 entries): when the matcher is built, or, for a server taking up a new
        knowledge base (kb/live.py), in a worker thread after the swap, the matcher answering
        meanwhile without it."""
        self.chooser = chooser_for(self.entries)

    def match(self, question: str) -> Match:
        return self.match_reading(read(question))

    def match_reading(self, reading: Reading, topic: str | None = None) -> Match:
        """The Match of a message already read (the desk reads each message once).

        ``topic`` is the entry the visitor's conversation is on (the desk remembers it for a
        while): a short follow-up is read against it and the entries related to it; a
        question that stands on its own is matched on its own.
        """
        danger = self.alarm.probability(reading.normal) if self.has_emergency_entry else 0.0
        return replace(self._match(reading, topic, danger), danger=danger)

    def _match(self, reading: Reading, topic: str | None, danger: float) -> Match:
        question, lang, normal = reading.text, reading.lang, reading.normal
        situation = detect(normal, question) if self.has_emergency_entry else None
        if situation is not None and situation.happening:
            return emergency(question, lang, situation)
        if danger >= ALARM_THRESHOLD and not supposes(normal, question):
            # No sign situations.py knows, but told as the emergencies the model learned from
            # are (alarm.py): the kind the message names leads, else the general numbers. A
            # supposition ("if an earthquake hits, will my phone warn me?") is not one.
            named = situation.situations if situation is not None else (Situation.GENERAL,)
            return emergency(question, lang, Emergency(named, happening=True))
        if self.handoff.found_in(normal, question):
            return handoff(question, lang)
        if situation is not None and asks_for_a_number(normal, question):
            return numbers_asked(question, lang, situation)
        if asks_whether_the_desk_is_a_person(normal) and ABOUT_THE_DESK_ENTRY in self.fixed_entries:
            return fixed(question, lang, ABOUT_THE_DESK_ENTRY)
        if asks_what_the_desk_does(normal) and HELP_ENTRY in self.fixed_entries:
            return fixed(question, lang, HELP_ENTRY)
        if asks_how_the_handoff_works(normal) and STAFF_ENTRY in self.fixed_entries:
            return fixed(question, lang, STAFF_ENTRY)
        if situation is None and (
            asks_for_a_task(normal)
            or asks_about_a_visa_to_enter(normal)
            or asks_about_papers_at_home(normal)
        ):
            # Before a greeting or thanks: 「대만어로 감사합니다 뭐라고 해요?」 asks for a phrase.
            # An emergency named makes it the numbers' ("how do i say i need an ambulance in
            # chinese", 「119에 영어로 신고할 때 어떻게 말해요?」).
            return self.decider.decline(question, lang, [])
        if reading.greeting_only and GREETING_ENTRY in self.fixed_entries:
            return fixed(question, lang, GREETING_ENTRY)
        if reading.thanks_only and THANKS_ENTRY in self.fixed_entries:
            return fixed(question, lang, THANKS_ENTRY)
        # Emergencies, handoffs and tasks are read in all the message says; the topic only
        # in what the visitor did not set aside ("btw do you like cats. ok real question: …").
        normal = reading.to_match
        timed = names_a_time(normal)
        # The time a question names sets the window of an event answer; matched, a month
        # would pull toward whichever event is held then ("what's on in July": the summer
        # festival) instead of the listing of what is on.
        unfiltered = [(without_times(c) if timed else c, w) for c, w in reading.weighted()]
        analyzer = self._analyzer_for(lang)
        clauses = [(analyzer.strip_fillers(c), w) for c, w in unfiltered if c]
        untimed = without_times(normal) if timed else normal
        whole = analyzer.strip_fillers(untimed or normal)
        listing = [self.upcoming_index] if timed and self.upcoming_index is not None else []
        scored = self._rank(lang, normal, whole, clauses, situation is not None, also=listing)
        if listing:
            # The listing of what is on is lifted in full when the question asks about a time
            # ("anything on in December?"), by half when only the story says when the visitor
            # comes: "we'll be around mid october, anything going on?" still asks what is on,
            # 「町長以下5名で秋に表敬訪問する場合、何か月前に…」 asks how much notice a visit needs.
            asks_about_a_time = any(
                names_a_time(clause) for clause, weight in reading.weighted() if weight >= 1.0
            )
            boost = self.config.upcoming_boost * (1.0 if asks_about_a_time else 0.5)
            scored = _lift(scored, {listing[0]: boost})
        if listing and not (scored and analyzer.tokens(analyzer.strip_fillers(untimed))):
            # Nothing but a time and words every question has ("anything on this weekend?",
            # 「12月有什麼」): what is on then — or, on a topic, the topic then ("when is the
            # marathon?" — "in march?"; "is school closed for the typhoon?" — "and tomorrow?").
            if topic is not None and topic in self.positions:
                return fixed(question, lang, topic, in_context=True)
            return fixed(question, lang, UPCOMING_ENTRY)
        if listing and topic is None and self._asks_only_when(reading, analyzer):
            # The clause that asks names a time and nothing else ("what's on this weekend?
            # bored exchange student here"): the rest says who asks, not what about.
            return fixed(question, lang, UPCOMING_ENTRY)
        decider = self.translated_decider if lang.is_translated else self.decider
        match = decider.decide(question, lang, scored)
        if self._about_somewhere_else(reading, match) and not self._nationwide(match, reading):
            # About a place the desk knows nothing of: the county's answer would mislead.
            return self.decider.decline(question, lang, scored)
        match = self._past_the_partners_name(match, reading)
        match = self._the_asking_clause_alone(match, reading)
        if self._about_another_citys_sister_cities(reading):
            # 「釧路市の姉妹都市をぜんぶ教えて」, "what are the sister cities of taipei": the
            # sister-cities entry lists Hualien's, and would answer another city's wrongly.
            return self.decider.decline(question, lang, scored)
        if self._about_a_partners_own_affairs(match, reading):
            # Jecheon's sights or Kushiro's marsh: the county's answer about its own would
            # mislead; the exchange with a partner city is answered.
            return self.decider.decline(question, lang, scored)
        if self._about_practical_matters_abroad(match, reading) and not self._nationwide(
            match, reading
        ):
            # A SIM card in Vietnam, a hotel near Taipei Main Station: the county's answer
            # about its own would mislead (spotters.Abroad).
            return self.decider.decline(question, lang, scored)
        if self._about_something_unserved(match, reading):
            # A sick cat: the clinics for people, answered or offered, would mislead
            # (spotters.Unserved).
            return self.decider.decline(question, lang, scored)
        if topic is not None and self._is_follow_up(reading, match):
            if reading.names_nothing:
                # Nothing in it but what it asks ("which office runs it?"): it asks about the
                # topic, or about an entry related to it (its office) that it points at,
                # whatever else its words happen to match.
                among = self._related(topic)
                family = self._rank(lang, normal, whole, clauses, situation is not None, among)
                match = self._in_context(question, lang, family, topic) or self._offered(
                    question, lang, family, topic
                )
            else:
                # Words of its own, matched without confidence: the topic's family settles it
                # if it can; otherwise the message stands on its own.
                match = self._in_context(question, lang, scored, topic, lifted=True) or match
        match = self._the_office_named(match, reading)
        if match.decision is Decision.CLARIFY and not match.in_context and self.chooser:
            # One reading of the chooser settles a near-tie or finds the options unrelated.
            probabilities = self.chooser.probabilities(reading.normal)
            match = self._settled(match, reading, probabilities)
            if situation is None and self._options_unrelated(match, probabilities):
                return self.decider.decline(question, lang, scored)
        return match if situation is None else replace(match, situation=situation)

    def _the_office_named(self, match: Match, reading: Reading) -> Match:
        """A "did you mean" that offers the contact entry of the one county office the message
        names, where it asks how to reach it (intents.yaml ``offices``): that entry. The
        story beside a delegate's request (「釧路市観光振興室の者です。花蓮県の観光処のご担当と
        連絡を取りたく…」) spreads the scores over the exchange entries; the office's own name
        says whom they want to reach."""
        if match.decision is not Decision.CLARIFY or match.in_context:
            return match
        named = [entry for entry, names in self.offices.items() if names.found_in(reading.normal)]
        if len(named) != 1 or named[0] not in match.candidates:
            return match
        if not self.contact_asked.found_in(reading.normal):
            return match
        return _answered_with(match, named[0])

    def _options_unrelated(self, match: Match, probabilities: FloatArray) -> bool:
        """Whether a "did you mean" offers only options that the chooser, trained on the
        entries' own phrasings, finds no likelier for the message than a few entries taken at
        random (``UNRELATED_SHARE`` times the even share): words the message shares with
        them by chance, not its topic ("how do i get better sleep before an exam week": the
        weather; 「哪一牌的衝浪板比較好」: the hospitals). Declined, the visitor is offered staff
        instead of unrelated choices. ``probabilities``: the chooser's, for the message."""
        if match.decision is not Decision.CLARIFY:
            return False
        bar = UNRELATED_SHARE / len(probabilities)
        return all(probabilities[self.positions[entry]] < bar for entry in match.candidates)

    def _settled(self, match: Match, reading: Reading, probabilities: FloatArray) -> Match:
        """A "did you mean" answered with the option the chooser is sure of (chooser.py,
        ``probabilities`` its reading of the message): neighbouring entries the scores cannot
        tell apart, its phrasings can. A message of a word or two ("festival", 「交流」) names a
        topic, not one of its entries: the choice stays the visitor's."""
        if _words(self._analyzer_for(reading.lang), reading) < SETTLES_FROM_WORDS:
            return match
        options = [self.positions[entry] for entry in match.candidates]
        choice = choice_among(probabilities, options)
        if choice is None:
            return match
        return _answered_with(match, self.entries[choice].id)

    def _is_follow_up(self, reading: Reading, match: Match) -> bool:
        """A short message the matcher does not answer confidently on its own."""
        cfg = self.config
        normal = reading.normal
        han = sum(1 for ch in normal if "\u3400" <= ch <= "\u9fff")
        short = len(normal.split()) <= cfg.follow_up_words and han <= cfg.follow_up_han
        confident = match.decision is Decision.ANSWER and match.score >= cfg.answer_threshold
        # "which office runs it?", 「怎麼去？」: nothing but what a follow-up asks, however
        # well it happens to match an entry of its own.
        return short and (reading.names_nothing or not confident)

    def _rank(
        self,
        lang: Lang,
        normal: str,
        whole: str,
        clauses: list[tuple[str, float]],
        emergency_named: bool,
        among: list[int] | None = None,
        also: list[int] | None = None,
    ) -> list[Scored]:
        scorer = self.translated_scorer if lang.is_translated else self.scorer
        scored = scorer.rank(whole, clauses, among, also or ())
        if not emergency_named and self.emergency_index is not None:
            # Only a message that speaks of an emergency may get the emergency numbers.
            scored = [s for s in scored if s.entry_index != self.emergency_index]
        return self.cues.lift(normal, scored)

    def _hualien_decides(self, reading: Reading, other_place_asked: bool) -> bool:
        """Whether Hualien named makes the question the county's business, where it names
        another place too: Hualien named anywhere — but when the clause that asks names the
        other place (``other_place_asked``), only Hualien named in that clause. A place in
        the story is where the visitor has been or comes from; the asking clause says what
        is asked."""
        text = reading.asking if other_place_asked else reading.normal
        # Taiwan where a trip starts ("a visa to visit japan from taiwan", 「從台灣寄到日本」)
        # says where from, not that the matter is Hualien's.
        return self.home.found_in(_FROM_TAIWAN.sub(" ", text))

    def _asks_only_when(self, reading: Reading, analyzer: Analyzer) -> bool:
        """Whether the clauses that ask name a time and nothing else but Hualien, while
        other clauses say more."""
        weighted = reading.weighted()
        asking = [clause for clause, weight in weighted if weight >= 1.0]
        if not asking or len(asking) == len(weighted):
            return False
        return any(names_a_time(clause) for clause in asking) and not any(
            analyzer.tokens(self._without_home(analyzer.strip_fillers(without_times(clause))))
            for clause in asking
        )

    def _without_home(self, normal: str) -> str:
        """``normal`` without the names of Hualien, which say where any question is asked."""
        padded = f" {normal} "
        for phrase in self.home.found(normal):
            padded = padded.replace(phrase, " ")
        return padded.strip()

    def _about_somewhere_else(self, reading: Reading, match: Match) -> bool:
        """Whether the question is about a place the KB never mentions. Hualien named makes
        it the county's business — unless only the story names it and the question asks
        about the other place ("how do i get a residence permit in germany? after my
        exchange in hualien i'm moving to munich"). Who writes is not what they ask about:
        「我們是日本長野的農協 想跟縣府農業處聯繫」 asks about the county's department — nor
        is where their business is, when the clause that asks wants one of the county's
        contacts (``match`` answers or offers one first) and no place near the visitor ("We
        import fruit into Singapore … Agriculture Department contact pls?"). An office
        "there" is the other place's ("moving to tokyo … the immigration office there")."""
        if not self.elsewhere or not self.elsewhere.named_in(reading.without_introductions):
            return False
        asked_there = self.elsewhere.named_in(reading.asking)
        if (
            not asked_there
            and match.decision in (Decision.ANSWER, Decision.CLARIFY)
            and match.candidates
            and self.kb[match.candidates[0]].category is Category.CONTACT
            and not _NEAR_THE_VISITOR.search(reading.asking)
            and not _where_the_visitor_is(reading)
        ):
            return False
        return not self._hualien_decides(reading, asked_there)

    def _nationwide(self, match: Match, reading: Reading) -> bool:
        """Whether the answer (or the first option) holds anywhere in Taiwan and every place
        the question names outside Hualien is in Taiwan: "landing at taoyuan first, where do
        i get a prepaid sim?" is answered from the SIM cards' entry, "a sim card in vietnam"
        is not."""
        entry = match.entry if match.decision is Decision.ANSWER else None
        if match.decision is Decision.CLARIFY and match.candidates:
            entry = match.candidates[0]
        if entry is None or not self.kb[entry].nationwide:
            return False
        named = self.abroad.places.named(reading.normal)
        return bool(named) and all(place in self.in_taiwan for place in named)

    def _about_practical_matters_abroad(self, match: Match, reading: Reading) -> bool:
        if match.decision is Decision.CLARIFY and match.candidates:
            # A choice is declined when each of its options, answered, would be.
            return all(
                self._about_practical_matters_abroad(
                    replace(match, decision=Decision.ANSWER, entry=entry), reading
                )
                for entry in match.candidates
            )
        if match.decision is not Decision.ANSWER or match.entry is None or not self.abroad:
            return False
        if self.kb[match.entry].category not in _PRACTICAL:
            return False
        position = self.positions[match.entry]
        # 「花蓮での留学を終えて来月帰国します。日本の国民健康保険の再加入手続きは…」 asks
        # about Japan's own insurance, Hualien only in the story. A place abroad held up as
        # the model of what is sought is not where it is sought: 「日本の気象庁みたいなサイト
        # ある？」 asks for Taiwan's.
        asking = _LIKE_THE_ONE_AT_HOME.sub(" ", reading.asking)
        abroad_in_asking = self.abroad.unspoken_of(asking, position)
        if self._hualien_decides(reading, bool(abroad_in_asking)):
            return False
        # "In Germany you go to the apotheke — is it the same here?": the place abroad is a
        # comparison in the story, and the question asks about here.
        if not abroad_in_asking and (_HERE.search(asking) or _COMPARED.search(reading.normal)):
            return False
        # Who writes is not what they ask about: "i'm from vietnam, where do i buy a sim?" —
        # but where they are now is, for a service used where one is or a place to go to:
        # "i live in taipei. where do i renew my arc?", 「我在台中，哪裡可以看醫生」, "I am in
        # Taichung, where is the nearest hospital?". The county's contacts, events and
        # exchange are asked after from anywhere (「我在首爾，民政處的電話幾號」).
        service = self.kb[match.entry].category is Category.SERVICE
        if not service and not _ASKS_WHERE_TO_GO.search(asking):
            return bool(abroad_in_asking)
        located = _where_the_visitor_is(reading)
        return bool(abroad_in_asking or (located and self.abroad.unspoken_of(located, position)))

    def _about_something_unserved(self, match: Match, reading: Reading) -> bool:
        """Whether the question names a subject the desk does not serve that neither the
        answer nor any option offered speaks of."""
        if match.decision not in (Decision.ANSWER, Decision.CLARIFY) or not self.unserved:
            return False
        named = self.unserved.named(reading.without_introductions)
        if LOST_ITEMS_ENTRY in match.candidates and _A_LOSS.search(reading.normal):
            # Something lost where the subject is ("stolen from my gym locker", 「노래방 갔다가
            # 지갑 잃어버렸어요」): the lost-items entry speaks of every place a thing is lost.
            return False
        return bool(named and match.candidates) and all(
            self.unserved.unspoken_of(named, self.positions[entry]) for entry in match.candidates
        )

    def _the_asking_clause_alone(self, match: Match, reading: Reading) -> Match:
        """A delegate's long Japanese or Korean message whose story dilutes a clear question:
        when the clause that asks, matched alone, answers the entry the whole message offers
        first, that is the answer. Only for Japanese and Korean, whose answer bar is high
        enough (translated.py) that a clause answered alone is strong evidence: in Chinese and
        English the clause alone loses what the story says ("…scared of earthquakes. what
        should I do if one happens in my dorm?") and answered wrong on the chat sets as often
        as right."""
        if (
            match.decision is not Decision.CLARIFY
            or not reading.lang.is_translated
            or len(reading.clauses) < 2
        ):
            return match
        asking = [c.text for c in reading.clauses if c.role is Role.ASK]
        if not asking or len(asking) == len(reading.clauses):
            return match
        alone = self.match(" ".join(asking))
        if (
            alone.decision is Decision.ANSWER
            and not alone.emergency
            and alone.situation is None
            and alone.entry == match.candidates[0]
            and alone.score >= self.config.answer_threshold
        ):
            return _as_the_message(alone, match)
        return match

    def _past_the_partners_name(self, match: Match, reading: Reading) -> Match:
        """A partner city's name says which city a question is about, and pulls toward the
        sister-cities entry whatever the question asks: 「…姉妹・友好都市の首長を大きな観光行事
        に招待しているそうですね。高千穂町も声をかけてもらえますか」 offered the sister cities
        beside the festival invitations. When the question, the name taken out, answers one of
        the exchange entries offered, or close behind the one answered, that is the answer."""
        if match.decision not in (Decision.ANSWER, Decision.CLARIFY) or not self.partners:
            return match
        close = [
            entry
            for entry, confidence in match.guesses
            if match.score - confidence <= self.config.clarify_window
        ]
        if len(close) < 2:
            return match
        named = self.partners.named(reading.without_introductions)
        if not named:
            return match
        without = _without_names(reading.normal, named)
        again = self.match(without) if without.strip() else None
        if (
            again is not None
            and again.decision is Decision.ANSWER
            and again.entry in close
            and self.kb[again.entry].category is Category.EXCHANGE
        ):
            return _as_the_message(again, match)
        return match

    def _about_another_citys_sister_cities(self, reading: Reading) -> bool:
        """Whether the clause that asks asks for the sister cities of a place that is not
        Hualien: a partner or a city named in every language, as the whole owner ("the sister
        cities of taipei", not 「我們在美國加州結的姊妹市」 nor "is miri a sister city")."""
        text = reading.without_introductions
        return any(
            _city_name(found.group(1)) in self.cities
            for pattern in _SISTER_CITIES_OF
            for found in pattern.finditer(text)
        )

    def _about_a_partners_own_affairs(self, match: Match, reading: Reading) -> bool:
        if match.decision is Decision.CLARIFY and match.candidates:
            # A choice is declined when each of its options, answered, would be: 「明日の釧路の
            # 天気は？」 offered Hualien's weather beside the sister cities, and the chooser
            # would then have settled on the weather.
            return all(
                self._about_a_partners_own_affairs(
                    replace(match, decision=Decision.ANSWER, entry=entry), reading
                )
                for entry in match.candidates
            )
        if match.decision is not Decision.ANSWER or match.entry is None or not self.partners:
            return False
        normal = reading.normal
        if self.kb[match.entry].category is Category.EXCHANGE and self._asks_for_a_boat_or_flight(
            reading
        ):
            return True
        # Who writes is not what they ask about: 「盛岡市役所の者です。居留証の申請は…」.
        named = self.partners.named(reading.without_introductions)
        if not named:
            return False
        category = self.kb[match.entry].category
        # 「화롄 친구들을 초대하려고 하는데, 올해 제천국제음악영화제 날짜가 언제예요?」 asks about
        # Jecheon's own festival, Hualien only in the story.
        if self._hualien_decides(reading, bool(self.partners.named(reading.asking))):
            return False
        if category in (Category.SERVICE, Category.EVENT):
            return True
        if category is not Category.EXCHANGE:
            return False
        # The exchange with a partner is the desk's business, the partner's own festival or
        # sights are not; an exchange entry answers only if the question, the partner's name
        # taken out, still speaks of the exchange ("since when is Takachiho a sister city?",
        # 「다카치호와는 언제부터 교류했나요?」), not when the name alone made it one
        # (「高千穂の夜神楽はいつから」, "what is there to see in kushiro").
        without = _without_names(normal, named)
        again = self.match(without) if without.strip() else None
        return again is None or not any(
            self.kb[entry].category is Category.EXCHANGE for entry in again.candidates
        )

    def _asks_for_a_boat_or_flight(self, reading: Reading) -> bool:
        """Whether the clause that asks asks after a boat or a flight to or from a partner
        (「与那国島行きの船って花蓮から出てますか」, "is there a ferry from yonaguni to hualien"):
        the carriers' business, however much the two names say "sister cities". The partner
        counts where the trip starts too; a delegation's trip, asked after as such, is the
        exchange's — not a partner described as one (「友好都市だと聞きました」)."""
        asking = reading.asking
        return (
            self.partner_names.found_in(asking)
            and bool(_A_WAY_TO_TRAVEL.search(asking))
            and not _AN_OFFICIAL_VISIT.search(asking)
        )

    def _analyzer_for(self, lang: Lang) -> Analyzer:
        return self.translated_scorer.analyzer if lang.is_translated else self.analyzer

    def _related(self, topic: str) -> list[int]:
        """The positions of the entries related to the topic's."""
        entry = self.kb.get(topic)
        related = entry.related if entry is not None else []
        return [self.positions[i] for i in related if i in self.positions]

    def _in_context(
        self,
        question: str,
        lang: Lang,
        scored: list[Scored],
        topic: str,
        *,
        lifted: bool = False,
    ) -> Match | None:
        """The answer from the topic's family (its entry and its related entries) a follow-up
        gets, deciding on ``scored`` (with the family lifted, if ``lifted``); None when the
        decision does not answer one of the family."""
        entry = self.kb.get(topic)
        if entry is None:
            return None
        family = {topic, *entry.related}
        lifts = {self.positions[topic]: self.config.topic_boost} | {
            self.positions[related]: self.config.related_boost
            for related in entry.related
            if related in self.positions
        }
        match = self.decider.decide(question, lang, _lift(scored, lifts) if lifted else scored)
        if match.decision is Decision.ANSWER and match.entry in family:
            return replace(match, in_context=True)
        return None

    def _offered(self, question: str, lang: Lang, family: list[Scored], topic: str) -> Match:
        """A follow-up that points at two of the topic's related entries alike ("how do I get
        there?": the sights or the buses) offers them; one that points at none is about the
        topic itself ("how much?")."""
        match = self.decider.decide(question, lang, family)
        if match.decision is Decision.CLARIFY and len(match.candidates) > 1:
            return replace(match, in_context=True)
        return fixed(question, lang, topic, in_context=True)

    def is_elsewhere(self, place: str) -> bool:
        """Whether the KB never mentions ``place`` (normalised): see spotters.Elsewhere."""
        return self.elsewhere.is_elsewhere(place)


#: Where the visitor is now, said in an introduction ("i live in taipei", "we are in tokyo
#: now"), unlike where they come from ("i'm from vietnam").
_WHERE_THE_VISITOR_IS = re.compile(
    r"\b(?:i|we) (?:live|am living|are living|stay|am staying|are staying|m staying|re staying) in\b|"
    r"\b(?:currently|right now) in\b|\b(?:staying|living) in\b|\b(?:ll|will) (?:be|stay) in\b|"
    # Where the visitor is for a while ("we're in kaohsiung for a conference") — not where
    # they move to, whose papers here are still Hualien's ("moving to japan, what do i do with
    # my arc?").
    r"\b(?:im|i am|i m|we are|were|we re) (?:now |currently |still )?in \w+(?: \w+)? (?:for|on) (?:a|an|the|my|our|work|business)\b|"
    # A clause that only says where ("I'm in Kenting", "we are at sun moon lake now"), not
    # what the visitor is in ("i'm at tokyo university, how do i apply").
    r"^(?:im|i am|i m|we are|were|we re) (?:now |currently |still )?(?:in|at) (?!\w+ (?:university|college|school)\b)"
    r"\w+(?: \w+){0,2}(?: now| right now| at the moment| this week| today)?$|"
    # 「我住台北」「我人在台北」「我現在在台北」, or a clause that is only where: 「我在台中」 (not
    # 「我在等去台北的火車」, 「我在東京的大學教書」; normal forms).
    r"我們?(?:住在|住|待在)(?!過)|我們?(?:現在|目前|人)在|^我們?在\S{1,5}$|"
    # 「今台北にいます」, 「저는 서울에 살아요」「지금 서울에 있어요」 — the visitor, not their parents.
    r"^(?:今|いま|現在)\S{0,10}?(?:に|で)(?:います|いる|滯在|泊まって)|"
    r"^(?:저는|전|우리는)?\s?\S+에\s?(?:살아요|살고\s?있|삽니다)|^(?:지금|현재)\s?\S+에\s?(?:있어요|있는데|있습니다)"
)


#: Sister cities asked for, and whose (normal forms): "sister cities of taipei", "kushiros
#: sister cities", 「盛岡市的姊妹市」, 「釧路市の姉妹都市」, 「제천시 자매도시」.
_SISTER_CITIES_OF = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bsister cit(?:y|ies) of (\w+(?: \w+)?)",
        r"\b(\w+?)(?:s| citys)(?: own| other)? sister cit(?:y|ies)\b",
        r"(\S{2,6}?)的(?:姊妹市|姐妹市|姊妹城市|姐妹城市|友好城市)",
        r"(\S{2,6}?)の(?:姉妹都市|友好都市)",
        r"(\S{2,6}?)(?:시)?\s?(?:의\s?)?(?:자매도시|우호도시)",
    )
)


def _city_name(name: str) -> str:
    """A city's name without what marks it a city, town or county (盛岡市, 高千穂町, 제천시)."""
    name = name.strip()
    for mark in ("市", "町", "村", "縣", "県", "시", "군"):
        name = name.removesuffix(mark)
    return name


#: How near a place is to the visitor, wherever they are ("nearest", 附近, 近く, 근처).
_NEAR_EN = "nearest|closest|near me|nearby"
_NEAR_CJK = "附近|最近的|近く|근처|가까운"
#: A place asked for by how near it is to the visitor, or "there": the other place's.
_NEAR_THE_VISITOR = re.compile(
    rf"\b(?:{_NEAR_EN}|around here|over there|there)\b|{_NEAR_CJK}|那邊的|那裡的|現地|거기"
)
#: A place to go to, asked for: where the visitor is then says where it should be.
_ASKS_WHERE_TO_GO = re.compile(
    rf"\b(?:{_NEAR_EN}|where is|where are|where can|where do)\b|{_NEAR_CJK}|"
    r"哪裡|哪裏|哪里|哪邊|どこ|어디"
)


def _where_the_visitor_is(reading: Reading) -> str:
    """The clauses that say where the visitor is now or is going: a place named there is
    where the question is asked about, even said as who the visitor is."""
    return " ".join(c.normal for c in reading.clauses if _WHERE_THE_VISITOR_IS.search(c.normal))


#: "Here", said in the clause that asks: where the visitor is, Hualien.
_A_LOSS = re.compile(
    r"\b(?:lost|left (?:my|our|a|the)|forgot (?:my|our)|stolen|missing)\b|"
    r"弄丟|掉了|不見了|遺失|忘在|被偷|なくし|無くし|落とし|置き忘れ|盜まれ|잃어버|분실|두고\s?(?:왔|내렸)|도난"
)
_A_WAY_TO_TRAVEL = re.compile(
    r"\b(?:is there|are there|any|how (?:do|can) (?:i|we|you) get|can (?:i|we|you) (?:take|get|go by))\b"
    r"(?:\s+\S+){0,3}?\s+(?:direct )?(?:ferry|ferries|boat|boats|ship|ships|flight|flights)\b|"
    r"(?:船|フェリー|飛行機|直行便|航路)(?:って|は|で|が)?.{0,10}?(?:ある|あります|出て|行ける|行けます|飛んで)|"
    r"有(?:沒有)?(?:船|渡輪|班機|航班|直航|飛機)|(?:船|渡輪|飛機|直航)(?:嗎|可以到|能到)|"
    r"(?:배|페리|비행기|항공편|직항)(?:가|이|는)?\s?(?:있|다니|뜨)"
)
_AN_OFFICIAL_VISIT = re.compile(
    r"\b(?:delegation|delegates|visit|mayor|council|magistrate|official|exchange|program|"
    r"programme|subsidy|subsidies|festival|event|events|agreement)\b|"
    r"訪問|代表團|參訪|拜會|視察|表敬|議會|交流|補助|방문|대표단|시찰|의회|교류|지원"
)
_HERE = re.compile(
    r"\b(?:here|over here|in this county)\b|這裡|這邊|這兒|我們這|ここ|こちら|여기|이곳"
)
#: A place abroad named as what things here differ from: 「分別のルールが日本と違うみたいで」,
#: 「跟德國不一樣」, "unlike back home in germany", 「한국이랑 달라서」 (normal forms).
#: What is sought, described by its like elsewhere: 「日本の気象庁みたいな」「像日本氣象廳那樣的」
#: 「일본 기상청 같은」, "something like japans jma".
_LIKE_THE_ONE_AT_HOME = re.compile(
    r"[^\s。、,!?！？]{1,12}?(?:みたいな|みたいに|のような|のように)|像[^\s,?？]{1,10}?(?:一樣|那樣|那種)的?|"
    r"(?:\S+\s){0,2}\S*(?:같은|처럼)(?=\s)|"
    r"\b(?:something|anything|a site|a website|an app|a service|one|the same) like (?:the |in )?\w+(?: \w+)?"
)
_COMPARED = re.compile(
    r"\b(?:unlike|different (?:from|than)|not like|not the same as)\b|"
    r"(?:と|とは)(?:違|ちが)|(?:跟|和|與)[^ ]{1,8}(?:不一樣|不同|不太一樣|差很多)|"
    r"(?:과|와|이랑|랑)\s?(?:달라|다르|다른|달리)"
)
#: The county's own name, in the normal forms of intents.yaml ``home``.
_FROM_TAIWAN = re.compile(
    r"\b(?:from|leaving|leave|out of|outside) taiwan\b|(?:從|由|離開)(?:臺灣|台灣)|(?:臺灣|台灣)(?:から|出發|出境|寄)"
)
#: Names every question may carry (the county's, the country's): not a sight that says where.
_COUNTY_NAME = re.compile(r"花蓮|洄瀾|hualien|臺灣|台灣|taiwan|대만")


def _words(analyzer: Analyzer, reading: Reading) -> int:
    """About how many words the message holds beside fillers: the analyzer's words and
    terms; Chinese is read in overlapping pairs of characters (節慶活動: 節慶, 慶活, 活動), two of
    which make about a word. (Japanese and Korean tokens are words or their stems.)"""
    tokens = analyzer.tokens(analyzer.strip_fillers(reading.to_match))
    words = [token for token, weight in tokens.items() if weight >= WORD_WEIGHT]
    if reading.lang.is_translated:
        return len(words)
    chinese = sum(1 for token in words if has_han(token))
    return len(words) - chinese + (chinese + 1) // 2


def _as_the_message(again: Match, match: Match) -> Match:
    """The decision of a part of the message (re-matched), as the whole message's."""
    return replace(again, question=match.question, lang=match.lang, guesses=match.guesses)


def _without_names(normal: str, names: list[str]) -> str:
    """``normal`` with the (normalised) names taken out: Han names wherever they are, others
    as words (a Korean name with what is attached to it)."""
    for name in names:
        if has_han(name):
            normal = normal.replace(name, " ")
        else:
            normal = re.sub(rf"(?<!\w){re.escape(name)}\w*", " ", normal)
    return normal


def _answered_with(match: Match, entry: str) -> Match:
    """A "did you mean" answered with one of its options, at that option's own score."""
    return replace(
        match,
        decision=Decision.ANSWER,
        entry=entry,
        candidates=(entry,),
        score=dict(match.guesses).get(entry, match.score),
    )


def _lift(scored: list[Scored], lifts: dict[int, float]) -> list[Scored]:
    """``scored`` with the entries at the given positions lifted, best first again."""
    return sorted(
        (replace(s, confidence=s.confidence + lifts.get(s.entry_index, 0.0)) for s in scored),
        key=lambda s: s.confidence,
        reverse=True,
    )
