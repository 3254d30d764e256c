"""The claims stage, per document: checkable statements with their subject and time.

:func:`extract_claims` reads one parsed document and returns four kinds of claims:

- ``quantity``: counts and amounts ("made three trips to Russia", "his fourth visit",
  "could expand to 300 megawatts", "deaths of thousands of people"), values normalised
  by :func:`parse_number` ("3", ">=2000", "~300", "10-20");
- ``date``: when something happened ("first met Putin in September 2022");
- ``quote``: attributed quotes, with the speaker and the verb of saying or naming;
- ``relation``: stated relations between actors ("Russia has become Myanmar's major arms
  supplier") and stances with a polarity ("shunned by China" vs "with the help of China").

``as_of`` is the date the claim's own clause states, else the document date. The vocabulary
(number words, verbs of saying, relation words) is ``data/claims.yaml``; the method is
described in docs/claims.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc, Span, Token

from .model import Actor, Claim, DateExpr, Mention
from .places import country_by_iso3
from .settings import Settings

# dependency labels of clauses nested in another: a date inside one belongs to that clause
_NESTED = frozenset({"relcl", "advcl", "ccomp", "acl", "csubj", "pcomp"})
_SUBJECT = frozenset({"nsubj", "nsubjpass"})
_PRONOUNS_PERSON = frozenset({"he", "him", "his", "she", "her"})
_PRONOUNS_PLURAL = frozenset({"they", "them", "their"})
_COPULAS = frozenset({"be", "become", "remain"})
_QUOTE = re.compile(r"“([^”]{1,300})”|\"([^\"]{1,300})\"")
_NUMERIC = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
# tokens around a number that may belong to it: "no fewer than 2.5 million" is 5 tokens
_NUMBER_REACH = 4
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


@dataclass(frozen=True)
class ClaimVocab:
    """data/claims.yaml, loaded once."""

    numbers: dict[str, int]
    multipliers: dict[str, int]
    vague: dict[str, int]
    ordinals: dict[str, int]
    qualifiers: dict[str, str]
    not_counts: frozenset[str]
    heads: dict[str, str]  # any form -> canonical predicate head
    generic_counted: frozenset[str]
    cumulative: frozenset[str]
    ordinal_nouns: frozenset[str]
    saying_verbs: frozenset[str]
    naming_verbs: frozenset[str]
    reciprocal_verbs: frozenset[str]
    one_time_cues: frozenset[str]
    period_start: frozenset[str]
    relation_nouns: dict[str, bool]
    stance_verbs: dict[str, bool]
    stance_nouns: dict[str, bool]
    sector_words: dict[str, str]
    stopwords: frozenset[str]

    @functools.cached_property
    def one_time_heads(self) -> frozenset[str]:
        """``one_time_cues`` as canonical predicate heads."""
        return frozenset(self.heads.get(c, c) for c in self.one_time_cues)


def _heads(table: dict[str, list[str]]) -> dict[str, str]:
    return {form: head for head, forms in table.items() for form in [head, *forms]}


@functools.cache
def vocabulary() -> ClaimVocab:
    """The shipped claims vocabulary."""
    text = resources.files("storyline.data").joinpath("claims.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    set_keys = [
        "not_counts", "generic_counted", "cumulative", "ordinal_nouns", "saying_verbs",
        "naming_verbs", "reciprocal_verbs", "one_time_cues", "period_start", "stopwords",
    ]  # fmt: skip
    sets = {key: frozenset(data[key]) for key in set_keys}
    return ClaimVocab(
        numbers=data["numbers"],
        multipliers=data["multipliers"],
        vague=data["vague"],
        ordinals=data["ordinals"],
        qualifiers=data["qualifiers"],
        heads=_heads(data["predicates"]),
        relation_nouns=data["relation_nouns"],
        stance_verbs=data["stance_verbs"],
        stance_nouns=data["stance_nouns"],
        sector_words=data["sector_words"],
        **sets,
    )


# --------------------------------------------------------------------------- numbers


def _number_word(word: str, vocab: ClaimVocab) -> float | None:
    word = word.lower().strip()
    if _NUMERIC.match(word):
        return float(word.replace(",", ""))
    if word in vocab.numbers:
        return vocab.numbers[word]
    if "-" in word:  # "twenty-five"
        parts = [vocab.numbers.get(p) for p in word.split("-")]
        if len(parts) == 2 and parts[0] is not None and parts[1] is not None:
            return parts[0] + parts[1]
    return None


def _amount(words: list[str], vocab: ClaimVocab) -> float | None:
    """ "300", "2.5 million", "three hundred", "a dozen" -> a number."""
    phrase = " ".join(words).lower()
    if phrase in vocab.numbers:
        return vocab.numbers[phrase]
    value: float | None = None
    for word in words:
        low = word.lower()
        if low in vocab.multipliers and value is not None:
            value *= vocab.multipliers[low]
        elif (number := _number_word(low, vocab)) is not None and value is None:
            value = number
        elif low not in ("a", "and"):
            return None
    return value


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def parse_number(text: str, vocab: ClaimVocab | None = None) -> str | None:
    """A number phrase to its normalised value, or None when it is not one.

    "three" -> "3"; "1,700" -> "1700"; "2.5 million" -> "2500000"; "thousands" -> ">=2000";
    "more than 50" -> ">50"; "about 300" -> "~300"; "10 to 20" / "10-20" -> "10-20";
    "fourth" / "4th" -> "4".
    """
    vocab = vocab or vocabulary()
    phrase = " ".join(text.lower().replace("–", "-").split())
    if phrase in vocab.vague:
        return f">={vocab.vague[phrase]}"
    if phrase in vocab.ordinals:
        return str(vocab.ordinals[phrase])
    if match := _ORDINAL_DIGITS.match(phrase):
        return match.group(1)
    for cue, sign in sorted(vocab.qualifiers.items(), key=lambda kv: -len(kv[0])):
        if phrase.startswith(cue + " "):
            rest = parse_number(phrase[len(cue) + 1 :], vocab)
            return f"{sign}{rest}" if rest and rest[0].isdigit() and "-" not in rest else None
    for separator in (" to ", "-", " and "):
        low, _, high = phrase.partition(separator)
        a = _amount(low.split(), vocab) if high else None
        b = _amount(high.split(), vocab) if a is not None else None
        if a is not None and b is not None and a < b:
            return f"{_fmt(a)}-{_fmt(b)}"
    value = _amount(phrase.split(), vocab)
    return None if value is None else _fmt(value)


# --------------------------------------------------------------------------- context


@dataclass
class _Context:
    """One document's tokens tied to its actors and dates."""

    doc: Doc
    vocab: ClaimVocab
    token_actor: dict[int, Actor]
    mention_roots: list[tuple[int, Actor]]
    date_tokens: dict[int, DateExpr]
    published: str | None
    by_name: dict[str, Actor]
    # the date tokens of each sentence (by its first token), in text order
    sentence_dates: dict[int, list[tuple[int, DateExpr]]]

    def actor(self, token: Token) -> Actor | None:
        """The actor a token refers to, pronouns resolved to the nearest fitting antecedent.

        A proper noun the actors stage left unmarked ("trips to Russia": a place there) is
        looked up among the document's actor names and aliases.
        """
        found = self.token_actor.get(token.i)
        if found is None and token.lower_ in _PRONOUNS_PERSON:
            return self._antecedent(token)
        if found is None and token.pos_ == "PROPN":
            names = [c for c in token.lefts if c.dep_ == "compound"] + [token]
            return self.by_name.get(" ".join(t.text for t in names).casefold())
        return found

    def actors(self, token: Token) -> list[Actor]:
        """Every actor a noun phrase names, conjuncts and "they" included, in order."""
        if token.lower_ in _PRONOUNS_PLURAL:
            return self._plural_antecedent(token)
        found: dict[str, Actor] = {}
        for t in [token, *token.conjuncts]:
            if (a := self.actor(t)) is not None:
                found.setdefault(a.id, a)
        return list(found.values())

    def actors_within(self, token: Token) -> list[Actor]:
        found: dict[str, Actor] = {}
        for t in token.subtree:
            if (a := self.token_actor.get(t.i)) is not None:
                found.setdefault(a.id, a)
        return list(found.values())

    def _antecedent(self, token: Token) -> Actor | None:
        """He/she as a subject: the last person who was a subject; him/her: the last person
        named before it in the sentence, other than its own clause's subject."""
        earlier = [(i, a) for i, a in self.mention_roots if i < token.i and a.kind == "person"]
        if token.dep_ in _SUBJECT or token.sent.start == token.i:
            subjects = [(i, a) for i, a in earlier if self.doc[i].dep_ in _SUBJECT]
            chosen = subjects or earlier
            return chosen[-1][1] if chosen else None
        own = _clause_subject(token)
        own_actor = self.token_actor.get(own.i) if own is not None else None
        same = [a for i, a in earlier if i >= token.sent.start and a is not own_actor]
        return same[-1] if same else None

    def _plural_antecedent(self, token: Token) -> list[Actor]:
        """ "They": the last conjoined subject ("Putin and Min Aung Hlaing ...") before it."""
        start = _previous_sentence_start(token)
        for i in range(token.i - 1, start - 1, -1):
            candidate = self.doc[i]
            if candidate.dep_ in _SUBJECT and candidate.conjuncts:
                found = self.actors(candidate)
                if len(found) > 1:
                    return found
        return []

    def attached_date(self, clause: Token) -> DateExpr | None:
        """The date the clause itself states (not one that opens a period, not a nested one)."""
        for index, expr in self.sentence_dates.get(clause.sent.start, ()):
            if _path_to(self.doc[index], clause, self.vocab.period_start):
                return expr
        return None

    def as_of(self, clause: Token) -> str | None:
        expr = self.attached_date(clause)
        return expr.value if expr is not None else self.published


def _previous_sentence_start(token: Token) -> int:
    start = token.sent.start
    return token.doc[start - 1].sent.start if start > 0 else start


def _path_to(token: Token, clause: Token, period_start: frozenset[str]) -> bool:
    """True when ``token`` hangs under ``clause`` through no nested clause or period word."""
    current = token
    while current.i != clause.i:
        if current.lower_ in period_start or any(
            c.dep_ == "mark" and c.lower_ in period_start for c in current.children
        ):
            return False
        if current.dep_ in _NESTED or current.head.i == current.i:
            return False
        current = current.head
    return True


def _clause_subject(token: Token) -> Token | None:
    """The subject of the clause a token is in, through participles and conjoined verbs."""
    current = token
    for _ in range(len(token.sent)):
        if current.pos_ in ("VERB", "AUX"):
            subject = next((c for c in current.children if c.dep_ in _SUBJECT), None)
            if subject is not None:
                return subject
        if current.head.i == current.i:
            return None
        current = current.head
    return None


def _build_context(
    doc: Doc,
    mentions: Sequence[Mention],
    actors: Sequence[Actor],
    dates: Sequence[DateExpr],
    published: str | None,
) -> _Context:
    by_id = {a.id: a for a in actors}
    token_actor: dict[int, Actor] = {}
    roots: list[tuple[int, Actor]] = []
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        actor = by_id.get(mention.actor_id)
        if span is None or actor is None:
            continue
        for token in span:
            token_actor[token.i] = actor
        roots.append((span.root.i, actor))
    date_tokens: dict[int, DateExpr] = {}
    for expr in dates:
        span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
        if span is not None:
            date_tokens[span.root.i] = expr
    by_name = {name.casefold(): a for a in actors for name in (a.name, *a.aliases)}
    sentence_dates: dict[int, list[tuple[int, DateExpr]]] = {}
    for index, expr in sorted(date_tokens.items()):
        sentence_dates.setdefault(doc[index].sent.start, []).append((index, expr))
    return _Context(
        doc,
        vocabulary(),
        token_actor,
        sorted(roots, key=lambda root: root[0]),
        date_tokens,
        published,
        by_name,
        sentence_dates,
    )


# --------------------------------------------------------------------------- helpers


def _child(token: Token, *deps: str) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or (
        verb.tag_ == "VBN" and any(c.dep_ == "agent" for c in verb.children)
    )


def _clause_head(token: Token) -> Token:
    """The verb a noun phrase belongs to (the token itself when none)."""
    current = token
    while current.pos_ not in ("VERB", "AUX") and current.head.i != current.i:
        current = current.head
    return current


def _phrase(ctx: _Context, noun: Token) -> str:
    """A noun with its compound modifiers and a prepositional object: "trips to Russia"."""
    words = [c.lower_ for c in noun.lefts if c.dep_ == "compound" and c.i not in ctx.token_actor]
    words.append(noun.lower_ if noun.tag_ in ("NNS", "NNPS") else noun.lemma_.lower())
    preps = [c for c in noun.rights if c.dep_ == "prep"]
    if noun.dep_ == "dobj":  # "made three trips to Russia": the parser hangs "to" on the verb
        preps += [c for c in noun.head.rights if c.dep_ == "prep" and c.i > noun.i]
    for prep in preps:
        target = _child(prep, "pobj")
        if target is None or _is_number(ctx, target):
            continue
        actor = ctx.actor(target)
        name = target.text if target.pos_ == "PROPN" else target.lemma_.lower()
        words += [prep.lower_, actor.name if actor else name]
        break
    return " ".join(words)


def _is_number(ctx: _Context, token: Token) -> bool:
    return token.lower_ in ctx.vocab.vague or (
        token.like_num and token.i not in ctx.date_tokens and token.ent_type_ != "DATE"
    )


def _party(actor: Actor, vocab: ClaimVocab) -> str:
    """Who a stance is towards: a regime's people and bodies are one party ("Myanmar military")."""
    if actor.kind in ("person", "organization", "group") and actor.country and actor.sector:
        country = country_by_iso3().get(actor.country)
        word = vocab.sector_words.get(actor.sector)
        if country is not None and word is not None:
            return f"{country.name} {word}"
    return actor.name


def _claim(ctx: _Context, sent: Span, anchor: Token, **fields: Any) -> Claim:
    fields.setdefault("as_of", ctx.as_of(_clause_head(anchor)))
    return Claim(sentence=sent.text.strip(), start=sent.start_char, **fields)


# --------------------------------------------------------------------------- quantities


def _number_phrase(token: Token) -> str:
    """The number token with its qualifiers and multipliers ("more than 8 million")."""
    parts = [t for t in token.subtree if abs(t.i - token.i) <= _NUMBER_REACH]
    return " ".join(t.text for t in parts)


def _counted_noun(ctx: _Context, token: Token) -> Token | None:
    if token.dep_ == "nummod" and token.head.pos_ in ("NOUN", "PROPN"):
        return token.head
    if token.lower_ in ctx.vocab.vague and token.dep_ == "pobj" and token.head.lower_ == "of":
        return token.head.head if token.head.head.pos_ == "NOUN" else None
    return None


def _reference(noun: Token) -> bool:
    """ "the two countries", "both sides": a reference, not a count."""
    return any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an") for c in noun.lefts)


def _quantity_predicate(ctx: _Context, noun: Token) -> tuple[str, Token]:
    """(predicate, the token whose clause the claim belongs to)."""
    verb = noun.head
    if noun.lemma_ == "time" and verb.pos_ == "VERB":
        target = _child(verb, "dobj")
        actor = ctx.actor(target) if target is not None else None
        obj = actor.name if actor else (target.lemma_ if target is not None else "")
        return f"{verb.lemma_} {obj}".strip(), verb
    head = ctx.vocab.heads.get(verb.lemma_.lower())
    if noun.lemma_.lower() in ctx.vocab.generic_counted and verb.pos_ == "VERB" and head:
        return head, verb
    if noun.dep_ == "pobj" and verb.dep_ == "prep" and verb.head.pos_ == "VERB":
        # a unit under a verb: "could expand to 300 megawatts" -> "expand to megawatts"
        return f"{verb.head.lemma_.lower()} {verb.lower_} {noun.lower_}", verb.head
    return _phrase(ctx, noun), noun


def _label(noun: Token) -> str:
    """A noun phrase as an event label: "small-scale nuclear plant in Myanmar"."""
    left = [t for t in noun.subtree if t.i <= noun.i and t.dep_ not in ("det", "poss", "case")]
    return "".join(t.text_with_ws for t in left).strip().lower()


def _subject_label(ctx: _Context, clause: Token) -> str | None:
    """The non-actor subject of a clause as a label; a relative pronoun stands for its noun."""
    verb = _clause_head(clause)
    subject = _child(verb, *_SUBJECT)
    if subject is None:
        return None
    if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        subject = verb.head
    return _label(subject) if subject.pos_ in ("NOUN", "PROPN") else None


def _responsible(ctx: _Context, noun: Token, clause: Token) -> Actor | None:
    """Whose count it is: the possessor, else the clause's subject or passive agent."""
    if (owner := _child(noun, "poss")) is not None and (actor := ctx.actor(owner)) is not None:
        return actor
    verb = _clause_head(clause)
    if noun.dep_ in _SUBJECT:
        agent = _child(verb, "agent")
        pobj = _child(agent, "pobj") if agent is not None else None
        return ctx.actor(pobj) if pobj is not None else None
    subject = _clause_subject(verb)
    if subject is None:
        return None
    # "Fighters of the Rapid Support Forces killed ...": the actor inside the subject
    return ctx.actor(subject) or next(iter(ctx.actors_within(subject)), None)


def _quantities(ctx: _Context, sent: Span) -> Iterator[Claim]:
    for token in sent:
        if not _is_number(ctx, token) or (noun := _counted_noun(ctx, token)) is None:
            continue
        if _reference(noun) or noun.lemma_.lower() in ctx.vocab.not_counts:
            continue
        if (value := parse_number(_number_phrase(token), ctx.vocab)) is None:
            continue
        if _negated(_clause_head(noun)):
            continue
        predicate, clause = _quantity_predicate(ctx, noun)
        actor = _responsible(ctx, noun, clause)
        label = None if actor else _subject_label(ctx, clause)
        yield _claim(
            ctx,
            sent,
            clause,
            kind="quantity",
            subject=actor.name if actor else label or predicate,
            subject_id=actor.id if actor else None,
            predicate=predicate if actor or label else "number",
            value=value,
        )


def _ordinals(ctx: _Context, sent: Span) -> Iterator[Claim]:
    for token in sent:
        value = ctx.vocab.ordinals.get(word := token.lower_)
        if value is None and (match := _ORDINAL_DIGITS.match(word)):
            value = int(match.group(1))
        if value is None or token.dep_ != "amod":
            continue
        noun = token.head
        if noun.lemma_.lower() not in ctx.vocab.ordinal_nouns:
            continue
        actor = _responsible(ctx, noun, noun)
        if actor is None:
            continue
        base = _phrase(ctx, noun).split(" ", 1)
        plural = base[0] if base[0].endswith("s") else base[0] + "s"
        yield _claim(
            ctx,
            sent,
            noun,
            kind="quantity",
            subject=actor.name,
            subject_id=actor.id,
            predicate=" ".join([plural, *base[1:]]),
            value=str(value),
        )


# --------------------------------------------------------------------------- quotes


def _quote_spans(sent: Span) -> Iterator[tuple[int, int, str]]:
    for match in _QUOTE.finditer(sent.text):
        group = 1 if match.group(1) is not None else 2
        start = sent.start_char + match.start(group)
        yield start, sent.start_char + match.end(group), match.group(group)


def _governor(ctx: _Context, sent: Span, start: int, end: int) -> Token | None:
    """The verb of saying or naming that governs a quote."""
    inside = [t for t in sent if start <= t.idx < end]
    if not inside:
        return None
    current = inside[0]
    for _ in range(len(sent)):
        if not start <= current.idx < end and current.lemma_.lower() in (
            ctx.vocab.saying_verbs | ctx.vocab.naming_verbs
        ):
            return current
        if current.head.i == current.i:
            break
        current = current.head
    return None


def _speaker(ctx: _Context, verb: Token, named: Actor | None) -> Actor | None:
    """The nearest subject up the clause chain that is an actor other than the one named."""
    current = verb
    for _ in range(len(verb.sent)):
        subject = _clause_subject(current)
        if subject is None:
            return None
        actor = ctx.actor(subject)
        if actor is not None and actor != named:
            return actor
        verb_of_subject = subject.head
        if verb_of_subject.head.i == verb_of_subject.i:
            return None
        current = verb_of_subject.head
    return None


def _named(ctx: _Context, verb: Token) -> Actor | None:
    """Who is named: "calling Putin ...", "referring to him as ..."."""
    targets = [c for c in verb.children if c.dep_ in ("dobj", "dative", "oprd")]
    targets += [
        pobj
        for prep in verb.children
        if prep.dep_ == "prep" and prep.lower_ != "as" and (pobj := _child(prep, "pobj"))
    ]
    return next((a for t in targets if (a := ctx.actor(t)) is not None), None)


def normalise_quote(text: str) -> str:
    """Lower case, single spaces, no leading article or closing punctuation."""
    words = text.lower().replace("’", "'").split()
    if words and words[0] in ("a", "an", "the"):
        words = words[1:]
    return " ".join(words).strip(" .,;:!?")


def _quotes(ctx: _Context, sent: Span) -> Iterator[Claim]:
    for start, end, text in _quote_spans(sent):
        verb = _governor(ctx, sent, start, end)
        if verb is None:
            continue
        naming = verb.lemma_.lower() in ctx.vocab.naming_verbs
        named = _named(ctx, verb) if naming else None
        if (speaker := _speaker(ctx, verb, named)) is None:
            continue
        predicate = "said" if not naming else f"called {named.name}" if named else "called"
        yield _claim(
            ctx,
            sent,
            verb,
            kind="quote",
            subject=speaker.name,
            subject_id=speaker.id,
            predicate=predicate,
            value=normalise_quote(text),
            object=named.name if named else None,
        )


# --------------------------------------------------------------------------- relations


def _relation_noun(token: Token) -> Token:
    """ "one of Myanmar's allies" -> allies."""
    if token.lemma_.lower() == "one" and (prep := _child(token, "prep")) is not None:
        return _child(prep, "pobj") or token
    return token


def _noun_relations(ctx: _Context, sent: Span) -> Iterator[Claim]:
    """ "Russia has become Myanmar's major arms supplier", "Russia, one of Myanmar's allies"."""
    for token in sent:
        if token.dep_ not in ("attr", "appos"):
            continue
        noun = _relation_noun(token)
        polarity = ctx.vocab.relation_nouns.get(noun.lemma_.lower())
        holder = token.head if token.dep_ == "appos" else _child(token.head, "nsubj")
        if polarity is None or holder is None or (subject := ctx.actor(holder)) is None:
            continue
        if token.dep_ == "attr" and token.head.lemma_.lower() not in _COPULAS:
            continue
        owner = _child(noun, "poss") or _child(_child(noun, "prep") or noun, "pobj")
        other = ctx.actor(owner) if owner is not None else None
        if other is None or other.id == subject.id:
            continue
        words = [c.lower_ for c in noun.lefts if c.dep_ == "compound"] + [noun.lemma_.lower()]
        yield _claim(
            ctx,
            sent,
            token,
            kind="relation",
            subject=subject.name,
            subject_id=subject.id,
            predicate=f"{' '.join(words)} of {other.name}",
            value=other.name,
            object=other.name,
            polarity=polarity != _negated(token.head),
        )


def _stance(
    ctx: _Context, sent: Span, anchor: Token, agents: list[Actor], patient: Actor, positive: bool
) -> Iterator[Claim]:
    party = _party(patient, ctx.vocab)
    for agent in agents:
        if agent.id == patient.id or _party(agent, ctx.vocab) == party:
            continue
        yield _claim(
            ctx,
            sent,
            anchor,
            kind="relation",
            subject=agent.name,
            subject_id=agent.id,
            predicate=f"stance towards {party}",
            value="supports" if positive else "opposes",
            object=patient.name,
            polarity=positive,
        )


def _next_subject(verb: Token) -> Token | None:
    """The first subject after a participle phrase ("Despite being shunned by X, Y ...")."""
    # the phrase ends at the first comma (its subtree may swallow the main clause in a bad parse)
    end = next((t.i for t in verb.sent if t.i > verb.i and t.text == ","), verb.i)
    return next((t for t in verb.sent if t.i > end and t.dep_ in _SUBJECT), None)


def _verb_parties(ctx: _Context, verb: Token) -> tuple[list[Actor], Actor | None]:
    """(agents, patient) of a stance verb, active or passive."""
    if _passive(verb):
        agent = _child(verb, "agent")
        agents = ctx.actors_within(agent) if agent is not None else []
        patient_token = (
            _child(verb, "nsubjpass") or _clause_subject(verb.head) or _next_subject(verb)
        )
    else:
        subject = _clause_subject(verb)
        agents = ctx.actors(subject) if subject is not None else []
        patient_token = _child(verb, "dobj")
    patient = ctx.actor(patient_token) if patient_token is not None else None
    return agents, patient


def _verb_stances(ctx: _Context, sent: Span) -> Iterator[Claim]:
    for verb in sent:
        polarity = ctx.vocab.stance_verbs.get(verb.lemma_.lower())
        if polarity is None or verb.pos_ != "VERB":
            continue
        agents, patient = _verb_parties(ctx, verb)
        if patient is not None:
            yield from _stance(ctx, sent, verb, agents, patient, polarity != _negated(verb))


def _noun_stances(ctx: _Context, sent: Span) -> Iterator[Claim]:
    """ "with the help of China and Russia", "Russia's support for Myanmar"."""
    for noun in sent:
        polarity = ctx.vocab.stance_nouns.get(noun.lemma_.lower())
        if polarity is None or noun.pos_ != "NOUN":
            continue
        of = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
        owner = _child(noun, "poss")
        agents = ctx.actors_within(of) if of is not None else []
        agents += ctx.actors(owner) if owner is not None else []
        target = next(
            (c for c in noun.rights if c.dep_ == "prep" and c.lower_ in ("for", "to")), None
        )
        if target is not None and (pobj := _child(target, "pobj")) is not None:
            patient = ctx.actor(pobj)
        else:
            subject = _clause_subject(noun)
            patient = ctx.actor(subject) if subject is not None else None
        if patient is not None:
            yield from _stance(ctx, sent, noun, agents, patient, polarity)


# --------------------------------------------------------------------------- dates


def _first_cue(verb: Token) -> bool:
    """ "first met", "met ... for the first time"."""
    return any(
        t.lower_ == "first" and (t.head == verb or t.head.head in (verb, *verb.children))
        for t in verb.subtree
    )


def _date_parties(ctx: _Context, verb: Token) -> tuple[list[Actor], Actor | None, bool]:
    """(subject actors, the other party, whether the other party acts with them)."""
    subject = _clause_subject(verb)
    if subject is None:
        return [], None, False
    parties = ctx.actors(subject)
    target = _child(verb, "dobj")
    other = ctx.actor(target) if target is not None else None
    holders = [verb] if target is None else [verb, target]
    with_prep = next(
        (c for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "with"), None
    )
    partner = _child(with_prep, "pobj") if with_prep is not None else None
    if partner is not None and other is None and (other := ctx.actor(partner)) is not None:
        return parties, other, True  # "established relations with Russia": both parties
    return parties, other, verb.lemma_.lower() in ctx.vocab.reciprocal_verbs


def _date_predicate(ctx: _Context, verb: Token, other: Actor | None, joint: bool) -> str:
    words = ["first"] if _first_cue(verb) else []
    words.append(verb.lemma_.lower())
    target = _child(verb, "dobj")
    if target is not None and target.i not in ctx.token_actor:
        words += [c.lower_ for c in target.lefts if c.dep_ in ("amod", "compound")]
        words.append(target.lower_)
    if other is not None and not joint:
        words.append(other.name)
    return " ".join(words)


def _dates(ctx: _Context, sent: Span) -> Iterator[Claim]:
    if sent.start not in ctx.sentence_dates:
        return  # a claim of this kind needs a date in its own sentence
    for verb in sent:
        if verb.pos_ != "VERB" or verb.lemma_.lower() in _COPULAS or _negated(verb):
            continue
        expr = ctx.attached_date(verb)
        if expr is None:
            continue
        parties, other, together = _date_parties(ctx, verb)
        if not parties:
            continue
        joint = len(parties) > 1 or (other is not None and together)
        names = [p.name for p in parties] + ([other.name] if other and joint else [])
        subject = " and ".join(sorted(dict.fromkeys(names)))
        yield _claim(
            ctx,
            sent,
            verb,
            kind="date",
            subject=subject,
            subject_id=None if joint else parties[0].id,
            predicate=_date_predicate(ctx, verb, other, joint),
            value=expr.value,
            as_of=expr.value,
        )


# --------------------------------------------------------------------------- the stage

_EXTRACTORS = (_quantities, _ordinals, _quotes, _noun_relations, _verb_stances, _noun_stances)


def extract_claims(
    doc: Doc,
    actors: Sequence[Actor],
    mentions: Sequence[Mention],
    dates: Sequence[DateExpr],
    published: str | None,
    settings: Settings,
) -> tuple[Claim, ...]:
    """Every checkable statement of one parsed document, in text order, without repeats.

    ``actors``/``mentions`` are what :func:`storyline.actors.resolve_actors` returned for
    ``doc``; ``dates`` the document's date expressions (offsets into ``doc.text``);
    ``published`` the document date (ISO at its precision) used as ``as_of`` when a claim's
    clause states no date of its own. ``settings`` is accepted for symmetry with the other
    stages (the vocabulary is the shipped one).
    """
    del settings  # no option of the claims stage is configurable yet
    ctx = _build_context(doc, mentions, actors, dates, published)
    found: dict[tuple[str, ...], Claim] = {}
    for sent in doc.sents:
        for extractor in (*_EXTRACTORS, _dates):
            for claim in extractor(ctx, sent):
                key = (claim.kind, claim.subject, claim.predicate, claim.value, str(claim.start))
                found.setdefault(key, claim)
    return tuple(sorted(found.values(), key=lambda c: c.start))
