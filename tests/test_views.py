"""Views over stored events: filters, the timeline that merges reports, dyad series; the
exports and the brief built from them."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest

from storyline import export, report, views
from storyline.events import score
from storyline.model import Actor, ActorRef, Document, Event
from storyline.store import Store, StoredEvent

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


# -- undated events on the timeline --------------------------------------------------------------

CHIEF = ActorRef("Min Aung Hlaing", "MMR", "MIL", "min-aung-hlaing")
PUTIN = ActorRef("Vladimir Putin", "RUS", "GOV", "vladimir-putin")
RUSSIA = ActorRef("Russia", "RUS", "GOV", "russia")
MYANMAR = ActorRef("Myanmar", "MMR", "GOV", "myanmar")
BELARUS = ActorRef("Belarus", "BLR", "GOV", "belarus")

# (source, publication date, estimated, events): the two visit reports without a date are
# one event; the dated visit and the visit to "Russia" (other parties) are not part of it
UNDATED_STORIES = {
    "tass": ("TASS", "2023-05", True, [
        event("CONSULT", (CHIEF,), (PUTIN,), "", "Min Aung Hlaing held talks with Putin."),
        event("CONSULT", (CHIEF,), (PUTIN,), "", "The talks with Putin lasted three hours."),
        event("ASSAULT", (RUSSIA,), (), "2022-02", "Russia invaded in February 2022."),
    ]),
    "irrawaddy": ("The Irrawaddy", "2024-02-10", False, [
        event("CONSULT", (CHIEF,), (PUTIN,), "", "The junta chief met Putin in Moscow."),
        event("CONSULT", (CHIEF,), (BELARUS,), "", "The junta chief flew to Belarus again."),
        event("CONSULT", (CHIEF,), (PUTIN,), "2024-02-01", "On February 1 he met Putin."),
        event("AGREE", (CHIEF,), (PUTIN,), "", "He may sign a deal.", status="hypothetical"),
    ]),
    "blog": ("A Blog", None, False, [
        event("AID", (RUSSIA,), (MYANMAR,), "", "Russia is the junta's arms supplier."),
    ]),
}  # fmt: skip


@pytest.fixture()
def undated_store(tmp_path: Path) -> Store:
    kb = Store(tmp_path / "undated.db")
    with kb.transaction():
        for doc_id, (source, published, estimated, events) in UNDATED_STORIES.items():
            kb.insert_document(
                Document(id=doc_id, origin=f"{doc_id}.txt", format="text", content_hash=doc_id,
                         text=" ".join(e.sentence for e in events), source=source,
                         published=published, published_estimated=estimated)
            )  # fmt: skip
            kb.add_events(
                doc_id, [replace(e, date=e.date or None) for e in events], [0.0] * len(events)
            )
    return kb


def _summary(entries: list[views.TimelineEntry]) -> list[tuple[str | None, str, list[str]]]:
    return [(e.date, e.type, [r.event.sentence for r in e.reports]) for e in entries]


def test_reports_naming_one_side_differently_are_one_event(undated_store: Store) -> None:
    """Parties are compared by country: "Russia" and "Vladimir Putin" are one side."""
    with undated_store.transaction():
        undated_store.add_events(
            "blog",
            [event("CONSULT", (CHIEF,), (RUSSIA,), "", "The junta chief flew to Russia again.")],
            [0.0],
        )
    talks = views.timeline(undated_store)[2]
    assert sorted(r.event.sentence for r in talks.reports) == [
        "Min Aung Hlaing held talks with Putin.",
        "The junta chief flew to Russia again.",
        "The junta chief met Putin in Moscow.",
        "The talks with Putin lasted three hours.",
    ]
    assert talks.documents == ["blog", "irrawaddy", "tass"]


def test_undated_reports_from_different_documents_fold_after_the_dated_entries(
    undated_store: Store,
) -> None:
    assert _summary(views.timeline(undated_store)) == [
        ("2022-02", "ASSAULT", ["Russia invaded in February 2022."]),
        ("2024-02-01", "CONSULT", ["On February 1 he met Putin."]),
        # undated: most reports first; the two documents' reports of the talks are one
        # event, and one document's repeat folds in
        (None, "CONSULT", ["The junta chief met Putin in Moscow.",
                           "Min Aung Hlaing held talks with Putin.",
                           "The talks with Putin lasted three hours."]),
        # one report each: earliest publication first, unknown last; other parties (Belarus
        # rather than Russia) are another event
        (None, "CONSULT", ["The junta chief flew to Belarus again."]),
        (None, "AID", ["Russia is the junta's arms supplier."]),
    ]  # fmt: skip


def test_undated_entries_say_so_and_when_their_reports_were_published(
    undated_store: Store,
) -> None:
    talks, russia, arms = views.timeline(undated_store)[2:]
    assert talks.documents == ["irrawaddy", "tass"]
    assert talks.sources == ["TASS", "The Irrawaddy"]
    assert talks.reported == (
        views.Published("2023-05", True),
        views.Published("2024-02-10", False),
    )
    assert talks.date_note == (
        "date not stated; reported in documents published 2023-05 (est.) to 2024-02-10"
    )
    row = talks.row()
    assert (row["date"], row["dated"], row["reports"]) == (None, False, 3)
    assert (row["reported_from"], row["reported_until"]) == ("2023-05", "2024-02-10")
    assert row["published_estimated"] is True
    assert row["actor"] == "Min Aung Hlaing (MMR/MIL)"
    assert row["recipient"] == "Vladimir Putin (RUS/GOV)"
    assert russia.date_note == "date not stated; reported in a document published 2024-02-10"
    assert russia.row()["published_estimated"] is False
    assert arms.date_note == "date not stated; publication date unknown"
    assert arms.row()["reported_from"] is None
    dated = views.timeline(undated_store)[1].row()
    assert dated["dated"] is True and dated["date_note"] is None


def test_filters_apply_to_undated_entries_and_date_filters_leave_them_out(
    undated_store: Store,
) -> None:
    def undated(**kw: str) -> list[tuple[str | None, str, list[str]]]:
        flt = views.EventFilter(**kw)  # type: ignore[arg-type]
        entries = views.timeline(undated_store, flt)
        keys = views.timeline_keys(undated_store)
        for shared in (None, keys):  # the web app's paged timeline gives the same
            paged = views.timeline_entries(
                undated_store, views.timeline_index(undated_store, flt, shared)
            )
            assert _summary(paged) == _summary(entries)
        return [s for s in _summary(entries) if s[0] is None]

    assert [s[2] for s in undated(actor="putin")] == [
        ["The junta chief met Putin in Moscow.", "Min Aung Hlaing held talks with Putin.",
         "The talks with Putin lasted three hours."],
    ]  # fmt: skip
    assert [s[1] for s in undated(type="aid")] == ["AID"]
    assert [len(s[2]) for s in undated(source="tass")] == [2]
    assert [s[1] for s in undated(country="MMR")] == ["CONSULT", "CONSULT", "AID"]
    assert undated(since="2000") == [] and undated(until="2100") == []
    assert undated(since="2024-02", type="consult") == []
    unhappened = views.timeline(undated_store, views.EventFilter(include_unhappened=True))
    assert (None, "AGREE", ["He may sign a deal."]) in _summary(unhappened)


def test_brief_lists_undated_events_with_citations(undated_store: Store) -> None:
    brief = report.build(undated_store)
    developments = next(s for s in brief.sections if s.title == "Key developments")
    assert [p.title for p in developments.parts] == ["Undated"]
    lines = developments.parts[0].paragraphs
    assert lines[0].startswith("3 events are reported without any date")
    assert lines[1].startswith(
        "**Date not stated** (reported 2023-05 (est.) to 2024-02-10) — Min Aung Hlaing (MMR) "
        "CONSULT → Vladimir Putin (RUS): “The junta chief met Putin in Moscow.”"
    )
    numbers = {s["id"]: s["number"] for s in brief.sources}
    assert lines[1].endswith(
        "".join(f"[{n}]" for n in sorted([numbers["irrawaddy"], numbers["tass"]]))
    )
    markdown = report.to_markdown(brief)
    assert "### Undated" in markdown and markdown.index("### Undated") > markdown.index(
        "On February 1 he met Putin."
    )
    assert "<h3>Undated</h3>" in report.to_html(brief)


def test_an_entry_lists_each_reporting_document_once_with_its_number_of_reports(
    undated_store: Store,
) -> None:
    talks = views.timeline(undated_store)[2]
    assert talks.by_document == [("irrawaddy", "The Irrawaddy", 1), ("tass", "TASS", 2)]


def test_an_entry_is_told_by_a_report_that_gives_its_date_then_the_most_confident() -> None:
    def report(number: int, date: str | None, confidence: float, place: str | None) -> StoredEvent:
        ev = replace(
            event("CONSULT", (CHIEF,), (PUTIN,), date or "", f"report {number}"),
            date=date,
            confidence=confidence,
            location=place,
        )
        return StoredEvent(number, f"d{number}", None, None, None, ev, 0.0)

    reports = [
        report(1, "2024-02", 0.9, None),
        report(2, "2024-02-01", 0.6, None),
        report(3, "2024-02-01", 0.6, "Moscow"),
    ]
    assert views.lead_report("2024-02-01", reports).id == 3
    assert views.lead_report("2024-02", reports).id == 1


EVENT_DATES = ["2019", "2019-06", "2019-06-10", "2019-06-12", "2019-06-20", "2019-07", "2020"]


def _random_reports(
    rng: random.Random, count: int, documents: list[str], dates: list[str] = EVENT_DATES
) -> list[views.Member]:
    """Reports of one bucket: dates from a few precisions of one event and its neighbours
    (so entries join, turn reports away and change their dates), documents from a small
    set (so documents report an event twice)."""
    parties = views._refs_parties(0, [ActorRef("Russia", "RUS", None, "russia")], [])
    made = []
    for number in range(count):
        when, document = rng.choice(dates), rng.choice(documents)
        key = views.GroupKey(
            number, document, "CONSULT", when, parties, views._day(when), None,
            (False, when, document, number),
        )  # fmt: skip
        made.append((key.order, key))
    return made


def test_a_report_placed_by_its_neighbour_is_where_folding_again_puts_it() -> None:
    """``views._joined`` places a new report in a folded bucket without folding, from what
    a neighbour with the same date says: whenever it does, the bucket is exactly the fold of
    all the reports afresh (entries, marks, choices per report). New reports come in event
    order, a document's second one knowing where its first went (``present``). Small random
    buckets where entries turn reports away (once or more), open before a neighbour and
    move their dates; most new reports are placed."""
    rng = random.Random(11)
    placed = tried = 0
    hows: set[int] = set()
    for _ in range(1500):
        old = _random_reports(rng, rng.randint(4, 14), ["a", "b", "c", "d", "e"])
        bucket = views._bucket(sorted(old))
        new = []  # their documents sort among the old ones
        for order, key in _random_reports(rng, rng.randint(1, 6), ["0", "b5", "d5"]):
            moved = (*order[:3], order[3] + 100)
            new.append((moved, replace(key, id=key.id + 100, order=moved)))
        added: list[views.Member] = []
        for member in sorted(new):
            present = [o for o, key in added if key.document_id == member[1].document_id]
            added.append(member)
            found = views._joined(bucket, member, present)
            tried += 1
            if found is None:
                bucket = views._bucket(sorted([*old, *added]))
                continue
            placed += 1
            bucket, was, entry = found
            assert bucket == views._bucket(sorted([*old, *added])), (old, added)
            assert was.event_ids != entry.event_ids and entry in bucket.folded
            hows.add(bucket.how[bucket.keys.index(member)])
    assert placed > tried / 2
    assert hows == {views.JOINED, views.OPENED, views.TURNED_AWAY_ONCE}  # every way placed


def test_new_reports_spliced_into_a_bucket_give_the_fold_of_all_of_them() -> None:
    """A bucket's segments with new reports (``_Segments.spliced``: placed by a neighbour,
    folded on from the entries open at the end, the segments they reach folded again) are
    the segments of all the reports folded afresh, field for field; and the entries it
    reports dropped and made turn the old timeline into the new one. Random buckets over
    two years (cut into segments), new documents sorting among the old ones and
    after them (on later dates), several reports of one document."""
    rng = random.Random(12)
    appended = 0
    for _ in range(300):
        spread = ["2019-06-10", "2019-07-01", "2019-08", "2019-08-20", "2019-09-15", "2019-11"]
        # a run every three days: one long segment, in which early entries close
        chain = [(date(2019, 8, 1) + timedelta(days=3 * k)).isoformat() for k in range(12)]
        between = [(date(2019, 8, 2) + timedelta(days=3 * k)).isoformat() for k in range(12)]
        old = _random_reports(
            rng, rng.randint(3, 24), ["a", "b", "c", "d", "e"], rng.choice([spread, chain])
        )
        before = views._segments(views._segmented(sorted(old)))
        for batch in range(1, 5):  # four ingests: each grows what the one before made
            later = ["2020", "2020-02", "2020-02-03", "2020-02-05", "2021"]
            dates = rng.choice([EVENT_DATES, spread, later, chain, between])
            new = []
            for order, key in _random_reports(rng, rng.randint(1, 6), ["0", "c5", "x"], dates):
                moved = (*order[:2], f"{order[2]}{batch}", order[3] + 100 * batch)
                key = replace(key, id=moved[3], document_id=moved[2], order=moved)
                new.append((moved, key))
            after, stale, fresh = before.spliced(sorted(new))
            expected = views._segmented(sorted(old + new))
            assert list(after.parts) == expected
            assert after == views._segments(expected)
            slots = [s for part in before.parts for s in part.folded]
            for slot in stale:
                slots.remove(slot)
            assert sorted(map(views._slot_order, [*slots, *fresh])) == sorted(
                views._slot_order(s) for part in expected for s in part.folded
            )
            appended += min(new)[0] > max(old)[0]
            old, before = old + new, after
    assert appended > 100
