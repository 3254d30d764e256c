"""The command line contract of PRODUCT.md, run as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storyline.cli import _parser, main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples/russia-myanmar"
STORYLINE = Path(sys.executable).parent / "storyline"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "demo.db"
    assert main(["ingest", str(SAMPLES), "--db", str(db), "--quiet"]) == 0
    return db


def test_every_command_has_help_with_an_example() -> None:
    parser = _parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():  # type: ignore[attr-defined]
        assert sub.epilog and sub.epilog.startswith("Example: "), name
        assert f"storyline {name}" in sub.epilog, name


def test_extract_prints_one_json_object_per_document(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in SAMPLES.glob("*.txt"))
    assert main(["extract", *files]) == 0
    objects = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(objects) == 5
    for obj in objects:
        assert {"id", "title", "source", "url", "published", "published_estimated"} <= set(obj)
        assert {"text", "removed", "actors", "events", "dates", "claims"} <= set(obj)
    by_file = {Path(o["origin"]).name[:3]: o for o in objects}
    assert by_file["003"]["source"] == "news.az"
    assert any(r["text"] == "Top Bottom" for r in by_file["004"]["removed"])


def test_ingest_search_actors_export(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["search", "Rosatom", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "[Rosatom]" in out and out.startswith("1. ")

    assert main(["actors", "--db", str(demo_db), "--format", "json"]) == 0
    names = {a["name"] for a in json.loads(capsys.readouterr().out)}
    assert "Vladimir Putin" in names

    assert main(["export", "--what", "documents", "--format", "csv", "--db", str(demo_db)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 5 and all(r["text"] for r in rows)
    assert {r["source"] for r in rows} >= {"news.az"}


def test_export_jsonl_to_a_file(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs.jsonl"
    assert main(["export", "--what", "documents", "--db", str(demo_db), "-o", str(out)]) == 0
    docs = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(docs) == 5 and all(d["removed"] is not None for d in docs)


def test_missing_database_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["actors", "--db", str(tmp_path / "nope.db")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nope.db" in err and "no such database" in err


def test_bad_inputs_are_named_and_the_batch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (tmp_path / "good.txt").write_text((SAMPLES / "002_be5776c2c1506bef.txt").read_text())
    code = main(["ingest", str(tmp_path), "--db", str(tmp_path / "kb.db"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "empty.txt" in err and "image.png" in err
    assert "1 stored" in err and "2 failed" in err


def test_dates_reads_stdin_through_the_installed_command() -> None:
    result = subprocess.run(
        [str(STORYLINE), "dates", "--anchor", "2024-11-27"],
        input="They met on Monday and again on 29 November 2024.",
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(d["text"], d["value"]) for d in found][-1] == ("29 November 2024", "2024-11-29")
    assert any(d["value"] == "2024-11-25" for d in found)


def test_clean_from_text_prints_the_main_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SAMPLES / "004_caedb158dc9ed443.txt"), "--from", "text"]) == 0
    out = capsys.readouterr().out
    assert "FULL MEMBER" not in out and "Top Bottom" not in out
    assert "condemned the meeting" in out


def test_events_timeline_dyads_and_report_on_the_samples(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["timeline", "--db", str(demo_db), "--format", "json"]) == 0
    timeline = json.loads(capsys.readouterr().out)
    nay_pyi_taw = [e for e in timeline if e["date"] == "2024-11-29" and e["type"] == "CONSULT"]
    assert nay_pyi_taw and nay_pyi_taw[0]["location"] == "Nay Pyi Taw"
    vladivostok = [e for e in timeline if e["date"] == "2022-09" and e["type"] == "CONSULT"]
    assert vladivostok and len(vladivostok[0]["reports"]) == 2  # two outlets, one meeting
    # structured records: parties as objects, every report with its document and outlet
    report = vladivostok[0]["reports"][0]
    assert {"event", "document", "source", "published", "sentence"} <= set(report)
    assert all({"name", "country", "sector"} == set(a) for a in vladivostok[0]["actors"])

    assert main(["events", "--db", str(demo_db), "--type", "ACCUSE", "--format", "json"]) == 0
    events = json.loads(capsys.readouterr().out)
    accusers = {e["actor"]["name"] for e in events if e["actor"]}
    assert any("National Unity Government" in a for a in accusers)
    assert all(
        {"id", "type", "actors", "recipients", "document", "source"} <= set(e) for e in events
    )
    assert main(["events", "--db", str(demo_db), "--type", "ACCUSE", "--format", "jsonl"]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == events

    assert main(["dyads", "RUS", "MMR", "--db", str(demo_db), "--format", "json"]) == 0
    months = json.loads(capsys.readouterr().out)
    assert any(m["month"] == "2024-11" and m["RUS->MMR"] >= 1 for m in months)

    brief = tmp_path / "brief.html"
    assert main(["report", "--db", str(demo_db), "--format", "html", "-o", str(brief)]) == 0
    page = brief.read_text()
    assert "Nay Pyi Taw" in page and "news.az" in page and "<svg" in page


def test_timeline_lists_the_undated_events_of_the_samples_last(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The samples carry no publication date (storyline estimates one), so many of their
    events have no date: the timeline lists them after the dated ones, saying so."""
    capsys.readouterr()
    assert main(["timeline", "--db", str(demo_db), "--format", "json"]) == 0
    timeline = json.loads(capsys.readouterr().out)
    dated = [e for e in timeline if e["dated"]]
    undated = timeline[len(dated) :]
    assert dated and undated and all(not e["dated"] and e["date"] is None for e in undated)
    counts = [len(e["reports"]) for e in undated]
    assert counts == sorted(counts, reverse=True)
    for entry in undated:
        assert entry["date_note"].startswith("date not stated; reported in ")
        assert entry["date_note"].endswith("(est.)") and entry["published_estimated"]
        assert entry["reported_from"] <= entry["reported_until"]

    def names(entry: dict[str, Any]) -> str:
        return ", ".join(a["name"] for a in entry["actors"])

    visits = [e for e in undated if e["type"] == "CONSULT" and "Min Aung Hlaing" in names(e)]
    assert any(len({r["document"] for r in v["reports"]}) >= 2 for v in visits)  # one event
    assert any(e["type"] == "AID" and names(e).startswith("Russia") for e in undated)
    assert any(e["type"] == "ACCUSE" and "National Unity Government" in names(e) for e in undated)

    assert main(["timeline", "--db", str(demo_db), "--since", "1900"]) == 0
    out = capsys.readouterr().out
    assert "Undated" not in out and len(out.splitlines()) == len(dated) + 1

    assert main(["timeline", "--db", str(demo_db)]) == 0
    table = capsys.readouterr().out
    head, tail = table.split("\n\nUndated (date not stated), most reported first:\n")
    assert len(head.splitlines()) == len(dated) + 1
    assert tail.startswith("reports published ") and len(tail.splitlines()) == len(undated) + 1
    assert "(est.)" in tail.splitlines()[1]

    assert main(["timeline", "--db", str(demo_db), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {"dated", "date_note", "reported_from", "reported_until"} <= set(rows[0])
    assert rows[-1]["dated"] == "False" and rows[-1]["date"] == ""
    assert rows[-1]["date_note"].startswith("date not stated")


def test_timeline_help_says_date_filters_leave_undated_events_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["timeline", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "first date, YYYY[-MM[-DD]] (leaves out the undated events)" in text


def test_export_formats_need_a_meaningful_pairing(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--what", "documents", "--format", "graphml", "--db", str(demo_db)]) == 2
    assert "actor network" in capsys.readouterr().err
    out = tmp_path / "events.jsonl"
    assert (
        main(
            [
                "export",
                "--what",
                "events",
                "--format",
                "plover",
                "--db",
                str(demo_db),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    first = json.loads(out.read_text().splitlines()[0])
    assert {"id", "date", "source", "recipient", "event", "quad_code"} <= set(first)


def test_claims_and_sources_on_the_samples(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["claims", "--db", str(demo_db), "--format", "json"]) == 0
    groups = json.loads(capsys.readouterr().out)
    for group in groups:
        assert {"id", "subject", "predicate", "statements", "verdict", "explanation"} <= set(group)
        for st in group["statements"]:
            assert {"document", "source", "value", "as_of", "sentence"} <= set(st)

    def verdict(predicate_words: str, value: str) -> str:
        found = [
            g["verdict"]
            for g in groups
            if predicate_words in g["predicate"]
            and any(s["value"] == value for s in g["statements"])
        ]
        assert found, (predicate_words, value)
        return found[0]

    assert verdict("trips to Russia", "4") == "contested"  # counts 3 and 4, dates unknown
    assert verdict("first meet", "2022-09") == "corroborated"
    assert verdict("called", "king") == "corroborated"
    assert verdict("stance towards", "opposes") == "contested"  # China shuns vs helps

    assert main(["sources", "--db", str(demo_db), "--format", "json"]) == 0
    profiles = json.loads(capsys.readouterr().out)
    kinds = {p["source"]: p["kind"] for p in profiles}
    assert len(profiles) == 5
    assert kinds["news.az"] == "aggregator"
    assert sorted(kinds.values()).count("forum post") == 1


def test_ingest_to_parquet_then_load_gives_the_same_documents(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parts, db = tmp_path / "parts", tmp_path / "loaded.db"
    assert main(["ingest", str(SAMPLES), "--out", str(parts), "--quiet"]) == 0
    assert sorted(p.name for p in parts.iterdir()) == ["part-000000.parquet"]
    assert main(["load", str(parts), "--db", str(db)]) == 0
    assert "5 stored" in capsys.readouterr().err

    def documents(path: Path) -> list[tuple[str, str, str]]:
        out = tmp_path / f"{path.stem}.jsonl"
        assert main(["export", "--what", "documents", "--db", str(path), "-o", str(out)]) == 0
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        return sorted((r["id"], r["text"], json.dumps(r["removed"])) for r in rows)

    assert documents(db) == documents(demo_db)
