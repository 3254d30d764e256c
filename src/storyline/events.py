"""The events stage: PLOVER coding of who did what to whom, when and where.

For every sentence the coder finds triggers in the dependency parse (lexicon verbs, phrasal
verbs, verb+object patterns, event nouns: ``data/plover_lexicon.tsv``), fills the actor and
recipient slots from the parse (active, passive, prepositional and nominal forms) and the
actors stage, decides the status (happened, promised, negated, hypothetical) from the
auxiliaries and the verb that frames the clause, and dates and places the event. The method
and its limits are described in docs/events.md.
"""

from __future__ import annotations

import datetime
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from . import events_model
from .events_actors import Parties, region_words, sector_in
from .events_lexicon import Entry, Role, default_entry, known_verbs, lookup, ontology, score
from .metadata import photo_credit
from .model import Actor, ActorRef, DateExpr, Event, EventStatus, Mention
from .places import resolve_place
from .settings import Settings

__all__ = ["code_events", "score"]

log = logging.getLogger(__name__)

# frames whose embedded clause is part of their own event ("refused to meet", "urged X to")
_CONTROL_TYPES = frozenset({"AGREE", "REQUEST", "REJECT", "THREATEN", "ACCUSE"})
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "pcomp"})
_SUBJECTS = frozenset({"nsubj", "csubj", "expl"})
_OBJECTS = frozenset({"dobj", "obj"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_PLACE_PREPS = frozenset({"in", "at"})
_PURPOSE_PREPS = frozenset({"for", "in", "during"})
_PRONOUN_WORDS = frozenset({"it", "its", "they", "their", "he", "his", "she", "her"})
# the implicit recipient sector of events that name none (see _domestic)
_DOMESTIC_TARGETS = {"PROTEST": "GOV", "COERCE": "CVL", "CONCEDE": "CVL"}
# labels under which the small model puts place names it misreads, accepted as the object of
# a preposition when the gazetteer knows the name
_ODD_PLACE = frozenset({"", "NORP", "ORG", "PERSON"})
# characters read before a date expression for "since"/"until" (the longest cue plus spaces)
_LOOK_BACK = 12
# sectors of international bodies, which have no country of their own
_BODY_SECTORS = frozenset({"IGO", "NGO"})


@dataclass(frozen=True)
class Trigger:
    """A token that reports an event, with its lexicon entry.

    ``verb`` is the verb that carries voice, status and subject (the light verb for "held
    talks"); ``noun`` the event noun when there is one.
    """

    entry: Entry
    verb: Token | None
    noun: Token | None
    specific: bool
    # the type model's probability of the entry's type (None: the lexicon alone chose it)
    probability: float | None = None

    @property
    def token(self) -> Token:
        head = self.verb if self.verb is not None else self.noun
        assert head is not None
        return head


@dataclass(frozen=True)
class _Dated:
    """A date expression with the clause it belongs to: the token span of that clause
    (the subtree of its head verb), and whether the clause is its sentence's main one."""

    date: DateExpr
    first: int
    last: int
    main: bool

    def covers(self, token: Token) -> bool:
        return self.first <= token.i <= self.last


@dataclass(frozen=True)
class _Story:
    """What every sentence of a document needs: its parties, dates and date anchor."""

    parties: Parties
    dates: tuple[_Dated, ...]
    published: datetime.date | None
    text: str


def code_events(
    doc: Doc,
    actors: Sequence[Actor],
    mentions: Sequence[Mention],
    dates: Sequence[DateExpr],
    published: datetime.date | None,
    settings: Settings,
) -> tuple[Event, ...]:
    """PLOVER events for every sentence of a parsed document that reports one."""
    del settings  # the coder has no options yet; kept for the stage signature
    story = _Story(
        Parties.build(doc, actors, mentions),
        _scoped_dates(doc, dates),
        published,
        doc.text,
    )
    events: list[Event] = []
    for sent in doc.sents:
        if photo_credit(_paragraph_of(story.text, sent.start_char)):
            continue  # a photo caption and its credit report the picture, not the news
        events.extend(_sentence_events(sent, story))
    log.debug("coded %d events in %d characters", len(events), len(story.text))
    return tuple(events)


# -- triggers -----------------------------------------------------------------------------


def _lemma(token: Token) -> str:
    """The lower-case lemma, repairing the small model's dropped final "e" ("staged" gives
    "stag"): when only the lemma with an "e" is a word the coder knows, that one is meant."""
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB" and lemma not in known_verbs() and lemma + "e" in known_verbs():
        return lemma + "e"
    return lemma


def _passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _object_nouns(verb: Token) -> list[Token]:
    """Nouns in the object position (direct object, passive subject), and the noun after
    "of" in a quantity object ("25,000 tons of food aid")."""
    found = [c for c in verb.children if c.dep_ in (*_OBJECTS, "nsubjpass", "attr", "oprd")]
    for noun in list(found):
        for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
            found.extend(c for c in prep.children if c.dep_ == "pobj")
    return found


def _noun_keys(noun: Token, modifier_alone: bool = True) -> list[tuple[str, ...]]:
    """A noun's lemma, with its compound modifier first when it has one ("martial law")."""
    modifiers = [c for c in noun.children if c.dep_ in ("compound", "amod")]
    doc = noun.doc
    # a hyphenated noun the tokenizer split ("sit-in", "walk-out") is one word in the lexicon
    keys: list[tuple[str, ...]] = [
        (f"{c.lower_}-{noun.lower_}",)
        for c in modifiers
        if c.i + 2 == noun.i and doc[c.i + 1].text == "-"
    ]
    keys += [(_lemma(c), _lemma(noun)) for c in modifiers]
    if not modifier_alone:
        return [*keys, (_lemma(noun),)]
    # the modifier alone comes last: "a mediation effort", "a peace initiative"
    return [*keys, (_lemma(noun),), *((_lemma(c),) for c in modifiers if c.dep_ == "compound")]


def _verbnoun(verb: Token) -> Trigger | None:
    lemma = _lemma(verb)
    particles = [_lemma(c) for c in verb.children if c.dep_ == "prt"]
    for noun in _object_nouns(verb):
        for key in _noun_keys(noun):
            for pattern in ((lemma, *key), *((lemma, p, *key) for p in particles)):
                entry = lookup("verbnoun", pattern)
                if entry is not None:
                    return Trigger(entry, verb, noun, specific=True)
    for prep in (c for c in verb.children if c.dep_ == "prep"):
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            for key in _noun_keys(pobj):
                entry = lookup("verbnoun", (lemma, _lemma(prep), *key))
                if entry is not None:
                    return Trigger(entry, verb, pobj, specific=True)
    return None


def _phrasal(verb: Token) -> Trigger | None:
    for child in verb.children:
        if child.dep_ in ("prt", "prep", "dative"):
            entry = lookup("phrasal", (_lemma(verb), _lemma(child)))
            if entry is not None:
                return Trigger(entry, verb, None, specific=True)
    return None


def _light(verb: Token) -> Trigger | None:
    cues = ontology().cue("light")
    if _lemma(verb) not in cues:
        return None
    # a verb with an event of its own is not read through its object's modifier alone
    # ("delivered attack helicopters" is a delivery, not an attack)
    modifier_alone = lookup("verb", (_lemma(verb),)) is None
    for noun in _object_nouns(verb):
        entry = _noun_entry(noun, modifier_alone)
        if entry is not None:
            return Trigger(entry, verb, noun, specific=False)
    return None


def _noun_entry(noun: Token, modifier_alone: bool = True) -> Entry | None:
    for key in _noun_keys(noun, modifier_alone):
        entry = lookup("noun", key)
        if entry is not None:
            return entry
    return None


def _verb_trigger(verb: Token) -> Trigger | None:
    found = _verbnoun(verb) or _phrasal(verb) or _light(verb)
    if found is not None:
        return found
    entry = lookup("verb", (_lemma(verb),))
    return Trigger(entry, verb, None, specific=False) if entry is not None else None


def _triggers(sent: Span) -> list[Trigger]:
    """The predicates that report events: typed by the type model when it ships
    (``events_model``), by the lexicon alone otherwise. Verb triggers come first, then the
    event nouns that no verb trigger has taken."""
    model = events_model.type_model()
    if model is None:
        return _lexicon_triggers(sent)
    triggers: list[Trigger] = []
    unread: list[Token] = []
    for token in candidates(sent, model.trigger_nouns):
        readings = lexicon_readings(token)
        if readings and model.none_threshold > 1:
            triggers.append(readings[0])  # the model never overrides a reading: no need to ask
        else:
            unread.append(token)
    rows = [candidate_features(token) for token in unread]
    for token, row, probs in zip(unread, rows, model.probabilities(rows), strict=True):
        kind, belief = model.choose(probs, events_model.lexicon_types(row))
        if kind != events_model.NONE:
            triggers.append(_typed(token, kind, belief))
    triggers.sort(key=lambda t: t.token.i)
    verbs = [t for t in triggers if t.verb is not None]
    taken = {t.noun.i for t in verbs if t.noun is not None}
    nouns = [t for t in triggers if t.verb is None and t.token.i not in taken]
    return verbs + nouns


def _typed(token: Token, event_type: str, probability: float | None) -> Trigger:
    """A trigger of the type chosen (``TypeModel.choose``): the lexicon's reading of the
    token with that type when it has one (its mode, contexts and roles), else the type's
    default roles. ``probability``: the model's, for an event the lexicon does not read."""
    for reading in lexicon_readings(token):
        if reading.entry.type == event_type:
            return replace(reading, probability=probability)
    is_verb = token.pos_ in ("VERB", "AUX")
    entry = default_entry("verb" if is_verb else "noun", _lemma(token), event_type)
    if is_verb:
        return Trigger(entry, token, None, specific=False, probability=probability)
    return Trigger(entry, None, token, specific=False, probability=probability)


def _lexicon_triggers(sent: Span) -> list[Trigger]:
    """Verb triggers first, then the event nouns that no verb trigger has taken."""
    verbs: list[Trigger] = []
    for token in sent:
        if token.pos_ == "VERB" or (token.pos_ == "AUX" and token.dep_ == "ROOT"):
            found = _verb_trigger(token)
            if found is not None:
                verbs.append(found)
    taken = {t.noun.i for t in verbs if t.noun is not None}
    nouns = [
        Trigger(entry, None, token, specific=False)
        for token in sent
        if token.pos_ in ("NOUN", "PROPN")
        and token.i not in taken
        and token.ent_type_ not in ("DATE", "TIME")  # "in March" is no protest march
        for entry in (_noun_entry(token),)
        if entry is not None
    ]
    return verbs + nouns


def lexicon_readings(token: Token) -> list[Trigger]:
    """What the lexicon says a token reports: for a verb its verb+object, phrasal, light-verb
    and bare readings (the most specific first), for a noun its event-noun reading."""
    if token.pos_ == "VERB" or (token.pos_ == "AUX" and token.dep_ == "ROOT"):
        found = [t for t in (_verbnoun(token), _phrasal(token), _light(token)) if t is not None]
        entry = lookup("verb", (_lemma(token),))
        if entry is not None:
            found.append(Trigger(entry, token, None, specific=False))
        return found
    entry = _noun_entry(token) if token.pos_ in ("NOUN", "PROPN") else None
    return [Trigger(entry, None, token, specific=False)] if entry is not None else []


def candidates(sent: Span, trigger_nouns: frozenset[str] = frozenset()) -> list[Token]:
    """The predicates of a sentence that may report an event: every verb (and a root
    auxiliary), and the nouns the lexicon or the type model knows as event nouns or WordNet
    knows as acts and events."""
    found = []
    for token in sent:
        if (
            token.pos_ == "VERB"
            or (token.pos_ == "AUX" and token.dep_ == "ROOT")
            or (
                token.pos_ in ("NOUN", "PROPN")
                and token.ent_type_ not in ("DATE", "TIME")
                and (
                    _lemma(token) in trigger_nouns
                    or _noun_entry(token) is not None
                    or events_model.event_noun(_lemma(token))
                )
            )
        ):
            found.append(token)
    return found


def candidate_features(token: Token) -> list[str]:
    """The type model's features of a candidate (``events_model.features``), with the
    lexicon's readings of it."""
    readings = [(t.entry.type, t.entry.mode) for t in lexicon_readings(token)]
    return events_model.features(token, readings)


# -- clause structure ---------------------------------------------------------------------


def _frame(trigger: Trigger, by_token: dict[int, Trigger]) -> Trigger | None:
    """The control trigger whose clause contains this one ("refused to *meet*"), if any."""
    token = trigger.token
    hops = 0
    # a clause is framed by the nearest verb up to three dependency hops away
    # (verb -> prep -> pcomp covers "accused X of *restoring*")
    while token.dep_ in (*_CLAUSE_DEPS, "prep", "pobj", *_OBJECTS) and hops < 3:
        token = token.head
        hops += 1
        frame = by_token.get(token.i)
        if frame is not None and frame is not trigger:
            purpose = hops == 1 and _purpose_clause(trigger.token)
            return frame if frame.entry.type in _CONTROL_TYPES or purpose else None
    return None


def _purpose_clause(token: Token) -> bool:
    """An infinitive that says what its head verb was for ("staged rallies *to demand*");
    a clause after "since", "after" or "because" reports an event of its own."""
    if token.dep_ == "xcomp":
        return True
    return token.dep_ == "advcl" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in token.children
    )


def _depth(token: Token) -> int:
    """Clause boundaries between a token and the root, not counting verbs of saying."""
    speech = ontology().cue("speech")
    depth = 0
    while token.dep_ != "ROOT" and token.head is not token:
        if token.dep_ in _CLAUSE_DEPS and _lemma(token.head) not in speech:
            depth += 1
        token = token.head
    return depth


def _subject_token(verb: Token) -> Token | None:
    """The logical subject of a verb: the agent in the passive, inherited through clauses."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    for child in verb.children:
        if child.dep_ in _SUBJECTS:
            return verb.head if child.tag_ in ("WDT", "WP") and verb.dep_ == "relcl" else child
    if _passive(verb):
        return None
    return _inherited_subject(verb)


def _inherited_subject(verb: Token) -> Token | None:
    head = verb.head
    if head is verb:
        return None
    if verb.dep_ == "xcomp":
        objects = [c for c in head.children if c.dep_ in _OBJECTS]
        return objects[0] if objects else _subject_token(head)
    if verb.dep_ in ("conj", "advcl", "acomp"):
        return _subject_token(head)
    if verb.dep_ == "acl" and _carrier(head):
        return _subject_token(head.head)  # "X issued a declaration demanding ..."
    if verb.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN"):
        return head
    if head.dep_ == "acomp" or (verb.dep_ == "xcomp" and head.pos_ == "ADJ"):
        return _subject_token(head.head)
    return None


def _carrier(noun: Token) -> bool:
    """A common noun that carries its subject's words or deeds ("a declaration", "a
    statement") rather than naming a party ("protesters demanding reform")."""
    return (
        noun.pos_ == "NOUN"
        and noun.dep_ in _OBJECTS
        and noun.head.pos_ == "VERB"
        and sector_in([noun]) is None
    )


def _object_token(verb: Token) -> Token | None:
    """The logical object: the passive subject, else the direct object, else the dative."""
    for deps in (("nsubjpass",), _OBJECTS, ("dative",)):
        for child in verb.children:
            if child.dep_ in deps:
                return child
    return None


def _conjuncts(token: Token) -> list[Token]:
    return [token, *(c for c in token.conjuncts if c.i > token.i)]


# -- slots --------------------------------------------------------------------------------


@dataclass
class _Slots:
    actors: list[ActorRef]
    recipients: list[ActorRef]

    def add(self, role: str, refs: Sequence[ActorRef]) -> None:
        target = self.actors if role == "actor" else self.recipients
        for ref in refs:
            if not any(_same(ref, known) for known in target):
                target.append(ref)


def _same(a: ActorRef, b: ActorRef) -> bool:
    return (a.actor_id or a.name) == (b.actor_id or b.name)


def _refs(token: Token | None, parties: Parties) -> list[ActorRef]:
    """Every party a slot token names: all conjuncts, or the two sides of "both sides"."""
    if token is None:
        return []
    if _lemma(token) in ontology().cue("pair"):
        if any(c.lower_ in ("two", "both") for c in token.children):
            return list(parties.last_two(token) or parties.paragraph_pair(token))
        if token.tag_ in ("NNS", "NNPS"):
            ref = parties.ref(token)
            if ref is None or (ref.country is None and ref.actor_id is None and not _regional(ref)):
                return list(parties.paragraph_pair(token))
    subject = _cataphora(token)
    if subject is not None:
        return _refs(subject, parties)
    refs = [parties.ref(t) for t in _conjuncts(token)]
    return [r for r in refs if r is not None]


def _cataphora(token: Token) -> Token | None:
    """A pronoun in a fronted phrase names the main clause's subject that follows it
    ("Since its invasion of Ukraine, Russia has ...")."""
    if token.lower_ not in _PRONOUN_WORDS:
        return None
    root = token.sent.root
    subjects = [c for c in root.children if c.dep_ in _SUBJECTS and c.i > token.i]
    if token.i < root.i and subjects and subjects[0].lower_ not in _PRONOUN_WORDS:
        return subjects[0]
    return None


def _prep_slots(head: Token) -> list[tuple[str, Token]]:
    """(preposition, object) pairs under a token ("with Putin", "against Nigeria")."""
    pairs: list[tuple[str, Token]] = []
    for prep in (c for c in head.children if c.dep_ in ("prep", "agent")):
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            pairs.append((_lemma(prep), pobj))
    return pairs


def _shared_preps(verb: Token) -> list[tuple[str, Token]]:
    """ "donated and delivered goods to X": the prepositional phrases of a later conjoined
    verb that shares this verb's subject belong to both."""
    shared: list[tuple[str, Token]] = []
    for conj in (c for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB"):
        if any(c.dep_ in (*_SUBJECTS, "nsubjpass") for c in conj.children):
            continue
        if any(c.dep_ in _OBJECTS for c in verb.children):
            continue  # the first verb has its own complement: "took X and gave Y to Z"
        shared.extend(_prep_slots(conj))
    return shared


def _noun_slots(noun: Token) -> list[tuple[str, Token | None]]:
    slots: list[tuple[str, Token | None]] = []
    for child in noun.children:
        if child.dep_ == "poss":
            slots.append(("poss", child))
        elif child.dep_ in ("amod", "compound", "nmod") and child.i < noun.i:
            slots.append(("amod" if child.dep_ == "amod" else "compound", child))
    slots.extend(_prep_slots(noun))
    head = noun.head
    if noun.dep_ == "pobj" and head.head.pos_ == "VERB" and head.lower_ in _PURPOSE_PREPS:
        # "flew to Moscow for talks"; "praised ties during a visit from X": the host
        slots.append(("governor", _subject_token(head.head)))
    if noun.dep_ in ("attr", "oprd") and _lemma(head) in ontology().cue("copula"):
        subject = _subject_token(head)
        if subject is not None:
            slots.append(("cop", subject))
    return slots


def _fill(trigger: Trigger, parties: Parties) -> _Slots:
    slots = _Slots([], [])
    entry = trigger.entry
    pairs: list[tuple[str, Token | None]] = []
    if trigger.verb is not None:
        verb = trigger.verb
        pairs.append(("subj", _subject_token(verb)))
        if trigger.noun is None or entry.kind != "noun":
            pairs.append(("obj", _object_token(verb)))
        pairs.extend(("dative", c) for c in verb.children if c.dep_ == "dative")
        pairs.extend(_prep_slots(verb))
        pairs.extend(_shared_preps(verb))
        if _passive(verb):
            pairs.extend(_hung_from(verb))
    if trigger.noun is not None:
        pairs.extend(_noun_slots(trigger.noun))
    for slot, token in pairs:
        if token is None:
            continue
        role = entry.role_of(slot)
        if slot == "governor":
            role = _governor_role(entry, slots, pairs)
        if role is None and slot == "from" and _agentless_passive(trigger, pairs):
            role = "actor"  # "rockets were fired at its positions from Azerbaijan"
        if role is None and entry.kind == "noun" and slot in ("subj", "obj"):
            role = "actor" if slot == "subj" else "recipient"
        if role in ("actor", "recipient"):
            slots.add(role, _refs(token, parties))
    if not slots.actors:
        _between(pairs, slots, parties)
    _drop_host_from_actors(slots)
    slots.recipients = [r for r in slots.recipients if not any(_same(r, a) for a in slots.actors)]
    if all(r.country is None for r in slots.recipients):
        _fallback_recipient(trigger, slots, parties)
    return slots


def _hung_from(verb: Token) -> list[tuple[str, Token]]:
    """A "from X" the parser hung on the object of a passive verb's preposition ("fired at
    its positions from Azerbaijan"): it says where the deed came from, as if on the verb."""
    found = []
    for _, pobj in _prep_slots(verb):
        found += [(p, t) for p, t in _prep_slots(pobj) if p == "from"]
    return found


def _agentless_passive(trigger: Trigger, pairs: list[tuple[str, Token | None]]) -> bool:
    """A passive verb that names no agent: its "from X" is where the deed came from."""
    verb = trigger.verb
    if verb is None or not _passive(verb):
        return False
    return not any(slot == "subj" and token is not None for slot, token in pairs)


def _between(pairs: list[tuple[str, Token | None]], slots: _Slots, parties: Parties) -> None:
    """No slot named an actor: the parties of a "between X and Y" phrase the entry gives
    no role are both sides ("strengthen ties between Russia and Myanmar")."""
    for slot, token in pairs:
        if slot in _BETWEEN and token is not None:
            sides = _refs(token, parties)
            if len(sides) >= 2:
                slots.add("actor", sides)
                return


_BETWEEN = frozenset({"between", "among"})


def _drop_host_from_actors(slots: _Slots) -> None:
    """ "The delegations [of Russia and Myanmar] paid a visit to Russia": when the actors
    are of several countries and the recipient is of one of them, that one is no actor."""
    hosts = {r.country for r in slots.recipients if r.country}
    countries = {a.country for a in slots.actors if a.country}
    if len(slots.actors) >= 2 and hosts & countries and countries - hosts:
        slots.actors[:] = [a for a in slots.actors if a.country not in hosts]


def _governor_role(
    entry: Entry, slots: _Slots, pairs: list[tuple[str, Token | None]]
) -> Role | None:
    """The role of the subject of the verb an event noun depends on ("X flew to Moscow for
    talks"): the noun's actor, unless the noun names its own ("during a visit from X"), in
    which case the subject of a visit is its host and of anything else no party."""
    own = any(
        token is not None and entry.role_of(slot) == "actor"
        for slot, token in pairs
        if slot != "governor"
    )
    if not own and not slots.actors:
        return "actor"
    return "recipient" if entry.mode == "visit" else None


def _fallback_recipient(trigger: Trigger, slots: _Slots, parties: Parties) -> None:
    """No slot named a recipient with a country: take the first other party inside the
    trigger's phrase ("offered its troops to Lebanon's president")."""
    head = trigger.token
    subject = _subject_token(trigger.verb) if trigger.verb is not None else None
    skip = {t.i for t in subject.subtree} if subject is not None else set()
    skip |= {c.i for c in head.children if c.dep_ in ("poss", "amod", "compound")}
    # a second direct object is a clause the parser hung on the verb, not its object
    # ("ousting the government of X, discussions aimed to strengthen ties with Russia")
    objects = [c for c in head.children if c.dep_ in _OBJECTS]
    skip |= {t.i for extra in objects[1:] for t in extra.subtree}
    tokens = [t for t in head.subtree if t.i not in skip and t.i != head.i]
    found = parties.first_in(tokens)
    if found is not None and not any(_same(found, a) for a in slots.actors):
        slots.recipients[:] = [found]


# -- status -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Status:
    negated: bool
    hypothetical: bool
    future: bool
    threat: bool
    obligation: bool


def _status_words(verb: Token) -> set[str]:
    words = {c.lower_ for c in verb.children if c.dep_ in ("aux", "neg", "mark", "advmod")}
    words |= {c.lemma_.lower() for c in verb.children if c.dep_ in ("aux", "neg")}
    for child in verb.children:
        if child.dep_ == "advcl":
            words |= {m.lower_ for m in child.children if m.dep_ == "mark"}
    return words


def _intent_head(verb: Token) -> Token | None:
    """The intent word framing a verb ("plans to *visit*", "is ready to *send*"), if any."""
    intent = ontology().cue("intent")
    head = verb.head
    if verb.dep_ in ("xcomp", "advcl") and _lemma(head) in intent:
        return head
    if verb.dep_ == "acl" and head.pos_ == "NOUN" and _lemma(head) in ontology().cue("intent_noun"):
        return head  # "expressed willingness to hold talks", "its plan to withdraw"
    if verb.dep_ == "xcomp" and head.dep_ in ("acomp", "xcomp") and _lemma(head) in intent:
        return head
    return None


def _status(verb: Token) -> _Status:
    cues = ontology()
    words = _status_words(verb)
    intent = _intent_head(verb)
    if intent is not None:
        words |= _status_words(intent)
    marks = {m.lower_ for m in verb.children if m.dep_ == "mark"}
    return _Status(
        negated=bool(words & cues.cue("negation")),
        hypothetical=bool(words & cues.cue("hypothetical"))
        or bool(marks & cues.cue("conditional")),
        future=bool(words & cues.cue("future")) or intent is not None,
        threat=bool(words & cues.cue("threat_condition")),
        obligation=bool(words & cues.cue("obligation")),
    )


def _resolve_type(entry: Entry, status: _Status) -> tuple[str, str | None, EventStatus]:
    """The coded type, mode and status once the clause's status words are applied.

    A promised cooperative event is AGREE; a promised harmful one (or one promised "unless")
    is THREATEN; a refused cooperative one ("will not accept") is REJECT.
    """
    types = ontology().types
    cooperative = types[entry.type].cooperative
    if status.negated:
        if cooperative and status.future:
            return "REJECT", None, "happened"
        return entry.type, entry.mode, "negated"
    if status.hypothetical:
        return entry.type, entry.mode, "hypothetical"
    if entry.type == "AGREE":
        return "AGREE", entry.mode, "promised"
    if status.future:
        if status.threat or types[entry.type].quad == "material_conflict":
            return "THREATEN", None, "promised"
        if cooperative:
            return "AGREE", None, "promised"
        return entry.type, entry.mode, "promised"
    return entry.type, entry.mode, "happened"


# -- one sentence -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Coded:
    trigger: Trigger
    type: str
    mode: str | None
    status: EventStatus
    slots: _Slots
    confidence: float


def _code(trigger: Trigger, parties: Parties, framed: bool) -> _Coded | None:
    weights = ontology().confidence
    slots = _fill(trigger, parties)
    if trigger.verb is None and not slots.actors:
        return None  # a bare event noun without a party is background, not an event record
    if trigger.verb is not None:
        event_type, mode, status = _resolve_type(trigger.entry, _status(trigger.verb))
        if status == "happened":
            event_type, mode = _by_who(trigger.verb, event_type, mode, slots)
        confidence = weights["verb"]
    else:
        event_type, mode, status = trigger.entry.type, trigger.entry.mode, "happened"
        confidence = weights["noun"]
    if trigger.probability is not None:
        # an event only the model reads ranks under the lexicon's verb events: its
        # probability scales the nominal weight (cross-validated, docs/events.md)
        confidence = weights["noun"] * trigger.probability
    if framed or _depth(trigger.token) > 0:
        confidence += weights["embedded"]
    if not slots.actors:
        confidence += weights["no_actor"]
    if slots.recipients:
        confidence += weights["recipient"]
    if trigger.specific:
        confidence += weights["specific"]
    return _Coded(trigger, event_type, mode, status, slots, confidence)


def _by_who(
    verb: Token, event_type: str, mode: str | None, slots: _Slots
) -> tuple[str, str | None]:
    """What a verb reports depends on who does it: troops that arrive somewhere are not
    visitors (peacekeepers are aid, other forces a deployment); people who block a road or
    a bridge protest (the state that blocks restricts: COERCE)."""
    cues = ontology()
    subject = _subject_token(verb)
    words = {_lemma(t) for t in subject.subtree} if subject is not None else set()
    heads = [subject] if subject is not None else []
    heads += [c for h in heads for p in h.children if p.lower_ == "of" for c in p.children]
    if event_type == "CONSULT" and any(_lemma(h) in cues.cue("troops") for h in heads):
        if words & cues.cue("peacekeeping"):
            return "AID", None
        return "MOBILIZE", "troops"
    if _lemma(verb) in cues.cue("obstruct") and slots.actors:
        sectors = {a.sector for a in slots.actors}
        if event_type == "COERCE" and sectors <= cues.cue("non_state_sectors"):
            return "PROTEST", "obstruct"
        own = sector_in([subject]) if subject is not None else None  # "supporters of X"
        if event_type == "PROTEST" and own in cues.cue("state_sectors"):
            return "COERCE", "restrict"
    return event_type, mode


def _borrow_recipients(coded: _Coded, inner: list[_Coded]) -> None:
    """A control verb without a recipient takes the party its embedded event names."""
    if coded.slots.recipients:
        return
    for other in inner:
        for ref in (*other.slots.actors, *other.slots.recipients):
            if not any(_same(ref, a) for a in coded.slots.actors):
                coded.slots.recipients.append(ref)
                return


def _obligations(sent: Span, parties: Parties) -> list[_Coded]:
    """ "X said Y must do Z": X's request to Y, whatever Z is."""
    cues = ontology()
    found: list[_Coded] = []
    for verb in sent:
        if (
            verb.pos_ != "VERB"
            or verb.dep_ != "ccomp"
            or _lemma(verb.head) not in cues.cue("speech")
        ):
            continue
        if not _status(verb).obligation:
            continue
        entry = lookup("verb", ("demand",))
        if entry is None:
            continue
        speaker = _refs(_subject_token(verb.head), parties)
        addressee = _refs(_subject_token(verb), parties)
        slots = _Slots(speaker, [r for r in addressee if not any(_same(r, s) for s in speaker)])
        trigger = Trigger(entry, verb.head, None, specific=True)
        weight = cues.confidence["verb"] + cues.confidence["specific"]
        if _depth(verb.head) > 0 or verb.head.dep_ in _CLAUSE_DEPS:
            weight += cues.confidence["embedded"]
        found.append(_Coded(trigger, "REQUEST", None, "happened", slots, weight))
    return found


def _coded_sentence(sent: Span, parties: Parties) -> list[_Coded]:
    triggers = _triggers(sent)
    by_token = {t.token.i: t for t in triggers}
    nouns_taken = {t.noun.i for t in triggers if t.verb is not None and t.noun is not None}
    verb_objects = {
        c.i
        for t in triggers
        if t.verb is not None
        for c in t.verb.children
        if c.dep_ in (*_OBJECTS, "nsubjpass")
    }
    results: dict[int, _Coded] = {}
    inner: dict[int, list[_Coded]] = {}
    requests = _obligations(sent, parties)
    reported = {
        c.i for r in requests if r.trigger.verb is not None for c in r.trigger.verb.children
    }
    for trigger in triggers:
        if trigger.verb is not None and trigger.verb.i in reported:
            continue  # "X said Y must leave" is X's request, not Y's leaving
        if trigger.verb is None and (
            trigger.noun is None or trigger.noun.i in nouns_taken or trigger.noun.i in verb_objects
        ):
            continue
        frame = _frame(trigger, by_token) if trigger.verb is not None else None
        coded = _code(trigger, parties, framed=frame is not None)
        if coded is None:
            continue
        if frame is not None:
            inner.setdefault(frame.token.i, []).append(coded)
            continue
        results[trigger.token.i] = coded
    for index, coded in results.items():
        _borrow_recipients(coded, inner.get(index, []))
    accusations = _accusations(list(results.values()), parties)
    return [*results.values(), *requests, *accusations]


def _speech_head(token: Token) -> Token | None:
    """The verb of saying whose reported clause holds ``token`` ("Armenia *said* rockets
    were fired ..."), through clause links only."""
    speech = ontology().cue("speech")
    while token.dep_ in _CLAUSE_DEPS or token.dep_ == "conj":
        token = token.head
        if token.pos_ in ("VERB", "AUX") and _lemma(token) in speech:
            return token
    return None


_SELF_WORDS = frozenset({"it", "its", "us", "our", "we", "them", "their", "they"})


def _self_reference(item: _Coded, victims: set[str]) -> bool:
    """No victim with a country, but the reported clause speaks of the speaker ("fired at
    *its* positions")."""
    if victims:
        return False
    return any(t.lower_ in _SELF_WORDS for t in item.trigger.token.subtree)


def _accusations(coded: Sequence[_Coded], parties: Parties) -> list[_Coded]:
    """Reported speech: a party that says harm was done to its side by another accuses that
    other ("Armenia said rockets were fired at its positions from Azerbaijan" is ACCUSE
    ARM -> AZE, besides the attack). A speaker whose country did the harm claims its own
    act, one of the same country as the doers relays it ("police said gunmen killed ..."),
    one the harm did not touch is a third party's source ("Thai military sources said
    Vietnamese forces retook a village in Cambodia"), and an attribution after the clause
    ("Israeli warplanes bombed targets near Damascus, the Syrian army said") leaves the deed
    the news: none of them accuses."""
    cues = ontology()
    entry = lookup("verb", ("accuse",))
    found: list[_Coded] = []
    for item in coded:
        if entry is None or item.type not in cues.cue("harm") or item.status != "happened":
            continue
        verb = _speech_head(item.trigger.token)
        if verb is None or verb.i > item.trigger.token.i:
            continue  # "X did Y, the Syrian army said": the reporter states the deed
        speakers = [r for r in _refs(_subject_token(verb), parties) if r.country]
        own = {r.country for r in speakers}
        doers = [a for a in item.slots.actors if a.country and a.country not in own]
        victims = {r.country for r in item.slots.recipients if r.country}
        # the harm fell on the speaker's side: its country, or "it"/"its" in the clause
        if not speakers or not doers or not (victims & own or _self_reference(item, victims)):
            continue
        weights = cues.confidence
        confidence = weights["verb"] + weights["specific"] + weights["recipient"]
        if _depth(verb) > 0:
            confidence += weights["embedded"]
        trigger = Trigger(entry, verb, None, specific=True)
        slots = _Slots(list(speakers), list(doers))
        found.append(_Coded(trigger, "ACCUSE", "allege", "happened", slots, confidence))
    return found


def _sentence_events(sent: Span, story: _Story) -> list[Event]:
    coded = _coded_sentence(sent, story.parties)
    if not coded:
        return []
    events = []
    for item in coded:
        date, date_text = _date(sent, item.trigger.token, story)
        place, place_country = _place(sent, item.trigger)
        event = Event(
            type=item.type,
            actors=tuple(item.slots.actors),
            recipients=tuple(item.slots.recipients),
            mode=item.mode,
            context=_contexts(item.trigger),
            status=item.status,
            date=date,
            date_text=date_text,
            location=place,
            location_country=place_country,
            sentence=sent.text,
            sentence_start=sent.start_char,
            trigger=_trigger_text(item.trigger),
            confidence=round(min(item.confidence, 1.0), 3),
        )
        unnamed = _unnamed_actor_allowed(item.trigger)
        events.append(_domestic(_visit(_located(event, sent, story.parties, unnamed))))
    return events


def _unnamed_actor_allowed(trigger: Trigger) -> bool:
    """Whether an event with no actor may take an unnamed one of the place's country: only
    when the sentence hides the actor (an agentless passive, "the village was shelled") or
    names it in words no dictionary knows ("a roadside bomb", "gunmen"); not when the parse
    merely lost the subject of a participle or a nominal event."""
    verb = trigger.verb
    if verb is None:
        return False
    if _passive(verb) or any(c.dep_ in _SUBJECTS for c in verb.children):
        return True
    # "an attempt to assassinate ...", "a plot to kill ...": the noun hides who acts
    return verb.dep_ in ("acl", "xcomp") and _lemma(verb.head) in ontology().cue("attempt")


def _is_body(ref: ActorRef) -> bool:
    return ref.sector in _BODY_SECTORS


def _place_like(ent: Span) -> bool:
    """A place entity, or a name the small model mislabels as the object of a preposition
    ("near the town of Samarra" tagged NORP); the gazetteer decides afterwards."""
    return ent.label_ in _PLACE_LABELS or (ent.label_ in _ODD_PLACE and ent.root.dep_ == "pobj")


def _place_country(sent: Span, parties: Parties) -> str | None:
    """The one country of the places a sentence names (not counting acting countries)."""
    found: set[str] = set()
    for ent in [*sent.ents, *_proper_pobjs(sent)]:
        if not _place_like(ent) or parties.mentioned(ent):
            continue
        place = resolve_place(ent.text)
        if place is not None and place.country is not None:
            found.add(place.country)
    return found.pop() if len(found) == 1 else None


def _only_country(sent: Span, parties: Parties) -> str | None:
    found = parties.countries_in(sent)
    return found[0] if len(found) == 1 else None


def _located(event: Event, sent: Span, parties: Parties, unnamed: bool) -> Event:
    """Parties without a country act where the event happens: an agentless passive or a
    non-actor cause ("a roadside bomb near Samarra killed ...") is coded as the place's
    country, as event data sets do; "leaders of the opposition ... in Baku" are Azerbaijan's.
    ``unnamed``: an event with no actor at all may take an unnamed one of that country."""
    known = [r for r in (*event.actors, *event.recipients) if r.country or _is_body(r)]
    if len(known) == len(event.actors) + len(event.recipients) and event.actors:
        return event
    here = event.location_country or _place_country(sent, parties) or _only_country(sent, parties)
    if here is None:
        return event
    if event.type == "CONSULT" and here in {r.country for r in event.recipients}:
        return event  # visitors are not of the country they visit
    if not event.actors:
        if not unnamed:
            return replace(event, recipients=_placed(event.recipients, here))
        event = replace(event, actors=(ActorRef(f"{here} (unnamed)", here),))
    actors, recipients = _placed(event.actors, here), _placed(event.recipients, here)
    return replace(event, actors=actors, recipients=recipients)


def _placed(refs: tuple[ActorRef, ...], here: str) -> tuple[ActorRef, ...]:
    """Parties of one side that name no country (and are no international body, nor a
    region's: "Western nations", "Southeast Asian lawmakers") take it."""
    if any(r.country or _is_body(r) or _regional(r) for r in refs):
        return refs
    return tuple(replace(r, country=here) for r in refs)


def _regional(ref: ActorRef) -> bool:
    """A party named by a region or bloc rather than a country ("Western", "Arab")."""
    words = ref.name.casefold().replace("-", " ").split()
    regions = region_words()
    return any(w in regions for w in words) or any(
        " ".join(pair) in regions for pair in itertools.pairwise(words)
    )


def _trigger_text(trigger: Trigger) -> str:
    words = [t for t in (trigger.verb, trigger.noun) if t is not None]
    return " ".join(t.text for t in sorted(words, key=lambda t: t.i))


# -- context, place, date -----------------------------------------------------------------


def _contexts(trigger: Trigger) -> tuple[str, ...]:
    tokens = list(trigger.token.subtree)
    if trigger.noun is not None and trigger.verb is not None:
        tokens += list(trigger.noun.subtree)
    lemmas = {t.lemma_.lower() for t in tokens} | {t.lower_ for t in tokens}
    text = " ".join(t.lower_ for t in tokens)
    found = list(trigger.entry.context)
    for context, cue_words in ontology().contexts.items():
        if context in found:
            continue
        if any((" " in w and w in text) or w in lemmas for w in cue_words):
            found.append(context)
    return tuple(found)


def _clause_tokens(head: Token) -> list[Token]:
    """The tokens of a head's own clause: its subtree without embedded or coordinated verbs."""
    found = [head]
    for child in head.children:
        if child.pos_ in ("VERB", "AUX") and child.dep_ in (*_CLAUSE_DEPS, "conj"):
            continue
        found.extend(_clause_tokens(child))
    return found


def _proper_pobjs(sent: Span) -> list[Span]:
    """Proper-noun objects of "in/at" that the tagger left without an entity label."""
    return [
        sent.doc[token.left_edge.i : token.i + 1]
        for token in sent
        if token.pos_ == "PROPN"
        and not token.ent_type_
        and token.dep_ == "pobj"
        and token.head.lower_ in _PLACE_PREPS
    ]


def _place_entities(sent: Span) -> list[Span]:
    """Place names after "in/at": tagged places, and other proper names the gazetteer knows
    (the small English model often misses Asian place names such as "Nay Pyi Taw")."""
    found = []
    for ent in [*sent.ents, *_proper_pobjs(sent)]:
        if ent.root.dep_ != "pobj" or ent.root.head.lower_ not in _PLACE_PREPS:
            continue
        if ent.label_ in _PLACE_LABELS or resolve_place(ent.text) is not None:
            found.append(ent)
    return found


def _place(sent: Span, trigger: Trigger) -> tuple[str | None, str | None]:
    """A GPE/LOC/FAC after "in/at", the one attached to the trigger first."""
    heads = [t for t in (trigger.verb, trigger.noun) if t is not None]
    scope = {t.i for head in heads for t in _clause_tokens(head)}
    inside = [e for e in _place_entities(sent) if e.root.i in scope]
    attached = [e for e in inside if e.root.head.head in heads]
    if not inside:
        return None, None
    ent = (attached or inside)[0]
    place = resolve_place(ent.text)
    if place is None:
        return ent.text, None
    return place.name, place.country


def _paragraph_of(text: str, offset: int) -> str:
    """The line (paragraph) of the text that holds ``offset``."""
    end = text.find("\n", offset)
    return text[_paragraph_start(text, offset) : end if end >= 0 else len(text)]


def _paragraph_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _period_bound(date: DateExpr, text: str) -> bool:
    """ "since February 2021", "until March": the start or end of a period, not a date."""
    words = text[max(0, date.start - _LOOK_BACK) : date.start].split()
    return bool(words) and words[-1].casefold() in ontology().cue("period")


def _scoped_dates(doc: Doc, dates: Sequence[DateExpr]) -> tuple[_Dated, ...]:
    """The document's date expressions, period bounds left out, each with its clause."""
    scoped = []
    text = doc.text  # built from the tokens on each access: once
    for date in sorted(dates, key=lambda d: d.start):
        if _period_bound(date, text):
            continue
        span = doc.char_span(date.start, date.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        head = _clause_head(span.root)
        main = head.dep_ == "ROOT" or (head.dep_ == "conj" and head.head.dep_ == "ROOT")
        scoped.append(_Dated(date, head.left_edge.i, head.right_edge.i, main))
    return tuple(scoped)


def _clause_head(token: Token) -> Token:
    """The head of the clause a token is in: the nearest verb above it that heads a clause
    of its own (the sentence root, a relative, adverbial or coordinated clause), or a
    "since"/"until" phrase (a period's bound for the rest of the sentence, parsed as a
    preposition when the small model misreads the clause after it)."""
    period = ontology().cue("period")
    while token.dep_ != "ROOT" and token.head is not token:
        if token.pos_ in ("VERB", "AUX") and token.dep_ in (*_CLAUSE_DEPS, "conj"):
            return token
        if token.dep_ in ("prep", "mark") and token.lower_ in period:
            return token
        token = token.head
    return token


def _date(sent: Span, trigger: Token, story: _Story) -> tuple[str | None, str | None]:
    """The date of the trigger's own clause (a date inside a relative clause or a "since"
    clause dates only the events of that clause: "X, who took power in 2021, praised Y"),
    else the latest main-clause date earlier in its paragraph (the story's date), else the
    document's."""
    own = [
        d.date
        for d in story.dates
        if sent.start_char <= d.date.start < sent.end_char and d.covers(trigger)
    ]
    if own:
        return own[0].value, own[0].text
    start = _paragraph_start(story.text, sent.start_char)
    earlier = [d.date for d in story.dates if d.main and start <= d.date.start < sent.start_char]
    if earlier:
        return earlier[-1].value, earlier[-1].text
    if story.published is not None:
        return story.published.isoformat(), None
    return None, None


def _domestic(event: Event) -> Event:
    """A protest with no named target is aimed at the government where it happens; repression
    and concessions with no named target fall on that country's civilians (PLOVER's usual
    coding: "Sudan's government lifted a state of emergency in West Darfur")."""
    if event.recipients or event.type not in _DOMESTIC_TARGETS:
        return event
    country = next((a.country for a in event.actors if a.country), None) or event.location_country
    if country is None:
        return event
    sector = _DOMESTIC_TARGETS[event.type]
    return replace(event, recipients=(ActorRef(f"{country} {sector}", country, sector),))


def _visit(event: Event) -> Event:
    """A meeting in one party's country: the other party is the visitor (PLOVER's actor)."""
    if event.type != "CONSULT" or event.location_country is None:
        return event
    here = event.location_country
    actor_home = any(a.country == here for a in event.actors)
    guest_home = any(r.country == here for r in event.recipients)
    if guest_home and not actor_home:
        return replace(event, mode="visit")
    foreign_guests = bool(event.recipients) and all(
        r.country is not None and r.country != here for r in event.recipients
    )
    actor_countries = {a.country for a in event.actors if a.country}
    if not guest_home and foreign_guests and actor_countries <= {here}:
        hosts = tuple(a if a.country else replace(a, country=here) for a in event.actors)
        return replace(event, actors=event.recipients, recipients=hosts, mode="visit")
    return event
