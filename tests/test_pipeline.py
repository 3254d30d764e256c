"""The pipeline end to end on real files: samples, ids, re-ingest, copies, bad records."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from storyline import pipeline
from storyline.errors import InputError
from storyline.model import Document
from storyline.settings import Settings
from storyline.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "examples/russia-myanmar"


@pytest.fixture(scope="module")
def sample_docs() -> dict[str, Document]:
    out = {}
    for item in pipeline.extract([str(SAMPLES)], Settings()):
        assert isinstance(item, Document), item
        out[Path(item.origin).name[:3]] = item
    return out


def test_every_sample_is_extracted_with_text_and_removals(
    sample_docs: dict[str, Document],
) -> None:
    assert sorted(sample_docs) == ["000", "001", "002", "003", "004"]
    for doc in sample_docs.values():
        assert len(doc.text.split()) > 200
        assert doc.content_hash and doc.id.startswith("d")
    reasons = {r.reason for r in sample_docs["004"].removed}
    assert reasons, "the forum member panel must be recorded as removed"
    assert "Top Bottom" in {r.text for r in sample_docs["004"].removed}


def test_the_aggregator_names_its_original_source(sample_docs: dict[str, Document]) -> None:
    assert sample_docs["003"].source == "news.az"
    assert "Original Source" not in sample_docs["003"].text


def test_documents_without_a_date_get_an_estimate_marked_as_such(
    sample_docs: dict[str, Document],
) -> None:
    teaser_dated = sample_docs["000"]
    assert teaser_dated.published is not None and teaser_dated.published.startswith("202")
    assert teaser_dated.published_estimated is True


def test_date_expressions_are_normalised_against_the_document_date(
    sample_docs: dict[str, Document],
) -> None:
    values = {d.text: d.value for d in sample_docs["001"].dates}
    assert values.get("September 2022") == "2022-09"
    assert values.get("February 2021") == "2021-02"


def test_sidecar_metadata_wins_over_estimates(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "002_be5776c2c1506bef.txt", tmp_path / "story.txt")
    (tmp_path / "story.meta.json").write_text(
        json.dumps({"source": "The Irrawaddy", "published": "2023-02-17T08:00:00+06:30"})
    )
    [doc] = list(pipeline.extract([str(tmp_path)], Settings()))
    assert isinstance(doc, Document)
    assert (doc.source, doc.published, doc.published_estimated) == (
        "The Irrawaddy",
        "2023-02-17",
        False,
    )
    thursday = [d for d in doc.dates if d.text.endswith("Thursday")]
    assert thursday and thursday[0].value == "2023-02-16"


def test_ingest_twice_is_a_no_op(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "kb.db"))
    with Store(settings.db) as store:
        first = pipeline.ingest([str(SAMPLES)], store, settings)
        second = pipeline.ingest([str(SAMPLES)], store, settings)
        assert (first.stored, first.failed) == (5, 0)
        assert (second.stored, second.unchanged) == (0, 5)
        assert store.count("documents") == 5
        assert store.count("removals") > 20


def test_jsonl_ids_are_kept_and_a_bad_line_does_not_stop_the_batch(tmp_path: Path) -> None:
    text = (SAMPLES / "002_be5776c2c1506bef.txt").read_text(encoding="utf-8")
    lines = [
        json.dumps({"id": "story-1", "text": text, "source": "outlet-a"}),
        "{this is not json",
        json.dumps({"id": "story-2", "text": text.replace("Thursday", "Friday")}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    errors: list[InputError] = []
    settings = Settings(db=str(tmp_path / "kb.db"))
    with Store(settings.db) as store:
        summary = pipeline.ingest(
            [str(tmp_path / "feed.jsonl")], store, settings, on_error=errors.append
        )
        assert store.document_ids() == ["story-1", "story-2"]
        assert (summary.stored, summary.failed) == (2, 1)
        assert "line=2" in str(errors[0]) and "feed.jsonl" in str(errors[0])
        # the edited re-post is linked to the first as a near-duplicate, and both are kept
        assert store.duplicate_of("story-2") is not None
        assert store.duplicate_of("story-2")[0] == "story-1"  # type: ignore[index]


def test_same_id_with_other_content_is_refused_and_the_stored_one_kept(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "kb.db"))
    first = tmp_path / "a.jsonl"
    first.write_text(json.dumps({"id": "x", "text": "Ministers met in Lima on Monday to talk."}))
    second = tmp_path / "b.jsonl"
    second.write_text(json.dumps({"id": "x", "text": "A different story about rice prices."}))
    with Store(settings.db) as store:
        pipeline.ingest([str(first)], store, settings)
        summary = pipeline.ingest([str(second)], store, settings)
        assert summary.failed == 1 and "already stored" in str(summary.errors[0])
        stored = store.get_document("x")
        assert stored is not None and "Lima" in stored.text


def test_an_estimate_from_months_is_a_lower_bound_and_anchors_no_weekday(
    sample_docs: dict[str, Document],
) -> None:
    doc = sample_docs["001"]  # mentions February 2021 and September 2022, states no date
    assert (doc.published, doc.published_estimated) == ("2022-09", True)
    assert "Monday" in doc.text
    assert not any("Monday" in d.text for d in doc.dates)
