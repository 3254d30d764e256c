"""Views over stored events: filters, the timeline that merges reports, dyad series; the
exports and the brief built from them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest

from storyline import export, report, views
from storyline.events import score
from storyline.model import Actor, ActorRef, Document, Event
from storyline.store import Store

LIMA = ActorRef("Peru", "PER", "GOV", "peru")
QUITO = ActorRef("Ecuador", "ECU", "GOV", "ecuador")
REBELS = ActorRef("Shining Path", "PER", "REB", "shining-path")


def event(kind: str, actors: tuple[ActorRef, ...], recipients: tuple[ActorRef, ...], date: str,
          sentence: str, mode: str | None = None, status: str = "happened") -> Event:  # fmt: skip
    return Event(
        type=kind,
        actors=actors,
        recipients=recipients,
        mode=mode,
        date=date,
        sentence=sentence,
        status=status,  # type: ignore[arg-type]
        trigger=sentence.split()[1],
        confidence=0.8,
    )


STORIES = {
    "wire": (
        "Wire Agency",
        "2024-03-05",
        [
            event("CONSULT", (LIMA,), (QUITO,), "2024-03-04",
                  "Peru's president visited Quito on Monday.", "visit"),
            event("ASSAULT", (REBELS,), (LIMA,), "2024-02-10",
                  "Rebels attacked a police post in February."),
        ],
    ),
    "daily": (
        "The Daily",
        "2024-03-07",
        [
            event("CONSULT", (LIMA,), (QUITO,), "2024-03-05",
                  "The Peruvian leader held talks in Quito this week.", "visit"),
            event("SANCTION", (QUITO,), (LIMA,), "2024-04-02",
                  "Ecuador expelled Peru's ambassador in April.", "expel"),
            event("CONSULT", (LIMA,), (QUITO,), "2024-06-01",
                  "The two may meet again in June.", status="hypothetical"),
        ],
    ),
}  # fmt: skip


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    kb = Store(tmp_path / "kb.db")
    with kb.transaction():
        for doc_id, (source, published, events) in STORIES.items():
            text = " ".join(e.sentence for e in events)
            kb.insert_document(
                Document(id=doc_id, origin=f"{doc_id}.txt", format="text",
                         content_hash=doc_id, text=text, source=source, published=published)
            )  # fmt: skip
            for ref in {r for e in events for r in e.actors + e.recipients}:
                kb.upsert_actor(
                    Actor(ref.actor_id or "", ref.name, "state", ref.country, ref.sector)
                )
            kb.add_events(doc_id, events, [score(e.type, e.mode) for e in events])
    return kb


def test_filters_select_by_type_country_actor_date_and_source(store: Store) -> None:
    def dates(**kw: str) -> list[str | None]:
        return [e.event.date for e in views.events(store, views.EventFilter(**kw))]  # type: ignore[arg-type]

    assert dates(type="consult") == ["2024-03-04", "2024-03-05"]
    assert dates(country="ecu") == ["2024-03-04", "2024-03-05", "2024-04-02"]
    assert dates(actor="Shining") == ["2024-02-10"]
    assert dates(since="2024-03", until="2024-03") == ["2024-03-04", "2024-03-05"]
    assert dates(source="the daily") == ["2024-03-05", "2024-04-02"]
    every = views.events(store, views.EventFilter(include_unhappened=True))
    assert [e.event.status for e in every].count("hypothetical") == 1


def test_timeline_merges_two_reports_of_one_visit(store: Store) -> None:
    entries = views.timeline(store)
    assert [(e.date, e.type, len(e.reports)) for e in entries] == [
        ("2024-02-10", "ASSAULT", 1),
        ("2024-03-04", "CONSULT", 2),
        ("2024-04-02", "SANCTION", 1),
    ]
    visit = entries[1]
    assert visit.sources == ["The Daily", "Wire Agency"]
    assert visit.documents == ["daily", "wire"]


def test_dyads_count_each_direction_by_month_with_mean_score(store: Store) -> None:
    months = views.dyads(store, "PER", "ECU")
    assert [(m.month, m.a_to_b, m.b_to_a, m.mutual) for m in months] == [
        ("2024-03", 2, 0, 0),
        ("2024-04", 0, 1, 0),
    ]
    assert months[0].mean_score == score("CONSULT", "visit") > 0
    assert months[1].mean_score == score("SANCTION", "expel") < 0
    assert views.dyads(store, "ecuador", "peru")[1].a_to_b == 1  # actor ids work too


def test_exports_round_trip(store: Store, tmp_path: Path) -> None:
    rows = export.event_rows(store)
    out = io.StringIO()
    export.write(rows, "csv", out)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(table) == 5 and table[0]["type"] == "ASSAULT" and table[0]["source"] == "Wire Agency"

    plover = export.plover_records(store)
    visit = next(r for r in plover if r["event"] == ["CONSULT"] and r["date"] == "2024-03-04")
    assert visit["source"][0]["code"] == "PER" and visit["recipient"][0]["code"] == "ECU"
    assert visit["quad_code"] == 1 and visit["mode"] == "visit"
    assert next(r for r in plover if r["comment"] == "hypothetical")["date"] == "2024-06-01"

    export.write_parquet(rows, str(tmp_path / "events.parquet"))
    back = pq.read_table(tmp_path / "events.parquet").to_pylist()
    assert [r["type"] for r in back] == [r["type"] for r in rows]
    assert json.loads(back[0]["actors"])[0]["country"] == "PER"

    graph_file = tmp_path / "actors.graphml"
    with graph_file.open("w", encoding="utf-8") as handle:
        export.write_graphml(store, handle)
    graph = nx.read_graphml(graph_file)
    assert set(graph.nodes) == {"peru", "ecuador", "shining-path"}
    assert graph.nodes["peru"]["country"] == "PER"
    assert graph.edges["peru", "ecuador"]["weight"] == 3


def test_brief_cites_every_development_and_is_self_contained(store: Store) -> None:
    brief = report.build(store)
    markdown = report.to_markdown(brief)
    developments = next(s for s in brief.sections if s.title == "Key developments")
    assert len(developments.paragraphs) == 3
    assert all(p.rstrip().endswith("]") for p in developments.paragraphs)
    assert "Peru" in brief.title and "Ecuador" in brief.title
    assert "The Daily" in markdown and "Wire Agency" in markdown
    page = report.to_html(brief)
    assert "<svg" in page and 'name="viewport"' in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "<script" not in page
