"""Parallel engines and the Parquet hand-off give the database the in-process ingest gives.

The corpus: the five samples plus a JSONL file with short articles, a near-copy of a sample,
a record with no article text (refused inside a worker) and a line that is not JSON (refused
by the reader). Every engine must store the same rows in the same order, and report the same
two errors while the rest of the batch goes on.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]
import pytest

from storyline import engine, pipeline
from storyline.errors import InputError, StorylineError
from storyline.model import Document, RawDocument
from storyline.pipeline import BatchRunner, IngestSummary
from storyline.settings import Settings
from storyline.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "examples/russia-myanmar"

ARTICLES = [
    "The foreign minister of Norway met her Chilean counterpart in Oslo on Tuesday to sign a "
    "fisheries agreement covering salmon exports, research vessels and port inspections.",
    "Flooding along the Danube forced the evacuation of three villages near Vukovar on "
    "Sunday, Croatian police said, as water levels rose above the 2014 record.",
    "Kenya and Ethiopia agreed on March 3, 2024 to build a joint power line, the Kenyan "
    "energy ministry announced after talks in Nairobi between the two presidents.",
    "Protesters gathered outside the parliament in Tbilisi for a fifth night, demanding the "
    "withdrawal of a law on foreign agents that the European Union has criticised.",
    "The central bank of Brazil raised its benchmark rate by half a point to 11.25 percent, "
    "citing inflation that has stayed above target for eleven months.",
    "Japanese and Philippine coast guard ships held a joint exercise off Manila Bay on "
    "Thursday, the first such drill since the two governments signed a defence pact.",
    "Indonesia accused Malaysia of allowing illegal logging along the Borneo border and "
    "summoned the Malaysian ambassador in Jakarta to explain the reported incursions.",
]


def _near_copy() -> str:
    """A re-post of one sample: the same article with one line added at the end."""
    text = (SAMPLES / "002_be5776c2c1506bef.txt").read_text(encoding="utf-8")
    return text + "\nShared from our partner site."


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(sample, folder / sample.name)
    lines = [json.dumps({"id": f"a{i}", "text": text}) for i, text in enumerate(ARTICLES)]
    lines.insert(3, json.dumps({"id": "copy", "text": _near_copy(), "source": "repost.example"}))
    lines.insert(5, json.dumps({"id": "chrome", "html": "<html><body><script>x=1</script></body>"}))
    lines.insert(6, '{"id": "broken", "text": ')
    (folder / "more.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _ingest(corpus: Path, db: Path, runner: BatchRunner) -> IngestSummary:
    # a small batch size so the corpus spans several batches and ordering across them matters
    settings = Settings(db=str(db), spacy_batch_size=4)
    with Store(db) as store:
        return pipeline.ingest([str(corpus)], store, settings, runner=runner)


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in insertion order (key order for the corpus totals, tables
    WITHOUT ROWID), without the ingest timestamps."""
    conn = sqlite3.connect(db)
    tables = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if not r[0].startswith(("documents_fts", "schema_migrations", "sqlite_", "database_id"))
    ]
    out = {}
    for table in tables:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        kept = ", ".join(c for c in columns if c != "ingested_at")
        try:
            rows = conn.execute(f"SELECT {kept} FROM {table} ORDER BY rowid").fetchall()
        except sqlite3.OperationalError:  # no rowid: stored in key order
            rows = conn.execute(f"SELECT {kept} FROM {table}").fetchall()
        out[table] = rows
    conn.close()
    return out


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, ...]:
    db = tmp_path_factory.mktemp("reference") / "kb.db"
    summary = _ingest(corpus, db, pipeline.run_in_process)
    return summary, dump(db)


def _errors(summary: IngestSummary) -> list[str]:
    return sorted(str(e).split(": ", 1)[0].rsplit("/", 1)[-1] for e in summary.errors)


def test_the_reference_ingest_stores_the_corpus_and_links_the_copy(
    reference: tuple[Any, ...],
) -> None:
    summary, tables = reference
    assert (summary.stored, summary.failed, summary.duplicates) == (13, 2, 1)
    assert _errors(summary) == ["more.jsonl#line=6", "more.jsonl#line=7"]
    [(copy, original, _)] = tables["duplicates"]
    assert copy == "copy"
    assert original in {row[0] for row in tables["documents"]}
    for table in ("actors", "mentions", "events", "dates", "removals", "claims"):
        assert tables[table], f"the corpus should give some {table}"


def test_the_process_pool_gives_the_same_database(
    corpus: Path, reference: tuple[Any, ...], tmp_path: Path
) -> None:
    summary = _ingest(corpus, tmp_path / "pool.db", engine.process_pool_runner(2))
    assert (summary.stored, summary.failed, summary.duplicates) == (13, 2, 1)
    assert _errors(summary) == _errors(reference[0])
    assert dump(tmp_path / "pool.db") == reference[1]


def test_a_dask_local_cluster_gives_the_same_database(
    corpus: Path, reference: tuple[Any, ...], tmp_path: Path
) -> None:
    summary = _ingest(corpus, tmp_path / "dask.db", engine.dask_runner(None, 2))
    assert (summary.stored, summary.failed, summary.duplicates) == (13, 2, 1)
    assert _errors(summary) == _errors(reference[0])
    assert dump(tmp_path / "dask.db") == reference[1]


def test_the_parquet_hand_off_gives_the_same_database(
    corpus: Path, reference: tuple[Any, ...], tmp_path: Path
) -> None:
    settings = Settings(spacy_batch_size=4)
    written = engine.write_parquet_dataset([str(corpus)], tmp_path / "out", settings)
    assert (written.stored, written.failed) == (13, 2)
    assert len(list((tmp_path / "out").glob("part-*.parquet"))) == 4  # 15 good docs in 4s
    with Store(tmp_path / "loaded.db") as store:
        loaded = engine.load_parquet_dataset(tmp_path / "out", store, settings)
        again = engine.load_parquet_dataset(tmp_path / "out", store, settings)
    assert (loaded.stored, loaded.duplicates, loaded.failed) == (13, 1, 0)
    assert (again.stored, again.unchanged) == (0, 13)
    assert dump(tmp_path / "loaded.db") == reference[1]


def test_a_parquet_row_round_trips_a_document_exactly(corpus: Path, tmp_path: Path) -> None:
    docs = [d for d in pipeline.extract([str(corpus / "more.jsonl")], Settings())]
    documents = [d for d in docs if isinstance(d, Document)]
    assert any(d.events for d in documents) and any(d.actors for d in documents)
    assert [engine.row_document(engine.document_row(d)) for d in documents] == documents
    engine.write_parquet_dataset([str(corpus / "more.jsonl")], tmp_path / "ds", Settings())
    [part] = sorted((tmp_path / "ds").glob("*.parquet"))
    assert engine._read_part(part) == documents


def test_a_file_that_is_not_a_dataset_is_one_error_and_the_rest_loads(tmp_path: Path) -> None:
    raw = RawDocument(origin="x.txt", format="text", text=ARTICLES[0] + " " + ARTICLES[1])
    engine._write_part(tmp_path / "part-000000.parquet", [pipeline.prepare(raw)])
    (tmp_path / "part-000001.parquet").write_bytes(b"not parquet at all")
    errors: list[InputError] = []
    with Store(tmp_path / "kb.db") as store:
        summary = engine.load_parquet_dataset(tmp_path, store, Settings(), on_error=errors.append)
        assert store.count("documents") == 1
    assert (summary.stored, summary.failed) == (1, 1)
    assert "part-000001.parquet: not a readable Parquet file" in str(errors[0])
    with pytest.raises(StorylineError, match="no Parquet dataset"):
        engine.load_parquet_dataset(tmp_path / "missing", Store(tmp_path / "kb2.db"), Settings())


def test_results_come_back_in_order_with_a_bounded_window() -> None:
    in_flight: list[int] = []
    most = 0

    def submit(batch: list[int]) -> list[int]:
        nonlocal most
        in_flight.append(batch[0])
        most = max(most, len(in_flight))
        return batch

    def result(batch: list[int]) -> list[Any]:
        in_flight.remove(batch[0])
        return [InputError(f"b{batch[0]}", "r")]

    batches: Iterator[list[int]] = ([n] for n in range(10))
    out = list(engine._in_order(batches, submit, result, window=3))
    assert [o[0].source for o in out] == [f"b{n}" for n in range(10)]
    assert all(isinstance(o[0], InputError) for o in out)
    assert most == 3


def test_the_cli_engine_options_choose_a_runner() -> None:
    assert engine.make_runner("local", 1) is pipeline.run_in_process
    assert engine.make_runner("local", 2) is not pipeline.run_in_process
    with pytest.raises(StorylineError, match="unknown engine"):
        engine.make_runner("spark", 2)
    with pytest.raises(StorylineError, match="needs --engine dask"):
        engine.make_runner("local", 2, "tcp://127.0.0.1:8786")


# -- the default number of workers ------------------------------------------------------------


def test_the_default_is_one_worker_per_core_the_process_may_use(tmp_path: Path) -> None:
    assert Settings().workers is None
    assert engine.default_workers() == len(os.sched_getaffinity(0))
    config = tmp_path / "storyline.toml"
    config.write_text("workers = 3\n")
    assert Settings.load(config).workers == 3
    single = engine.make_runner("local", None) is pipeline.run_in_process
    assert single == (engine.default_workers() == 1)


def _counting(runner: BatchRunner, calls: list[int]) -> BatchRunner:
    """``runner``, counting how often it is started."""

    def run(batches: Iterator[list[RawDocument]], settings: Settings) -> Iterator[list[Any]]:
        calls.append(1)
        yield from runner(batches, settings)

    return run


def test_one_batch_runs_in_this_process_and_more_start_the_pool(
    corpus: Path, reference: tuple[Any, ...], tmp_path: Path
) -> None:
    calls: list[int] = []
    runner = engine.pool_for_several_batches(_counting(engine.process_pool_runner(2), calls))
    with Store(tmp_path / "one.db") as store:  # the five samples: one batch of 32
        one = pipeline.ingest([str(SAMPLES)], store, Settings(), runner=runner)
    assert (one.stored, calls) == (5, [])
    summary = _ingest(corpus, tmp_path / "several.db", runner)  # batches of 4
    assert (summary.stored, summary.failed, calls) == (13, 2, [1])
    assert dump(tmp_path / "several.db") == reference[1]


def test_workers_exit_when_the_ingest_is_killed(tmp_path: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    lines = [json.dumps({"id": f"d{n}", "text": f"Copy {n}.\n{texts[n % 5]}"}) for n in range(60)]
    (tmp_path / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = tmp_path / "ingest.py"
    script.write_text(
        "import sys\n"
        "from storyline import engine, pipeline\n"
        "from storyline.settings import Settings\n"
        "from storyline.store import Store\n"
        "if __name__ == '__main__':\n"
        "    with Store(sys.argv[2]) as store:\n"
        "        runner = engine.process_pool_runner(2)\n"
        "        pipeline.ingest([sys.argv[1]], store, Settings(spacy_batch_size=2), runner=runner)\n"
    )
    db = tmp_path / "kb.db"
    run = subprocess.Popen([sys.executable, str(script), str(tmp_path / "corpus.jsonl"), str(db)])
    parent = psutil.Process(run.pid)
    deadline = time.monotonic() + KILL_WAIT
    while not _stored_some(db) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    children = parent.children(recursive=True)
    assert run.poll() is None, "the ingest ended before it could be killed"
    assert len(children) >= 2, "no worker processes"
    run.kill()
    run.wait()
    _, alive = psutil.wait_procs(children, timeout=KILL_WAIT)
    assert alive == []


# how long the kill test waits for the first stored batch, then for the workers to go; waits
# end as soon as the condition holds, so a busy machine only makes the test slower
KILL_WAIT = 300


def _stored_some(db: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return bool(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] >= 2)
        finally:
            conn.close()
    except sqlite3.Error:
        return False
