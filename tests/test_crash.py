"""Crash safety: an ingest killed with SIGKILL at any point loses nothing it committed, and a
restart completes the rest without duplicates."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STORYLINE = Path(sys.executable).parent / "storyline"
SAMPLES = sorted((ROOT / "examples/russia-myanmar").glob("*.txt"))
DOCUMENTS = 60


def corpus(folder: Path) -> Path:
    """Sixty distinct documents: sample paragraphs recombined, each with its own id."""
    paragraphs = [
        p for path in SAMPLES for p in path.read_text(encoding="utf-8").split("\n") if len(p) > 120
    ]
    rng = random.Random(7)
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(DOCUMENTS):
            text = "\n".join(rng.sample(paragraphs, 4))
            out.write(
                json.dumps({"id": f"doc-{n:03d}", "text": text, "source": f"o{n % 3}"}) + "\n"
            )
    return path


def stored(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
        # no half documents: every stored document has its derived rows' parent present
        orphans = conn.execute(
            "SELECT COUNT(*) FROM removals WHERE document_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        assert orphans == 0
        return ids
    finally:
        conn.close()


def ingest(corpus_file: Path, db: Path) -> subprocess.Popen[bytes]:
    config = db.parent / "small-batches.toml"
    config.write_text("spacy_batch_size = 4\n")  # commit often, so kills land between commits
    command = [str(STORYLINE), "--config", str(config), "ingest", str(corpus_file)]
    return subprocess.Popen(
        [*command, "--quiet", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_at_a_random_point_then_restart(tmp_path: Path, seed: int) -> None:
    corpus_file = corpus(tmp_path)
    db = tmp_path / "kb.db"
    process = ingest(corpus_file, db)
    # wait until some batches are committed, then kill at a random moment within the run
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists() and len(stored_safely(db)) >= 4:
            break
        time.sleep(0.05)
    time.sleep(random.Random(seed).uniform(0.0, 1.5))
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    before = stored(db)
    assert len(before) == len(set(before))
    restart = ingest(corpus_file, db)
    _, err = restart.communicate(timeout=600)
    assert restart.returncode == 0, err.decode()
    after = stored(db)
    assert after == [f"doc-{n:03d}" for n in range(DOCUMENTS)]
    assert set(before) <= set(after)
    summary = err.decode().strip().splitlines()[-1]
    assert f"{DOCUMENTS - len(before)} stored, {len(before)} already stored, 0 failed" in summary


def stored_safely(db: Path) -> list[str]:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return [r[0] for r in conn.execute("SELECT id FROM documents")]
        finally:
            conn.close()
    except sqlite3.Error:
        return []
