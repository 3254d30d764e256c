"""The local web app (``storyline serve``): HTML pages and a JSON API over the knowledge base.

Routes are thin: each opens the database read-only for the request, calls the store or the
views, and renders. Every piece of article text is escaped (Jinja2 autoescape, and each piece
of the marked-up document text goes through ``markupsafe.escape``); request values only ever
reach SQL as bound parameters of fixed statements.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape
from pydantic import BaseModel, Field
from typing_extensions import TypedDict  # pydantic reads only this one on Python < 3.12

from . import __version__, sources, views
from .errors import StoreError
from .model import ClaimGroup, Document, Verdict
from .settings import Settings
from .store import Store, StoredEvent

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
# the bound on any list the API returns in one answer
MAX_LIMIT = 500
# rows a page shows before it says "showing N of M": a screenful of scrolling on a phone
PAGE_ROWS = 200
# search results on one page: the API gives more (up to MAX_LIMIT) for whoever needs them
SEARCH_ROWS = 50
# actors drawn in the network by default: more than this makes an unreadable hairball
NETWORK_NODES = 40
# documents a source profile links on the sources page (the API lists them all): an outlet
# of a large corpus has hundreds, and the page would list thousands of links
PROFILE_DOCUMENTS = 12
# entries on the overview page (top actors, latest events)
OVERVIEW_ROWS = 10
# filtered views (a timeline's entries as event ids, an event list's ids) kept per database
# state: paging through one or reloading it is then one small query. A timeline of 10,000
# entries takes ~1.5 MB, so 64 of them stay under ~100 MB.
FILTER_CACHE_SIZE = 64
# corpus-wide views kept per database state (what every timeline is folded from, actors,
# network, sources, claims, the overview): one each for the current state, and a spare set
# for requests still answering from the previous one
CORPUS_CACHE_SIZE = 16

# Browsers refuse any script, style or frame not served by the app itself: even if some
# article text slipped through unescaped, it could not run.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class Problem(BaseModel):
    """Why a request was refused."""

    detail: str


# the 4xx answers routes give besides FastAPI's own 422 for a value of the wrong type
BAD_FILTER: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "a date that is not YYYY[-MM[-DD]] or no such date"}
}
NO_WORDS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "a query without any word to search for"}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no document with this id"}
}

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"at most {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0)]
DateParam = Annotated[
    str | None,
    Query(
        max_length=10,
        description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive; leaves out the undated events",
    ),
]
TextParam = Annotated[str | None, Query(max_length=200)]
VerdictParam = Annotated[Verdict | None, Query(description="keep the groups with this verdict")]


# -- the app ---------------------------------------------------------------------------------


def create_app(db_path: str, settings: Settings) -> FastAPI:
    """The app over an existing knowledge base, opened read-only for each request."""
    path = Path(db_path)
    if not path.is_file():
        raise StoreError(f"{db_path}: no such database (run `storyline ingest` first)")
    Store(path, readonly=True).close()  # refuse a wrong file or schema now, not per request
    app = FastAPI(
        title="storyline",
        version=__version__,
        description="Source-attributed knowledge base of a news story.",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.db_path = str(path)
    app.state.settings = settings
    app.state.views = {
        "filtered": ViewCache(FILTER_CACHE_SIZE),
        "corpus": ViewCache(CORPUS_CACHE_SIZE),
    }
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.middleware("http")(_security_headers)
    app.include_router(api)
    app.include_router(pages)
    return app


def serve(db_path: str, host: str, port: int, settings: Settings) -> None:
    """Run the app with uvicorn until interrupted (binds to ``host``, 127.0.0.1 by default)."""
    import uvicorn

    app = create_app(db_path, settings)
    log.info("serving %s on http://%s:%d", db_path, host, port)
    uvicorn.run(app, host=host, port=port, log_level="info")


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class ViewCache:
    """Views kept per (view, key, database state), the ``size`` most recent.

    Two per app (``app.state.views``: filtered views and corpus-wide ones); the lock only
    guards the dictionary, never a computation, so one view may use another (the overview
    uses the actors, a filtered timeline the corpus-wide timeline keys)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def latest(self, view: str) -> Any:
        """The most recently used value of a view (of any key and database state), or None:
        what a view extends when the database has grown since (ingest only appends)."""
        with self._lock:
            for key in reversed(self._items):
                if isinstance(key, tuple) and key and key[0] == view:
                    return self._items[key]
        return None

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


class RequestStore(Store):
    """The read-only store of one request: every query sees one snapshot of the database (a
    read transaction), so an ingest committing meanwhile never shows half a change."""

    def __init__(self, path: str, caches: dict[str, ViewCache]) -> None:
        # read before the snapshot starts: a view cached under this state is never older
        self.state = database_state(path)
        self.caches = caches
        super().__init__(path, readonly=True)
        self.conn.execute("BEGIN")


def open_store(request: Request) -> Iterator[RequestStore]:
    """One read-only connection per request, closed when the answer is sent."""
    store = RequestStore(request.app.state.db_path, request.app.state.views)
    try:
        yield store
    finally:
        store.close()


StoreDep = Annotated[RequestStore, Depends(open_store)]


@functools.cache
def templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    return Jinja2Templates(env=env)


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates().TemplateResponse(request, name, context, status_code=status)


# -- input checks ----------------------------------------------------------------------------


def date_problem(value: str | None) -> str | None:
    """Why a date parameter is unusable, or None when it is empty or a real ISO date prefix."""
    if not value:
        return None
    parts = value.split("-")
    if len(parts) > 3 or not all(p.isdigit() for p in parts):
        return f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
    if [len(p) for p in parts] != [4, 2, 2][: len(parts)]:
        return f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
    padded = parts + ["01"] * (3 - len(parts))
    try:
        date(int(padded[0]), int(padded[1]), int(padded[2]))
    except ValueError:
        return f"{value!r} is not a calendar date"
    return None


def event_filter(
    actor: str | None, type_: str | None, since: str | None, until: str | None
) -> views.EventFilter:
    """The timeline filter from request values; HTTP 400 for a bad date."""
    for name, value in (("since", since), ("until", until)):
        problem = date_problem(value)
        if problem:
            raise HTTPException(status_code=400, detail=f"{name}: {problem}")
    return views.EventFilter(
        actor=(actor or "").strip() or None,
        type=(type_ or "").strip() or None,
        since=since or None,
        until=until or None,
    )


def search_query(q: str) -> str:
    if not any(c.isalnum() for c in q):
        raise HTTPException(status_code=400, detail="q: the query has no words to search for")
    return q


# -- corpus summaries --------------------------------------------------------------------------


def sources_table(store: Store) -> list[dict[str, Any]]:
    """Per outlet: documents, period, words, copies and a summary of removed-line reasons."""
    return [
        {
            "source": row["source"] or None,
            "documents": row["documents"],
            "first": row["first"],
            "last": row["last"],
            "words": row["words"],
            "estimated_dates": row["estimated"],
            "copies": row["copies"],
            "removed": row["removed"],
        }
        for row in store.outlet_counts()
    ]


def overview(store: RequestStore) -> dict[str, Any]:
    first, last, estimated = store.period()
    latest = store.latest_events(OVERVIEW_ROWS, views.HAPPENED)
    return {
        "documents": store.count("documents"),
        "actors": store.count("actors"),
        "events": store.count("events"),
        "period": {"first": first, "last": last, "estimated": estimated},
        "sources": sources_of(store),
        "top_actors": actors_of(store)[:OVERVIEW_ROWS],
        "latest_events": [event_json(e) for e in reversed(latest)],
    }


def network(store: RequestStore, nodes: int) -> dict[str, Any]:
    """Actors (most mentioned first) and their co-occurrence: same sentence, same event."""
    kept = [a for a in actors_of(store) if a["mentions"] or a["documents"]][:nodes]
    ids = sorted(a["id"] for a in kept)
    sentences = store.actor_pairs(ids, by="sentence")
    events = store.actor_pairs(ids, by="event")
    edges = [
        {
            "source": a,
            "target": b,
            "sentences": sentences[(a, b)],
            "events": events[(a, b)],
            "weight": sentences[(a, b)] + events[(a, b)],
        }
        for a, b in sorted(set(sentences) | set(events))
    ]
    fields = ("id", "name", "kind", "country", "sector", "mentions", "documents")
    return {"nodes": [{f: a[f] for f in fields} for a in kept], "edges": edges}


# verdicts in the order the claims board shows them: disagreements and agreements first
VERDICT_ORDER: tuple[Verdict, ...] = (
    "contested",
    "corroborated",
    "changed-over-time",
    "single-source",
)


def claim_board(groups: Sequence[ClaimGroup]) -> tuple[ClaimGroup, ...]:
    """Every claim group, contested and corroborated first (stable within a verdict)."""
    return tuple(sorted(groups, key=lambda g: VERDICT_ORDER.index(g.verdict)))


def profiles(store: RequestStore) -> tuple[dict[str, Any], ...]:
    """Source profiles (kind, period, events, claims, exclusive claims, naming) as JSON, read
    off the database state's profile state (``sources.profiles_from``)."""
    state: sources.ProfileState = cached(store, "profile-state")
    return tuple(p.to_json() for p in sources.profiles_from(state, claims_of(store)))


# -- cached views ------------------------------------------------------------------------------

DatabaseState = tuple[int, ...]


def database_state(path: str) -> DatabaseState:
    """Size and modification time of the database and its write-ahead log: any committed
    write (an ingest running next to the app) changes one of them."""
    state: list[int] = []
    for name in (path, path + "-wal"):
        try:
            info = Path(name).stat()
        except FileNotFoundError:
            state += [0, 0]
        else:
            state += [info.st_size, info.st_mtime_ns]
    return tuple(state)


def _timeline_view(store: RequestStore, flt: Any) -> tuple[views.TimelineSlot, ...]:
    keys: views.TimelineKeys = cached(store, "timeline-keys")
    return tuple(views.timeline_index(store, flt, keys))


def _events_view(store: RequestStore, flt: Any) -> tuple[int, ...]:
    return tuple(store.event_ids(*views.where_clause(flt), ordered=True))


def _timeline_keys_view(store: RequestStore, _: Any) -> views.TimelineKeys:
    # an earlier state's keys are extended with the events added since, not rebuilt
    return views.timeline_keys(store, store.caches["corpus"].latest("timeline-keys"))


def _actors_view(store: RequestStore, _: Any) -> tuple[dict[str, Any], ...]:
    return tuple(store.actors())


def _network_view(store: RequestStore, nodes: Any) -> dict[str, Any]:
    return network(store, int(nodes))


def _sources_view(store: RequestStore, _: Any) -> tuple[dict[str, Any], ...]:
    return tuple(sources_table(store))


def _overview_view(store: RequestStore, _: Any) -> dict[str, Any]:
    return overview(store)


def _claim_state_view(store: RequestStore, _: Any) -> views.ClaimState:
    # an earlier state's groups are extended with the claims of documents added since
    return views.claim_state(store, store.caches["corpus"].latest("claim-state"))


def _claims_view(store: RequestStore, _: Any) -> tuple[ClaimGroup, ...]:
    state: views.ClaimState = cached(store, "claim-state")
    return claim_board(state.index.groups)


def _profile_state_view(store: RequestStore, _: Any) -> sources.ProfileState:
    # an earlier state's profile state is extended with the documents added since
    return sources.profile_state(store, store.caches["corpus"].latest("profile-state"))


def _profiles_view(store: RequestStore, _: Any) -> tuple[dict[str, Any], ...]:
    return profiles(store)


_VIEWS: dict[str, Callable[[RequestStore, Any], Any]] = {
    "timeline": _timeline_view,
    "timeline-keys": _timeline_keys_view,
    "events": _events_view,
    "actors": _actors_view,
    "network": _network_view,
    "sources": _sources_view,
    "overview": _overview_view,
    "claim-state": _claim_state_view,
    "claims": _claims_view,
    "profile-state": _profile_state_view,
    "profiles": _profiles_view,
}


_FILTERED = frozenset({"timeline", "events"})


def cached(store: RequestStore, view: str, key: Hashable = None) -> Any:
    """A corpus-wide view of the store, computed once per key and database state."""
    cache = store.caches["filtered" if view in _FILTERED else "corpus"]
    return cache.get((view, key, store.state), lambda: _VIEWS[view](store, key))


def timeline_of(store: RequestStore, flt: views.EventFilter) -> tuple[views.TimelineSlot, ...]:
    """The timeline's entries (without their events) for a filter: see ``timeline_page``."""
    found: tuple[views.TimelineSlot, ...] = cached(store, "timeline", flt)
    return found


def timeline_page(
    store: RequestStore, flt: views.EventFilter, limit: int, offset: int
) -> tuple[int, int, list[views.TimelineEntry]]:
    """How many timeline entries match, how many of them are undated (the last ones), and
    one page of them with their reports loaded."""
    slots = timeline_of(store, flt)
    dated = bisect.bisect_left(slots, True, key=lambda s: s.date is None)
    return len(slots), len(slots) - dated, views.timeline_entries(store, slots[offset:][:limit])


def events_of(store: RequestStore, flt: views.EventFilter) -> tuple[int, ...]:
    """The ids of the events a filter keeps, in date order."""
    found: tuple[int, ...] = cached(store, "events", flt)
    return found


def actors_of(store: RequestStore) -> tuple[dict[str, Any], ...]:
    found: tuple[dict[str, Any], ...] = cached(store, "actors")
    return found


def sources_of(store: RequestStore) -> tuple[dict[str, Any], ...]:
    found: tuple[dict[str, Any], ...] = cached(store, "sources")
    return found


def profiles_of(store: RequestStore) -> tuple[dict[str, Any], ...]:
    found: tuple[dict[str, Any], ...] = cached(store, "profiles")
    return found


def claims_of(store: RequestStore) -> tuple[ClaimGroup, ...]:
    found: tuple[ClaimGroup, ...] = cached(store, "claims")
    return found


def overview_of(store: RequestStore) -> dict[str, Any]:
    found: dict[str, Any] = cached(store, "overview")
    return found


def network_of(store: RequestStore, nodes: int) -> dict[str, Any]:
    found: dict[str, Any] = cached(store, "network", nodes)
    return found


# -- documents: the marked-up text -----------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """A span of the document text to mark: an actor mention, a date or an event sentence."""

    start: int
    end: int
    css: str
    title: str
    actor: str | None = None


def document_marks(store: Store, doc: Document, events: Sequence[StoredEvent]) -> list[Mark]:
    marks = [
        Mark(r["start"], r["end"], "actor", f"{r['name']} ({r['kind']})", r["actor_id"])
        for r in store.document_mentions(doc.id)
    ]
    marks += [Mark(d.start, d.end, "date", d.value) for d in doc.dates]
    for item in events:
        ev = item.event
        end = ev.sentence_start + len(ev.sentence)
        if ev.sentence and doc.text[ev.sentence_start : end] == ev.sentence:
            marks.append(Mark(ev.sentence_start, end, "event", event_label(item)))
    return marks


def marked_text(text: str, marks: Sequence[Mark]) -> Markup:
    """The text cut at every mark boundary; each piece escaped, then wrapped in a span that
    carries every mark covering it (marks may nest: a mention inside an event sentence)."""
    valid = sorted((m for m in marks if 0 <= m.start < m.end <= len(text)), key=_mark_order)
    cuts = sorted({0, len(text), *(m.start for m in valid), *(m.end for m in valid)})
    pieces: list[Markup] = []
    active: list[Mark] = []
    pending = iter(valid)
    upcoming = next(pending, None)
    for lo, hi in itertools.pairwise(cuts):
        active = [m for m in active if m.end > lo]
        while upcoming is not None and upcoming.start <= lo:
            active.append(upcoming)
            upcoming = next(pending, None)
        pieces.append(_piece(text[lo:hi], active))
    return Markup("").join(pieces)


def marked_lines(text: str, marks: Sequence[Mark]) -> list[Markup]:
    """``marked_text`` line by line (marks clipped to each line), for one paragraph per line."""
    out: list[Markup] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        inside = [
            Mark(max(m.start, start) - start, min(m.end, end) - start, m.css, m.title, m.actor)
            for m in marks
            if m.start < end and m.end > start
        ]
        out.append(marked_text(line, inside))
        start = end + 1
    return out


def _mark_order(mark: Mark) -> tuple[int, int]:
    return (mark.start, -mark.end)


def _piece(text: str, covering: Sequence[Mark]) -> Markup:
    if not covering:
        return escape(text)
    css = " ".join(sorted({m.css for m in covering}))
    title = " | ".join(m.title for m in covering)
    actor = next((m.actor for m in covering if m.actor), None)
    if actor is None:
        return Markup('<span class="{}" title="{}">{}</span>').format(css, title, text)
    return Markup('<span class="{}" title="{}" data-actor="{}">{}</span>').format(
        css, title, actor, text
    )


def document_events(store: Store, document_id: str) -> list[StoredEvent]:
    """Every event coded in one document, whatever its status."""
    return store.events("e.document_id = ?", [document_id])


def document_json(store: Store, doc: Document, events: Sequence[StoredEvent]) -> dict[str, Any]:
    duplicate = store.duplicate_of(doc.id)
    lines = doc.text.split("\n")
    row = doc.to_json()
    row["mentions"] = [
        {"start": r["start"], "end": r["end"], "actor_id": r["actor_id"], "name": r["name"]}
        for r in store.document_mentions(doc.id)
    ]
    row["events"] = [event_json(e) for e in events]
    row["duplicate_of"] = (
        {"id": duplicate[0], "similarity": round(duplicate[1], 3)} if duplicate else None
    )
    row["copies"] = store.copies_of(doc.id)
    row["shared_passages"] = [
        {"document": other, "line": line, "other_line": other_line, "text": _line(lines, line)}
        for other, line, other_line in store.shared_passages(doc.id)
    ]
    return row


def _group_shared(passages: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for passage in passages:
        grouped[passage["document"]].append(passage)
    return dict(grouped)


def _line(lines: Sequence[str], number: int) -> str:
    return lines[number] if 0 <= number < len(lines) else ""


# -- events ----------------------------------------------------------------------------------


def event_json(item: StoredEvent) -> dict[str, Any]:
    row = views.event_row(item)
    row["id"] = item.id
    row["title"] = item.title
    return row


def event_label(item: StoredEvent) -> str:
    ev = item.event
    who = ", ".join(a.name for a in ev.actors) or "?"
    whom = ", ".join(r.name for r in ev.recipients)
    status = "" if ev.status == "happened" else f" [{ev.status}]"
    return f"{ev.type}{status}: {who}" + (f" → {whom}" if whom else "")


# Markers around search matches in the snippets the HTML page parses: private-use characters
# that article text does not contain, so a literal "[" in an article is never taken for one.
HIGHLIGHT = ("\ue000", "\ue001")


def search_snippet(snippet: str, marks: tuple[str, str] = ("[", "]")) -> Markup:
    """The store's snippet with its marked matches as <mark>, every piece escaped."""
    opening, closing = marks
    pieces: list[Markup] = []
    for part in snippet.split(opening):
        match, bracket, rest = part.partition(closing)
        if bracket:
            pieces.append(Markup("<mark>{}</mark>").format(match))
            pieces.append(escape(rest))
        else:
            pieces.append(escape(part))
    return Markup("").join(pieces)


# -- the JSON API's answers, as the OpenAPI schema documents them ---------------------------


class HitJson(TypedDict):
    id: str
    title: str | None
    source: str | None
    published: str | None
    snippet: str
    rank: float


class SearchAnswer(TypedDict):
    query: str
    hits: list[HitJson]


class EventJson(TypedDict):
    id: int
    title: str | None
    date: str | None
    type: str
    mode: str | None
    status: str
    actor: str
    recipient: str
    context: list[str]
    location: str | None
    source: str | None
    document: str
    score: float
    confidence: float
    sentence: str


class EventsAnswer(TypedDict):
    total: int
    events: list[EventJson]


class TimelineJson(TypedDict):
    date: Annotated[str | None, Field(description="null: no report states a date")]
    type: str
    mode: str | None
    actor: str
    recipient: str
    location: str | None
    reports: int
    sources: list[str]
    documents: list[str]
    sentence: str
    dated: bool
    date_note: Annotated[
        str | None,
        Field(
            description="an undated entry's 'date not stated; reported in documents "
            "published ... to ...' (null when dated)"
        ),
    ]
    reported_from: Annotated[
        str | None, Field(description="earliest publication date of the reports' documents")
    ]
    reported_until: Annotated[
        str | None, Field(description="latest publication date of the reports' documents")
    ]
    published_estimated: Annotated[
        bool,
        Field(description="reported_from or reported_until is an estimate (a lower bound)"),
    ]


class TimelineAnswer(TypedDict):
    total: int
    undated: Annotated[int, Field(description="how many of the entries are undated (the last)")]
    entries: list[TimelineJson]


class ActorJson(TypedDict):
    id: str
    name: str
    kind: str
    country: str | None
    sector: str | None
    aliases: list[str]
    mentions: int
    documents: int


class ActorsAnswer(TypedDict):
    total: int
    actors: list[ActorJson]


class NodeJson(TypedDict):
    id: str
    name: str
    kind: str
    country: str | None
    sector: str | None
    mentions: int
    documents: int


class EdgeJson(TypedDict):
    source: str
    target: str
    sentences: int
    events: int
    weight: int


class NetworkAnswer(TypedDict):
    nodes: list[NodeJson]
    edges: list[EdgeJson]


class OutletJson(TypedDict):
    source: str | None
    documents: int
    first: str | None
    last: str | None
    words: int
    estimated_dates: int
    copies: int
    removed: dict[str, int]


class NameJson(TypedDict):
    name: str
    count: int


class ProfileJson(TypedDict):
    source: str
    kind: str
    documents: list[str]
    period: list[str | None]
    events: int
    claims: int
    exclusive_claims: int
    naming: dict[str, list[NameJson]]


class SourcesAnswer(TypedDict):
    total: Annotated[int, Field(description="how many profiles (independent outlets)")]
    total_sources: Annotated[int, Field(description="how many outlet rows in `sources`")]
    sources: list[OutletJson]
    profiles: list[ProfileJson]


class StatementJson(TypedDict):
    document: str
    source: str
    value: str
    as_of: str | None
    sentence: str


class ClaimGroupJson(TypedDict):
    id: str
    subject: str
    predicate: str
    statements: list[StatementJson]
    verdict: Verdict
    explanation: str


class ClaimsAnswer(TypedDict):
    total: int
    claims: list[ClaimGroupJson]


class PeriodJson(TypedDict):
    first: str | None
    last: str | None
    estimated: int


class OverviewAnswer(TypedDict):
    documents: int
    actors: int
    events: int
    period: PeriodJson
    sources: list[OutletJson]
    top_actors: list[ActorJson]
    latest_events: list[EventJson]


class RemovalJson(TypedDict):
    text: str
    reason: str
    line: int | None


class RepeatJson(TypedDict):
    line: int
    of_line: int
    similarity: float


class DocumentActorJson(TypedDict):
    id: str
    name: str
    kind: str
    country: str | None
    sector: str | None
    aliases: list[str]
    mentions: int


class DateJson(TypedDict):
    start: int
    end: int
    text: str
    value: str


class ClaimJson(TypedDict):
    kind: str
    subject: str
    predicate: str
    value: str
    object: str | None
    as_of: str | None
    polarity: bool
    sentence: str


class MentionJson(TypedDict):
    start: int
    end: int
    actor_id: str
    name: str


class DuplicateJson(TypedDict):
    id: str
    similarity: float


class SharedJson(TypedDict):
    document: str
    line: int
    other_line: int
    text: str


class DocumentAnswer(TypedDict):
    id: str
    title: str | None
    source: str | None
    url: str | None
    author: str | None
    published: str | None
    published_estimated: bool
    origin: str
    format: str
    text: str
    removed: list[RemovalJson]
    repeats: list[RepeatJson]
    actors: list[DocumentActorJson]
    events: list[EventJson]
    dates: list[DateJson]
    claims: list[ClaimJson]
    mentions: list[MentionJson]
    duplicate_of: DuplicateJson | None
    copies: list[str]
    shared_passages: list[SharedJson]


# -- JSON API --------------------------------------------------------------------------------

api = APIRouter(prefix="/api", tags=["api"])


@api.get("/overview", response_model=OverviewAnswer)
def api_overview(store: StoreDep) -> dict[str, Any]:
    """Document and actor counts, the period covered, sources, top actors, latest events."""
    return overview_of(store)


@api.get("/search", responses=NO_WORDS, response_model=SearchAnswer)
def api_search(
    store: StoreDep, q: Annotated[str, Query(min_length=1, max_length=500)], limit: Limit = 20
) -> dict[str, Any]:
    """Full-text search, best match first; matches are [bracketed] in each snippet."""
    hits = store.search(search_query(q), limit=limit)
    return {
        "query": q,
        "hits": [
            {
                "id": h.document_id,
                "title": h.title,
                "source": h.source,
                "published": h.published,
                "snippet": h.snippet,
                "rank": h.rank,
            }
            for h in hits
        ],
    }


@api.get("/events", responses=BAD_FILTER, response_model=EventsAnswer)
def api_events(
    store: StoreDep,
    actor: TextParam = None,
    type: TextParam = None,
    since: DateParam = None,
    until: DateParam = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """PLOVER events that happened (or were promised), in date order."""
    ids = events_of(store, event_filter(actor, type, since, until))
    found = store.events_by_id(ids[offset:][:limit])
    return {"total": len(ids), "events": [event_json(e) for e in found]}


@api.get("/timeline", responses=BAD_FILTER, response_model=TimelineAnswer)
def api_timeline(
    store: StoreDep,
    actor: TextParam = None,
    type: TextParam = None,
    since: DateParam = None,
    until: DateParam = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Dated events in order, one entry per event citing every report of it; then the
    events no report dates (``date`` null, ``dated`` false, ``date_note`` saying so and when
    the reports were published), most reported first. ``since`` and ``until`` leave the
    undated entries out."""
    flt = event_filter(actor, type, since, until)
    total, undated, entries = timeline_page(store, flt, limit, offset)
    return {"total": total, "undated": undated, "entries": [e.row() for e in entries]}


@api.get("/actors", response_model=ActorsAnswer)
def api_actors(store: StoreDep, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Canonical actors with aliases and mention counts, most mentioned first."""
    found = actors_of(store)
    return {"total": len(found), "actors": list(found[offset:][:limit])}


@api.get("/network", response_model=NetworkAnswer)
def api_network(store: StoreDep, limit: Limit = NETWORK_NODES) -> dict[str, Any]:
    """The most mentioned actors and their co-occurrence in sentences and events."""
    return network_of(store, limit)


@api.get("/sources", response_model=SourcesAnswer)
def api_sources(store: StoreDep, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Per outlet: documents, period covered, copies and removed-line reasons (``sources``);
    and per independent outlet (copies count for their original's): the kind of page, the
    events and claims it reports, the claims only it makes, and how it names the key actors
    (``profiles``). Both lists most documents first; ``limit`` and ``offset`` page both."""
    outlets, found = sources_of(store), profiles_of(store)
    return {
        "total": len(found),
        "total_sources": len(outlets),
        "sources": list(outlets[offset:][:limit]),
        "profiles": list(found[offset:][:limit]),
    }


@api.get("/claims", response_model=ClaimsAnswer)
def api_claims(
    store: StoreDep, verdict: VerdictParam = None, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Claim groups across documents with their verdict and its explanation, contested and
    corroborated first; ``verdict`` keeps one verdict."""
    groups = [g for g in claims_of(store) if verdict is None or g.verdict == verdict]
    return {"total": len(groups), "claims": [g.to_json() for g in groups[offset:][:limit]]}


@api.get("/documents/{document_id:path}", responses=NOT_FOUND, response_model=DocumentAnswer)
def api_document(store: StoreDep, document_id: str) -> dict[str, Any]:
    """One document: cleaned text, removed lines, dates, mentions, events, copies."""
    doc = store.get_document(document_id)
    if doc is None:
        raise HTTPException(status_code=404, detail=f"no document {document_id!r}")
    return document_json(store, doc, document_events(store, doc.id))


# -- HTML pages ------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@pages.get("/")
def page_overview(request: Request, store: StoreDep) -> Response:
    return render(request, "overview.html", {"page": "overview", **overview_of(store)})


@pages.get("/search")
def page_search(request: Request, store: StoreDep, q: TextParam = None) -> Response:
    query = (q or "").strip()
    context: dict[str, Any] = {"page": "search", "q": query, "hits": [], "error": None}
    if query and not any(c.isalnum() for c in query):
        context["error"] = "The query has no words to search for."
        return render(request, "search.html", context, status=400)
    if query:
        context["hits"] = [
            {"hit": h, "snippet": search_snippet(h.snippet, HIGHLIGHT)}
            for h in store.search(query, limit=SEARCH_ROWS, marks=HIGHLIGHT)
        ]
    return render(request, "search.html", context)


@pages.get("/documents/{document_id:path}")
def page_document(request: Request, store: StoreDep, document_id: str) -> Response:
    doc = store.get_document(document_id)
    if doc is None:
        message = f"No document {document_id!r} in this knowledge base."
        return render(request, "not_found.html", {"page": "", "message": message}, status=404)
    events = document_events(store, doc.id)
    info = document_json(store, doc, events)
    actors = sorted({(m["actor_id"], m["name"]) for m in info["mentions"]}, key=lambda a: a[1])
    context: dict[str, Any] = {
        "page": "",
        "doc": doc,
        "info": info,
        "actors": actors,
        "events": [(e, event_label(e)) for e in events],
        "lines": marked_lines(doc.text, document_marks(store, doc, events)),
        "shared_lines": {p["line"] for p in info["shared_passages"]},
        "shared_with": _group_shared(info["shared_passages"]),
    }
    return render(request, "document.html", context)


@pages.get("/timeline")
def page_timeline(
    request: Request,
    store: StoreDep,
    actor: TextParam = None,
    type: TextParam = None,
    since: TextParam = None,
    until: TextParam = None,
    offset: Offset = 0,
) -> Response:
    form = {"actor": actor or "", "type": type or "", "since": since or "", "until": until or ""}
    context: dict[str, Any] = {
        "page": "timeline",
        "form": form,
        "offset": offset,
        "pages": {},
        "types": store.event_types(),
        "actors": actors_of(store),
        "entries": [],
        "undated_entries": [],
        "total": 0,
        "undated": 0,
        "error": None,
    }
    try:
        total, undated, entries = timeline_page(
            store, event_filter(actor, type, since, until), PAGE_ROWS, offset
        )
    except HTTPException as exc:
        context["error"] = exc.detail
        return render(request, "timeline.html", context, status=400)
    context.update(
        entries=[e for e in entries if e.dated],
        undated_entries=[e for e in entries if not e.dated],
        shown=len(entries),
        total=total,
        undated=undated,
        pages=_page_links("/timeline", form, offset, total),
    )
    return render(request, "timeline.html", context)


def _page_links(path: str, form: dict[str, str], offset: int, total: int) -> dict[str, str]:
    """URLs of the previous and next pages of a long list, keeping the filters."""
    kept = {k: v for k, v in form.items() if v}
    links = {}
    if offset > 0:
        links["previous"] = f"{path}?{urlencode({**kept, 'offset': max(offset - PAGE_ROWS, 0)})}"
    if offset + PAGE_ROWS < total:
        links["next"] = f"{path}?{urlencode({**kept, 'offset': offset + PAGE_ROWS})}"
    return links


@pages.get("/actors")
def page_actors(request: Request, store: StoreDep) -> Response:
    context = {"page": "actors", "actors": actors_of(store), "nodes": NETWORK_NODES}
    return render(request, "actors.html", context)


@pages.get("/sources")
def page_sources(request: Request, store: StoreDep) -> Response:
    context = {
        "page": "sources",
        "sources": sources_of(store),
        "profiles": profiles_of(store),
        "shown": PROFILE_DOCUMENTS,
    }
    return render(request, "sources.html", context)


@pages.get("/claims")
def page_claims(request: Request, store: StoreDep, verdict: TextParam = None) -> Response:
    wanted = (verdict or "").strip()
    groups = claims_of(store)
    context: dict[str, Any] = {
        "page": "claims",
        "verdicts": VERDICT_ORDER,
        "verdict": wanted,
        "counts": Counter(g.verdict for g in groups),
        "groups": [g for g in groups if not wanted or g.verdict == wanted],
        "error": None,
    }
    if wanted and wanted not in VERDICT_ORDER:
        context.update(groups=[], error=f"No verdict {wanted!r}: use one of the filters below.")
        return render(request, "claims.html", context, status=400)
    return render(request, "claims.html", context)
