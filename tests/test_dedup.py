"""Near-duplicates across documents are linked, not dropped; shared passages are recorded."""

from __future__ import annotations

from pathlib import Path

from storyline import dedup
from storyline.model import Document
from storyline.settings import Settings
from storyline.store import Store

ORIGINAL = """Flood waters rose across the delta on Tuesday, forcing thousands of families to leave their villages.
The regional governor said rescue teams had reached twelve districts by nightfall and that more boats were on the way.
Aid agencies warned that clean water was running short in the shelters set up in schools and monasteries.
Farmers fear the loss of the rice harvest, which was due to be gathered within the next three weeks.
The national weather office expects more heavy rain until the end of the week in the northern hills."""

# a syndicated copy: another outlet's intro line, one sentence dropped, a few words changed
COPY = """Reporting by our partner agency.
Flood waters rose across the delta on Tuesday, forcing thousands of families to leave their homes.
The regional governor said rescue teams had reached twelve districts by nightfall and that more boats were on the way.
Aid agencies warned that clean water was running short in the shelters set up in schools and monasteries.
The national weather office expects more heavy rain until the end of the week in the northern hills."""

# the same story told by a different outlet in its own words: not a copy
OTHER_OUTLET = """Thousands fled rising water in the delta this week as rescue boats struggled to reach cut-off districts.
Officials counted twelve districts reached so far, while shelters in schools ran short of drinking water.
Aid agencies warned that clean water was running short in the shelters set up in schools and monasteries.
Rice farmers said the harvest was likely lost, and forecasters predicted more rain in the north."""


def store_and_link(store: Store, doc_id: str, text: str) -> dedup.DuplicateMatch | None:
    doc = Document(id=doc_id, origin=doc_id, format="text", content_hash=doc_id, text=text)
    with store.transaction():
        store.insert_document(doc)
        return dedup.link(store, doc_id, text, Settings())


def test_copy_scores_high_and_other_outlet_low() -> None:
    matrix = dedup.pairwise([ORIGINAL, COPY, OTHER_OUTLET], Settings())
    assert matrix[0][1] >= 0.5
    assert matrix[0][2] < 0.2
    assert matrix[1][2] < 0.2


def test_copy_is_linked_to_the_original_and_kept(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        assert store_and_link(store, "orig", ORIGINAL) is None
        match = store_and_link(store, "copy", COPY)
        assert match is not None and match.document_id == "orig"
        assert store_and_link(store, "other", OTHER_OUTLET) is None
        assert store.duplicate_of("copy") == ("orig", match.similarity)
        assert store.duplicate_of("other") is None
        assert store.document_ids() == ["orig", "copy", "other"]


def test_copy_of_a_copy_points_at_the_original(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        store_and_link(store, "orig", ORIGINAL)
        store_and_link(store, "copy", COPY)
        match = store_and_link(store, "copy2", COPY + "\nShared from our partner site.")
        assert match is not None and match.document_id == "orig"


def test_shared_passages_are_recorded_between_different_documents(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        store_and_link(store, "orig", ORIGINAL)
        store_and_link(store, "other", OTHER_OUTLET)
        # the aid-agency sentence is line 2 of the original and line 2 of the other outlet
        assert store.shared_passages("other") == [("orig", 2, 2)]
        assert store.shared_passages("orig") == [("other", 2, 2)]


def test_short_lines_are_not_passages() -> None:
    assert dedup.passages("Read more\nShare this\nA long enough line with eight words in it") == [
        (2, dedup.passages("A long enough line with eight words in it")[0][1])
    ]
