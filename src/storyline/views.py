"""Corpus views over the stored events: filtered lists, the timeline, dyad series.

Filters become fixed SQL clauses with bound parameters; nothing here builds SQL from the
values a user typed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Any

from .claim_groups import ClaimSource, group_claims
from .model import ActorRef, ClaimGroup
from .sources import SourceProfile, profile_sources
from .store import EventKey, Store, StoredEvent

# Reports of one event from several documents rarely agree on the day (relative dates against
# different publication dates, or a day-precision date against a month); reports of the same
# type between the same parties within this many days are taken as one event.
SAME_EVENT_DAYS = 7
# a reach later than any date string: the entry never goes out of reach
_NEVER = "\U0010ffff"
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


def where_clause(flt: EventFilter) -> tuple[str, list[object]]:
    """The filter as fixed SQL clauses over ``events e`` and their bound values
    (``Store.events`` and its siblings take both)."""
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
        clauses.append("e.document_id IN (SELECT id FROM documents WHERE lower(source) = lower(?))")
        params.append(flt.source)
    if not flt.include_unhappened:
        clauses.append("e.status IN (?, ?)")
        params += list(HAPPENED)
    if flt.country:
        clauses.append("e.id IN (SELECT event_id FROM event_actors WHERE country = ?)")
        params.append(flt.country.upper())
    if flt.actor:
        clauses.append(
            # LIKE ignores ASCII case by itself (as SQLite's lower() only folds ASCII)
            "e.id IN (SELECT event_id FROM event_actors "
            "WHERE actor_id = ? OR name LIKE '%' || ? || '%')"
        )
        params += [flt.actor, flt.actor]
    return " AND ".join(clauses), params


def events(store: Store, flt: EventFilter = EventFilter()) -> list[StoredEvent]:
    return store.events(*where_clause(flt))


def events_page(
    store: Store, flt: EventFilter, limit: int, offset: int = 0
) -> tuple[int, list[StoredEvent]]:
    """How many events match, and the ``limit`` of them from ``offset`` (paged in SQL)."""
    where, params = where_clause(flt)
    page = store.events(where, params, limit=limit, offset=offset)
    return store.count_events(where, params), page


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


@dataclass(frozen=True, slots=True)
class TimelineSlot:
    """One timeline entry before its events are loaded: date, type and the event ids of its
    reports (the first one names the parties). Small enough to keep for a whole corpus."""

    date: str
    type: str
    event_ids: tuple[int, ...]


def timeline(store: Store, flt: EventFilter = EventFilter()) -> list[TimelineEntry]:
    """Dated events in order; reports of one event from several documents become one entry."""
    items = [item for item in events(store, flt) if item.event.date]
    by_id = {item.id: item for item in items}
    slots = _ordered(_fold(enumerate(_key_of(item) for item in items)))
    return [_entry(slot, [by_id[i] for i in slot.event_ids]) for slot in slots]


def timeline_index(
    store: Store, flt: EventFilter = EventFilter(), keys: TimelineKeys | None = None
) -> list[TimelineSlot]:
    """``timeline`` without loading the events: what a paged view needs to count its entries
    and pick one page (``timeline_entries`` then loads that page).

    ``keys`` (``timeline_keys``: one per database state, shared by every filter) spares
    reading the events again: the filter then only selects event ids; a bucket of reports it
    keeps whole reuses the entries folded once for all filters, the others are folded again
    from the reports kept."""
    where, params = where_clause(flt)
    if keys is None or flt.include_unhappened:
        dated = " AND ".join(c for c in (where, "e.date IS NOT NULL") if c)
        return _ordered(_fold(enumerate(_group_keys(store.event_keys(dated, params)))))
    if flt == EventFilter():
        return list(keys.everything)
    chosen: dict[int, list[int]] = defaultdict(list)
    for event_id in store.event_ids(where, params):
        spot = keys.spots.get(event_id)  # undated events have none
        if spot is not None:
            chosen[spot[0]].append(spot[1])
    folded: list[_Folded] = []
    for number, members in chosen.items():
        bucket = keys.buckets[number]
        if len(members) == len(bucket.keys):
            folded += bucket.folded
        else:
            folded += _fold_bucket([bucket.keys[i] for i in sorted(members)])
    return _ordered(folded)


def timeline_keys(store: Store) -> TimelineKeys:
    """Every dated event that happened (or was promised), bucketed by type and parties (the
    timeline never joins reports across buckets), each bucket folded into its entries."""
    where, params = where_clause(EventFilter())
    keys = _group_keys(store.event_keys(f"{where} AND e.date IS NOT NULL", params))
    by_bucket: dict[tuple[str, frozenset[str]], list[tuple[int, GroupKey]]] = defaultdict(list)
    for at, key in enumerate(keys):
        by_bucket[(key.type, key.parties)].append((at, key))
    buckets = tuple(
        _Bucket(tuple(members), tuple(_fold_bucket(members))) for members in by_bucket.values()
    )
    spots = {
        key.id: (number, index)
        for number, bucket in enumerate(buckets)
        for index, (_, key) in enumerate(bucket.keys)
    }
    everything = tuple(_ordered(f for b in buckets for f in b.folded))
    return TimelineKeys(buckets, spots, everything)


def timeline_entries(store: Store, slots: Sequence[TimelineSlot]) -> list[TimelineEntry]:
    """The entries of these slots, with every report loaded (a slot whose events are not in
    the store, as when the slots come from a newer state of it, is left out)."""
    by_id = {item.id: item for item in store.events_by_id([i for s in slots for i in s.event_ids])}
    found = [(slot, [by_id[i] for i in slot.event_ids if i in by_id]) for slot in slots]
    return [_entry(slot, reports) for slot, reports in found if reports]


@dataclass(frozen=True, slots=True)
class GroupKey:
    """One dated event as the timeline groups it: type, parties, date and document."""

    id: int
    document_id: str
    type: str
    date: str
    parties: frozenset[str]
    day: int  # the date's day number (date.toordinal) at day precision, else -1


@dataclass(frozen=True, slots=True)
class _Folded:
    """A timeline entry as folding made it; ``first`` orders entries of one date and type
    the way they were opened (the position of their first report)."""

    date: str
    type: str
    first: int
    event_ids: tuple[int, ...]


@dataclass(frozen=True)
class _Bucket:
    keys: tuple[tuple[int, GroupKey], ...]  # (position in event order, key), in that order
    folded: tuple[_Folded, ...]


@dataclass(frozen=True)
class TimelineKeys:
    """``timeline_keys``: what every filter's timeline is folded from."""

    buckets: tuple[_Bucket, ...]
    spots: dict[int, tuple[int, int]]  # event id -> (bucket, index of its key in the bucket)
    everything: tuple[TimelineSlot, ...]  # the timeline of the default filter


@dataclass(slots=True)
class _Open:
    """An entry being built: its current date, its reports and their documents."""

    date: str
    type: str
    day: int
    reach: str  # a report dated after this string can no longer be close to the entry
    first: int
    event_ids: list[int]
    documents: set[str]


def _fold(keys: Iterable[tuple[int, GroupKey]]) -> list[_Folded]:
    """Fold reports of one event into one entry, bucket by bucket of type and parties (the
    only reports that can be one event)."""
    buckets: dict[tuple[str, frozenset[str]], list[tuple[int, GroupKey]]] = defaultdict(list)
    for at, key in keys:
        buckets[(key.type, key.parties)].append((at, key))
    return [f for members in buckets.values() for f in _fold_bucket(members)]


def _fold_bucket(keys: Iterable[tuple[int, GroupKey]]) -> list[_Folded]:
    """Fold one bucket's reports. They come in date order, so an open entry that no later
    report can be close to is dropped from the candidates (linear time); the earliest reach
    among the candidates says when to look for such entries."""
    built: list[_Open] = []
    candidates: list[_Open] = []
    earliest = ""
    for at, key in keys:
        if earliest < key.date:
            candidates = [e for e in candidates if e.reach >= key.date]
            earliest = min((e.reach for e in candidates), default=_NEVER)
        match = next((e for e in candidates if _close_to(e, key) and _joins(e, key)), None)
        if match is None:
            match = _Open(key.date, key.type, key.day, _reach(key.date, key.day), at, [], set())
            built.append(match)
            candidates.append(match)
        elif len(key.date) > len(match.date):  # keep the most precise date
            match.date, match.day, match.reach = key.date, key.day, _reach(key.date, key.day)
        earliest = min(earliest, match.reach)
        match.event_ids.append(key.id)
        match.documents.add(key.document_id)
    return [_Folded(e.date, e.type, e.first, tuple(e.event_ids)) for e in built]


def _ordered(folded: Iterable[_Folded]) -> list[TimelineSlot]:
    """Entries by date and type; entries of one date and type in the order they opened."""
    ordered = sorted(folded, key=lambda f: (f.date, f.type, f.first))
    return [TimelineSlot(f.date, f.type, f.event_ids) for f in ordered]


def _group_keys(keys: Iterable[EventKey]) -> list[GroupKey]:
    parties: dict[str, frozenset[str]] = {}  # few distinct sets of parties: map each once
    out = []
    for k in keys:
        found = parties.get(k.parties)
        if found is None:
            found = parties[k.parties] = _party_keys(json.loads(k.parties))
        out.append(GroupKey(k.id, k.document_id, k.type, k.date or "", found, _day(k.date)))
    return out


def _entry(slot: TimelineSlot, reports: list[StoredEvent]) -> TimelineEntry:
    first = reports[0].event
    return TimelineEntry(slot.date, slot.type, first.actors, first.recipients, reports)


def _key_of(item: StoredEvent) -> GroupKey:
    ev = item.event
    parties = _parties(ev.actors + ev.recipients)
    return GroupKey(item.id, item.document_id, ev.type, ev.date or "", parties, _day(ev.date))


def _party_keys(parties: Iterable[str | None]) -> frozenset[str]:
    """``_parties`` over the keys ``Store.event_keys`` gives: an actor id or country as it is,
    a name (after U+0001) lowercased."""
    return frozenset(p[1:].lower() if p.startswith("\x01") else p for p in parties if p)


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


def _day(value: str | None) -> int:
    if value is None or len(value) != len("YYYY-MM-DD"):
        return -1
    try:
        return date.fromisoformat(value).toordinal()
    except ValueError:
        return -1


def _reach(entry_date: str, day: int) -> str:
    """The latest date a report can carry and still be close to an entry dated so (reports
    come in date order, so an entry past its reach is dropped). A day-precision entry reaches
    SAME_EVENT_DAYS further; a year or month entry every date it is a prefix of."""
    if day >= 0:
        return date.fromordinal(day + SAME_EVENT_DAYS).isoformat()
    if len(entry_date) < len("YYYY-MM-DD"):
        return entry_date + "\uffff"
    return _NEVER  # a malformed date: never out of reach


def _close_to(entry: _Open, key: GroupKey) -> bool:
    """Reports within SAME_EVENT_DAYS of each other at day precision; otherwise the same
    date at the coarser precision of the two."""
    if entry.day >= 0 and key.day >= 0:
        return abs(entry.day - key.day) <= SAME_EVENT_DAYS
    shorter = min(len(entry.date), len(key.date))
    return entry.date[:shorter] == key.date[:shorter]


def _joins(entry: _Open, key: GroupKey) -> bool:
    """One document's several mentions of an event type stay separate events only when the
    document says so twice on different dates; same-date repeats fold in."""
    return key.document_id not in entry.documents or entry.date == key.date


def _names(refs: Iterable[ActorRef]) -> str:
    return "; ".join(
        r.name + (f" ({'/'.join(x for x in (r.country, r.sector) if x)})" if r.country else "")
        for r in refs
    )
