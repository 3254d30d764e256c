"""Corpus views over the stored events: filtered lists, the timeline, dyad series.

Filters become fixed SQL clauses with bound parameters; nothing here builds SQL from the
values a user typed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Any

from .claim_groups import ClaimSource, group_claims
from .model import ActorRef, ClaimGroup
from .sources import SourceProfile, profile_sources
from .store import Store, StoredEvent

# Reports of one event from several documents rarely agree on the day (relative dates against
# different publication dates, or a day-precision date against a month); reports of the same
# type between the same parties within this many days are taken as one event.
SAME_EVENT_DAYS = 7
# statuses that say the event (or the statement of intent) took place
HAPPENED = ("happened", "promised")


@dataclass(frozen=True)
class EventFilter:
    actor: str | None = None  # actor id or name (substring, case-insensitive)
    country: str | None = None  # ISO alpha-3 of any party
    type: str | None = None
    since: str | None = None  # ISO date prefix, inclusive
    until: str | None = None
    source: str | None = None
    include_unhappened: bool = False


def events(store: Store, flt: EventFilter = EventFilter()) -> list[StoredEvent]:
    clauses: list[str] = []
    params: list[object] = []
    if flt.type:
        clauses.append("e.type = ?")
        params.append(flt.type.upper())
    if flt.since:
        clauses.append("e.date >= ?")
        params.append(flt.since)
    if flt.until:
        clauses.append("substr(e.date, 1, length(?)) <= ?")
        params += [flt.until, flt.until]
    if flt.source:
        clauses.append("lower(d.source) = lower(?)")
        params.append(flt.source)
    if not flt.include_unhappened:
        clauses.append("e.status IN (?, ?)")
        params += list(HAPPENED)
    if flt.country:
        clauses.append("e.id IN (SELECT event_id FROM event_actors WHERE country = ?)")
        params.append(flt.country.upper())
    if flt.actor:
        clauses.append(
            "e.id IN (SELECT event_id FROM event_actors "
            "WHERE actor_id = ? OR lower(name) LIKE '%' || lower(?) || '%')"
        )
        params += [flt.actor, flt.actor]
    return store.events(" AND ".join(clauses), params)


def event_row(item: StoredEvent) -> dict[str, Any]:
    """A flat row for tables and CSV."""
    ev = item.event
    return {
        "date": ev.date,
        "type": ev.type,
        "mode": ev.mode,
        "status": ev.status,
        "actor": _names(ev.actors),
        "recipient": _names(ev.recipients),
        "context": list(ev.context),
        "location": ev.location,
        "source": item.source,
        "document": item.document_id,
        "score": item.score,
        "confidence": round(ev.confidence, 3),
        "sentence": ev.sentence,
    }


@dataclass
class TimelineEntry:
    """One event on the timeline with every report of it."""

    date: str | None
    type: str
    actors: tuple[ActorRef, ...]
    recipients: tuple[ActorRef, ...]
    reports: list[StoredEvent] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        return sorted({r.document_id for r in self.reports})

    @property
    def sources(self) -> list[str]:
        return sorted({r.source or r.document_id for r in self.reports})

    def row(self) -> dict[str, Any]:
        first = self.reports[0].event
        return {
            "date": self.date,
            "type": self.type,
            "mode": first.mode,
            "actor": _names(self.actors),
            "recipient": _names(self.recipients),
            "location": next((r.event.location for r in self.reports if r.event.location), None),
            "reports": len(self.reports),
            "sources": self.sources,
            "documents": self.documents,
            "sentence": first.sentence,
        }


def timeline(store: Store, flt: EventFilter = EventFilter()) -> list[TimelineEntry]:
    """Dated events in order; reports of one event from several documents become one entry."""
    entries: list[TimelineEntry] = []
    open_by_key: dict[tuple[str, frozenset[str]], list[TimelineEntry]] = defaultdict(list)
    for item in events(store, flt):
        ev = item.event
        if not ev.date:
            continue
        key = (ev.type, _parties(ev.actors + ev.recipients))
        match = next(
            (e for e in open_by_key[key] if _close(e.date, ev.date) and _new_document(e, item)),
            None,
        )
        if match is None:
            match = TimelineEntry(ev.date, ev.type, ev.actors, ev.recipients)
            entries.append(match)
            open_by_key[key].append(match)
        match.reports.append(item)
        if len(ev.date) > len(match.date or ""):  # keep the most precise date
            match.date = ev.date
    return sorted(entries, key=lambda e: (e.date or "", e.type))


@dataclass(frozen=True)
class DyadMonth:
    month: str
    a_to_b: int
    b_to_a: int
    mutual: int
    mean_score: float


def dyads(store: Store, a: str, b: str, flt: EventFilter = EventFilter()) -> list[DyadMonth]:
    """By month: events from A to B, B to A, mutual (both among the actors), and the mean
    PLOVER cooperation-conflict score. A and B are actor ids, names or ISO alpha-3 codes."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    scores: dict[str, list[float]] = defaultdict(list)
    for item in events(store, flt):
        ev = item.event
        if not ev.date or len(ev.date) < len("YYYY-MM"):
            continue
        month = ev.date[:7]
        direction = _direction(ev.actors, ev.recipients, a, b)
        if direction is None:
            continue
        counts[month][direction] += 1
        scores[month].append(item.score)
    return [
        DyadMonth(
            month,
            a_to_b=counts[month][0],
            b_to_a=counts[month][1],
            mutual=counts[month][2],
            mean_score=round(mean(scores[month]), 2),
        )
        for month in sorted(counts)
    ]


def claim_groups(store: Store) -> list[ClaimGroup]:
    """Every stored claim grouped across documents, with a verdict (claim_groups.py)."""
    sources: dict[str, ClaimSource] = {}
    for doc in store.iter_documents():
        duplicate = store.duplicate_of(doc.id)
        sources[doc.id] = ClaimSource(
            document=doc.id,
            source=doc.source,
            published=doc.published,
            duplicate_of=duplicate[0] if duplicate else None,
            published_estimated=doc.published_estimated,
        )
    items = [(sources[doc_id], claim) for doc_id, claim in store.all_claims()]
    return group_claims(items)


def source_profiles(
    store: Store, groups: Sequence[ClaimGroup] | None = None
) -> list[SourceProfile]:
    """One profile per outlet: kind, period, what it reports and how it names key actors."""
    documents = list(store.iter_documents(full=True))
    copies = {}
    for doc in documents:
        duplicate = store.duplicate_of(doc.id)
        if duplicate:
            copies[doc.id] = duplicate[0]
    return profile_sources(documents, claim_groups(store) if groups is None else groups, copies)


def _direction(
    actors: Sequence[ActorRef], recipients: Sequence[ActorRef], a: str, b: str
) -> int | None:
    """0: A acts on B, 1: B acts on A, 2: both are actors of a reciprocal event."""
    a_acts, b_acts = _matches(actors, a), _matches(actors, b)
    if a_acts and _matches(recipients, b):
        return 0
    if b_acts and _matches(recipients, a):
        return 1
    if a_acts and b_acts and not recipients:
        return 2
    return None


def _matches(refs: Iterable[ActorRef], wanted: str) -> bool:
    key = wanted.strip().lower()
    for ref in refs:
        if key in {(ref.actor_id or "").lower(), ref.name.lower(), (ref.country or "").lower()}:
            return True
    return False


def _parties(refs: Iterable[ActorRef]) -> frozenset[str]:
    return frozenset(r.actor_id or r.country or r.name.lower() for r in refs)


def _close(first: str | None, second: str) -> bool:
    if first is None:
        return False
    if len(first) < len("YYYY-MM-DD") or len(second) < len("YYYY-MM-DD"):
        shorter = min(len(first), len(second))
        return first[:shorter] == second[:shorter]
    gap = date.fromisoformat(first) - date.fromisoformat(second)
    return abs(gap.days) <= SAME_EVENT_DAYS


def _new_document(entry: TimelineEntry, item: StoredEvent) -> bool:
    """One document's several mentions of an event type stay separate events only when the
    document says so twice on different dates; same-date repeats fold in."""
    return item.document_id not in entry.documents or entry.date == item.event.date


def _names(refs: Iterable[ActorRef]) -> str:
    return "; ".join(
        r.name + (f" ({'/'.join(x for x in (r.country, r.sector) if x)})" if r.country else "")
        for r in refs
    )
