"""The domain vocabulary of storyline, in one place.

Every stage takes and returns these frozen dataclasses; the store persists them and the
CLI and web layers only format them. Field names follow the JSON shapes in PRODUCT.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ActorKind = Literal["person", "organization", "state", "group", "location"]
Precision = Literal["year", "month", "day"]


@dataclass(frozen=True)
class RawDocument:
    """One document as a reader found it, before any cleaning.

    Exactly one of ``text`` (plain text, already decoded) and ``html`` is set.
    ``origin`` says where it came from: a path, ``path#line=N`` for a JSONL record,
    ``path#row=N`` for CSV, ``path#entry=ID`` for a feed entry, ``path#offset=N`` for WARC.
    """

    origin: str
    format: str
    text: str | None = None
    html: str | None = None
    id: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Removal:
    """A line taken out of the text, kept with the reason so nothing is silently lost.

    ``line`` is the 0-based index of the line in the input text (``None`` when the input
    was HTML and the line comes from the rendered page rather than an input line).
    """

    text: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class Repeat:
    """A paragraph that repeats (or nearly repeats) an earlier one in the same document.

    Both are kept in the text; ``line`` and ``of_line`` index lines of the cleaned text.
    """

    line: int
    of_line: int
    similarity: float


@dataclass(frozen=True)
class Cleaned:
    """What the clean stage returns: main text, what it removed, metadata it found."""

    text: str
    removed: tuple[Removal, ...] = ()
    repeats: tuple[Repeat, ...] = ()
    # title, source, url, author, published, dateline: whatever the page itself states
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DateExpr:
    """A date expression in a text, normalised against an anchor date.

    ``value`` is ISO 8601 at the precision the text gives: ``2022``, ``2022-09``,
    ``2022-09-07``. ``start``/``end`` are character offsets into the text.
    """

    start: int
    end: int
    text: str
    value: str

    @property
    def precision(self) -> Precision:
        return {4: "year", 7: "month"}.get(len(self.value), "day")  # type: ignore[return-value]


@dataclass(frozen=True)
class Mention:
    """A span of the cleaned text that refers to an actor."""

    start: int
    end: int
    text: str
    actor_id: str
    sentence: int = 0


@dataclass(frozen=True)
class Actor:
    """A canonical actor: one real-world entity, whatever the outlets call it."""

    id: str
    name: str
    kind: ActorKind
    country: str | None = None
    sector: str | None = None
    aliases: tuple[str, ...] = ()
    mentions: int = 0


@dataclass(frozen=True)
class Place:
    """A place name resolved against the gazetteer."""

    name: str
    country: str | None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class ActorRef:
    """An actor as an event names it: the canonical actor when resolved, with its codes."""

    name: str
    country: str | None = None
    sector: str | None = None
    actor_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "sector": self.sector}


EventStatus = Literal["happened", "promised", "negated", "hypothetical"]


@dataclass(frozen=True)
class Event:
    """A PLOVER who-did-what-to-whom record coded from one sentence.

    ``actors`` holds every party for reciprocal events ("the two sides discussed"), which then
    have no recipient. ``status`` marks statements that did not (yet) happen: promises and
    plans are coded AGREE with status "promised"; negated and hypothetical events keep their
    type but are not counted as happened. ``date`` is the sentence's own date expression, else
    the one the story sets, else the document date, at its precision.
    """

    type: str
    actors: tuple[ActorRef, ...]
    recipients: tuple[ActorRef, ...] = ()
    mode: str | None = None
    context: tuple[str, ...] = ()
    status: EventStatus = "happened"
    date: str | None = None
    date_text: str | None = None
    location: str | None = None
    location_country: str | None = None
    sentence: str = ""
    sentence_start: int = 0
    trigger: str = ""
    confidence: float = 0.5

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "mode": self.mode,
            "context": list(self.context),
            "status": self.status,
            "actor": self.actors[0].to_json() if self.actors else None,
            "actors": [a.to_json() for a in self.actors],
            "recipient": self.recipients[0].to_json() if self.recipients else None,
            "recipients": [r.to_json() for r in self.recipients],
            "date": self.date,
            "date_text": self.date_text,
            "location": self.location,
            "location_country": self.location_country,
            "sentence": self.sentence,
            "trigger": self.trigger,
            "confidence": round(self.confidence, 3),
        }


ClaimKind = Literal["quantity", "date", "quote", "relation"]
Verdict = Literal["corroborated", "contested", "changed-over-time", "single-source"]


@dataclass(frozen=True)
class Claim:
    """A checkable statement in one document.

    ``subject`` is a canonical actor name (``subject_id`` its actor id) or an event label;
    ``predicate`` a normalised relation (e.g. ``visits to Russia``, ``first met``, ``said``,
    ``arms supplier of``); ``value`` the normalised value (a number, an ISO date, a quote, an
    object actor). ``as_of`` is when it holds: the event date, else the document date.
    """

    kind: ClaimKind
    subject: str
    predicate: str
    value: str
    sentence: str
    as_of: str | None = None
    subject_id: str | None = None
    object: str | None = None
    start: int = 0
    polarity: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "predicate": self.predicate,
            "value": self.value,
            "object": self.object,
            "as_of": self.as_of,
            "polarity": self.polarity,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class Statement:
    """One document's claim inside a group, with the source it counts for."""

    document: str
    source: str
    value: str
    as_of: str | None
    sentence: str
    independent_source: str = ""  # the outlet it counts as (copies count as their original)


@dataclass(frozen=True)
class ClaimGroup:
    id: str
    subject: str
    predicate: str
    statements: tuple[Statement, ...]
    verdict: Verdict
    explanation: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": self.subject,
            "predicate": self.predicate,
            "statements": [
                {
                    "document": st.document,
                    "source": st.source,
                    "value": st.value,
                    "as_of": st.as_of,
                    "sentence": st.sentence,
                }
                for st in self.statements
            ],
            "verdict": self.verdict,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Document:
    """A cleaned document with its provenance: what the store keeps for each input."""

    id: str
    origin: str
    format: str
    content_hash: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = None
    published_estimated: bool = False
    # what the publication date was read from: "metadata" (the input's own fields), a line of
    # the page ("published-line", "dateline", "url", "date-line", "dateline-day",
    # "page-header": metadata.RANKS) or "content" (an estimate, ``published_estimated``)
    published_from: str | None = None
    # the agency or outlet the story comes from when another outlet runs it ("Reuters" for a
    # Reuters story on a portal): copies of one wire story are one source in verdicts
    wire: str | None = None
    removed: tuple[Removal, ...] = ()
    repeats: tuple[Repeat, ...] = ()
    dates: tuple[DateExpr, ...] = ()
    actors: tuple[Actor, ...] = ()
    mentions: tuple[Mention, ...] = ()
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``extract`` JSON shape of PRODUCT.md (fields later stages add are empty)."""
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "author": self.author,
            "published": self.published,
            "published_estimated": self.published_estimated,
            "published_from": self.published_from,
            "wire": self.wire,
            "origin": self.origin,
            "format": self.format,
            "text": self.text,
            "removed": [{"text": r.text, "reason": r.reason, "line": r.line} for r in self.removed],
            "repeats": [
                {"line": r.line, "of_line": r.of_line, "similarity": round(r.similarity, 3)}
                for r in self.repeats
            ],
            "actors": [
                {
                    "id": a.id,
                    "name": a.name,
                    "kind": a.kind,
                    "country": a.country,
                    "sector": a.sector,
                    "aliases": list(a.aliases),
                    "mentions": a.mentions,
                }
                for a in self.actors
            ],
            "events": [e.to_json() for e in self.events],
            "dates": [
                {"start": d.start, "end": d.end, "text": d.text, "value": d.value}
                for d in self.dates
            ],
            "claims": [c.to_json() for c in self.claims],
        }
