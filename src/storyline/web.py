"""The local web app (``storyline serve``): HTML pages and a JSON API over the knowledge base.

Routes are thin: each opens the database read-only for the request, calls the store or the
views, and renders. Every piece of article text is escaped (Jinja2 autoescape, and each piece
of the marked-up document text goes through ``markupsafe.escape``); request values only ever
reach SQL as bound parameters of fixed statements.
"""

from __future__ import annotations

import functools
import itertools
import logging
import sqlite3
from collections import Counter, defaultdict
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

from . import __version__, views
from .errors import StoreError
from .model import Document
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
# entries on the overview page (top actors, latest events)
OVERVIEW_ROWS = 10
# corpus-wide views (filtered event lists, timelines, actors, the network) kept in memory per
# database state: paging through one or reloading it is then a slice. 32 views over 10,000
# entries each stay under ~100 MB.
VIEW_CACHE_SIZE = 32

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

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"at most {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0)]
DateParam = Annotated[
    str | None, Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive")
]
TextParam = Annotated[str | None, Query(max_length=200)]


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


def open_store(request: Request) -> Iterator[Store]:
    """One read-only connection per request, closed when the answer is sent."""
    store = Store(request.app.state.db_path, readonly=True)
    try:
        yield store
    finally:
        store.close()


StoreDep = Annotated[Store, Depends(open_store)]


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


# -- fixed queries the store does not offer yet ----------------------------------------------

_DOCUMENT_MENTIONS = (
    "SELECT m.start, m.end, m.actor_id, a.name, a.kind FROM mentions m "
    "JOIN actors a ON a.id = m.actor_id WHERE m.document_id = ? ORDER BY m.start"
)
_COPIES_OF = "SELECT document_id FROM duplicates WHERE duplicate_of = ? ORDER BY document_id"
_SOURCES = (
    "SELECT COALESCE(d.source, '') AS source, COUNT(*) AS documents, "
    "MIN(d.published) AS first, MAX(d.published) AS last, SUM(d.word_count) AS words, "
    "SUM(d.published_estimated) AS estimated, COUNT(dup.document_id) AS copies "
    "FROM documents d LEFT JOIN duplicates dup ON dup.document_id = d.id "
    "GROUP BY COALESCE(d.source, '') ORDER BY documents DESC, source"
)
_REMOVAL_REASONS = (
    "SELECT COALESCE(d.source, '') AS source, r.reason, COUNT(*) AS n FROM removals r "
    "JOIN documents d ON d.id = r.document_id GROUP BY 1, 2 ORDER BY 1, n DESC, r.reason"
)
_PERIOD = (
    "SELECT MIN(published), MAX(published), SUM(published_estimated) FROM documents "
    "WHERE published IS NOT NULL"
)
# the newest dated events that happened (statuses and count are bound parameters)
_LATEST_EVENTS = (
    "e.id IN (SELECT id FROM events WHERE date IS NOT NULL "
    f"AND status IN ({', '.join('?' * len(views.HAPPENED))}) ORDER BY date DESC, id DESC LIMIT ?)"
)
_EVENT_TYPES = "SELECT DISTINCT type FROM events ORDER BY type"
# (group, actor) rows for the network; {marks} is one "?" per actor id (ids are bound)
_SENTENCE_ACTORS = (
    "SELECT document_id || '#' || sentence, actor_id FROM mentions "
    "WHERE actor_id IN ({marks}) ORDER BY document_id, sentence"
)
_EVENT_ACTORS = (
    "SELECT event_id, actor_id FROM event_actors WHERE actor_id IN ({marks}) ORDER BY event_id"
)


def _rows(store: Store, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
    return store.conn.execute(sql, tuple(params)).fetchall()


def sources_table(store: Store) -> list[dict[str, Any]]:
    """Per outlet: documents, period, words, copies and a summary of removed-line reasons."""
    reasons: dict[str, dict[str, int]] = defaultdict(dict)
    for row in _rows(store, _REMOVAL_REASONS):
        reasons[row["source"]][row["reason"]] = row["n"]
    return [
        {
            "source": row["source"] or None,
            "documents": row["documents"],
            "first": row["first"],
            "last": row["last"],
            "words": row["words"],
            "estimated_dates": row["estimated"],
            "copies": row["copies"],
            "removed": reasons.get(row["source"], {}),
        }
        for row in _rows(store, _SOURCES)
    ]


def overview(store: Store) -> dict[str, Any]:
    first, last, estimated = _rows(store, _PERIOD)[0]
    latest = store.events(_LATEST_EVENTS, [*views.HAPPENED, OVERVIEW_ROWS])
    return {
        "documents": store.count("documents"),
        "actors": store.count("actors"),
        "events": store.count("events"),
        "period": {"first": first, "last": last, "estimated": int(estimated or 0)},
        "sources": sources_of(store),
        "top_actors": actors_of(store)[:OVERVIEW_ROWS],
        "latest_events": [event_json(e) for e in reversed(latest)],
    }


def network(store: Store, nodes: int) -> dict[str, Any]:
    """Actors (most mentioned first) and their co-occurrence: same sentence, same event."""
    kept = [a for a in actors_of(store) if a["mentions"] or a["documents"]][:nodes]
    ids = sorted(a["id"] for a in kept)
    marks = ", ".join("?" * len(ids))
    sentences = _pairs(store, _SENTENCE_ACTORS.format(marks=marks), ids)
    events = _pairs(store, _EVENT_ACTORS.format(marks=marks), ids)
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


def _pairs(store: Store, sql: str, ids: Sequence[str]) -> Counter[tuple[str, str]]:
    """How many groups (sentences, events) name each pair of actors; ``sql`` yields
    ``(group, actor)`` rows ordered by group."""
    counts: Counter[tuple[str, str]] = Counter()
    if not ids:
        return counts
    rows = store.conn.execute(sql, tuple(ids))
    for _, group in itertools.groupby(rows, key=lambda row: row[0]):
        present = sorted({row[1] for row in group})
        counts.update(itertools.combinations(present, 2))
    return counts


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


def _timeline_view(store: Store, flt: Any) -> tuple[views.TimelineEntry, ...]:
    return tuple(views.timeline(store, flt))


def _events_view(store: Store, flt: Any) -> tuple[StoredEvent, ...]:
    return tuple(views.events(store, flt))


def _actors_view(store: Store, _: Any) -> tuple[dict[str, Any], ...]:
    return tuple(store.actors())


def _network_view(store: Store, nodes: Any) -> dict[str, Any]:
    return network(store, int(nodes))


def _sources_view(store: Store, _: Any) -> tuple[dict[str, Any], ...]:
    return tuple(sources_table(store))


def _overview_view(store: Store, _: Any) -> dict[str, Any]:
    return overview(store)


_VIEWS: dict[str, Callable[[Store, Any], Any]] = {
    "timeline": _timeline_view,
    "events": _events_view,
    "actors": _actors_view,
    "network": _network_view,
    "sources": _sources_view,
    "overview": _overview_view,
}


@functools.lru_cache(maxsize=VIEW_CACHE_SIZE)
def _cached_view(path: str, state: DatabaseState, view: str, key: Hashable) -> Any:
    with Store(path, readonly=True) as store:
        return _VIEWS[view](store, key)


def cached(store: Store, view: str, key: Hashable = None) -> Any:
    """A corpus-wide view of the store, computed once per key and database state."""
    return _cached_view(store.path, database_state(store.path), view, key)


def timeline_of(store: Store, flt: views.EventFilter) -> tuple[views.TimelineEntry, ...]:
    found: tuple[views.TimelineEntry, ...] = cached(store, "timeline", flt)
    return found


def events_of(store: Store, flt: views.EventFilter) -> tuple[StoredEvent, ...]:
    found: tuple[StoredEvent, ...] = cached(store, "events", flt)
    return found


def actors_of(store: Store) -> tuple[dict[str, Any], ...]:
    found: tuple[dict[str, Any], ...] = cached(store, "actors")
    return found


def sources_of(store: Store) -> tuple[dict[str, Any], ...]:
    found: tuple[dict[str, Any], ...] = cached(store, "sources")
    return found


def overview_of(store: Store) -> dict[str, Any]:
    found: dict[str, Any] = cached(store, "overview")
    return found


def network_of(store: Store, nodes: int) -> dict[str, Any]:
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
        for r in _rows(store, _DOCUMENT_MENTIONS, (doc.id,))
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
        for r in _rows(store, _DOCUMENT_MENTIONS, (doc.id,))
    ]
    row["events"] = [event_json(e) for e in events]
    row["duplicate_of"] = (
        {"id": duplicate[0], "similarity": round(duplicate[1], 3)} if duplicate else None
    )
    row["copies"] = [r[0] for r in _rows(store, _COPIES_OF, (doc.id,))]
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


def search_snippet(snippet: str) -> Markup:
    """The store's snippet with its [bracketed] matches as <mark>, every piece escaped."""
    pieces: list[Markup] = []
    for part in snippet.split("["):
        match, bracket, rest = part.partition("]")
        if bracket:
            pieces.append(Markup("<mark>{}</mark>").format(match))
            pieces.append(escape(rest))
        else:
            pieces.append(escape(part))
    return Markup("").join(pieces)


# -- JSON API --------------------------------------------------------------------------------

api = APIRouter(prefix="/api", tags=["api"])


@api.get("/overview")
def api_overview(store: StoreDep) -> dict[str, Any]:
    """Document and actor counts, the period covered, sources, top actors, latest events."""
    return overview_of(store)


@api.get("/search")
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


@api.get("/events")
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
    found = events_of(store, event_filter(actor, type, since, until))
    return {"total": len(found), "events": [event_json(e) for e in found[offset:][:limit]]}


@api.get("/timeline")
def api_timeline(
    store: StoreDep,
    actor: TextParam = None,
    type: TextParam = None,
    since: DateParam = None,
    until: DateParam = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Dated events in order, one entry per event citing every report of it."""
    entries = timeline_of(store, event_filter(actor, type, since, until))
    return {"total": len(entries), "entries": [e.row() for e in entries[offset:][:limit]]}


@api.get("/actors")
def api_actors(store: StoreDep, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Canonical actors with aliases and mention counts, most mentioned first."""
    found = actors_of(store)
    return {"total": len(found), "actors": list(found[offset:][:limit])}


@api.get("/network")
def api_network(store: StoreDep, limit: Limit = NETWORK_NODES) -> dict[str, Any]:
    """The most mentioned actors and their co-occurrence in sentences and events."""
    return network_of(store, limit)


@api.get("/sources")
def api_sources(store: StoreDep) -> dict[str, Any]:
    """Per outlet: documents, period covered, copies and removed-line reasons."""
    return {"sources": list(sources_of(store))}


@api.get("/documents/{document_id:path}")
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
            {"hit": h, "snippet": search_snippet(h.snippet)}
            for h in store.search(query, limit=SEARCH_ROWS)
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
        "types": [r[0] for r in _rows(store, _EVENT_TYPES)],
        "actors": actors_of(store),
        "entries": [],
        "total": 0,
        "error": None,
    }
    try:
        entries = timeline_of(store, event_filter(actor, type, since, until))
    except HTTPException as exc:
        context["error"] = exc.detail
        return render(request, "timeline.html", context, status=400)
    context.update(
        entries=entries[offset:][:PAGE_ROWS],
        total=len(entries),
        pages=_page_links("/timeline", form, offset, len(entries)),
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
    return render(request, "sources.html", {"page": "sources", "sources": sources_of(store)})
