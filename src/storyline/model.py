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
    removed: tuple[Removal, ...] = ()
    repeats: tuple[Repeat, ...] = ()
    dates: tuple[DateExpr, ...] = ()
    actors: tuple[Actor, ...] = ()
    mentions: tuple[Mention, ...] = ()

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
            "origin": self.origin,
            "format": self.format,
            "text": self.text,
            "removed": [
                {"text": r.text, "reason": r.reason, "line": r.line} for r in self.removed
            ],
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
            "events": [],
            "dates": [
                {"start": d.start, "end": d.end, "text": d.text, "value": d.value}
                for d in self.dates
            ],
            "claims": [],
        }
