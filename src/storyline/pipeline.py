"""The pipeline, in the order the data flows:

    read -> clean -> time -> nlp -> actors -> events -> claims -> store (near-duplicate links)

Per-document stages are pure functions of one document and the shipped dictionaries
(``prepare`` and ``analyse``); ``ingest`` streams batches of them into the store, one
transaction per batch, so an interrupted run leaves only whole documents behind.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO, TypeVar

from . import actors as actors_stage
from . import claims, clean, dates, dedup, events, metadata, nlp
from .errors import InputError
from .model import Cleaned, DateExpr, Document, RawDocument
from .read import read_paths
from .settings import Settings
from .store import Store

log = logging.getLogger(__name__)

Outcome = Document | InputError
T = TypeVar("T")
# spaCy's own limit on one text (its parser needs about 1 GB per 100,000 words); a news
# article is a few thousand characters, so a longer text is a book or a whole dump
MAX_TEXT_CHARS = 1_000_000


@dataclass
class IngestSummary:
    """What an ingest did: counts for the closing line, and every problem met."""

    stored: int = 0
    unchanged: int = 0
    failed: int = 0
    duplicates: int = 0
    inputs: set[str] = field(default_factory=set)
    errors: list[InputError] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.stored} stored, {self.unchanged} already stored, {self.failed} failed "
            f"({self.duplicates} linked as near-duplicates) from {len(self.inputs)} inputs"
        )


# -- per-document stages -------------------------------------------------------------------


def content_hash(raw: RawDocument) -> str:
    """Identity of an input: its content (and the id it was given, when it has one)."""
    body = raw.text if raw.text is not None else raw.html or ""
    body = body.replace("\r\n", "\n").strip()
    digest = hashlib.sha256()
    if raw.id is not None:
        digest.update(f"id:{raw.id}\n".encode())
    digest.update(body.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def prepare(raw: RawDocument) -> Document:
    """read -> clean -> time: one raw document to a cleaned, dated Document."""
    if raw.html is not None:
        cleaned = clean.clean_html(_well_formed(raw.html), raw.url)
    else:
        cleaned = clean.clean_text(_well_formed(raw.text or ""))
    if not cleaned.text.strip():
        raise InputError(raw.origin, "no article text found")
    if len(cleaned.text) > MAX_TEXT_CHARS:
        raise InputError(
            raw.origin,
            f"article text of {len(cleaned.text):,} characters is over the {MAX_TEXT_CHARS:,} "
            "that language analysis takes (split the file into articles)",
        )
    published, estimated, published_from = _publication_date(raw, cleaned)
    # relative expressions ("on Monday") need a day-precise anchor; a month or a year is not one
    anchor = _as_date(published) if published and len(published) == len("YYYY-MM-DD") else None
    digest = content_hash(raw)
    url = raw.url or cleaned.meta.get("url")
    outlet, wire = metadata.outlet_and_wire(
        url,
        given=raw.source,
        stated=cleaned.meta.get("source"),
        sitename=cleaned.meta.get("sitename"),
        copyright=cleaned.meta.get("copyright"),
        wire=cleaned.meta.get("wire"),
        text=raw.text or cleaned.text,
    )
    return Document(
        id=raw.id or f"d{digest[:12]}",
        origin=raw.origin,
        format=raw.format,
        content_hash=digest,
        text=cleaned.text,
        title=raw.title or cleaned.meta.get("title"),
        # named everywhere: the outlet, else the host, else the file (never a hash)
        source=outlet or _file_label(raw.origin),
        url=url,
        author=raw.author or cleaned.meta.get("author"),
        published=published,
        published_estimated=estimated,
        published_from=published_from,
        wire=wire,
        removed=cleaned.removed,
        repeats=cleaned.repeats,
        dates=tuple(dates.find_dates(cleaned.text, anchor)),
    )


def _well_formed(text: str) -> str:
    """Lone surrogates (from JSON escapes such as "\\ud800") become U+FFFD: no later stage,
    nor SQLite, can encode them."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        as_utf16 = text.encode("utf-16-le", errors="surrogatepass")
        return as_utf16.decode("utf-16-le", errors="replace")


def analyse(docs: Sequence[Document], settings: Settings) -> list[Document]:
    """nlp -> actors -> events -> claims for a batch (spaCy runs with ``nlp.pipe``)."""
    out = []
    for doc, parsed in zip(docs, nlp.analyse([d.text for d in docs], settings), strict=True):
        found, mentions = actors_stage.resolve_actors(parsed, settings)
        anchor = _as_date(doc.published) if not doc.published_estimated else None
        coded = events.code_events(parsed, found, mentions, doc.dates, anchor, settings)
        stated = claims.extract_claims(parsed, found, mentions, doc.dates, doc.published, settings)
        out.append(replace(doc, actors=found, mentions=mentions, events=coded, claims=stated))
    return out


def process(raws: Iterable[RawDocument], settings: Settings) -> list[Outcome]:
    """Every per-document stage for a batch; bad documents come back as InputError."""
    prepared: list[Outcome] = []
    for raw in raws:
        try:
            prepared.append(prepare(raw))
        except InputError as exc:
            prepared.append(exc)
    good = [d for d in prepared if isinstance(d, Document)]
    analysed = iter(analyse(good, settings))
    return [next(analysed) if isinstance(d, Document) else d for d in prepared]


def extract(
    paths: Sequence[str], settings: Settings, stdin: BinaryIO | None = None
) -> Iterator[Outcome]:
    """All per-document stages, no database: what ``storyline extract`` prints."""
    for batch in batches(read_paths(paths, settings, stdin), settings.spacy_batch_size):
        raws = [r for r in batch if isinstance(r, RawDocument)]
        results = iter(process(raws, settings))
        for item in batch:
            yield item if isinstance(item, InputError) else next(results)


# -- the corpus: storing ---------------------------------------------------------------------


BatchRunner = Callable[[Iterator[list[RawDocument]], Settings], Iterator[list[Outcome]]]


def run_in_process(
    batches: Iterator[list[RawDocument]], settings: Settings
) -> Iterator[list[Outcome]]:
    """The default runner: every batch through ``process`` here, in order."""
    for batch in batches:
        yield process(batch, settings)


def ingest(
    paths: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    stdin: BinaryIO | None = None,
    on_error: Callable[[InputError], None] | None = None,
    on_document: Callable[[Outcome], None] | None = None,
    runner: BatchRunner = run_in_process,
) -> IngestSummary:
    """Read, process and store every document under ``paths``; unchanged inputs are no-ops.

    ``runner`` runs the per-document stages over batches (in this process, a process pool or
    a Dask cluster: see engine.py) and must yield one list of outcomes per batch, in order.
    Each batch is stored in one transaction.
    """
    summary = IngestSummary()

    def fail(error: InputError) -> None:
        summary.failed += 1
        summary.errors.append(error)
        if on_error:
            on_error(error)

    own_files = _database_files(store)
    inputs = (
        item for item in read_paths(paths, settings, stdin) if _input_path(item) not in own_files
    )

    def freshbatches() -> Iterator[list[RawDocument]]:
        for batch in batches(inputs, settings.spacy_batch_size):
            fresh: list[RawDocument] = []
            for item in batch:
                if isinstance(item, InputError):
                    summary.inputs.add(item.source.split("#")[0])
                    fail(item)
                    continue
                summary.inputs.add(item.origin.split("#")[0])
                if store.has_hash(content_hash(item)):
                    summary.unchanged += 1
                else:
                    fresh.append(item)
            if fresh:
                yield fresh

    for outcomes in runner(freshbatches(), settings):
        store_outcomes(store, outcomes, settings, summary, fail)
        if on_document:
            for outcome in outcomes:
                on_document(outcome)
    return summary


def _database_files(store: Store) -> set[str]:
    """The knowledge base's own files, never read as input when it sits in an input folder."""
    base = str(Path(store.path).resolve())
    return {base, base + "-wal", base + "-shm", base + "-journal"}


def _input_path(item: RawDocument | InputError) -> str:
    origin = item.source if isinstance(item, InputError) else item.origin
    return str(Path(origin.split("#")[0]).resolve())


def store_outcomes(
    store: Store,
    outcomes: Sequence[Outcome],
    settings: Settings,
    summary: IngestSummary,
    fail: Callable[[InputError], None],
) -> None:
    """Store one batch of processed documents in one transaction, counting into ``summary``:
    errors go to ``fail``, content already stored is a no-op, an id stored with other content
    is refused. ``ingest`` and ``engine.load_parquet_dataset`` both write through this."""
    with store.transaction():
        for outcome in outcomes:
            if isinstance(outcome, InputError):
                fail(outcome)
            elif store.has_hash(outcome.content_hash):  # a copy met earlier in this run
                summary.unchanged += 1
            elif (problem := _id_conflict(store, outcome)) is not None:
                fail(problem)
            else:
                store_document(store, outcome, settings)
                summary.stored += 1
                summary.duplicates += store.duplicate_of(outcome.id) is not None


def store_document(store: Store, doc: Document, settings: Settings) -> None:
    """Write one processed document and everything derived from it; link it to its copies.

    Call inside a transaction. The corpus-level stages that this updates (actors, near-duplicate
    index, shared passages) cost time proportional to this document, not to the corpus.
    """
    store.insert_document(doc)
    for actor in doc.actors:
        store.upsert_actor(actor)
    store.add_mentions(doc.id, doc.mentions)
    store.add_events(doc.id, doc.events, [events.score(e.type, e.mode) for e in doc.events])
    store.add_claims(doc.id, doc.claims)
    dedup.link(store, doc.id, doc.text, settings)


def _id_conflict(store: Store, doc: Document) -> InputError | None:
    stored_hash = store.hash_of(doc.id)
    if stored_hash is None:
        return None
    return InputError(doc.origin, f"id {doc.id!r} is already stored with different content")


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter), streamed."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- metadata --------------------------------------------------------------------------------


def _publication_date(raw: RawDocument, cleaned: Cleaned) -> tuple[str | None, bool, str | None]:
    """The publication date (ISO), whether it is an estimate, and what it was read from.

    Ranked by evidence: the input's own metadata (a JSON field, a feed's date, a sidecar,
    the HTML page's metadata), then what the page's lines state (``metadata.RANKS``: a
    published line, a dateline, the URL, a date line under the headline), then a dateline's
    month and day in the latest year the text mentions, then the page header's date (often
    the day the page was saved: an estimate), then an estimate from the content."""
    meta = cleaned.meta
    if raw.published and (value := normalise_stated_date(raw.published)) is not None:
        return value, False, "metadata"
    stated = meta.get("published")
    if stated and (value := normalise_stated_date(stated)) is not None:
        return value, False, meta.get("published_from", "metadata")
    # estimate from everything the page said, chrome included: teaser and member-panel dates
    # are evidence of when the page was captured
    everything = raw.text or cleaned.text
    found = dates.find_dates(everything, None)  # one scan serves the estimates below
    if (day := meta.get("dateline_day")) is not None and (year := _latest_year(found)):
        value = normalise_stated_date(f"{year}-{day}")
        if value is not None:
            return value, False, "dateline-day"
    if (page := meta.get("page_date")) is not None:
        return page, True, "page-header"
    estimate = dates.estimate_published(everything, found)
    if estimate is None:
        # the latest absolute date the text mentions: a lower bound, at the text's precision
        plausible = (d.value for d in found if metadata.plausible(d.value))
        estimate = max(plausible, key=_sortable, default=None)
    return estimate, estimate is not None, "content" if estimate is not None else None


def _latest_year(found: Sequence[DateExpr]) -> int | None:
    """The latest plausible year the text's absolute dates name (what a dateline's
    "Sept 20" is in; "1300 local time" is no year of publication)."""
    years = [int(d.value[:4]) for d in found if metadata.plausible(d.value)]
    return max(years) if years else None


def _sortable(value: str) -> str:
    """ISO values of mixed precision ordered by the latest day they can mean."""
    return value + {4: "-12-31", 7: "-31"}.get(len(value), "")


def normalise_stated_date(value: str) -> str | None:
    """A publication date as metadata states it (ISO, RFC 2822, '29 Nov 2024') to ISO, at
    the precision it has (an ISO month "2024-04" or year stays one)."""
    text = value.strip()
    if re.fullmatch(r"\d{4}(?:-(?:0[1-9]|1[0-2]))?", text):
        return text
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    found = dates.find_dates(text, None)
    return found[0].value if found else None


def _file_label(origin: str) -> str:
    """A document's file name (with its record: "feed.jsonl#line=3") as the name of an
    outlet nothing else names."""
    path, _, record = origin.partition("#")
    name = Path(path).name or path or "stdin"
    return f"{name}#{record}" if record else name


def _as_date(value: str | None) -> date | None:
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    while len(parts) < 3:
        parts.append(1)
    try:
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        return None
