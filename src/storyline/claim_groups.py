"""Claims across documents: groups of statements about one thing, and a verdict for each.

:func:`group_claims` puts the claims of many documents about the same subject and a similar
predicate into one group, then judges the group:

- ``corroborated``: two or more independent sources agree;
- ``contested``: independent sources disagree for the same time (or their dates are unknown
  or estimated, so time cannot explain the difference);
- ``changed-over-time``: values differ but their ``as_of`` dates explain it (a count that
  grows with later dates);
- ``single-source``: every statement counts for one source.

Copies (``duplicate_of``) count as their original's source, an aggregator's article as the
source it names, and a document with no known source as its own outlet. The method and its
thresholds are in docs/claims.md.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .claims import ClaimVocab, vocabulary
from .layers import GrowingMap, GrowingSet
from .model import Claim, ClaimGroup, Statement, Verdict

# two predicates are one when the Jaccard similarity of their canonical word sets reaches
# this: "first met" ~ "met" (1/2) join, "visits to Russia" ~ "visits to China" (1/3) do not
PREDICATE_SIMILARITY = 0.5
# two quotes are one when this share of their words is common (Jaccard): rewordings of
# punctuation, an article or one word out of four still match
QUOTE_SIMILARITY = 0.6
# "about 300" is read as 300 +/- 10%: the rounding newsrooms apply to approximate figures
APPROXIMATE = 0.1
_WORD = re.compile(r"[\w'-]+")


@dataclass(frozen=True)
class ClaimSource:
    """Where one claim comes from: its document, outlet, date and copy link."""

    document: str
    source: str | None
    published: str | None
    duplicate_of: str | None = None
    published_estimated: bool = False
    wire: str | None = None  # the agency (or outlet) whose story this is, when it names one


@dataclass
class _Item:
    origin: ClaimSource
    claim: Claim
    outlet: str
    words: frozenset[str]

    @functools.cached_property
    def statement(self) -> Statement:
        """The claim as its group lists it (made once: a group is judged again as it grows)."""
        return Statement(
            document=self.origin.document,
            source=self.origin.source or self.origin.document,
            value=self.claim.value,
            as_of=self.claim.as_of,
            sentence=self.claim.sentence,
            independent_source=self.outlet,
        )


# a disagreement's explanation lists this many statements from each end of its time line
DETAILS_SHOWN = 5
# an agreement's explanation names this many outlets (alphabetically first), then a count
OUTLETS_NAMED = 8


@dataclass
class _Value:
    """One value a group's claims give (with its polarity): a claim giving it, whether some
    claim gives it without a known time, the known times it is given for (the earliest and
    latest of them) and every prefix of those (``_dates_agree`` is a prefix test)."""

    claim: Claim
    undated: bool = False
    times: GrowingSet[str] = field(default_factory=GrowingSet)
    prefixes: GrowingSet[str] = field(default_factory=GrowingSet)
    earliest: str = ""
    latest: str = ""

    def copy(self) -> _Value:
        return _Value(
            self.claim, self.undated, self.times.copy(), self.prefixes.copy(),
            self.earliest, self.latest,
        )  # fmt: skip

    def add(self, item: _Item) -> str | None:
        """Count the claim in; the time it gives when not given before."""
        if not _dated(item):
            self.undated = True
            return None
        when = item.claim.as_of or ""
        if not self.times.add(when):
            return None
        for n in range(1, len(when) + 1):
            self.prefixes.add(when[:n])
        self.earliest = min(self.earliest, when) if len(self.times) > 1 else when
        self.latest = max(self.latest, when)
        return when

    def seal(self) -> None:
        self.times.seal()
        self.prefixes.seal()

    def refines(self, when: str) -> bool:
        """Some time of this value is a prefix of ``when`` or ``when`` a prefix of one."""
        return when in self.prefixes or any(when[:n] in self.times for n in range(1, len(when)))


@dataclass
class _Summary:
    """What judging and naming a group read, kept up to date as claims join it, so that a
    group judged again after an ingest is not read claim by claim."""

    count: int = 0
    first_value: str = ""
    # the values given (with polarity), in order of first use: what disagreement reads
    values: dict[tuple[str, bool], _Value] = field(default_factory=dict)
    # the pairs of values some times of which agree (``_Value.refines``; only grows)
    same_time: set[frozenset[tuple[str, bool]]] = field(default_factory=set)
    outlets: GrowingSet[str] = field(default_factory=GrowingSet)
    named: list[str] = field(default_factory=list)  # the OUTLETS_NAMED first, sorted
    # a form (subject, predicate) -> how often it is written, minus the place of its first use
    subjects: dict[str, tuple[int, int]] = field(default_factory=dict)
    predicates: dict[str, tuple[int, int]] = field(default_factory=dict)
    # what a disagreement lists: each outlet's value and time (``_describe``), ordered by
    # time, outlet and first use; the earliest and latest DETAILS_SHOWN of them kept sorted
    described: GrowingSet[str] = field(default_factory=GrowingSet)
    earliest: list[tuple[tuple[str, str, int], str]] = field(default_factory=list)
    latest: list[tuple[tuple[str, str, int], str]] = field(default_factory=list)
    _copied: set[tuple[str, bool]] = field(default_factory=set)  # values this copy owns

    def copy(self) -> _Summary:
        """A copy that later ``add`` calls change without changing this one (a value is
        copied the first time the copy changes it). What grows with the corpus is shared
        in layers (``GrowingSet``), so a copy costs what the group gained since."""
        return _Summary(
            self.count, self.first_value, dict(self.values), set(self.same_time),
            self.outlets.copy(), list(self.named), dict(self.subjects), dict(self.predicates),
            self.described.copy(), list(self.earliest), list(self.latest), set(),
        )  # fmt: skip

    def add(self, item: _Item) -> None:
        claim, place = item.claim, self.count
        if not self.count:
            self.first_value = claim.value
        self.count += 1
        key = (claim.value, claim.polarity)
        value = self.values.get(key)
        if value is None:
            value = self.values[key] = _Value(claim)
            self._copied.add(key)
        elif key not in self._copied:
            value = self.values[key] = value.copy()
            self._copied.add(key)
        when = value.add(item)
        if when is not None:  # a new time: does it meet a time of another value?
            for other_key, other in self.values.items():
                pair = frozenset((key, other_key))
                if other is not value and pair not in self.same_time and other.refines(when):
                    self.same_time.add(pair)
        if self.outlets.add(item.outlet):
            bisect.insort(self.named, item.outlet)
            del self.named[OUTLETS_NAMED:]
        for forms, form in ((self.subjects, claim.subject), (self.predicates, claim.predicate)):
            seen, first = forms.get(form, (0, -place))
            forms[form] = (seen + 1, first)
        text = _describe(item)
        if self.described.add(text):
            entry = ((claim.as_of or "", item.outlet, place), text)
            bisect.insort(self.earliest, entry)
            del self.earliest[DETAILS_SHOWN:]
            bisect.insort(self.latest, entry)
            del self.latest[:-DETAILS_SHOWN]

    def seal(self) -> None:
        """Freeze what this summary and the values it owns gained (``GrowingSet.seal``)."""
        self.outlets.seal()
        self.described.seal()
        for key in self._copied:
            self.values[key].seal()

    def details(self) -> str:
        """What each outlet says when, earliest first: all of it, or the earliest and the
        latest DETAILS_SHOWN with how many are left out between them."""
        left_out = len(self.described) - 2 * DETAILS_SHOWN
        if left_out <= 0:
            both = dict.fromkeys(text for _, text in sorted({*self.earliest, *self.latest}))
            return "; ".join(both)
        first = "; ".join(text for _, text in self.earliest)
        last = "; ".join(text for _, text in self.latest)
        return f"{first}; … {left_out} more …; {last}"


def _summary(items: Sequence[_Item]) -> _Summary:
    summary = _Summary()
    for item in items:
        summary.add(item)
    return summary


@dataclass
class _Cluster:
    kind: str
    subject: str
    items: list[_Item] = field(default_factory=list)
    words: frozenset[str] = frozenset()
    summary: _Summary = field(default_factory=_Summary)
    statements: list[Statement] = field(default_factory=list)

    def add(self, item: _Item) -> None:
        self.items.append(item)
        self.summary.add(item)
        self.statements.append(item.statement)

    def copy(self) -> _Cluster:
        return _Cluster(
            self.kind, self.subject, list(self.items), self.words,
            self.summary.copy(), list(self.statements),
        )  # fmt: skip


# --------------------------------------------------------------------------- independence


def independent_outlets(sources: Sequence[ClaimSource]) -> dict[str, str]:
    """Document id -> the outlet it counts as: copies count as their original's outlet."""
    return _outlets_of(sources, {s.document: s for s in sources})


def _outlets_of(
    sources: Sequence[ClaimSource],
    by_id: Mapping[str, ClaimSource] | GrowingMap[str, ClaimSource],
    *,
    by_wire: bool = False,
) -> dict[str, str]:
    """The outlets of ``sources``, reading copy links through ``by_id`` (a copy is always
    of an earlier document, so documents added later never change an earlier one's).
    ``by_wire``: a document whose story is a wire agency's (its own or its original's
    ``wire``) counts as that agency, so two outlets running one wire story are one source."""
    outlets: dict[str, str] = {}
    for origin in sources:
        root, seen = origin, {origin.document}
        while root.duplicate_of and root.duplicate_of not in seen:
            seen.add(root.duplicate_of)
            parent = by_id.get(root.duplicate_of)
            if parent is None:
                # the original is not among the claims: it still names the outlet
                outlets[origin.document] = origin.source or root.duplicate_of
                break
            root = parent
        else:
            outlets[origin.document] = root.source or origin.source or root.document
        if by_wire and (wire := root.wire or origin.wire):
            outlets[origin.document] = wire
    return outlets


# --------------------------------------------------------------------------- predicates


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def canonical_words(predicate: str, vocab: ClaimVocab | None = None) -> frozenset[str]:
    """The content words of a predicate, each mapped to its canonical head.

    "trips to Russia" and "visits to Russia" both give {"visit", "russia"}.
    """
    vocab = vocab or vocabulary()
    words: set[str] = set()
    for raw in _WORD.findall(predicate.lower()):
        if raw in vocab.stopwords:
            continue
        head = vocab.heads.get(raw) or vocab.heads.get(_singular(raw)) or _singular(raw)
        words.add(head)
    return frozenset(words)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _subject_key(claim: Claim) -> str:
    return claim.subject_id or claim.subject.casefold()


def _joins(cluster: _Cluster, item: _Item, vocab: ClaimVocab) -> bool:
    claim = item.claim
    if cluster.kind != claim.kind or cluster.subject != _subject_key(claim):
        return False
    if jaccard(cluster.words, item.words) < PREDICATE_SIMILARITY:
        return False
    first = cluster.items[0].claim
    if claim.kind == "quote":
        quote = frozenset(_WORD.findall(claim.value))
        return jaccard(frozenset(_WORD.findall(first.value)), quote) >= QUOTE_SIMILARITY
    if claim.kind == "date" and not (
        _one_time(cluster.words, vocab) and _one_time(item.words, vocab)
    ):
        # repeated events ("met in 2022", "met in 2024") are separate facts
        return any(_dates_agree(value, claim.value) for value, _ in cluster.summary.values)
    if claim.kind == "relation" and claim.object and first.object:
        return claim.predicate.startswith("stance") or claim.object == first.object
    return True


def _one_time(words: frozenset[str], vocab: ClaimVocab) -> bool:
    """A date claim only one value can satisfy: "first met", "established relations"."""
    return bool(words & vocab.one_time_heads)


# --------------------------------------------------------------------------- values


@functools.lru_cache(maxsize=4096)
def value_range(value: str) -> tuple[float, float] | None:
    """A normalised number ("3", ">=2000", "~300", "10-20") as an interval."""
    match = re.fullmatch(r"(>=|<=|>|<|~)?(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?", value)
    if match is None:
        return None
    sign, low, high = match.group(1), float(match.group(2)), match.group(3)
    if high is not None:
        return low, float(high)
    bounds = {
        ">": (low + 1, math.inf),
        ">=": (low, math.inf),
        "<": (0.0, low - 1),
        "<=": (0.0, low),
        "~": (low * (1 - APPROXIMATE), low * (1 + APPROXIMATE)),
    }
    return bounds.get(sign or "", (low, low))


def _dates_agree(a: str, b: str) -> bool:
    """ISO values agree when one refines the other ("2022-09" and "2022-09-07")."""
    return a.startswith(b) or b.startswith(a)


def values_agree(kind: str, a: Claim, b: Claim) -> bool:
    if kind == "quote":
        return True  # grouping already requires the same words
    if kind == "relation":
        return a.polarity == b.polarity and a.value == b.value
    if kind == "date":
        return _dates_agree(a.value, b.value)
    ra, rb = value_range(a.value), value_range(b.value)
    if ra is None or rb is None:
        return a.value.casefold() == b.value.casefold()
    return ra[0] <= rb[1] and rb[0] <= ra[1]


# --------------------------------------------------------------------------- verdicts


def _dated(item: _Item) -> bool:
    """The claim's time is known: its own date, or a stated (not estimated) document date."""
    as_of = item.claim.as_of
    if as_of is None:
        return False
    estimated = item.origin.published_estimated and as_of == item.origin.published
    return not estimated


def _describe(item: _Item) -> str:
    when = item.claim.as_of or "an unknown date"
    if item.claim.as_of and not _dated(item):
        when += " (estimated)"
    return f"{item.outlet} says {item.claim.value} as of {when}"


def _names(first: Sequence[str], count: int) -> str:
    """Outlets named by the alphabetically ``first`` of them (at most OUTLETS_NAMED, sorted)
    and how many there are in all."""
    if count == 1:
        return first[0]
    if count > len(first):
        return f"{', '.join(first)} and {count - len(first)} more outlets"
    return ", ".join(first[:-1]) + " and " + first[-1]


def _conflicts(kind: str, values: Sequence[_Value]) -> list[tuple[_Value, _Value]]:
    return [
        (a, b)
        for n, a in enumerate(values)
        for b in values[n + 1 :]
        if not values_agree(kind, a.claim, b.claim)
    ]


def _time_explains(
    kind: str, pairs: Sequence[tuple[_Value, _Value]], summary: _Summary, cumulative: bool
) -> str | None:
    """None when time explains every difference between the disagreeing values, else the
    reason it does not (checked in this order)."""
    if any(a.undated or b.undated for a, b in pairs):
        return "their dates are unknown or estimated, so time cannot explain the difference"
    if any(frozenset((_key(a), _key(b))) in summary.same_time for a, b in pairs):
        return "they disagree for the same time"
    if cumulative and kind == "quantity":
        for a, b in pairs:
            for early, late in ((a, b), (b, a)):
                low, high = value_range(early.claim.value), value_range(late.claim.value)
                later = early.earliest < late.latest
                if later and low and high and high[1] < low[0]:
                    return "a later count is lower than an earlier one"
    return None


def _key(value: _Value) -> tuple[str, bool]:
    return value.claim.value, value.claim.polarity


def _verdict(kind: str, items: Sequence[_Item], cumulative: bool) -> tuple[Verdict, str]:
    return _judge(kind, _summary(items), cumulative)


def _judge(kind: str, summary: _Summary, cumulative: bool) -> tuple[Verdict, str]:
    """The verdict on a group from its summary: values are compared with each other (a
    few), not claims (a group reported by thousands of documents stays cheap to judge)."""
    pairs = _conflicts(kind, list(summary.values.values()))
    if not pairs:
        names = _names(summary.named, len(summary.outlets))
        if len(summary.outlets) >= 2:
            return "corroborated", f"{names} independently agree: {summary.first_value}."
        copies = f" ({summary.count} documents, one source)" if summary.count > 1 else ""
        return "single-source", f"Only {names} reports this{copies}."
    details = summary.details()
    reason = _time_explains(kind, pairs, summary, cumulative)
    if reason is None:
        return "changed-over-time", f"The value changes with time: {details}."
    return "contested", f"Sources disagree and {reason}: {details}."


def _cumulative(cluster: _Cluster, vocab: ClaimVocab) -> bool:
    return bool(cluster.words & vocab.cumulative)


# --------------------------------------------------------------------------- grouping


def _most_common(forms: dict[str, tuple[int, int]]) -> str:
    # the most frequent form; on a tie the fuller one ("first met" over "met"), then the first
    return max(forms, key=lambda f: (forms[f][0], len(f), forms[f][1]))


def _group(cluster: _Cluster, vocab: ClaimVocab) -> ClaimGroup:
    summary = cluster.summary
    verdict, explanation = _judge(cluster.kind, summary, _cumulative(cluster, vocab))
    key = [cluster.kind, cluster.subject, *sorted(cluster.words), cluster.items[0].claim.value]
    digest = hashlib.sha1("|".join(key).encode()).hexdigest()
    return ClaimGroup(
        f"g{digest[:12]}",
        _most_common(summary.subjects),
        _most_common(summary.predicates),
        tuple(cluster.statements),
        verdict,
        explanation,
    )


def group_claims(
    items: Sequence[tuple[ClaimSource, Claim]],
    vocab: ClaimVocab | None = None,
) -> list[ClaimGroup]:
    """Group the claims of a corpus and judge each group; output order follows the input."""
    return list(ClaimIndex.empty(vocab).added(items).groups)


@dataclass(frozen=True)
class ClaimIndex:
    """The claim groups of the claims seen so far, kept open for more: ``added`` gives the
    index with more claims (of documents added later: a corpus only grows), judging again
    only the groups they join. An index is never changed, so one computed for an earlier
    state of a store can be shared while a later one is built from it."""

    vocab: ClaimVocab
    clusters: tuple[_Cluster, ...] = ()
    groups: tuple[ClaimGroup, ...] = ()  # one per cluster, same order
    # only clusters of the same kind and subject can take a claim (``_joins``): indexed so,
    # a claim is compared with those, not with every cluster of the corpus
    by_subject: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    # the documents seen and the outlet each counts for (in layers: an index copies what
    # its documents added, not every document)
    sources: GrowingMap[str, ClaimSource] = field(default_factory=GrowingMap)
    outlets: GrowingMap[str, str] = field(default_factory=GrowingMap)

    @classmethod
    def empty(cls, vocab: ClaimVocab | None = None) -> ClaimIndex:
        """The index of no claims (with the bundled vocabulary unless one is given)."""
        return cls(vocab or vocabulary())

    def added(self, items: Sequence[tuple[ClaimSource, Claim]]) -> ClaimIndex:
        """This index with ``items`` (in document order) grouped in."""
        if not items:
            return self
        batch = {origin.document: origin for origin, _ in items}
        sources, outlets = self.sources.copy(), self.outlets.copy()
        for document, origin in batch.items():
            sources.add(document, origin)  # a document seen before keeps its record
        new = [origin for document, origin in batch.items() if document not in outlets]
        for document, outlet in _outlets_of(new, sources, by_wire=True).items():
            outlets.add(document, outlet)
        sources.seal()
        outlets.seal()
        clusters = list(self.clusters)
        by_subject = dict(self.by_subject)
        touched: set[int] = set()
        for origin, claim in items:
            item = _Item(origin, claim, outlets[origin.document], _words(claim, self.vocab))
            subject = (claim.kind, _subject_key(claim))
            candidates = by_subject.get(subject, ())
            number = next((n for n in candidates if _joins(clusters[n], item, self.vocab)), None)
            if number is None:
                number = len(clusters)
                clusters.append(_Cluster(claim.kind, subject[1], words=item.words))
                by_subject[subject] = (*candidates, number)
            elif number not in touched:  # copy before changing: the old index keeps its own
                clusters[number] = clusters[number].copy()
            touched.add(number)
            clusters[number].add(item)
        for number in touched:  # what they gained frozen: the next index shares it
            clusters[number].summary.seal()
        judged = {number: _group(clusters[number], self.vocab) for number in touched}
        known = len(self.groups)
        groups = [*self.groups, *(judged[n] for n in range(known, len(clusters)))]
        for number in touched:
            if number < known:
                groups[number] = judged[number]
        return ClaimIndex(self.vocab, tuple(clusters), tuple(groups), by_subject, sources, outlets)


def _words(claim: Claim, vocab: ClaimVocab) -> frozenset[str]:
    return canonical_words(claim.predicate, vocab)
