"""The web app through FastAPI's TestClient: every route, its content, its input checks, and
article text that carries markup coming back escaped.

The knowledge base is built once per session by really ingesting the five samples plus
documents written here (one with injected markup, one copy of a sample).
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from storyline import pipeline, sources, views
from storyline.errors import StoreError
from storyline.model import ActorRef, Document, Event
from storyline.settings import Settings
from storyline.sources import profile_store
from storyline.store import Store, StoredEvent
from storyline.views import SAME_EVENT_DAYS
from storyline.web import (
    HIGHLIGHT,
    PAGE_ROWS,
    Mark,
    create_app,
    date_problem,
    marked_lines,
    marked_text,
    search_snippet,
)

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "russia-myanmar"

INJECTED = """Injected markup test

Officials in Naypyidaw said on Tuesday that the talks with Moscow on energy cooperation would continue next month, according to a statement. The statement contained <script>alert(1)</script> in its text.

A second paragraph shows an image tag <img src=x onerror=alert(1)> that must stay as plain text, with "quotes" & ampersands, in the cleaned article body.

Russia and Myanmar signed an agreement on nuclear energy cooperation in March 2024, the two governments said in a joint statement released in Moscow.
"""

# the sample whose sentences the test events quote
EVENT_SAMPLE = "000_b71f3d8e0a766c14.txt"
CONSULT_SENTENCE = "On November 29, the military leader, General Min Aung Hlaing, met with the Chief of the General Staff of the Armed Forces of the Russian Federation"
AGREE_SENTENCE = "On November 21, the military delegations paid a visit to Russia and signed a memorandum of feasibility study for building a nuclear power plant in Myanmar"
# undated reports: two of one visit (sample-000, whose publication date is estimated, and
# the injected article, published 2024-03-12) and one of an arms deal (sample-000)
MOSCOW_SENTENCE = "Min Aung Hlaing held talks with Putin in Moscow, the junta said."
MOSCOW_AGAIN = "The junta chief met Vladimir Putin in Moscow."
ARMS_SENTENCE = "Russia has become the main arms supplier of Myanmar's military."


def build_knowledge_base(folder: Path) -> Path:
    """Ingest the samples, the injected-markup article and a copy of one sample."""
    inputs = folder / "inputs"
    inputs.mkdir(parents=True)
    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(sample, inputs / sample.name)
    _sidecar(inputs / EVENT_SAMPLE, {"id": "sample-000", "source": "rfa.org"})
    (inputs / "injected.txt").write_text(INJECTED, encoding="utf-8")
    _sidecar(
        inputs / "injected.txt",
        {"id": "injected", "source": "Evil <b>Outlet</b>", "published": "2024-03-12"},
    )
    original = (SAMPLES / EVENT_SAMPLE).read_text(encoding="utf-8")
    (inputs / "copy.txt").write_text("Reposted from a partner site\n\n" + original, "utf-8")
    _sidecar(inputs / "copy.txt", {"id": "copy-000", "source": "mirror.example"})
    db = folder / "kb.db"
    with Store(db) as store:
        summary = pipeline.ingest([str(inputs)], store, Settings())
    assert summary.failed == 0, summary.errors
    return db


def _sidecar(document: Path, fields: dict[str, str]) -> None:
    path = document.with_name(document.stem + ".meta.json")
    path.write_text(json.dumps(fields), encoding="utf-8")


def add_test_events(db: Path) -> None:
    """Real Event records written the way the pipeline writes them, in place of the events
    the pipeline coded (those change as the events stage improves; the timeline tests need a
    known set): three dated ones on sample-000, and undated ones on sample-000 and the
    injected article."""
    with Store(db) as store:
        doc = store.get_document("sample-000")
        assert doc is not None
        junta_chief = ActorRef("Min Aung Hlaing", "MMR", "MIL", "min-aung-hlaing")
        russia = ActorRef("Russia", "RUS", "GOV", "russia")
        myanmar = ActorRef("Myanmar", "MMR", "GOV", "myanmar")
        events = [
            Event(
                type="CONSULT",
                actors=(junta_chief,),
                recipients=(russia,),
                mode="visit",
                date="2024-11-29",
                date_text="November 29",
                sentence=CONSULT_SENTENCE,
                sentence_start=doc.text.index(CONSULT_SENTENCE),
                trigger="met",
                confidence=0.8,
            ),
            Event(
                type="AGREE",
                actors=(myanmar, russia),
                date="2024-11-21",
                date_text="November 21",
                sentence=AGREE_SENTENCE,
                sentence_start=doc.text.index(AGREE_SENTENCE),
                trigger="signed",
                confidence=0.7,
            ),
            Event(
                type="AGREE",
                actors=(myanmar,),
                recipients=(russia,),
                status="negated",
                date="2024-11-22",
                sentence="A sentence saying an agreement was not signed.",
                trigger="signed",
            ),
        ]
        putin = ActorRef("Vladimir Putin", "RUS", "GOV", "vladimir-putin")
        visit = Event(type="CONSULT", actors=(junta_chief,), recipients=(putin,), mode="visit",
                      sentence=MOSCOW_SENTENCE, trigger="held", confidence=0.8)  # fmt: skip
        arms = Event(type="AID", actors=(russia,), recipients=(myanmar,), sentence=ARMS_SENTENCE,
                     trigger="supplier", confidence=0.55)  # fmt: skip
        again = replace(visit, sentence=MOSCOW_AGAIN, trigger="met")
        with store.transaction():
            store.conn.execute("DELETE FROM events")
            store.add_events("sample-000", [*events, visit, arms], [4.0, 2.5, 2.5, 4.0, 7.0])
            store.add_events("injected", [again], [4.0])


@pytest.fixture(scope="session")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_knowledge_base(tmp_path_factory.mktemp("web-kb"))


@pytest.fixture(scope="session")
def kb_events(kb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("web-kb-events") / "kb.db"
    shutil.copy(kb, copy)
    add_test_events(copy)
    return copy


@pytest.fixture(scope="session")
def client(kb: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(kb), Settings())) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def events_client(kb_events: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(kb_events), Settings())) as test_client:
        yield test_client


# -- the app ---------------------------------------------------------------------------------


def test_app_refuses_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        create_app(str(tmp_path / "absent.db"), Settings())


def test_app_refuses_a_file_that_is_not_a_knowledge_base(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("not sqlite at all " * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="not a storyline database"):
        create_app(str(bogus), Settings())


def test_app_opens_the_database_read_only(kb: Path) -> None:
    before = kb.stat().st_mtime_ns
    with TestClient(create_app(str(kb), Settings())) as test_client:
        assert test_client.get("/api/search", params={"q": "Rosatom"}).status_code == 200
        assert test_client.get("/").status_code == 200
    assert kb.stat().st_mtime_ns == before


def test_openapi_schema_lists_every_api_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for route in (
        "/api/search",
        "/api/events",
        "/api/actors",
        "/api/documents/{document_id}",
        "/api/timeline",
        "/api/network",
        "/api/sources",
        "/api/overview",
    ):
        assert route in schema["paths"], route
    assert not any(not p.startswith("/api/") for p in schema["paths"])


def test_every_answer_carries_a_strict_content_security_policy(client: TestClient) -> None:
    for url in ("/", "/api/actors", "/documents/injected"):
        policy = client.get(url).headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_static_files_are_served(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert "@media" in css.text
    assert "getContext" in client.get("/static/network.js").text


# -- JSON API --------------------------------------------------------------------------------


def test_api_search_ranks_the_matching_article_with_bracketed_matches(client: TestClient) -> None:
    answer = client.get("/api/search", params={"q": "Rosatom"}).json()
    ids = [h["id"] for h in answer["hits"]]
    assert "sample-000" in ids and "copy-000" in ids
    assert "injected" not in ids
    assert all("[Rosatom]" in h["snippet"] for h in answer["hits"])


def test_api_search_honours_the_limit(client: TestClient) -> None:
    answer = client.get("/api/search", params={"q": "Myanmar", "limit": 2}).json()
    assert len(answer["hits"]) == 2


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "!!! ???"}, {"q": "Myanmar", "limit": 501}, {"q": "Myanmar", "limit": 0}],
)
def test_api_search_rejects_bad_input_with_4xx(
    client: TestClient, params: dict[str, object]
) -> None:
    answer = client.get("/api/search", params=params)
    assert 400 <= answer.status_code < 500
    assert "detail" in answer.json()


def test_api_document_has_text_removals_mentions_and_dates(client: TestClient) -> None:
    doc = client.get("/api/documents/sample-000").json()
    assert "Rosatom Atomic Energy Corporation" in doc["text"]
    assert doc["source"] == "rfa.org"
    assert any(r["reason"] == "teaser-list" for r in doc["removed"])
    assert {"2024-11-29", "2024-11-21"} <= {d["value"] for d in doc["dates"]}
    names = {m["name"] for m in doc["mentions"]}
    assert "Min Aung Hlaing" in names
    for mention in doc["mentions"]:
        assert doc["text"][mention["start"] : mention["end"]]


def test_api_document_links_a_copy_to_its_original(client: TestClient) -> None:
    copy = client.get("/api/documents/copy-000").json()
    original = client.get("/api/documents/sample-000").json()
    assert copy["duplicate_of"]["id"] == "sample-000"
    assert "copy-000" in original["copies"]
    shared = copy["shared_passages"]
    assert shared and all(p["document"] == "sample-000" for p in shared)
    assert any("Rosatom" in p["text"] for p in shared)


def test_api_unknown_document_is_404(client: TestClient) -> None:
    answer = client.get("/api/documents/no-such-document")
    assert answer.status_code == 404
    assert "no-such-document" in answer.json()["detail"]
    # ids from JSONL inputs may hold slashes: they reach the lookup whole
    assert client.get("/api/documents/feed/item 7").json()["detail"] == "no document 'feed/item 7'"


def test_api_actors_lists_canonical_actors_most_mentioned_first(client: TestClient) -> None:
    answer = client.get("/api/actors", params={"limit": 500}).json()
    actors = answer["actors"]
    assert answer["total"] == len(actors)
    names = {a["name"] for a in actors}
    assert {"Russia", "Myanmar", "Min Aung Hlaing"} <= names
    counts = [a["mentions"] for a in actors]
    assert counts == sorted(counts, reverse=True)
    assert client.get("/api/actors", params={"limit": 1000}).status_code == 422


def test_api_network_joins_actors_named_in_one_sentence(client: TestClient) -> None:
    graph = client.get("/api/network").json()
    ids = {n["id"] for n in graph["nodes"]}
    assert {"russia", "myanmar"} <= ids
    assert graph["edges"]
    for edge in graph["edges"]:
        assert edge["source"] in ids and edge["target"] in ids
        assert edge["weight"] == edge["sentences"] + edge["events"] > 0
    pairs = {(e["source"], e["target"]) for e in graph["edges"]}
    assert ("myanmar", "russia") in pairs
    small = client.get("/api/network", params={"limit": 3}).json()
    assert len(small["nodes"]) == 3


def test_api_sources_summarises_each_outlet(client: TestClient) -> None:
    rows = {s["source"]: s for s in client.get("/api/sources").json()["sources"]}
    assert rows["rfa.org"]["documents"] == 1
    assert rows["rfa.org"]["removed"]["teaser-list"] >= 1
    assert rows["mirror.example"]["copies"] == 1
    assert rows["Evil <b>Outlet</b>"]["first"] == "2024-03-12"
    assert sum(s["documents"] for s in rows.values()) == 7


def test_api_overview_counts_and_period(client: TestClient) -> None:
    view = client.get("/api/overview").json()
    assert view["documents"] == 7
    assert view["period"]["first"] <= "2024-03-12" <= view["period"]["last"]
    assert view["top_actors"][0]["mentions"] >= view["top_actors"][-1]["mentions"]


def test_api_events_and_timeline_answer_with_what_is_stored(client: TestClient) -> None:
    events = client.get("/api/events").json()
    timeline = client.get("/api/timeline", params={"limit": 500}).json()
    assert events["total"] == len(events["events"]) or len(events["events"]) == 100
    entries = timeline["entries"]
    assert len(entries) == timeline["total"]
    dated = [e for e in entries if e["dated"]]
    assert entries[: len(dated)] == dated  # the undated entries come last
    assert timeline["undated"] == len(entries) - len(dated) > 0  # the samples have some
    for entry in entries:
        assert entry["documents"] and (entry["date"] is not None) == entry["dated"]
        assert entry["reported_from"] <= entry["reported_until"]
    for entry in entries[len(dated) :]:
        assert entry["date_note"].startswith("date not stated; reported in ")


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2024-13"},
        {"until": "yesterday"},
        {"since": "2024-02-30"},
        {"since": "24-01-01"},
        {"limit": 501},
        {"offset": -1},
    ],
)
def test_api_timeline_and_events_reject_bad_filters(
    client: TestClient, params: dict[str, object]
) -> None:
    for route in ("/api/timeline", "/api/events"):
        answer = client.get(route, params=params)
        assert 400 <= answer.status_code < 500, (route, params)


def test_api_timeline_filters_inserted_events(events_client: TestClient) -> None:
    everything = events_client.get("/api/timeline").json()["entries"]
    sentences = [e["sentence"] for e in everything]
    assert CONSULT_SENTENCE in sentences and AGREE_SENTENCE in sentences
    assert "A sentence saying an agreement was not signed." not in sentences
    late = events_client.get("/api/timeline", params={"since": "2024-11-25"}).json()["entries"]
    assert CONSULT_SENTENCE in [e["sentence"] for e in late]
    assert AGREE_SENTENCE not in [e["sentence"] for e in late]
    agree = events_client.get("/api/timeline", params={"type": "agree", "until": "2024-11"}).json()[
        "entries"
    ]
    assert AGREE_SENTENCE in [e["sentence"] for e in agree]
    assert all(e["type"] == "AGREE" for e in agree)
    chief = events_client.get("/api/timeline", params={"actor": "aung hlaing"}).json()
    assert CONSULT_SENTENCE in [e["sentence"] for e in chief["entries"]]
    assert AGREE_SENTENCE not in [e["sentence"] for e in chief["entries"]]


def test_api_timeline_lists_undated_events_last_with_their_publication_dates(
    events_client: TestClient,
) -> None:
    answer = events_client.get("/api/timeline").json()
    assert answer["total"] == 4 and answer["undated"] == 2
    dated, visit, arms = answer["entries"][:2], answer["entries"][2], answer["entries"][3]
    assert [e["sentence"] for e in dated] == [AGREE_SENTENCE, CONSULT_SENTENCE]
    # two reports from two documents fold into one entry, listed first (most reported)
    assert visit["type"] == "CONSULT" and visit["reports"] == 2
    assert visit["documents"] == ["injected", "sample-000"]
    assert visit["actor"] == "Min Aung Hlaing (MMR/MIL)"
    assert visit["recipient"] == "Vladimir Putin (RUS/GOV)"
    assert visit["sentence"] == MOSCOW_AGAIN  # the injected article's date is the earliest
    assert (visit["date"], visit["dated"]) == (None, False)
    estimated = events_client.get("/api/documents/sample-000").json()["published"]
    assert visit["reported_from"] == "2024-03-12" < estimated == visit["reported_until"]
    assert visit["published_estimated"] is True
    assert visit["date_note"] == (
        f"date not stated; reported in documents published 2024-03-12 to {estimated} (est.)"
    )
    assert arms["type"] == "AID" and arms["reports"] == 1
    assert (
        arms["date_note"] == f"date not stated; reported in a document published {estimated} (est.)"
    )
    # filters keep applying to the undated entries; a date filter leaves them out
    by_type = events_client.get("/api/timeline", params={"type": "aid"}).json()
    assert [e["sentence"] for e in by_type["entries"]] == [ARMS_SENTENCE]
    putin = events_client.get("/api/timeline", params={"actor": "putin"}).json()
    assert [e["sentence"] for e in putin["entries"]] == [MOSCOW_AGAIN]
    for dates in ({"since": "2020"}, {"until": "2030"}):
        found = events_client.get("/api/timeline", params=dates).json()
        assert found["undated"] == 0 and all(e["dated"] for e in found["entries"])


def test_timeline_page_shows_the_undated_events_after_the_dated_ones(
    events_client: TestClient,
) -> None:
    page = events_client.get("/timeline").text
    assert "4 events; 2 without a stated date, listed after the dated ones" in page
    dated, undated = page.split('<section id="undated"')
    assert CONSULT_SENTENCE in dated and MOSCOW_AGAIN not in dated
    assert "Undated events</h2>" in undated
    assert undated.count('<span class="not-stated">date not stated</span>') == 2
    assert "reported in documents published 2024-03-12 to " in undated
    arms = str(escape(ARMS_SENTENCE))  # "Myanmar's": the page escapes the quote
    assert MOSCOW_AGAIN in undated and arms in undated
    assert undated.index(MOSCOW_AGAIN) < undated.index(arms)
    assert 'href="/documents/injected">Evil &lt;b&gt;Outlet&lt;/b&gt;</a>' in undated
    ranged = events_client.get("/timeline", params={"since": "2024"}).text
    assert 'id="undated"' not in ranged and "without a stated date" not in ranged
    assert "A date filter leaves out the events whose date is not stated." in ranged
    assert 'id="dates-hint"' not in page


def test_api_events_and_document_carry_inserted_events(events_client: TestClient) -> None:
    found = events_client.get("/api/events", params={"type": "CONSULT"}).json()["events"]
    consult = next(e for e in found if e["sentence"] == CONSULT_SENTENCE)
    assert consult["document"] == "sample-000"
    assert consult["actor"].startswith("Min Aung Hlaing")
    assert consult["score"] == 4.0
    doc = events_client.get("/api/documents/sample-000").json()
    statuses = {e["sentence"]: e["status"] for e in doc["events"]}
    assert statuses[CONSULT_SENTENCE] == "happened"
    assert statuses["A sentence saying an agreement was not signed."] == "negated"


def test_api_network_counts_event_co_occurrence(events_client: TestClient) -> None:
    graph = events_client.get("/api/network", params={"limit": 500}).json()
    edge = next(e for e in graph["edges"] if (e["source"], e["target"]) == ("myanmar", "russia"))
    assert edge["events"] >= 1


def test_api_timeline_sees_what_an_ingest_commits_while_it_runs(
    kb_events: Path, tmp_path: Path
) -> None:
    db = tmp_path / "kb.db"
    shutil.copy(kb_events, db)
    with TestClient(create_app(str(db), Settings())) as test_client:
        before = test_client.get("/api/timeline").json()["total"]
        assert test_client.get("/api/timeline").json()["total"] == before
        late = Event(
            type="SANCTION",
            actors=(ActorRef("United States", "USA", "GOV", "united-states"),),
            recipients=(ActorRef("Russia", "RUS", "GOV", "russia"),),
            date="2025-01-02",
            sentence="The United States imposed new sanctions on Russia.",
        )
        with Store(db) as store, store.transaction():
            store.add_events("injected", [late], [-6.0])
        after = test_client.get("/api/timeline").json()
        assert after["total"] == before + 1
        dated = [e for e in after["entries"] if e["dated"]]
        assert dated[-1]["sentence"] == late.sentence


def test_api_sources_profiles_extend_the_previous_state_after_an_ingest(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an ingest, the app extends its latest profile state with the new documents (a
    copy of a sample under another outlet, a new outlet) instead of building it afresh, and
    shows the profiles of the whole store built afresh."""
    db = tmp_path / "kb.db"
    shutil.copy(kb, db)
    extended_from: list[sources.ProfileState | None] = []
    profile_state = sources.profile_state

    def spy(store: Store, previous: sources.ProfileState | None = None) -> sources.ProfileState:
        extended_from.append(previous)
        return profile_state(store, previous)

    monkeypatch.setattr(sources, "profile_state", spy)
    with TestClient(create_app(str(db), Settings())) as test_client:
        before = test_client.get("/api/sources").json()["profiles"]
        with Store(db) as store, store.transaction():
            sample = store.get_document("sample-000", full=True)
            assert sample is not None
            for number, source in enumerate(["rfa.org", "late.example"]):
                late = replace(sample, id=f"late-{number}", content_hash=f"late-{number}",
                               source=source, text=sample.text + f" Late {number}.")  # fmt: skip
                pipeline.store_document(store, late, Settings())
        after = test_client.get("/api/sources").json()["profiles"]
        monkeypatch.undo()
        with Store(db, readonly=True) as store:
            fresh = [p.to_json() for p in profile_store(store, views.claim_groups(store))]
    assert after == fresh != before
    assert len(extended_from) == 2 and extended_from[0] is None
    assert extended_from[1] is not None and extended_from[1].count == 7
    late = {d for p in after for d in p["documents"] if d.startswith("late-")}
    assert late == {"late-0", "late-1"}


# -- HTML pages ------------------------------------------------------------------------------


def test_overview_page_shows_counts_sources_and_actors(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<meta name="viewport"' in page.text
    assert '<span class="num" id="doc-count">7</span>' in page.text
    assert "rfa.org" in page.text and "Min Aung Hlaing" in page.text


def test_overview_page_lists_the_latest_events(events_client: TestClient) -> None:
    page = events_client.get("/").text
    assert "2024-11-29" in page and "CONSULT" in page


def test_search_page_highlights_matches(client: TestClient) -> None:
    page = client.get("/search", params={"q": "nuclear power plant"})
    assert page.status_code == 200
    assert "<mark>nuclear</mark>" in page.text or "<mark>nuclear power plant</mark>" in page.text
    assert 'href="/documents/sample-000"' in page.text


def test_search_page_without_query_shows_the_form(client: TestClient) -> None:
    page = client.get("/search")
    assert page.status_code == 200
    assert 'name="q"' in page.text and "result" not in page.text


def test_search_page_with_no_words_is_a_400_with_a_message(client: TestClient) -> None:
    page = client.get("/search", params={"q": "?!"})
    assert page.status_code == 400
    assert "no words" in page.text


def test_document_page_marks_actors_and_dates(client: TestClient) -> None:
    page = client.get("/documents/sample-000").text
    assert 'data-actor="min-aung-hlaing"' in page
    assert re.search(r'<span class="date[^"]*" title="[^"]*2024-11-29">November 29</span>', page)
    assert "<details" in page and "teaser-list" in page


def test_document_page_marks_event_sentences(events_client: TestClient) -> None:
    page = events_client.get("/documents/sample-000").text
    assert 'class="event"' in page and "CONSULT: Min Aung Hlaing → Russia" in page


def test_document_page_links_copy_and_shared_passages(client: TestClient) -> None:
    page = client.get("/documents/copy-000").text
    assert 'href="/documents/sample-000"' in page
    assert "Passages shared with other documents" in page


def test_unknown_document_page_is_404(client: TestClient) -> None:
    page = client.get("/documents/missing-one")
    assert page.status_code == 404
    assert "missing-one" in page.text


def test_injected_markup_comes_back_escaped_everywhere(client: TestClient) -> None:
    for url in ("/documents/injected", "/search?q=statement+contained", "/sources", "/"):
        page = client.get(url).text
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert "<b>Outlet</b>" not in page, url
    document = client.get("/documents/injected").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "&lt;img src=x onerror=alert(1)&gt;" in document
    assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in document
    api = client.get("/api/documents/injected").json()
    assert "<script>alert(1)</script>" in api["text"]


def test_timeline_page_filters_by_actor_type_and_date(events_client: TestClient) -> None:
    page = events_client.get("/timeline").text
    assert CONSULT_SENTENCE in page and AGREE_SENTENCE in page
    filtered = events_client.get("/timeline", params={"type": "CONSULT", "since": "2024-11"})
    assert CONSULT_SENTENCE in filtered.text and AGREE_SENTENCE not in filtered.text
    assert '<option value="CONSULT" selected>' in filtered.text
    by_actor = events_client.get("/timeline", params={"actor": "min-aung-hlaing"}).text
    assert CONSULT_SENTENCE in by_actor and AGREE_SENTENCE not in by_actor


def test_timeline_page_pages_through_a_long_timeline(tmp_path: Path, kb: Path) -> None:
    db = tmp_path / "kb.db"
    shutil.copy(kb, db)
    base = date(2020, 1, 1)
    many = [
        Event(
            type="CONSULT",
            actors=(ActorRef(f"Envoy {i}", "RUS", "GOV"),),
            date=(base + timedelta(days=i)).isoformat(),
            sentence=f"Envoy number {i} held talks.",
        )
        for i in range(PAGE_ROWS + 5)
    ]
    with Store(db) as store, store.transaction():
        store.conn.execute("DELETE FROM events")
        store.add_events("injected", many, [2.5] * len(many))
    with TestClient(create_app(str(db), Settings())) as test_client:
        first = test_client.get("/timeline", params={"type": "CONSULT"}).text
        assert f"{PAGE_ROWS + 5} events, showing 1 to {PAGE_ROWS}" in first
        assert "Envoy number 0 held talks." in first
        assert f"Envoy number {PAGE_ROWS} held talks." not in first
        assert f'href="/timeline?type=CONSULT&amp;offset={PAGE_ROWS}" rel="next"' in first
        second = test_client.get("/timeline", params={"type": "CONSULT", "offset": PAGE_ROWS}).text
        assert f"Envoy number {PAGE_ROWS} held talks." in second
        assert "Envoy number 0 held talks." not in second
        assert 'href="/timeline?type=CONSULT&amp;offset=0" rel="prev"' in second


def test_timeline_page_with_a_bad_date_is_a_400_with_a_message(client: TestClient) -> None:
    page = client.get("/timeline", params={"since": "2024-02-31"})
    assert page.status_code == 400
    assert "not a calendar date" in page.text


def test_actors_page_lists_actors_and_loads_the_network(client: TestClient) -> None:
    page = client.get("/actors").text
    assert '<canvas id="network"' in page and "/static/network.js" in page
    assert "Min Aung Hlaing" in page and "MMR" in page


def test_sources_page_has_one_row_per_outlet(client: TestClient) -> None:
    page = client.get("/sources").text
    assert "rfa.org" in page and "mirror.example" in page
    assert "teaser-list (" in page


# -- claims board and source profiles ----------------------------------------------------------


def _group(claims: list[dict[str, object]], predicate: str, value: str) -> dict[str, object]:
    found = [
        g
        for g in claims
        if g["predicate"] == predicate and any(st["value"] == value for st in g["statements"])  # type: ignore[attr-defined]
    ]
    assert len(found) == 1, (predicate, value, [g["predicate"] for g in claims])
    return found[0]


def test_api_claims_gives_verdicts_of_the_sample_story(client: TestClient) -> None:
    answer = client.get("/api/claims", params={"limit": 500}).json()
    claims = answer["claims"]
    assert answer["total"] == len(claims) > 0
    trips = _group(claims, "trips to Russia", "4")
    assert trips["verdict"] == "contested"
    assert {st["value"] for st in trips["statements"]} >= {"3", "4"}  # type: ignore[attr-defined]
    king = _group(claims, "called Vladimir Putin", "king")
    assert king["verdict"] == "corroborated"
    assert "independently" in str(king["explanation"])
    for group in claims:
        assert set(group) == {"id", "subject", "predicate", "statements", "verdict", "explanation"}
        for st in group["statements"]:
            assert set(st) == {"document", "source", "value", "as_of", "sentence"}
            assert client.get(f"/api/documents/{st['document']}").status_code == 200


def test_api_claims_lists_contested_and_corroborated_first(client: TestClient) -> None:
    verdicts = [g["verdict"] for g in client.get("/api/claims").json()["claims"]]
    order = ["contested", "corroborated", "changed-over-time", "single-source"]
    assert verdicts == sorted(verdicts, key=order.index)
    assert verdicts[0] == "contested"


def test_api_claims_filters_by_verdict(client: TestClient) -> None:
    every = client.get("/api/claims", params={"limit": 500}).json()["claims"]
    contested = client.get("/api/claims", params={"verdict": "contested"}).json()
    assert contested["total"] == sum(g["verdict"] == "contested" for g in every) >= 1
    assert {g["verdict"] for g in contested["claims"]} == {"contested"}
    assert client.get("/api/claims", params={"verdict": "maybe"}).status_code == 422
    assert len(client.get("/api/claims", params={"limit": 1}).json()["claims"]) == 1


def test_claims_page_shows_badges_statements_and_explanations(client: TestClient) -> None:
    page = client.get("/claims").text
    assert '<a href="/claims" aria-current="page">Claims</a>' in page
    trips = page.index("trips to Russia")
    head = page[:trips]
    assert head[head.rindex("<article") :].count('class="badge verdict-contested"') == 1
    king = page.index("“king”") if "“king”" in page else page.index("king")
    assert "verdict-corroborated" in page[:king][page[:king].rindex("<article") :]
    assert 'href="/documents/sample-000"' in page
    assert "Min Aung Hlaing" in page


def test_claims_page_filters_by_verdict(client: TestClient) -> None:
    page = client.get("/claims", params={"verdict": "corroborated"}).text
    assert 'data-verdict="corroborated"' in page
    assert 'data-verdict="contested"' not in page and 'data-verdict="single-source"' not in page
    bad = client.get("/claims", params={"verdict": "<script>"})
    assert bad.status_code == 400
    assert "&lt;script&gt;" in bad.text and "<script>" not in bad.text.split("<main>")[1]


def test_api_sources_profiles_each_outlet(client: TestClient) -> None:
    profiles = {p["source"]: p for p in client.get("/api/sources").json()["profiles"]}
    rfa = profiles["rfa.org"]
    # the mirror's copy counts for the outlet it copies
    assert set(rfa["documents"]) == {"sample-000", "copy-000"}
    assert "mirror.example" not in profiles
    assert rfa["kind"] == "news article"
    assert rfa["period"][0] and rfa["events"] > 0 and rfa["claims"] > 0
    assert 0 <= rfa["exclusive_claims"] <= rfa["claims"]
    assert "forum post" in {p["kind"] for p in profiles.values()}
    names = {n["name"] for p in profiles.values() for n in p["naming"].get("Min Aung Hlaing", [])}
    assert {"Min Aung Hlaing", "the military leader"} <= names


def test_api_sources_pages_both_lists_like_the_claims(client: TestClient) -> None:
    whole = client.get("/api/sources").json()
    assert whole["total"] == len(whole["profiles"]) >= 5
    assert whole["total_sources"] == len(whole["sources"]) >= 5
    page = client.get("/api/sources", params={"limit": 2, "offset": 1}).json()
    assert (page["total"], page["total_sources"]) == (whole["total"], whole["total_sources"])
    assert page["profiles"] == whole["profiles"][1:3]
    assert page["sources"] == whole["sources"][1:3]
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}):
        assert client.get("/api/sources", params=bad).status_code == 422


def test_sources_page_shows_profiles_and_naming(client: TestClient) -> None:
    page = client.get("/sources").text
    assert 'id="source-profiles"' in page
    assert 'data-source="rfa.org"' in page
    assert "Claims only this outlet makes" in page
    assert "“the military leader”" in page
    assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in page


# -- the helpers the pages use ---------------------------------------------------------------


def test_marked_text_escapes_every_piece_and_nests_marks() -> None:
    text = "<b>Putin</b> met Min Aung Hlaing on Monday."
    marks = [
        Mark(0, len(text), "event", "CONSULT"),
        Mark(17, 32, "actor", "Min Aung Hlaing (person)", "mah"),
        Mark(36, 42, "date", "2024-11-25"),
    ]
    html = str(marked_text(text, marks))
    assert html.startswith('<span class="event" title="CONSULT">&lt;b&gt;Putin&lt;/b&gt; met ')
    assert 'class="actor event"' in html and 'data-actor="mah">Min Aung Hlaing</span>' in html
    assert 'class="date event" title="CONSULT | 2024-11-25">Monday</span>' in html
    assert "<b>" not in html


def test_marked_lines_give_one_piece_per_line_with_marks_clipped() -> None:
    text = "Russia said.\nMyanmar <i>agreed</i>."
    marks = [
        Mark(0, 6, "actor", "Russia", "rus"),
        Mark(7, 20, "event", "X"),
        Mark(13, 20, "actor", "M", "mmr"),
    ]
    first, second = (str(piece) for piece in marked_lines(text, marks))
    assert first == (
        '<span class="actor" title="Russia" data-actor="rus">Russia</span>'
        ' <span class="event" title="X">said.</span>'
    )
    assert second.startswith(
        '<span class="actor event" title="X | M" data-actor="mmr">Myanmar</span>'
    )
    assert second.endswith(" &lt;i&gt;agreed&lt;/i&gt;.")


def test_document_page_flags_paragraphs_shared_with_another_document(client: TestClient) -> None:
    page = client.get("/documents/copy-000").text
    assert re.search(r'<p id="line-\d+" class="shared">', page)
    assert re.search(r'href="/documents/sample-000#line-\d+"', page)


def test_marked_text_ignores_marks_outside_the_text() -> None:
    assert str(marked_text("a < b", [Mark(3, 99, "date", "x"), Mark(2, 2, "date", "y")])) == (
        "a &lt; b"
    )


def test_search_snippet_marks_matches_and_escapes_the_rest() -> None:
    html = str(search_snippet("a <i>x</i> [Rosatom] said … [plant]"))
    assert html == "a &lt;i&gt;x&lt;/i&gt; <mark>Rosatom</mark> said … <mark>plant</mark>"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2024", True),
        ("2024-02", True),
        ("2024-02-29", True),
        ("2023-02-29", False),
        ("2024-1", False),
        ("2024/01/01", False),
        ("", True),
        ("20240101", False),
    ],
)
def test_date_problem(value: str, ok: bool) -> None:
    assert (date_problem(value) is None) is ok


# -- the paged timeline is the timeline ----------------------------------------------------------


def _reference_timeline(items: list[StoredEvent]) -> list[tuple[str | None, str, list[int]]]:
    """The timeline's rule written the plain quadratic way: each dated report joins the first
    earlier entry of its type and parties that is close in date and, for a document already
    in it, has the same date; an entry keeps its most precise date. Undated reports of one
    type and parties make one entry, after the dated ones: most reports first, then earliest
    publication date of their documents (none last), then type."""
    entries: list[dict[str, Any]] = []
    undated: dict[tuple[str, frozenset[tuple[str, str]]], dict[str, Any]] = {}
    for item in items:
        ev = item.event
        # who acts on whom, each party by its country, else its actor id, else its name
        sides = [
            (role, r.country or r.actor_id or r.name.lower())
            for role, refs in (("actor", ev.actors), ("recipient", ev.recipients))
            for r in refs
        ]
        if not ev.recipients:
            sides = [("alone", key) for _, key in sides]
        parties = frozenset(sides)
        if not ev.date:
            loose = undated.setdefault((ev.type, parties), {"ids": [], "published": []})
            loose["ids"].append(item.id)
            loose["published"] += [item.published] if item.published else []
            continue
        match = next(
            (
                e
                for e in entries
                if e["key"] == (ev.type, parties)
                and _reference_close(e["date"], ev.date)
                and (item.document_id not in e["docs"] or e["date"] == ev.date)
            ),
            None,
        )
        if match is None:
            match = {"key": (ev.type, parties), "date": ev.date, "docs": set(), "ids": []}
            entries.append(match)
        match["ids"].append(item.id)
        match["docs"].add(item.document_id)
        if len(ev.date) > len(match["date"]):
            match["date"] = ev.date
    ordered = sorted(entries, key=lambda e: (e["date"], e["key"][0]))
    dated: list[tuple[str | None, str, list[int]]] = [
        (e["date"], e["key"][0], e["ids"]) for e in ordered
    ]
    last = sorted(
        undated.items(),
        key=lambda kv: (
            -len(kv[1]["ids"]),
            not kv[1]["published"],
            min(kv[1]["published"], default=""),
            kv[0][0],
        ),
    )
    return dated + [(None, kind, loose["ids"]) for (kind, _), loose in last]


def _reference_close(first: str, second: str) -> bool:
    if len(first) < 10 or len(second) < 10:
        shorter = min(len(first), len(second))
        return first[:shorter] == second[:shorter]
    return abs((date.fromisoformat(first) - date.fromisoformat(second)).days) <= SAME_EVENT_DAYS


def _crowded_store(path: Path, *, dense: bool = False) -> Store:
    """Many reports of few events, at every precision, spread over weeks: entries open and
    close all the time, in several buckets of type and parties; some reports undated, their
    documents' publication dates stated, estimated or unknown. ``dense``: few buckets with
    many reports each, so that a date range cuts long runs of overlapping entries."""
    store = Store(path)
    with store.transaction():
        for document, events in _crowded_documents(160 if dense else 60, dense=dense):
            store.insert_document(document)
            store.add_events(document.id, events, [0.0] * len(events))
    return store


def _crowded_documents(
    count: int, *, dense: bool = False, prefix: str = "d", seed: int = 7
) -> list[tuple[Document, list[Event]]]:
    """The documents of ``_crowded_store`` and their events (``seed``: the same corpus on
    every run)."""
    rng = random.Random(seed)
    parties = [
        ActorRef("Russia", "RUS", "GOV", "russia"),
        ActorRef("Myanmar", "MMR", "GOV", "myanmar"),
        ActorRef("Some Envoy", None, None, None),
        ActorRef("Ünïcode Body", None, None, None),
    ]
    made = []
    for number in range(count):
        doc_id = f"{prefix}{number:03d}"
        published = date(2024, 1, 1) + timedelta(days=rng.randrange(120))
        document = Document(
            id=doc_id, origin=doc_id, format="text", content_hash=doc_id, text="text",
            source=rng.choice(["wire", "daily", None]),
            published=rng.choice([published.isoformat(), published.isoformat()[:7], None]),
            published_estimated=rng.random() < 0.5,
        )  # fmt: skip
        events = []
        for _ in range(rng.randint(0, 8)):
            day = date(2024, 1, 1) + timedelta(days=rng.randrange(90))
            when = rng.choice([day.isoformat()] * 4 + [day.isoformat()[:7], "2024", None])
            actors = parties[:1] if dense else rng.sample(parties, rng.randint(1, 2))
            recipients = [parties[1]] if dense else rng.sample(parties, rng.randint(0, 1))
            events.append(
                Event(
                    type=rng.choice(["AGREE", "CONSULT"]),
                    actors=tuple(actors),
                    recipients=tuple(recipients),
                    date=when,
                    status=rng.choice(["happened", "happened", "promised", "negated"]),
                )
            )
        made.append((document, events))
    return made


FILTERS = [
    views.EventFilter(),
    views.EventFilter(type="agree"),
    views.EventFilter(actor="russia"),
    views.EventFilter(actor="envoy", since="2024-02"),
    views.EventFilter(actor="ÜNÏCODE"),  # LIKE folds ASCII case only: matches nothing
    views.EventFilter(actor="%co_e%"),  # LIKE's wildcards, as where_clause binds the value
    views.EventFilter(country="mmr"),
    views.EventFilter(source="wire"),
    views.EventFilter(source="WIRE", since="2024-01-15", until="2024-02"),
    views.EventFilter(until="2024-02-15"),
    views.EventFilter(since="2024-02-10"),
    views.EventFilter(since="2024-01-20", until="2024-03"),
    views.EventFilter(since="2024-02", until="2024-02"),
    views.EventFilter(since="2024", until="2024"),
    views.EventFilter(until="2024-01"),
    views.EventFilter(type="consult", since="2024-02-03", until="2024-03-09"),
    views.EventFilter(country="RUS", since="2024-03-01"),
    views.EventFilter(include_unhappened=True),
    views.EventFilter(include_unhappened=True, since="2024-02"),
]


@pytest.mark.parametrize("dense", [False, True])
@pytest.mark.parametrize("flt", FILTERS)
def test_paged_timeline_is_the_plain_timeline_rule(
    tmp_path: Path, flt: views.EventFilter, dense: bool
) -> None:
    with _crowded_store(tmp_path / "kb.db", dense=dense) as store:
        expected = _reference_timeline(views.events(store, flt))
        plain = [(e.date, e.type, [r.id for r in e.reports]) for e in views.timeline(store, flt)]
        assert plain == expected
        keys = views.timeline_keys(store)
        for shared in (None, keys):
            slots = views.timeline_index(store, flt, shared)
            paged = views.timeline_entries(store, slots)
            assert [(e.date, e.type, [r.id for r in e.reports]) for e in paged] == expected


def test_a_date_range_refolds_a_bucket_only_until_the_shared_fold_takes_over(
    tmp_path: Path,
) -> None:
    """``_range_fold`` (the shared fold reused away from a range's ends) gives the fold of
    exactly the reports in the range, for ranges starting and ending anywhere in dense
    buckets; and it does stop refolding early (else it would prove nothing about reuse)."""
    with _crowded_store(tmp_path / "kb.db", dense=True) as store:
        keys = views.timeline_keys(store)
    early = 0
    for bucket in keys.buckets:
        size = len(bucket.keys)
        for a in range(0, size, 3):  # every third start and fifth end: the test stays quick
            for b in range(a + 1, size + 1, 5):
                fresh = views._fold_run(bucket.keys[a:b], 0)[0]
                expected = sorted((o.first, o.date, tuple(o.event_ids)) for o in fresh)
                got = sorted(
                    (s.first, s.date, s.event_ids) for s in views._range_fold(bucket, a, b)
                )
                assert got == expected, (bucket.type, a, b)
                early += views._fold_run(bucket.keys, a, b, bucket.clean)[1] < b
    assert early > 500


def test_the_crowded_timelines_exercise_what_they_test(tmp_path: Path) -> None:
    """The equivalence tests above are not vacuous: long timelines, undated entries that fold
    reports from several documents, and date ranges that cut dense buckets mid-run."""
    with _crowded_store(tmp_path / "sparse.db") as sparse:
        entries = views.timeline(sparse)
        assert len(entries) > 40
        undated = [e for e in entries if not e.dated]
        assert len(undated) >= 5 and any(len(e.documents) > 1 for e in undated)
        assert not [e for e in views.timeline(sparse, FILTERS[3]) if not e.dated]
    with _crowded_store(tmp_path / "dense.db", dense=True) as dense:
        keys = views.timeline_keys(dense)
        assert max(len(b.keys) for b in keys.buckets) > 150
        # a range starting mid-bucket has an entry the shared fold does not have
        cut = views.timeline_index(dense, views.EventFilter(since="2024-02-10"), keys)
        shared = {s.event_ids for s in keys.everything}
        assert any(s.event_ids not in shared for s in cut)


def test_events_page_is_a_slice_of_the_events(tmp_path: Path) -> None:
    with _crowded_store(tmp_path / "kb.db") as store:
        flt = views.EventFilter(actor="myanmar")
        every = views.events(store, flt)
        total, page = views.events_page(store, flt, limit=7, offset=5)
        assert total == len(every) > 12
        assert [e.id for e in page] == [e.id for e in every[5:12]]
        assert store.events_by_id([e.id for e in every]) == every


def test_search_page_keeps_literal_brackets_apart_from_highlights(tmp_path: Path) -> None:
    text = "The [draft] treaty on nuclear energy was signed. A [1] footnote on nuclear fuel."
    with Store(tmp_path / "kb.db") as store, store.transaction():
        store.insert_document(
            Document(id="brackets", origin="b.txt", format="text", content_hash="b", text=text)
        )
    with TestClient(create_app(str(tmp_path / "kb.db"), Settings())) as test_client:
        page = test_client.get("/search", params={"q": "nuclear"}).text
        assert "[draft]" in page and "[1]" in page
        assert page.count("<mark>nuclear</mark>") == 2
        assert "<mark>draft</mark>" not in page and "<mark>1</mark>" not in page
        snippet = test_client.get("/api/search", params={"q": "nuclear"}).json()["hits"][0]
        assert "[nuclear]" in snippet["snippet"]  # the API keeps its documented brackets
    assert str(search_snippet("a [b] \ue000c\ue001 d", HIGHLIGHT)) == "a [b] <mark>c</mark> d"


@pytest.mark.parametrize("dense", [False, True])
def test_timeline_keys_extended_after_an_ingest_are_the_keys_built_afresh(
    tmp_path: Path, dense: bool
) -> None:
    """The web app extends the previous state's timeline keys with the events an ingest
    added (refolding only their buckets): the result is what building them afresh gives,
    for every filter, also when the new documents sort before the old ones and their events
    fall in the middle of existing buckets."""
    with _crowded_store(tmp_path / "kb.db", dense=dense) as store:
        before = views.timeline_keys(store)
        for batch in range(3):  # three ingests, one transaction each
            with store.transaction():
                more = _crowded_documents(15, dense=dense, prefix=f"a{batch}", seed=batch + 20)
                for document, events in more:
                    store.insert_document(document)
                    store.add_events(document.id, events, [0.0] * len(events))
            extended = views.timeline_keys(store, before)
            fresh = views.timeline_keys(store)
            assert extended.count == fresh.count > before.count
            # the buckets no new event fell in are the earlier state's, not folded again
            kept = [n for n in before.by_name if extended.by_name[n] is before.by_name[n]]
            assert kept if not dense else len(kept) < len(before.by_name)
            assert _ids(extended.everything) == _ids(fresh.everything)
            for flt in FILTERS:
                if flt.include_unhappened:
                    continue
                assert _ids(views.timeline_index(store, flt, extended)) == _ids(
                    views.timeline_index(store, flt, fresh)
                )
            before = extended


def test_timeline_keys_of_another_database_are_built_afresh(tmp_path: Path) -> None:
    with _crowded_store(tmp_path / "big.db", dense=True) as big:
        other = views.timeline_keys(big)
    with _crowded_store(tmp_path / "small.db") as small:
        fresh = views.timeline_keys(small)
        assert _ids(views.timeline_keys(small, other).everything) == _ids(fresh.everything)


def _ids(slots: Iterable[views.TimelineSlot]) -> list[tuple[str | None, str, tuple[int, ...]]]:
    return [(s.date, s.type, s.event_ids) for s in slots]


def _spread_documents(
    count: int, prefix: str, seed: int, days: tuple[int, int] = (0, 3 * 365)
) -> list[tuple[Document, list[Event]]]:
    """Documents whose events spread over ``days`` from 2022-01-01 (three years), mostly at
    day precision, some by month, in a few buckets: over three years the buckets are cut
    into many segments (``views._segmented``), and new reports land inside segments, in the
    gaps between them, and across two; over a few months, reports every day or two keep a
    bucket one segment."""
    rng = random.Random(seed)
    russia, myanmar = ActorRef("Russia", "RUS", "GOV", "russia"), ActorRef("Myanmar", "MMR", "GOV", "myanmar")  # fmt: skip
    made = []
    for number in range(count):
        doc_id = f"{prefix}{number:03d}"
        document = Document(
            id=doc_id, origin=doc_id, format="text", content_hash=doc_id, text="text",
            source=rng.choice(["wire", "daily"]), published="2025-01-01",
        )  # fmt: skip
        events = []
        for _ in range(rng.randint(1, 4)):
            day = date(2022, 1, 1) + timedelta(days=rng.randrange(*days))
            when = day.isoformat() if rng.random() < 0.9 else day.isoformat()[:7]
            sides = rng.choice([((russia,), (myanmar,)), ((myanmar,), (russia,))])
            events.append(
                Event(
                    type=rng.choice(["AGREE", "CONSULT"]),
                    actors=sides[0],
                    recipients=sides[1],
                    date=when,
                    status="happened",
                )
            )
        made.append((document, events))
    return made


def test_timeline_keys_extended_refold_only_the_segments_new_reports_reach(tmp_path: Path) -> None:
    """A bucket spread over years is cut where no earlier report can reach; an ingest folds
    again only the segments its reports reach (or bridge), and the keys are those built
    afresh: the same segments, entries and timelines for every filter."""
    spread_filters = [
        views.EventFilter(),
        views.EventFilter(type="agree"),
        views.EventFilter(since="2023-03-10", until="2023-09"),
        views.EventFilter(source="wire", since="2022-06"),
        views.EventFilter(actor="myanmar", until="2024-02-15"),
    ]
    with Store(tmp_path / "kb.db") as store:
        with store.transaction():
            for document, events in _spread_documents(120, "d", seed=3):
                store.insert_document(document)
                store.add_events(document.id, events, [0.0] * len(events))
        before = views.timeline_keys(store)
        assert min(len(s.parts) for s in before.by_name.values()) > 20
        for batch in range(3):
            with store.transaction():
                for document, events in _spread_documents(12, f"n{batch}", seed=batch + 40):
                    store.insert_document(document)
                    store.add_events(document.id, events, [0.0] * len(events))
            extended = views.timeline_keys(store, before)
            fresh = views.timeline_keys(store)

            def shape(keys: views.TimelineKeys) -> dict[Any, list[Any]]:
                return {
                    name: [(p.dates, [s.event_ids for s in p.folded]) for p in segments.parts]
                    for name, segments in keys.by_name.items()
                }

            assert shape(extended) == shape(fresh)
            assert _ids(extended.everything) == _ids(fresh.everything)
            for flt in spread_filters:
                assert _ids(views.timeline_index(store, flt, extended)) == _ids(
                    views.timeline_index(store, flt, fresh)
                )
            # in every bucket, most segments are the earlier state's own, not folded again
            for name, segments in before.by_name.items():
                kept = set(map(id, segments.parts)) & set(map(id, extended.by_name[name].parts))
                assert len(segments.parts) // 2 < len(kept) < len(segments.parts)
            before = extended


def test_timeline_keys_extended_with_the_latest_reports_fold_again_only_the_last_days(
    tmp_path: Path,
) -> None:
    """A bucket reported every day or two is one segment; reports of the latest days fold
    again only the bucket's last days (``views._grown``), one in the middle from there on:
    the keys are those built afresh, and most entries are the earlier state's own."""
    with Store(tmp_path / "kb.db") as store:
        with store.transaction():
            for document, events in _spread_documents(200, "d", seed=8, days=(0, 120)):
                store.insert_document(document)
                store.add_events(document.id, events, [0.0] * len(events))
        before = views.timeline_keys(store)
        assert max(len(s.parts) for s in before.by_name.values()) <= 2
        for batch, days in enumerate([(115, 120), (116, 125), (60, 61), (110, 120)]):
            with store.transaction():
                for document, events in _spread_documents(5, f"n{batch}", batch + 60, days):
                    store.insert_document(document)
                    store.add_events(document.id, events, [0.0] * len(events))
            extended = views.timeline_keys(store, before)
            fresh = views.timeline_keys(store)
            for name, segments in fresh.by_name.items():
                grown = extended.by_name[name]
                assert [p.keys for p in grown.parts] == [p.keys for p in segments.parts]
                for mine, theirs in zip(grown.parts, segments.parts, strict=True):
                    assert mine == theirs  # every field: entries, marks, reaches, choices
            assert _ids(extended.everything) == _ids(fresh.everything)
            for flt in [views.EventFilter(since="2022-05"), views.EventFilter(source="wire")]:
                assert _ids(views.timeline_index(store, flt, extended)) == _ids(
                    views.timeline_index(store, flt, fresh)
                )
            shared = {id(s) for s in before.everything} & {id(s) for s in extended.everything}
            assert len(shared) > len(before.everything) * (0.3 if days[0] == 60 else 0.6)
            before = extended


def _rereported_documents(
    count: int, seed: int, prefix: str = "", repeats: bool = True
) -> list[tuple[Document, list[Event]]]:
    """Documents that report again a few events at every precision (a year, a month, days
    close together), so that entries grow to hundreds of reports. ``repeats``: a document
    often reports one event twice (the same date, or another precision of it), so reports
    are turned away by entries that hold their document; else each document reports each
    type once. Ids are random, so new documents sort among the old ones."""
    rng = random.Random(seed)
    russia, myanmar = ActorRef("Russia", "RUS", "GOV", "russia"), ActorRef("Myanmar", "MMR", "GOV", "myanmar")  # fmt: skip
    dates = ["2019", "2019-06", "2019-06-10", "2019-06-12", "2019-06-30", "2021", "2021-02-01"]
    made = []
    for _ in range(count):
        doc_id = f"{prefix}{rng.getrandbits(40):010x}"
        document = Document(
            id=doc_id, origin=doc_id, format="text", content_hash=doc_id, text="text"
        )
        types = (
            [rng.choice(["AGREE", "CONSULT"]) for _ in range(rng.randint(1, 4))]
            if repeats
            else rng.sample(["AGREE", "CONSULT"], rng.randint(1, 2))
        )
        events = [
            Event(
                type=kind,
                actors=(russia,),
                recipients=(myanmar,),
                date=rng.choice(dates),
                status="happened",
            )
            for kind in types
        ]
        made.append((document, events))
    return made


@pytest.mark.parametrize("repeats", [False, True])
def test_timeline_keys_extended_with_events_every_article_reports_again_fold_little(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repeats: bool
) -> None:
    """An event every article reports again is one entry of hundreds of reports: a new
    report whose neighbour in event order shows where it goes is placed without folding
    (``views._joined``). The extended keys are those built afresh, field for field (entries,
    their reports, the marks and choices kept per report). When no document reports an
    event twice, no report is folded again; when many do (reports turned away by an entry
    holding their document), far fewer than the buckets hold."""
    folded: list[int] = []
    fold_run = views._fold_run

    def counted(keys: Any, start: int, stop: int | None = None, *args: Any, **kw: Any) -> Any:
        found = fold_run(keys, start, stop, *args, **kw)
        folded.append(found[1] - start)
        return found

    with Store(tmp_path / "kb.db") as store:
        with store.transaction():
            for document, events in _rereported_documents(400, 5, repeats=repeats):
                store.insert_document(document)
                store.add_events(document.id, events, [0.0] * len(events))
        before = views.timeline_keys(store)
        assert max(len(s.event_ids) for s in before.everything) > 150
        monkeypatch.setattr(views, "_fold_run", counted)
        refolded, stored = 0, 0
        for batch in range(4):
            with store.transaction():
                more = _rereported_documents(10, batch + 30, prefix="n", repeats=repeats)
                for document, events in more:
                    store.insert_document(document)
                    store.add_events(document.id, events, [0.0] * len(events))
            folded.clear()
            extended = views.timeline_keys(store, before)
            refolded += sum(folded)
            fresh = views.timeline_keys(store)
            assert extended.by_name == fresh.by_name
            assert extended.loose_by_name == fresh.loose_by_name
            assert _ids(extended.everything) == _ids(fresh.everything)
            stored += sum(len(p.keys) for s in fresh.by_name.values() for p in s.parts)
            before = extended
        assert refolded < stored / 3 if repeats else refolded == 0, (refolded, stored)


# run in a fresh interpreter: threads earlier tests leave behind (an AnyIO portal's event
# loop, Dask's offload thread) make garbage of their own that the collector would count too
_CYCLE_CHECK = """
import gc, sys
from storyline import sources, views
from storyline.store import Store

with Store(sys.argv[1], readonly=True) as store:
    for build in (views.timeline_keys, views.claim_state, sources.profile_state):
        gc.unfreeze()  # what earlier states froze, and whatever was alive then
        gc.collect()
        state = build(store, None)
        assert gc.get_freeze_count() > 0, build.__name__  # frozen out of the collector's way
        extended = build(store, state)
        gc.unfreeze()  # what the states are made of is the collector's again
        del state, extended
        print(build.__name__, gc.collect())
"""


def test_view_states_hold_no_reference_cycles_and_are_kept_out_of_the_collector(
    kb_events: Path,
) -> None:
    """The web app's view states are built with the cycle collector paused and then frozen
    out of its way (``layers.long_lived``): a state dropped for a newer one must still be
    freed, by reference counting, so it may hold no reference cycle. Dropping each state
    (built afresh and extended) leaves nothing for the collector to find."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _CYCLE_CHECK, str(kb_events)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["timeline_keys", "0", "claim_state", "0", "profile_state", "0"]
