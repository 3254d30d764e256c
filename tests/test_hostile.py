"""Hostile input through the whole pipeline into a real knowledge base.

Each test first stores a good document, then ingests something built to hurt (entity tricks,
gzip bombs, links out of the folder, huge lines, control bytes, mixed encodings) next to
another good file. Whatever happens to the hostile input, it is at most one clear error line
naming it, the good file of the same batch is stored, the database passes
``PRAGMA integrity_check`` and the document stored before is unchanged.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline import pipeline
from storyline.errors import InputError
from storyline.model import Document
from storyline.settings import Settings
from storyline.store import Store

Write = Callable[[str, str | bytes], Path]

EARLIER = (
    "Harbour workers strike over pay as talks collapse\n"
    "Dock workers at the country's largest port walked out on Tuesday after talks with the "
    "operators over a new wage agreement broke down late on Monday night.\n"
    "The union said about 1,200 members had joined the strike, which is expected to last three "
    "days and could delay shipments of fuel and food to the islands.\n"
)
GOOD = (
    "Farmers protest new import rules\n"
    "Thousands of farmers drove their tractors into the capital on Wednesday to protest against "
    "new rules that let cheaper grain into the country from next month.\n"
    "The agriculture minister said he would meet their leaders on Friday to hear their demands.\n"
)
# a marker that must never reach the knowledge base: it sits in a file an entity points to
SECRET = "TOPSECRETMARKER"


@dataclass
class Kb:
    """A knowledge base holding one earlier document, and what it looked like when stored."""

    store: Store
    settings: Settings
    earlier: Document

    def ingest(self, *paths: Path | str, settings: Settings | None = None) -> Outcome:
        errors: list[InputError] = []
        summary = pipeline.ingest(
            [str(p) for p in paths], self.store, settings or self.settings, on_error=errors.append
        )
        return Outcome(summary, errors)

    def assert_intact(self) -> None:
        """The file is a sound database and the earlier document is as it was stored."""
        assert self.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert self.store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert self.store.get_document(self.earlier.id, full=True) == self.earlier

    def texts(self) -> list[str]:
        return [doc.text for doc in self.store.iter_documents()]


@dataclass
class Outcome:
    summary: pipeline.IngestSummary
    errors: list[InputError]

    def error_for(self, path: Path) -> InputError:
        """The one error naming ``path`` (one line, starting with the path)."""
        found = [e for e in self.errors if e.source.split("#")[0] == str(path)]
        assert len(found) == 1, [str(e) for e in self.errors]
        (error,) = found
        assert len(str(error).splitlines()) == 1 and str(error).startswith(str(path))
        return error


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[Kb]:
    settings = Settings(db=str(tmp_path / "kb.db"))
    seed = tmp_path / "seed" / "earlier.txt"
    seed.parent.mkdir()
    seed.write_text(EARLIER, encoding="utf-8")
    with Store(settings.db) as store:
        summary = pipeline.ingest([str(seed)], store, settings)
        assert summary.stored == 1
        (earlier,) = store.iter_documents(full=True)
        yield Kb(store, settings, earlier)


def good_file(write: Write, folder: str) -> Path:
    return write(f"{folder}/zz-good.txt", GOOD)


def assert_good_stored(kb: Kb) -> None:
    assert any(text.startswith("Farmers protest new import rules") for text in kb.texts())


# -- entity tricks --------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP port an external entity points at: any fetch would connect to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def entity_pages(secret: Path, port: int) -> dict[str, str]:
    """Pages declaring external entities (a local file, a local URL) and expansion bombs."""
    external = (
        f'<!DOCTYPE d [<!ENTITY file SYSTEM "{secret.as_uri()}">'
        f'<!ENTITY net SYSTEM "http://127.0.0.1:{port}/x">'
        f'<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/dtd"> %remote;]>'
    )
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(10))
    bomb = f"<!DOCTYPE d [{laughs}]>"
    body = "<p>&file; &net; &l9;</p>"
    return {
        "xxe.html": f"{external}<html><head><title>&file;</title></head><body>{body}</body></html>",
        "bomb.htm": f"{bomb}<html><body>{body}</body></html>",
        "xxe.rss": f'<?xml version="1.0"?>{external}<rss version="2.0"><channel><title>&net;'
        f"</title><item><title>&file;</title><description>{body}</description></item>"
        "</channel></rss>",
        "bomb.atom": f'<?xml version="1.0"?>{bomb}<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>&l9;</title><entry><id>1</id><content>{body}</content></entry></feed>",
        "sneaky.txt": f"  {bomb.lower()}<html><body>{body}</body></html>",
    }


def warc_with(pages: list[bytes]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for number, page in enumerate(pages):
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            f"https://hostile.test/{number}",
            "response",
            payload=io.BytesIO(page),
            http_headers=headers,
        )
        writer.write_record(record)
    return buffer.getvalue()


def test_entity_tricks_in_pages_feeds_and_warc_records_are_refused_unexpanded_and_unfetched(
    kb: Kb, write: Write, tmp_path: Path, listener: socket.socket
) -> None:
    secret = write("private/secret.txt", SECRET)
    pages = entity_pages(secret, listener.getsockname()[1])
    hostile = [write(f"in/{name}", page) for name, page in pages.items()]
    record = json.dumps({"id": "rec", "html": pages["xxe.html"]})
    hostile.append(write("in/records.jsonl", record + "\n"))
    good_page = f"<html><body><p>{GOOD}</p></body></html>".encode()
    archive = write("in/archive.warc.gz", warc_with([pages["bomb.htm"].encode(), good_page]))
    good = good_file(write, "in")
    outcome = kb.ingest(tmp_path / "in")
    for path in hostile:
        assert "entities" in outcome.error_for(path).reason, path
    (warc_error,) = [e for e in outcome.errors if e.source.startswith(f"{archive}#offset=")]
    assert "entities" in warc_error.reason
    # the archive's good record and the good file are stored; nothing was expanded or fetched
    assert outcome.summary.stored == 2 and str(good) in outcome.summary.inputs
    assert sum(text.count("Farmers protest") for text in kb.texts()) >= 1
    assert not any(SECRET in text or "lollol" in text for text in kb.texts())
    with pytest.raises(BlockingIOError):
        listener.accept()
    kb.assert_intact()


# -- gzip bombs ---------------------------------------------------------------------------


def test_gzip_bombs_stop_at_the_decompressed_bound(kb: Kb, write: Write, tmp_path: Path) -> None:
    bound = 1024 * 1024  # 1 MiB: every bomb below inflates to 16 MiB or more
    zeros = b"\0" * (16 * bound)
    spaces = b"<html><body><p>" + b" " * (16 * bound) + b"</p></body></html>"
    bombs = {
        "bomb.txt.gz": gzip.compress(zeros, compresslevel=9),
        "bomb.html.gz": gzip.compress(spaces, compresslevel=9),
        "bomb.jsonl.gz": gzip.compress(b'{"text": "' + b"a" * (16 * bound) + b'"}\n'),
        "nested.gz": gzip.compress(gzip.compress(gzip.compress(zeros))),
        "bomb.warc.gz": warc_with([spaces]),
    }
    paths = {name: write(f"in/{name}", data) for name, data in bombs.items()}
    good_file(write, "in")
    outcome = kb.ingest(
        tmp_path / "in", settings=replace(kb.settings, max_decompressed_bytes=bound)
    )
    for name, path in paths.items():
        reason = outcome.error_for(path).reason
        assert "max_decompressed_bytes" in reason or "nested too deep" in reason, (name, reason)
    assert outcome.summary.stored == 1
    assert_good_stored(kb)
    kb.assert_intact()


# -- paths --------------------------------------------------------------------------------


def test_links_out_of_the_folder_are_not_followed(kb: Kb, write: Write, tmp_path: Path) -> None:
    secret = write("private/secret.txt", f"{SECRET} " + GOOD.replace("Farmers", "Secret farmers"))
    good_file(write, "corpus")
    os.symlink(secret, tmp_path / "corpus" / "link.txt")
    os.symlink(secret.parent, tmp_path / "corpus" / "linked-folder")
    outcome = kb.ingest(tmp_path / "corpus")
    assert sorted(e.reason for e in outcome.errors) == ["link outside the folder"] * 2
    assert outcome.error_for(tmp_path / "corpus" / "link.txt")
    assert outcome.summary.stored == 1
    assert not any(SECRET in text for text in kb.texts())
    kb.assert_intact()


def test_dot_dot_in_given_paths_reads_each_file_once(kb: Kb, write: Write, tmp_path: Path) -> None:
    good = good_file(write, "corpus")
    write("other/readme.txt", EARLIER)  # the earlier document again, by another name
    roundabout = tmp_path / "corpus" / ".." / "corpus" / "zz-good.txt"
    outcome = kb.ingest(good, roundabout, tmp_path / "corpus" / ".." / "other")
    assert outcome.errors == []
    assert (outcome.summary.stored, outcome.summary.unchanged) == (1, 2)
    assert kb.store.count("documents") == 2
    missing = kb.ingest(tmp_path / "corpus" / ".." / ".." / "no-such-folder-here")
    assert missing.summary.failed == 1 and "no such file" in missing.errors[0].reason
    kb.assert_intact()


# -- odd text -----------------------------------------------------------------------------


def test_a_five_megabyte_single_line_is_one_document_or_one_error(
    kb: Kb, write: Write, tmp_path: Path
) -> None:
    sentence = "The minister said the talks went well and both sides would meet again soon. "
    huge = write("in/huge.txt", (sentence * (5_000_000 // len(sentence) + 1))[:5_000_000])
    good_file(write, "in")
    outcome = kb.ingest(tmp_path / "in")
    assert outcome.summary.stored + len(outcome.errors) == 2
    if outcome.errors:
        outcome.error_for(huge)
    assert_good_stored(kb)
    kb.assert_intact()


def test_nul_and_control_characters_inside_fine_text(kb: Kb, write: Write, tmp_path: Path) -> None:
    filler = GOOD.replace("Farmers protest", "Fishermen protest") * 100  # past the 8 KiB sniff
    early = write("in/early-nul.txt", "Fishermen\0 protest\n" + filler)
    write("in/late-nul.txt", filler + "The port\0 reopened \x07on \x1bSaturday after talks.\n")
    record = {"id": "ctl", "text": GOOD.replace("Farmers", "Bakers\u0000\u0007\u009b")}
    write("in/records.jsonl", json.dumps(record) + "\n")
    outcome = kb.ingest(tmp_path / "in")
    # a NUL where the format is sniffed marks a binary file; later ones are kept as they are
    assert "NUL bytes" in outcome.error_for(early).reason
    assert len(outcome.errors) == 1 and outcome.summary.stored == 2
    late = next(text for text in kb.texts() if "The port\0 reopened" in text)
    assert late.startswith("Fishermen protest new import rules")
    stored = kb.store.get_document("ctl")
    assert stored is not None and stored.text.startswith("Bakers\0\x07\x9b protest new import")
    assert [hit.document_id for hit in kb.store.search("Bakers")] == ["ctl"]
    kb.assert_intact()


MIXED = (
    "Officials in the capital said the caf\u00e9 would reopen on Monday after repairs.\n".encode()
    + "The \u201cna\u00efve\u201d plan, critics said, was drafted in haste.\n".encode("cp1252")
)


def test_a_file_mixing_utf8_and_windows_1252_is_stored_and_loses_no_line(
    kb: Kb, write: Write, tmp_path: Path
) -> None:
    mixed = write("in/mixed.txt", MIXED * 3)
    outcome = kb.ingest(mixed)
    assert outcome.errors == [] and outcome.summary.stored == 1
    (doc,) = [d for d in kb.store.iter_documents() if d.origin == str(mixed)]
    everything = doc.text + "\n" + "\n".join(r.text for r in doc.removed)
    assert everything.count("would reopen on Monday after repairs.") == 3
    assert everything.count("plan, critics said, was drafted in haste.") == 3
    kb.assert_intact()


def test_a_file_mixing_utf8_and_windows_1252_keeps_both_spellings(
    kb: Kb, write: Write, tmp_path: Path
) -> None:
    kb.ingest(write("in/mixed.txt", MIXED * 3))
    (text,) = [t for t in kb.texts() if "Officials" in t]
    assert text.count("caf\u00e9") == 3 and text.count("\u201cna\u00efve\u201d") == 3


def test_a_lone_surrogate_escape_in_json_is_one_error_or_stored(
    kb: Kb, write: Write, tmp_path: Path
) -> None:
    write("in/records.jsonl", json.dumps({"id": "s", "text": GOOD + "Odd \ud800 byte."}) + "\n")
    good_file(write, "in")
    outcome = kb.ingest(tmp_path / "in")
    assert outcome.summary.stored + outcome.summary.failed == 2
    kb.assert_intact()


def test_a_publication_date_at_the_end_of_the_calendar_is_not_a_crash(
    kb: Kb, write: Write, tmp_path: Path
) -> None:
    record = {"id": "far", "published": "9999-12-31", "text": GOOD + "They meet again tomorrow."}
    write("in/records.jsonl", json.dumps(record) + "\n")
    good_file(write, "in")
    outcome = kb.ingest(tmp_path / "in")
    assert outcome.summary.stored + outcome.summary.failed == 2
    kb.assert_intact()
