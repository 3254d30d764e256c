"""Corpus views over the stored events: filtered lists, the timeline, dyad series.

Filters become fixed SQL clauses with bound parameters; nothing here builds SQL from the
values a user typed.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Any, NamedTuple, TypeVar

from .claim_groups import ClaimIndex, ClaimSource
from .layers import long_lived
from .model import ActorRef, ClaimGroup
from .sources import SourceProfile, profile_store
from .store import EventKey, Store, StoredEvent

T = TypeVar("T")

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


# -- the timeline ------------------------------------------------------------------------------
#
# Reports of one event become one entry: the reports of a type between the same parties (a
# "bucket") are folded in date order, a report joining the first earlier entry that is close
# in date (see _close_to, _joins). Reports no sentence, paragraph or document dates fold into
# one entry per bucket, listed after the dated entries.


class Published(NamedTuple):
    """A publication date and whether it is an estimate (a lower bound: a document without a
    stated date was published then or later)."""

    date: str
    estimated: bool

    def __str__(self) -> str:
        return f"{self.date} (est.)" if self.estimated else self.date


@dataclass
class TimelineEntry:
    """One event on the timeline with every report of it. ``date`` is None when no report
    states one: the entry then comes after the dated ones, and the publication dates of its
    reports' documents (``reported``) are what places it in time."""

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

    @property
    def dated(self) -> bool:
        return self.date is not None

    @property
    def reported(self) -> tuple[Published | None, Published | None]:
        """The earliest and the latest publication date of the documents reporting it (None
        when no document has one); a date some document states outranks the same date
        estimated for another."""
        estimated: dict[str, bool] = {}
        for r in self.reports:
            if r.published:
                estimated[r.published] = estimated.get(r.published, True) and r.published_estimated
        if not estimated:
            return None, None
        first, last = min(estimated), max(estimated)
        return Published(first, estimated[first]), Published(last, estimated[last])

    @property
    def published_estimated(self) -> bool:
        """One end of ``reported`` is an estimated publication date."""
        return any(end is not None and end.estimated for end in self.reported)

    @property
    def reported_span(self) -> str | None:
        """``reported`` as text, "2022-09 (est.) to 2024-08-07 (est.)" (None: unknown)."""
        first, last = self.reported
        if first is None or last is None:
            return None
        return str(first) if first == last else f"{first} to {last}"

    @property
    def reported_note(self) -> str:
        """When the documents reporting it were published: "reported in documents published
        2022-09 (est.) to 2024-08-07 (est.)"."""
        span, count = self.reported_span, len(self.documents)
        if span is None:
            return f"publication date{'s' if count > 1 else ''} unknown"
        return f"reported in {'a document' if count == 1 else 'documents'} published {span}"

    @property
    def date_note(self) -> str | None:
        """What an undated entry says in place of a date: "date not stated; reported in
        documents published 2022-09 (est.) to 2024-08-07 (est.)"; None for a dated one."""
        return None if self.dated else f"{UNDATED}; {self.reported_note}"

    @property
    def by_document(self) -> list[tuple[str, str, int]]:
        """(document id, outlet or id, number of reports) per reporting document, in the
        order of their first report."""
        counts: dict[str, list[Any]] = {}
        for r in self.reports:
            counts.setdefault(r.document_id, [r.source or r.document_id, 0])[1] += 1
        return [(doc, source, n) for doc, (source, n) in counts.items()]

    @property
    def lead(self) -> StoredEvent:
        """The report that tells the event best (``lead_report``)."""
        return lead_report(self.date, self.reports)

    def _fields(self) -> dict[str, Any]:
        """What both shapes of an entry hold: its date, type, mode, place, dating notes."""
        earliest, latest = self.reported
        return {
            "date": self.date,
            "type": self.type,
            "mode": self.lead.event.mode,
            "location": next((r.event.location for r in self.reports if r.event.location), None),
            "sources": self.sources,
            "dated": self.dated,
            "date_note": self.date_note,
            "reported_from": earliest.date if earliest else None,
            "reported_until": latest.date if latest else None,
            "published_estimated": self.published_estimated,
        }

    def to_json(self) -> dict[str, Any]:
        """The entry as a structured record (``timeline --format json``): parties as
        objects, every report with its document, outlet and sentence."""
        return {
            **self._fields(),
            "actors": [a.to_json() for a in self.actors],
            "recipients": [r.to_json() for r in self.recipients],
            "reports": [
                {
                    "event": r.id,
                    "document": r.document_id,
                    "source": r.source,
                    "published": r.published,
                    "status": r.event.status,
                    "date": r.event.date,
                    "sentence": r.event.sentence,
                }
                for r in self.reports
            ],
        }

    def row(self) -> dict[str, Any]:
        """The entry as display strings (tables, CSV, the web app's lists)."""
        return {
            **self._fields(),
            "actor": _names(self.actors),
            "recipient": _names(self.recipients),
            "reports": len(self.reports),
            "documents": self.documents,
            "sentence": self.lead.event.sentence,
        }


# what an undated entry shows in place of its date
UNDATED = "date not stated"


# A report's place in the event order (``store._EVENT_ORDER``): undated last, then date,
# document and the event's place in it. Unlike a position in a list it does not move when an
# ingest adds events, so folds made before an ingest stay valid after it.
Order = tuple[bool, str, str, int]


@dataclass(frozen=True, slots=True)
class TimelineSlot:
    """One timeline entry before its events are loaded: date (None: not stated), type and the
    event ids of its reports (the first one names the parties). Small enough to keep for a
    whole corpus. ``first`` (the place of its first report in event order, ``Order``) and,
    for an undated entry, ``published`` (its reports' earliest publication date) order
    entries."""

    date: str | None
    type: str
    event_ids: tuple[int, ...]
    first: Order = (False, "", "", 0)
    published: str | None = None


def timeline(store: Store, flt: EventFilter = EventFilter()) -> list[TimelineEntry]:
    """Events in date order, reports of one event from several documents as one entry; then
    the undated events, most reported first (a date filter leaves them out)."""
    items = events(store, flt)
    by_id = {item.id: item for item in items}
    slots = _slots([_key_of(item, at) for at, item in enumerate(items)])
    return [_entry(slot, [by_id[i] for i in slot.event_ids]) for slot in slots]


def timeline_index(
    store: Store, flt: EventFilter = EventFilter(), keys: TimelineKeys | None = None
) -> list[TimelineSlot]:
    """``timeline`` without loading the events: what a paged view needs to count its entries
    and pick one page (``timeline_entries`` then loads that page).

    ``keys`` (``timeline_keys``: one per database state, shared by every filter) spares
    reading the events again: the filter is applied to the keys (no SQL over the events), a
    bucket it keeps whole reuses the entries folded once for all filters (cut at the ends of
    a date range), the others are folded again from the reports kept."""
    if keys is None or flt.include_unhappened:
        return _slots(_group_keys(store.event_keys(*where_clause(flt)))[0])
    if flt == EventFilter():
        return list(keys.everything)
    return _filtered(store, keys, flt)


@long_lived()
def timeline_keys(store: Store, previous: TimelineKeys | None = None) -> TimelineKeys:
    """Every event that happened (or was promised), bucketed by type and parties (the
    timeline never joins reports across buckets), each bucket folded into its entries.

    ``previous`` (the keys of an earlier state of the same store) is extended with the
    events added since, refolding only the buckets they fall in: ingest only appends
    events, so an earlier state's events are all still there, with the same ids. When the
    store is not the one it grew from (``Store.stamp``: another database, or one rebuilt),
    the keys are built afresh."""
    where, params = where_clause(EventFilter())
    last, rowid = store.last_event_id(), store.last_document_rowid()
    stamp = store.stamp(rowid)
    # the stamp holds only while the store grew from the one the keys were made of
    if previous is not None and store.stamp(previous.last_rowid) == previous.stamp:
        added = store.event_keys(f"{where} AND e.id > ?", [*params, previous.last_id])
        return _extended(previous, added, last, (rowid, stamp))
    keys, parties = _group_keys(store.event_keys(where, params))
    dated, undated = _by_bucket(keys)
    buckets = {name: _segments(_segmented(members)) for name, members in dated.items()}
    loose = {name: _undated(members) for name, members in undated.items()}
    return _assembled(buckets, loose, parties, (last, rowid, stamp), len(keys), None)


def _undated(members: Sequence[Member], was: _Undated | None = None) -> _Undated:
    """The undated reports of a bucket (with ``was``'s, an earlier state's, when given),
    in event order, as one entry (``_undated_slot``). An earlier state's reports stay where
    they are: each new one is put in its place (bisected; the lists move in C)."""
    if was is None:
        keys = sorted(members, key=_FIRST)
        return _Undated(keys[0][1].type, tuple(keys), _numbers(keys), _undated_slot(keys))
    grown, ids = list(was.keys), list(was.slot.event_ids)
    for member in sorted(members, key=_FIRST):
        at = bisect_left(grown, member[0], key=_FIRST)
        grown.insert(at, member)
        ids.insert(at, member[1].id)
    dates = [d for d in (was.slot.published, *(k.published for _, k in members)) if d]
    slot = TimelineSlot(None, was.type, tuple(ids), grown[0][0], min(dates, default=None))
    parties = tuple(sorted({*was.parties, *_numbers(members)}))
    return _Undated(was.type, tuple(grown), parties, slot)


def _extended(
    previous: TimelineKeys,
    added: Sequence[EventKey],
    last: int,
    seen: tuple[int, tuple[str, str, str]],
) -> TimelineKeys:
    """``previous`` with the ``added`` events: in each bucket they fall in, only the
    segments within reach of a new report folded again (with the new reports, in event
    order); every other segment and bucket kept as it was."""
    keys, parties = _group_keys(added, previous.known)
    dated, undated = _by_bucket(keys)
    buckets = dict(previous.by_name)
    stale: list[TimelineSlot] = []
    fresh: list[TimelineSlot] = []
    for name, members in dated.items():
        found = buckets.get(name, _Segments((), (), (), ()))
        buckets[name], gone, made = found.spliced(sorted(members, key=_FIRST))
        stale += gone
        fresh += made
    loose = dict(previous.loose_by_name)
    undated_fresh: list[TimelineSlot] = []
    for name, members in undated.items():
        if (was := loose.get(name)) is not None:
            stale.append(was.slot)
        loose[name] = _undated(members, was)
        undated_fresh.append(loose[name].slot)
    # the default timeline: its entries that changed taken out and put back by their place
    # in its order (bisected; the list moves in C), not merged entry by entry
    slots, orders = list(previous.everything), list(previous.orders)
    for slot in stale:
        at = bisect_left(orders, _slot_order(slot))
        del slots[at], orders[at]
    for slot in [*fresh, *undated_fresh]:
        order = _slot_order(slot)
        at = bisect_left(orders, order)
        slots.insert(at, slot)
        orders.insert(at, order)
    known = (previous.parties, previous.names) if len(parties) == len(previous.known) else None
    return _assembled(
        buckets, loose, parties, (last, *seen), previous.count + len(keys), (slots, orders), known
    )


def _slot_order(slot: TimelineSlot) -> tuple[Any, ...]:
    """A slot's place in the default timeline (``_ordered``): dated ones first."""
    if slot.date is not None:
        return (0, *_dated_order(slot))
    return (1, *_undated_order(slot))


def _assembled(
    buckets: dict[BucketName, _Segments],
    loose: dict[BucketName, _Undated],
    parties: dict[str, _Parties],
    last: tuple[int, int, tuple[str, str, str]],
    count: int,
    everything: tuple[list[TimelineSlot], list[tuple[Any, ...]]] | None,
    known: tuple[tuple[_Parties, ...], tuple[str, ...]] | None = None,
) -> TimelineKeys:
    """The keys from their buckets; ``everything`` (the default filter's timeline, with
    each entry's place in it) folded from them unless given (by ``_extended``); ``known``:
    the parties and names, when no new set of parties came."""
    if known is None:
        numbered = tuple(sorted(parties.values(), key=lambda p: p.number))
        known = (numbered, tuple(sorted({n for p in numbered for n in p.names})))
    parts = tuple(itertools.chain.from_iterable(s.parts for s in buckets.values()))
    if everything is None:
        slots = _ordered(
            [s for part in parts for s in part.folded], [u.slot for u in loose.values()]
        )
        everything = (slots, [_slot_order(s) for s in slots])
    return TimelineKeys(
        parts,
        tuple(loose.values()),
        known[0],
        known[1],
        tuple(everything[0]),
        orders=tuple(everything[1]),
        last_id=last[0],
        last_rowid=last[1],
        stamp=last[2],
        count=count,
        known=parties,
        by_name=buckets,
        loose_by_name=loose,
    )


def timeline_entries(store: Store, slots: Sequence[TimelineSlot]) -> list[TimelineEntry]:
    """The entries of these slots, with every report loaded (a slot whose events are not in
    the store, as when the slots come from a newer state of it, is left out)."""
    by_id = {item.id: item for item in store.events_by_id([i for s in slots for i in s.event_ids])}
    found = [(slot, [by_id[i] for i in slot.event_ids if i in by_id]) for slot in slots]
    return [_entry(slot, reports) for slot, reports in found if reports]


@dataclass(frozen=True, slots=True)
class _Parties:
    """The parties of an event: what the timeline groups by (``key``: who acts on whom, each
    party by its country, else its actor id, else its lowercased name; see ``_parties``) and
    what the actor and country filters read.
    ``number`` indexes ``TimelineKeys.parties``."""

    number: int
    key: frozenset[str]
    actor_ids: frozenset[str]
    names: tuple[str, ...]
    countries: frozenset[str]


@dataclass(frozen=True, slots=True)
class GroupKey:
    """One event as the timeline groups it: type, parties, date ("" when not stated) and
    document; for an undated event, its document's publication date."""

    id: int
    document_id: str
    type: str
    date: str
    parties: _Parties
    day: int  # the date's day number (date.toordinal) at day precision, else -1
    published: str | None = None
    order: Order = (False, "", "", 0)


Member = tuple[Order, GroupKey]  # a report's place in event order, and its key


class _Still(NamedTuple):
    """An entry still open at the end of a fold (``_Bucket.open``)."""

    number: int
    date: str
    day: int
    reach: str
    last: Order


@dataclass(frozen=True)
class _Bucket:
    """Dated reports of one type between the same parties (a segment of their bucket: see
    ``_segmented``), folded once for all filters.

    ``clean[i]``: no entry of the fold has reports both before ``i`` and from ``i`` on, so
    the fold of the reports from ``i`` on is the fold's entries starting there."""

    type: str
    keys: tuple[Member, ...]  # in event order
    dates: tuple[str, ...]  # the keys' dates (ascending: bisected by date filters)
    folded: tuple[TimelineSlot, ...]  # in the order the entries opened
    members: tuple[tuple[Order, ...], ...]  # each entry's reports, by their place in order
    starts: tuple[Order, ...]  # each entry's first report (ascending)
    clean: bytes
    parties: tuple[int, ...]  # the distinct parties among the keys (numbers)
    furthest: tuple[str, ...] = ()  # per report, the furthest reach up to it (ascending)
    # per report, what the fold says of it (``_Record``): how it found its entry, the entry
    # (an index into ``folded``), the first entry close to it, and its entry's date then
    how: bytes = b""
    entry_of: tuple[int, ...] = ()
    close: tuple[int, ...] = ()
    dated: tuple[str, ...] = ()
    # per report, whether no entry before it was in reach (a fold can start again there)
    alone: bytes = b""
    # the entries still open after its last report (a report after it could join them):
    # number, date, day precision, reach and last report, in the order they opened
    open: tuple[_Still, ...] = ()

    @property
    def reach(self) -> str:
        """The latest date a report close to one of these can carry."""
        return self.furthest[-1]

    def opened_before(self, i: int) -> int:
        """How many entries open before the report at index ``i``."""
        return bisect_left(self.starts, self.keys[i][0]) if i < len(self.keys) else len(self.starts)


def _segmented(members: Sequence[Member]) -> list[_Bucket]:
    """A bucket's reports (in event order) cut where no earlier report can reach: no entry
    of any fold (of all the reports, a date range, a filter's choice) spans such a cut (an
    entry reaches no further than its furthest report), so each segment folds alone."""
    # a report's furthest reach counting all before it is its segment's own (no segment
    # reaches the next), so each segment takes its slice
    furthest = _furthest(members, "")
    cuts = [i for i in range(1, len(members)) if members[i][1].date > furthest[i - 1]]
    bounds = [0, *cuts, len(members)]
    return [_bucket(members[a:b], furthest[a:b]) for a, b in itertools.pairwise(bounds)]


@dataclass(frozen=True)
class _Segments:
    """One bucket as its segments, in date order, with each one's first report (event
    order), first date and furthest reach (both ascending: segments do not overlap)."""

    parts: tuple[_Bucket, ...]
    firsts: tuple[Order, ...]
    lows: tuple[str, ...]
    reaches: tuple[str, ...]

    def spliced(
        self, members: Sequence[Member]
    ) -> tuple[_Segments, list[TimelineSlot], list[TimelineSlot]]:
        """These segments with new reports (in event order). A report whose place a
        neighbour shows (``_joined``) joins its entry; the segments another new report can
        reach or be reached from are cut again with it. Returns the new segments, the
        entries dropped and the ones made."""
        stale: list[TimelineSlot] = []  # entries of the timeline no longer there
        fresh: dict[int, TimelineSlot] = {}  # entries made (by identity)

        def drop(slot: TimelineSlot) -> None:
            if fresh.pop(id(slot), None) is None:  # made here: never in the timeline
                stale.append(slot)

        parts, rest, firsts = list(self.parts), [], list(self.firsts)
        joined: dict[str, list[Order]] = defaultdict(list)  # per document, its reports joined
        for member in members:
            order, key = member
            n = bisect_right(firsts, order) - 1
            if n + 1 < len(parts) and self.lows[n + 1] == key.date:
                n += 1  # just before the next segment, on its first date: none before reaches
            found = None if n < 0 else _joined(parts[n], member, joined[key.document_id])
            if found is None:
                rest.append(member)
                continue
            parts[n] = found[0]  # its first date and reach stay; its first report may not
            firsts[n] = min(firsts[n], order)
            drop(found[1])
            fresh[id(found[2])] = found[2]
            joined[key.document_id].append(order)
        if not rest:
            kept = _Segments(tuple(parts), tuple(firsts), self.lows, self.reaches)
            return kept, stale, list(fresh.values())
        hit: set[int] = set()
        alone = False  # some new report reaches no segment
        for _, key in rest:
            low = bisect_left(self.reaches, key.date)
            high = bisect_right(self.lows, _reach(key.date, key.day))
            hit.update(range(low, high))
            alone = alone or low >= high
        gone = sorted(hit)
        if len(gone) == 1 and not alone:  # all within one segment's reach: it stays one
            grown, dropped, made_slots = _grown(parts[gone[0]], rest, joined)
            made = [grown]
        else:
            pool = sorted([*rest, *(m for n in gone for m in parts[n].keys)], key=_FIRST)
            made = _segmented(pool)
            dropped = [slot for n in gone for slot in parts[n].folded]
            made_slots = [slot for part in made for slot in part.folded]
        for slot in dropped:
            drop(slot)
        fresh.update((id(slot), slot) for slot in made_slots)
        lows, reaches = list(self.lows), list(self.reaches)
        for n in reversed(gone):
            del parts[n], firsts[n], lows[n], reaches[n]
        for part in made:
            at = bisect_left(firsts, part.keys[0][0])
            parts.insert(at, part)
            firsts.insert(at, part.keys[0][0])
            lows.insert(at, part.dates[0])
            reaches.insert(at, part.reach)
        grown_segments = _Segments(tuple(parts), tuple(firsts), tuple(lows), tuple(reaches))
        return grown_segments, stale, list(fresh.values())


def _segments(parts: Sequence[_Bucket]) -> _Segments:
    return _Segments(
        tuple(parts),
        tuple(p.keys[0][0] for p in parts),
        tuple(p.dates[0] for p in parts),
        tuple(p.reach for p in parts),
    )


@dataclass(frozen=True)
class _Undated:
    """The undated reports of one type between the same parties: one entry."""

    type: str
    keys: tuple[Member, ...]
    parties: tuple[int, ...]
    slot: TimelineSlot


BucketName = tuple[str, frozenset[str]]  # a bucket's type and parties


@dataclass(frozen=True)
class TimelineKeys:
    """``timeline_keys``: what every filter's timeline is made from; and what extending it
    after an ingest needs (the last event id seen, how many events, the parties already
    numbered, the buckets by name)."""

    buckets: tuple[_Bucket, ...]
    undated: tuple[_Undated, ...]
    parties: tuple[_Parties, ...]  # every distinct set of parties, by number
    names: tuple[str, ...]  # every party name (the actor filter matches them once)
    everything: tuple[TimelineSlot, ...]  # the timeline of the default filter
    orders: tuple[tuple[Any, ...], ...] = ()  # each one's place in it (``_slot_order``)
    last_id: int = 0
    last_rowid: int = 0  # the last document stored then, and its ``Store.stamp``
    stamp: tuple[str, str, str] = ("", "", "")
    count: int = 0
    known: dict[str, _Parties] = field(default_factory=dict)
    by_name: dict[BucketName, _Segments] = field(default_factory=dict)
    loose_by_name: dict[BucketName, _Undated] = field(default_factory=dict)


@dataclass(slots=True)
class _Open:
    """An entry being built: its current date, its reports and their documents."""

    date: str
    type: str
    day: int
    reach: str  # a report dated after this string can no longer be close to the entry
    first: Order
    number: int  # its place among the entries of the run, in the order they opened
    event_ids: list[int]
    orders: list[Order]  # its reports' places in event order
    start: int  # the indexes of its first and last report in the sequence folded
    end: int
    documents: set[str]

    def slot(self) -> TimelineSlot:
        return TimelineSlot(self.date, self.type, tuple(self.event_ids), self.first)


# How a report found its entry in a fold (``_Bucket.how``): it joined the first candidate
# close to it; it opened an entry, no candidate being close to it; or candidates close to it
# turned it away (``_joins``: its document was already there), one or more than one.
JOINED, OPENED, TURNED_AWAY_ONCE, TURNED_AWAY = 1, 2, 3, 0


def _slots(keys: Sequence[GroupKey]) -> list[TimelineSlot]:
    """The timeline's entries from the keys of the events it shows, in event order."""
    dated, undated = _by_bucket(keys)
    folded = [o.slot() for members in dated.values() for o in _fold_run(members, 0)[0]]
    return _ordered(folded, [_undated_slot(members) for members in undated.values()])


def _by_bucket(
    keys: Sequence[GroupKey],
) -> tuple[dict[BucketName, list[Member]], ...]:
    """The keys with their places, by bucket of type and parties: dated, then undated."""
    dated: dict[BucketName, list[Member]] = defaultdict(list)
    undated: dict[BucketName, list[Member]] = defaultdict(list)
    for key in keys:
        (dated if key.date else undated)[(key.type, key.parties.key)].append((key.order, key))
    return dated, undated


@dataclass
class _Record:
    """What a fold says of each report (``_Bucket`` keeps it): how it found its entry
    (``JOINED``...), the entry (its number), the first candidate close to it (-1: none),
    and its entry's date once it joined."""

    how: bytearray = field(default_factory=bytearray)
    entry: list[int] = field(default_factory=list)
    close: list[int] = field(default_factory=list)
    dated: list[str] = field(default_factory=list)
    alone: bytearray = field(default_factory=bytearray)  # no candidate in reach before it
    open: list[_Open] = field(default_factory=list)


def _fold_run(
    keys: Sequence[Member],
    start: int,
    stop: int | None = None,
    clean: bytes | None = None,
    record: _Record | None = None,
    open_entries: Sequence[_Open] = (),
    numbered: int = 0,
) -> tuple[list[_Open], int]:
    """Fold one bucket's reports ``keys[start:stop]``. They come in date order, so an open
    entry that no later report can be close to is dropped from the candidates (linear time);
    the earliest reach among the candidates says when to look for such entries.

    With ``clean`` (the bucket's shared fold, ``_Bucket.clean``) the run stops at the first
    report ``i`` where it has no candidate left and ``clean[i]``: from there on both folds
    are the same. ``record`` collects, per report, how it found its entry and which (see
    ``_Record``), and the entries still open at the end. ``open_entries``: those of a fold
    of the reports before ``start``, which this run goes on from (``numbered``: how many
    entries that fold has; those this run opens are numbered after them). Returns the
    entries opened and where the run stopped."""
    stop = len(keys) if stop is None else stop
    built: list[_Open] = []
    candidates = list(open_entries)
    earliest = ""
    for i in range(start, stop):
        at, key = keys[i]
        if earliest < key.date:
            candidates = [e for e in candidates if e.reach >= key.date]
            earliest = min((e.reach for e in candidates), default=_NEVER)
        if clean is not None and not candidates and clean[i]:
            return built, i
        match, close, turned = None, None, 0
        for entry in candidates:
            if _close_to(entry, key):
                if close is None:
                    close = entry
                if _joins(entry, key):
                    match = entry
                    break
                turned += 1
        opened = match is None
        if match is None:
            reach = _reach(key.date, key.day)
            number = numbered + len(built)
            match = _Open(key.date, key.type, key.day, reach, at, number, [], [], i, i, set())
            built.append(match)
            candidates.append(match)
        elif len(key.date) > len(match.date):  # keep the most precise date
            match.date, match.day, match.reach = key.date, key.day, _reach(key.date, key.day)
        earliest = min(earliest, match.reach)
        match.event_ids.append(key.id)
        match.orders.append(at)
        match.end = i
        match.documents.add(key.document_id)
        if record is not None:
            how = OPENED if close is None else JOINED if close is match else TURNED_AWAY
            record.how.append(TURNED_AWAY_ONCE if how == TURNED_AWAY and turned == 1 else how)
            record.entry.append(match.number)
            record.close.append(-1 if close is None else close.number)
            record.dated.append(match.date)
            record.alone.append(opened and len(candidates) == 1)  # in reach: only its own
    if record is not None and stop > start:
        last = keys[stop - 1][1].date
        record.open = [e for e in candidates if e.reach >= last]
    return built, stop


def _bucket(members: Sequence[Member], furthest: tuple[str, ...] | None = None) -> _Bucket:
    """The reports folded (``furthest``: their ``_furthest``, when already known)."""
    record = _Record()
    opened, _ = _fold_run(members, 0, record=record)
    # cover[i]: how many entries have reports both before i and from i on
    change = [0] * (len(members) + 1)
    for entry in opened:
        change[entry.start + 1] += 1
        change[entry.end + 1] -= 1
    clean = bytearray(len(members))
    running = 0
    for i in range(len(members)):
        running += change[i]
        clean[i] = running == 0
    return _Bucket(
        type=members[0][1].type,
        keys=tuple(members),
        dates=tuple(key.date for _, key in members),
        folded=tuple(o.slot() for o in opened),
        members=tuple(tuple(o.orders) for o in opened),
        starts=tuple(o.first for o in opened),
        clean=bytes(clean),
        parties=_numbers(members),
        furthest=_furthest(members, "") if furthest is None else furthest,
        how=bytes(record.how),
        entry_of=tuple(record.entry),
        close=tuple(record.close),
        dated=tuple(record.dated),
        alone=bytes(record.alone),
        open=_still(record.open),
    )


def _still(
    entries: Iterable[_Open], lasts: Mapping[int, Order] | None = None
) -> tuple[_Still, ...]:
    """The open entries as kept; ``lasts``: the last report of those that took none in the
    run (they came open into it)."""
    return tuple(
        _Still(
            e.number, e.date, e.day, e.reach, e.orders[-1] if e.orders else (lasts or {})[e.number]
        )
        for e in entries
    )


def _furthest(members: Sequence[Member], reach: str) -> tuple[str, ...]:
    """For each report, the furthest reach of it and every report before it (``reach``:
    that of the reports before these)."""
    out = []
    for _, key in members:
        reach = max(reach, _reach(key.date, key.day))
        out.append(reach)
    return tuple(out)


def _raised(furthest: tuple[str, ...], before: str) -> tuple[str, ...]:
    """``furthest`` of reports that follow others reaching ``before``."""
    if not before or not furthest or furthest[0] >= before:
        return furthest  # ascending: none below
    return tuple(f if f >= before else before for f in furthest)


def _grown(
    bucket: _Bucket, members: Sequence[Member], present: Mapping[str, Sequence[Order]]
) -> tuple[_Bucket, list[TimelineSlot], list[TimelineSlot]]:
    """``bucket`` with new reports (in event order) folded in, folding again only from the
    last report ``c`` before them that no entry before was in reach of (``alone``): the
    entries before ``c`` are what they were (no report from ``c`` on, new or not, can join
    them or be turned away by them), the rest is the fold of the reports from ``c`` on, a
    fold that starts there with no candidate as the whole fold did. Reports that all come
    after the last go on from its open entries (``_appended``). Returns the bucket, the
    entries it no longer has and those it has instead."""
    keys = bucket.keys
    if members[0][0] > keys[-1][0]:
        return _appended(bucket, members, present)
    at = bisect_left(keys, members[0][0], key=_FIRST)
    # alone before the report at ``at`` says nothing of a new one with an earlier date
    cut = max(0, bucket.alone.rfind(b"\x01", 0, at))
    tail = _bucket(sorted([*keys[cut:], *members]))  # unique orders: plain tuples sort
    kept = bucket.opened_before(cut)  # the entries opened before the cut
    grown = _Bucket(
        type=bucket.type,
        keys=keys[:cut] + tail.keys,
        dates=bucket.dates[:cut] + tail.dates,
        folded=bucket.folded[:kept] + tail.folded,
        members=bucket.members[:kept] + tail.members,
        starts=bucket.starts[:kept] + tail.starts,
        clean=bucket.clean[:cut] + tail.clean,
        parties=tuple(sorted({*bucket.parties, *tail.parties})),
        furthest=bucket.furthest[:cut]
        + _raised(tail.furthest, bucket.furthest[cut - 1] if cut else ""),
        how=bucket.how[:cut] + tail.how,
        alone=bucket.alone[:cut] + tail.alone,
        entry_of=bucket.entry_of[:cut] + tuple(n + kept for n in tail.entry_of),
        close=bucket.close[:cut] + tuple(n + kept if n >= 0 else n for n in tail.close),
        dated=bucket.dated[:cut] + tail.dated,
        # no entry before the cut reaches the new reports, and so none is open at the end
        open=tuple(e._replace(number=e.number + kept) for e in tail.open),
    )
    return grown, list(bucket.folded[kept:]), list(tail.folded)


def _appended(
    bucket: _Bucket, members: Sequence[Member], present: Mapping[str, Sequence[Order]]
) -> tuple[_Bucket, list[TimelineSlot], list[TimelineSlot]]:
    """``bucket`` with new reports that all come after its last (the news of the latest
    days): the fold goes on from the entries open at its end (``_Bucket.open``), as folding
    all the reports would; nothing before is folded again. Their documents are new: an
    open entry holds one only when a report of it was placed there just before (``present``:
    per document, the reports placed), so only those are looked up."""
    keys, n = bucket.keys + tuple(members), len(bucket.keys)
    lasts = {e.number: e.last for e in bucket.open}
    still = [
        _Open(e.date, bucket.type, e.day, e.reach, bucket.folded[e.number].first, e.number,
              [], [], -1, bisect_left(keys, e.last, 0, n, key=_FIRST), set())
        for e in bucket.open
    ]  # fmt: skip
    for e in still:
        for document in {key.document_id for _, key in members}:
            if any(_holds(bucket.members[e.number], o) for o in present.get(document, ())):
                e.documents.add(document)
    ends = {e.number: e.end for e in still}
    record = _Record()
    built, _ = _fold_run(keys, n, record=record, open_entries=still, numbered=len(bucket.folded))
    folded, kept = list(bucket.folded), list(bucket.members)
    changed = [e for e in still if e.event_ids]
    stale = [folded[e.number] for e in changed]
    for e in changed:
        was = folded[e.number]
        folded[e.number] = TimelineSlot(
            e.date, was.type, was.event_ids + tuple(e.event_ids), was.first
        )
        kept[e.number] = kept[e.number] + tuple(e.orders)
    made = [o.slot() for o in built]
    # the reports from an entry's old last up to a new one are within it; a new entry
    # spans its own reports
    lowest = min((ends[e.number] for e in changed), default=n - 1)
    change = [0] * (len(members) + 1)
    for e in [*changed, *built]:
        first = e.start - n + 1 if e.start >= n else 0
        change[first] += 1
        change[e.end - n + 1] -= 1
    marks, running = bytearray(len(members)), 0
    for i in range(len(members)):
        running += change[i]
        marks[i] = running == 0
    return (
        _Bucket(
            type=bucket.type,
            keys=keys,
            dates=bucket.dates + tuple(key.date for _, key in members),
            folded=(*folded, *made),
            members=(*kept, *(tuple(o.orders) for o in built)),
            starts=bucket.starts + tuple(o.first for o in built),
            clean=bucket.clean[: lowest + 1] + bytes(n - lowest - 1) + bytes(marks),
            parties=tuple(sorted({*bucket.parties, *_numbers(members)})),
            furthest=bucket.furthest + _furthest(members, bucket.reach),
            how=bucket.how + bytes(record.how),
            alone=bucket.alone + bytes(record.alone),
            entry_of=bucket.entry_of + tuple(record.entry),
            close=bucket.close + tuple(record.close),
            dated=bucket.dated + tuple(record.dated),
            open=_still(record.open, lasts),
        ),
        stale,
        [*(folded[e.number] for e in changed), *made],
    )


_FIRST = operator.itemgetter(0)


def _joined(
    bucket: _Bucket, member: Member, present: Sequence[Order] = ()
) -> tuple[_Bucket, TimelineSlot, TimelineSlot] | None:
    """``bucket`` with one new report, placed without folding when a report next to it in
    event order with the same date shows where the fold puts it. Such a neighbour had the
    same candidates (the same ones close to it), so its record (``_Record``) names the new
    report's first close candidate ``c``: its entry if it joined the first close one, the
    one that turned it away, or the entry it opened (the neighbour before). The new report
    joins ``c`` when ``c`` does not hold its document (``present``: its reports already in
    the bucket) or holds it with the same date; it changes nothing else when it leaves
    ``c``'s date as it was (or sets it as the neighbour after it, which joined ``c``, did
    anyway): no reach changes, and no other report's choice (only its own document's
    reports could be turned away for it, and they come before it). When ``c`` turns it
    away, and turned the neighbour away as the only close one to do so, it goes where the
    neighbour went next. Before a neighbour that opened an entry (no candidate close), it
    opens that entry, which the neighbour then joins.

    Returns the bucket, the entry as it was and as it is; None when no neighbour tells, or
    the report would be turned away or move a date (the caller folds again: an event every
    article re-reports otherwise folds its whole entry again)."""
    order, key = member
    keys, how = bucket.keys, bucket.how
    at = bisect_left(keys, order, key=_FIRST)
    if at and keys[at - 1][1].date == key.date:
        side = at - 1
        number = bucket.entry_of[side] if how[side] == OPENED else bucket.close[side]
    elif at < len(keys) and keys[at][1].date == key.date:
        side = at
        if how[side] == OPENED:
            return _opened(bucket, member, at, bucket.entry_of[side])
        number = bucket.close[side]
    else:
        return None
    verdict = _verdict(bucket, number, member, present)
    chose = JOINED
    if verdict == "turned away" and how[side] == TURNED_AWAY_ONCE:
        # turned away by the first close entry as the neighbour was, and by no other close
        # one: where the neighbour went next (the entry it opened, if before it)
        number, chose = bucket.entry_of[side], TURNED_AWAY_ONCE
        if side == at and bucket.starts[number] == keys[side][0]:
            return None  # the neighbour after it opened that entry: this one would
        verdict = _verdict(bucket, number, member, present)
    if not isinstance(verdict, tuple):
        return None
    place, then = verdict
    reports, was = bucket.members[number], bucket.folded[number]
    # the neighbour after it joins this entry and would set the date it sets
    if len(key.date) > len(then) and not (side == at and bucket.entry_of[side] == number):
        return None  # it would make the entry's date more precise
    dated = key.date if len(key.date) > len(then) else then
    # it is within the entry; when it ends the entry, so are the reports since its last
    last = bisect_left(keys, reports[-1], key=_FIRST) if place == len(reports) else at - 1
    clean = bucket.clean[: last + 1] + bytes(at - last) + bucket.clean[at:]
    entry = TimelineSlot(was.date, was.type, _put(was.event_ids, place, key.id), was.first)
    before = bucket.furthest[at - 1] if at else ""
    return (
        _Bucket(
            type=bucket.type,
            keys=_put(keys, at, member),
            dates=_put(bucket.dates, at, key.date),
            folded=(*bucket.folded[:number], entry, *bucket.folded[number + 1 :]),
            members=_replaced(bucket.members, number, _put(reports, place, order)),
            starts=bucket.starts,  # the entry opened before it
            clean=clean,
            parties=tuple(sorted({*bucket.parties, key.parties.number})),
            furthest=_put(bucket.furthest, at, max(before, _reach(key.date, key.day))),
            how=how[:at] + bytes([chose]) + how[at:],
            alone=bucket.alone[:at] + b"\x00" + bucket.alone[at:],
            entry_of=_put(bucket.entry_of, at, number),
            close=_put(bucket.close, at, number if chose == JOINED else bucket.close[side]),
            dated=_put(bucket.dated, at, dated),
            open=tuple(  # the entry's last report, if it is open and this one ends it
                e._replace(last=order) if e.number == number and place == len(reports) else e
                for e in bucket.open
            ),
        ),
        was,
        entry,
    )


def _verdict(
    bucket: _Bucket, number: int, member: Member, present: Sequence[Order]
) -> tuple[int, str] | str:
    """Whether the entry ``number``, close to a new report, takes it: (its place among the
    entry's reports, the entry's date then), or "turned away" (the entry holds its document,
    with another date). ``present`` comes before it in event order (new reports are placed
    in that order), so no report after it can be turned away for it."""
    order, key = member
    reports = bucket.members[number]
    place = bisect_left(reports, order)
    then = bucket.dated[bisect_left(bucket.keys, reports[place - 1], key=_FIRST)]
    if then != key.date and any(_holds(reports, o) for o in present):
        return "turned away"
    return place, then


def _opened(
    bucket: _Bucket, member: Member, at: int, number: int
) -> tuple[_Bucket, TimelineSlot, TimelineSlot]:
    """``bucket`` with a new report placed just before the report that opened entry
    ``number``, with the same date: no candidate is close to either, so the new report opens
    the entry (the same date, so the same reach) and the other joins it."""
    order, key = member
    was, clean = bucket.folded[number], bucket.clean
    entry = TimelineSlot(was.date, was.type, (key.id, *was.event_ids), order)
    return (
        _Bucket(
            type=bucket.type,
            keys=_put(bucket.keys, at, member),
            dates=_put(bucket.dates, at, key.date),
            folded=_replaced(bucket.folded, number, entry),
            members=_replaced(bucket.members, number, (order, *bucket.members[number])),
            starts=_replaced(bucket.starts, number, order),
            # what spanned the neighbour spans it; the entry spans the neighbour now
            clean=clean[: at + 1] + b"\x00" + clean[at + 1 :],
            parties=tuple(sorted({*bucket.parties, key.parties.number})),
            furthest=_put(bucket.furthest, at, bucket.furthest[at]),  # the same reach
            how=bucket.how[:at] + bytes([OPENED, JOINED]) + bucket.how[at + 1 :],
            alone=bucket.alone[: at + 1] + b"\x00" + bucket.alone[at + 1 :],
            entry_of=_put(bucket.entry_of, at, number),
            close=(*bucket.close[:at], -1, number, *bucket.close[at + 1 :]),
            dated=_put(bucket.dated, at, key.date),
            open=bucket.open,  # the neighbour or a later report stays the entry's last
        ),
        was,
        entry,
    )


def _replaced(values: tuple[T, ...], at: int, value: T) -> tuple[T, ...]:
    """``values`` with the one at index ``at`` replaced (copied in C)."""
    return (*values[:at], value, *values[at + 1 :])


def _holds(orders: Sequence[Order], order: Order) -> bool:
    """Whether ``order`` is among ``orders`` (ascending)."""
    at = bisect_left(orders, order)
    return at < len(orders) and orders[at] == order


def _put(values: tuple[T, ...], at: int, value: T) -> tuple[T, ...]:
    """``values`` with ``value`` inserted at index ``at`` (copied in C)."""
    return (*values[:at], value, *values[at:])


def _range_fold(bucket: _Bucket, a: int, b: int) -> list[TimelineSlot]:
    """The bucket's reports ``a`` to ``b - 1`` (what a date range keeps of it) folded. Away
    from the range's ends the shared fold holds: from ``a`` the reports are folded again
    only until both folds meet (``_fold_run`` with ``clean``); the shared entries from there
    are reused, and one that runs past ``b`` keeps its reports before ``b`` (the fold of a
    prefix is the fold stopped early)."""
    opened, start = _fold_run(bucket.keys, a, b, bucket.clean)
    out = [o.slot() for o in opened]
    bound = bucket.keys[b][0] if b < len(bucket.keys) else None
    for n in range(bucket.opened_before(start), bucket.opened_before(b)):
        reports = bucket.members[n]
        if bound is None or reports[-1] < bound:
            out.append(bucket.folded[n])
            continue
        kept = reports[: bisect_left(reports, bound)]
        when = kept[0][1]  # an order's date
        for order in kept[1:]:
            if len(order[1]) > len(when):  # the most precise date, first seen
                when = order[1]
        shared = bucket.folded[n]
        out.append(TimelineSlot(when, shared.type, shared.event_ids[: len(kept)], shared.first))
    return out


def _filtered(store: Store, keys: TimelineKeys, flt: EventFilter) -> list[TimelineSlot]:
    """``timeline_index`` of a filter (of events that happened) from the shared keys: the
    same clauses as ``where_clause``, read from the keys (party names are matched by
    SQLite's own LIKE, outlets by its own lower())."""
    wanted = flt.type.upper() if flt.type else None
    allowed = _allowed_parties(store, keys, flt)
    documents = store.source_documents(flt.source) if flt.source else None

    def keep(member: Member) -> bool:
        key = member[1]
        return (allowed is None or allowed[key.parties.number]) and (
            documents is None or key.document_id in documents
        )

    dated: list[TimelineSlot] = []
    for bucket in keys.buckets:
        if wanted is not None and bucket.type != wanted:
            continue
        if allowed is not None and not any(allowed[n] for n in bucket.parties):
            continue
        a, b = _date_range(bucket.dates, flt.since, flt.until)
        if a >= b:
            continue
        if documents is None and (allowed is None or all(allowed[n] for n in bucket.parties)):
            dated += _range_fold(bucket, a, b)
            continue
        chosen = [m for m in bucket.keys[a:b] if keep(m)]
        dated += [o.slot() for o in _fold_run(chosen, 0)[0]]
    undated: list[TimelineSlot] = []
    for loose in keys.undated if not (flt.since or flt.until) else ():
        if wanted is not None and loose.type != wanted:
            continue
        if documents is None and (allowed is None or all(allowed[n] for n in loose.parties)):
            undated.append(loose.slot)
        elif chosen := [m for m in loose.keys if keep(m)]:
            undated.append(_undated_slot(chosen))
    return _ordered(dated, undated)


def _allowed_parties(store: Store, keys: TimelineKeys, flt: EventFilter) -> list[bool] | None:
    """For each distinct set of parties (by number), whether the actor and country filters
    keep its events (None: no such filter)."""
    if not flt.actor and not flt.country:
        return None
    named = store.names_like(keys.names, flt.actor) if flt.actor else set()
    country = flt.country.upper() if flt.country else None
    return [
        (country is None or country in p.countries)
        and (not flt.actor or flt.actor in p.actor_ids or any(n in named for n in p.names))
        for p in keys.parties
    ]


def _date_range(dates: Sequence[str], since: str | None, until: str | None) -> tuple[int, int]:
    """The indexes ``a:b`` of the ascending ``dates`` that ``where_clause``'s date clauses
    keep (``date >= since``; ``until`` compared with the date cut to its length)."""
    a = bisect_left(dates, since) if since else 0
    b = bisect_right(dates, until, key=lambda d: d[: len(until)]) if until else len(dates)
    return a, b


def _numbers(members: Iterable[Member]) -> tuple[int, ...]:
    return tuple(sorted({key.parties.number for _, key in members}))


def _undated_slot(members: Sequence[Member]) -> TimelineSlot:
    """The one entry of a bucket's undated reports."""
    published = [key.published for _, key in members if key.published]
    first, key = members[0]
    ids = tuple(k.id for _, k in members)
    return TimelineSlot(None, key.type, ids, first, min(published, default=None))


def _ordered(dated: Iterable[TimelineSlot], undated: Iterable[TimelineSlot]) -> list[TimelineSlot]:
    """Dated entries by date and type (of one date and type in the order they opened); then
    undated ones, most reports first, then by earliest publication date and type."""
    return sorted(dated, key=_dated_order) + sorted(undated, key=_undated_order)


def _dated_order(s: TimelineSlot) -> tuple[str, str, Order]:
    return (s.date or "", s.type, s.first)


def _undated_order(s: TimelineSlot) -> tuple[int, bool, str, str, Order]:
    return (-len(s.event_ids), s.published is None, s.published or "", s.type, s.first)


def _group_keys(
    keys: Iterable[EventKey], known: dict[str, _Parties] | None = None
) -> tuple[list[GroupKey], dict[str, _Parties]]:
    """The keys as the timeline groups them, and the distinct sets of parties among them
    (``known``, those already numbered, extended: a copy)."""
    parties = dict(known or {})  # few distinct sets of parties: read each once
    out = []
    for k in keys:
        found = parties.get(k.parties)
        if found is None:
            found = parties[k.parties] = _stored_parties(len(parties), json.loads(k.parties))
        order = (k.date is None, k.date or "", k.document_id, k.seq)
        out.append(
            GroupKey(
                k.id, k.document_id, k.type, k.date or "", found, _day(k.date), k.published, order
            )
        )
    return out, parties


def _stored_parties(number: int, rows: Iterable[list[str | None]]) -> _Parties:
    """``_Parties`` from ``Store.event_keys``'s ``[actor_id, name, country, role]`` rows."""
    parties = [
        (ActorRef(name, country, None, actor_id), role)
        for actor_id, name, country, role in rows
        if name is not None
    ]
    actors = [ref for ref, role in parties if role == "actor"]
    recipients = [ref for ref, role in parties if role != "actor"]
    return _refs_parties(number, actors, recipients)


def _refs_parties(
    number: int, actors: Sequence[ActorRef], recipients: Sequence[ActorRef]
) -> _Parties:
    refs = [*actors, *recipients]
    return _Parties(
        number,
        _parties(actors, recipients),
        frozenset(r.actor_id for r in refs if r.actor_id),
        tuple(r.name for r in refs),
        frozenset(r.country for r in refs if r.country),
    )


def lead_report(date: str | None, reports: Sequence[StoredEvent]) -> StoredEvent:
    """The report an entry is told by: one that gives the entry's date, the most confident
    of those, then one that names the place, the first on a tie."""
    return max(
        reports,
        key=lambda r: (r.event.date == date, r.event.confidence, r.event.location is not None),
    )


def _entry(slot: TimelineSlot, reports: list[StoredEvent]) -> TimelineEntry:
    lead = lead_report(slot.date, reports).event
    return TimelineEntry(slot.date, slot.type, lead.actors, lead.recipients, reports)


def _key_of(item: StoredEvent, at: int) -> GroupKey:
    """The key of an event at position ``at`` of a list in event order."""
    ev = item.event
    parties = _refs_parties(-1, ev.actors, ev.recipients)
    published = None if ev.date else item.published
    order = (ev.date is None, ev.date or "", item.document_id, at)
    return GroupKey(
        item.id, item.document_id, ev.type, ev.date or "", parties, _day(ev.date), published, order
    )


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
    return list(claim_state(store).index.groups)


@dataclass(frozen=True)
class ClaimState:
    """The claim groups of a store up to one document (rowid, with its ``Store.stamp``) and
    how many claims they hold: what ``claim_state`` extends after an ingest."""

    index: ClaimIndex
    last_rowid: int
    count: int
    stamp: tuple[str, str, str] = ("", "", "")


@long_lived()
def claim_state(store: Store, previous: ClaimState | None = None) -> ClaimState:
    """The store's claims grouped. ``previous`` (of an earlier state of the same store) is
    extended with the claims of the documents stored since, judging again only the groups
    they join: ingest only appends documents, each with its claims. When the store is not
    the one it grew from (``Store.stamp``: another database, or one rebuilt), the groups
    are built afresh."""
    last = store.last_document_rowid()
    base, after, count = ClaimIndex.empty(), 0, 0
    if previous is not None and store.stamp(previous.last_rowid) == previous.stamp:
        base, after, count = previous.index, previous.last_rowid, previous.count
    sources = {
        d.id: ClaimSource(
            d.id, d.source, d.published, d.duplicate_of, d.published_estimated, d.wire
        )
        for d in store.outlet_documents(after, with_claims=True)
    }
    items = [(sources[doc_id], claim) for doc_id, claim in store.all_claims(after)]
    return ClaimState(base.added(items), last, count + len(items), store.stamp(last))


def source_profiles(
    store: Store, groups: Sequence[ClaimGroup] | None = None
) -> list[SourceProfile]:
    """One profile per outlet: kind, period, what it reports and how it names key actors
    (from SQL aggregates: ``sources.profile_store``)."""
    return profile_store(store, claim_groups(store) if groups is None else groups)


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


def _parties(actors: Iterable[ActorRef], recipients: Iterable[ActorRef]) -> frozenset[str]:
    """What makes reports the same event's: who acts on whom, each side by its parties'
    countries (outlets name one side differently: "Min Aung Hlaing", "the junta",
    "Myanmar"), else actor ids, else names. An event without a recipient (one side, or
    parties acting together) is keyed by its actors alone."""
    acting = {_side_key(r) for r in actors}
    targets = {_side_key(r) for r in recipients}
    if not targets:
        return frozenset("=" + k for k in acting)
    return frozenset({">" + k for k in acting} | {"<" + k for k in targets})


def _side_key(ref: ActorRef) -> str:
    return ref.country or ref.actor_id or ref.name.lower()


def _day(value: str | None) -> int:
    if value is None or len(value) != len("YYYY-MM-DD"):
        return -1
    return _day_number(value)


@functools.lru_cache(maxsize=1 << 16)  # a corpus has a few thousand distinct days
def _day_number(value: str) -> int:
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
