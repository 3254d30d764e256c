"""Exports: the stored tables as JSONL, CSV, Parquet, GraphML (actor network) and PLOVER JSON.

Rows are plain dicts built from the store; each writer only serialises them. CSV has one
header row and flattens lists (``a; b``) and objects (JSON) so a spreadsheet opens it.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any, TextIO
from xml.sax.saxutils import escape, quoteattr

from . import views
from .events_lexicon import ontology
from .store import Store, StoredEvent

# PLOVER quad classes as numbers, as the PLOVER JSON spec's quad_code field has them
QUAD_CODES = {
    "verbal_cooperation": 1,
    "material_cooperation": 2,
    "verbal_conflict": 3,
    "material_conflict": 4,
}
FORMATS = ("jsonl", "csv", "parquet", "graphml", "plover")
WHAT = ("documents", "actors", "events", "claims")


class ExportError(ValueError):
    """A combination of --what and --format that has no meaning (e.g. documents as GraphML)."""


def document_rows(store: Store) -> list[dict[str, Any]]:
    rows = []
    for doc in store.iter_documents():
        duplicate = store.duplicate_of(doc.id)
        rows.append(
            {
                "id": doc.id,
                "title": doc.title,
                "source": doc.source,
                "url": doc.url,
                "author": doc.author,
                "published": doc.published,
                "published_estimated": doc.published_estimated,
                "published_from": doc.published_from,
                "wire": doc.wire,
                "origin": doc.origin,
                "format": doc.format,
                "duplicate_of": duplicate[0] if duplicate else None,
                "text": doc.text,
                "removed": [
                    {"text": r.text, "reason": r.reason, "line": r.line} for r in doc.removed
                ],
            }
        )
    return rows


def event_record(item: StoredEvent) -> dict[str, Any]:
    """One stored event as a structured record (the ``export`` and ``events --format json``
    shape): the event's fields, its actors as objects, and the document that reports it."""
    row = {"id": item.id, **item.event.to_json(), "document": item.document_id}
    row.update(source=item.source, published=item.published, score=item.score)
    return row


def event_rows(store: Store, flt: views.EventFilter | None = None) -> list[dict[str, Any]]:
    chosen = flt or views.EventFilter(include_unhappened=True)
    return [event_record(item) for item in views.events(store, chosen)]


def plover_records(store: Store) -> list[dict[str, Any]]:
    """Events with the field names of the PLOVER JSON specification."""
    types = ontology().types
    records = []
    for item in views.events(store, views.EventFilter(include_unhappened=True)):
        ev = item.event
        record: dict[str, Any] = {
            "id": f"{item.document_id}-{item.id}",
            "date": ev.date,
            "source": [_plover_actor(r) for r in ev.actors],
            "recipient": [_plover_actor(r) for r in ev.recipients],
            "event": [ev.type],
            "mode": ev.mode,
            "context": list(ev.context),
            "quad_code": QUAD_CODES.get(types[ev.type].quad) if ev.type in types else None,
            "event_scale": item.score,
            "event_text": [ev.trigger] if ev.trigger else [],
            "text": ev.sentence,
            "text_info": {"start": ev.sentence_start, "end": ev.sentence_start + len(ev.sentence)},
            "cite_info": {"title": item.title, "publication": item.source},
            "coder": "storyline",
            "comment": None if ev.status == "happened" else ev.status,
        }
        if ev.location:
            record["event_loc"] = {"name": ev.location, "cc3": ev.location_country}
        records.append(record)
    return records


def _plover_actor(ref: Any) -> dict[str, Any]:
    return {
        "code": ref.country,
        "sector": ref.sector,
        "actor_text": ref.name,
        "identifier_id": ref.actor_id,
    }


def network(store: Store) -> tuple[list[dict[str, Any]], list[tuple[str, str, int]]]:
    """Actors as nodes; an edge for each pair of actors that take part in the same event."""
    items: Sequence[StoredEvent] = views.events(store)
    weights: Counter[tuple[str, str]] = Counter()
    for item in items:
        ids = sorted({r.actor_id for r in item.event.actors + item.event.recipients if r.actor_id})
        for pair in combinations(ids, 2):
            weights[pair] += 1
    nodes = store.actors()
    known = {n["id"] for n in nodes}
    edges = [(a, b, w) for (a, b), w in sorted(weights.items()) if a in known and b in known]
    return nodes, edges


def write(
    rows: Iterable[dict[str, Any]], fmt: str, out: TextIO, columns: Sequence[str] = ()
) -> None:
    rows = list(rows)
    if fmt in ("jsonl", "plover"):
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        header = list(columns) or _columns(rows)
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in header])
    else:
        raise ExportError(f"format {fmt} is not a text format")


def write_parquet(rows: Sequence[dict[str, Any]], path: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    header = _columns(rows)
    table = pa.table({c: [_parquet_value(r.get(c)) for r in rows] for c in header})
    pq.write_table(table, path)


def write_graphml(store: Store, out: TextIO) -> None:
    nodes, edges = network(store)
    keys = [
        ("name", "node", "string"),
        ("kind", "node", "string"),
        ("country", "node", "string"),
        ("sector", "node", "string"),
        ("mentions", "node", "int"),
        ("weight", "edge", "int"),
    ]
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
    for name, domain, kind in keys:
        out.write(f'  <key id="{name}" for="{domain}" attr.name="{name}" attr.type="{kind}"/>\n')
    out.write('  <graph id="actors" edgedefault="undirected">\n')
    for node in nodes:
        out.write(f"    <node id={quoteattr(node['id'])}>\n")
        for name in ("name", "kind", "country", "sector", "mentions"):
            if node.get(name) is not None:
                out.write(f'      <data key="{name}">{escape(str(node[name]))}</data>\n')
        out.write("    </node>\n")
    for i, (a, b, weight) in enumerate(edges):
        out.write(f'    <edge id="e{i}" source={quoteattr(a)} target={quoteattr(b)}>\n')
        out.write(f'      <data key="weight">{weight}</data>\n    </edge>\n')
    out.write("  </graph>\n</graphml>\n")


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    return header


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, dict) for v in value):
            return json.dumps(value, ensure_ascii=False)
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _parquet_value(value: Any) -> Any:
    """Nested values become JSON text so every column has one type."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
