"""Bad input: each problem is one InputError line naming the input, and the batch goes on."""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from storyline.errors import InputError
from storyline.model import RawDocument
from storyline.read import read_bytes, read_paths
from storyline.settings import Settings

Write = Callable[[str, str | bytes], Path]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def split(items: list[RawDocument | InputError]) -> tuple[list[RawDocument], list[InputError]]:
    docs = [item for item in items if isinstance(item, RawDocument)]
    errors = [item for item in items if isinstance(item, InputError)]
    return docs, errors


def only_error(path: Path | str, settings: Settings) -> InputError:
    docs, errors = split(list(read_paths([str(path)], settings)))
    assert docs == []
    (error,) = errors
    assert "\n" not in str(error)
    return error


def test_binary_files_are_refused_by_kind(write: Write, settings: Settings) -> None:
    png = only_error(write("photo.txt", PNG), settings)
    assert str(png).startswith(f"{write('photo.txt', PNG)}: ")
    assert "PNG image" in png.reason
    noise = bytes(random.Random(7).randrange(256) for _ in range(4096)) + b"\0\0"
    assert "binary" in only_error(write("noise", noise), settings).reason


def test_empty_and_whitespace_files(write: Write, settings: Settings) -> None:
    assert only_error(write("empty.txt", b""), settings).reason == "empty file"
    assert "empty" in only_error(write("blank.json", b"  \n\t\n"), settings).reason


def test_undecodable_bytes_in_a_mostly_text_file_are_decoded_not_refused(
    write: Write, settings: Settings
) -> None:
    text = "Talks in Naypyidaw \u201cwent well\u201d, officials said.\n" * 20
    path = write("mixed.txt", text.encode() + b"\xff\xfe stray bytes\n")
    docs, errors = split(list(read_paths([str(path)], settings)))
    assert errors == []
    (doc,) = docs
    assert doc.text is not None
    assert doc.text.startswith("Talks in Naypyidaw “went well”, officials said.\n")
    assert "stray bytes" in doc.text


def test_truncated_gzip_keeps_whole_records_before_the_damage_then_one_error(
    write: Write, settings: Settings
) -> None:
    lines = "".join(f'{{"id": "{n}", "text": "record {n} {"x" * 50}"}}\n' for n in range(200))
    packed = gzip.compress(lines.encode())
    path = write("batch.jsonl.gz", packed[: len(packed) // 2])
    docs, errors = split(list(read_paths([str(path)], settings)))
    assert 0 < len(docs) < 200
    assert [doc.id for doc in docs] == [str(n) for n in range(len(docs))]
    (error,) = errors
    assert error.source == str(path) and "truncated gzip" in error.reason
    html = write("page.html.gz", gzip.compress(b"<html><body>cut</body></html>" * 50)[:40])
    assert "truncated gzip" in only_error(html, settings).reason


def test_truncated_warc_keeps_records_before_the_damage_then_one_error(
    write: Write, settings: Settings, news_warc: Callable[..., bytes]
) -> None:
    for name, packed in (("cut.warc", False), ("cut.warc.gz", True)):
        whole = news_warc(3, gzip=packed)
        path = write(name, whole[: int(len(whole) * 0.75)])
        docs, errors = split(list(read_paths([str(path)], settings)))
        assert [doc.title for doc in docs] == ["Article 1", "Article 2"], name
        (error,) = errors
        assert error.source.startswith(f"{path}#offset=") and "truncated" in error.reason


XXE_HTML = """<?xml version="1.0"?>
<!DOCTYPE html [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<html><head><title>&secret;</title></head><body><p>&secret;</p></body></html>
"""

LAUGHS_FEED = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title>
<item><title>&lol4;</title><description>&lol4;</description></item></channel></rss>
"""

EXTERNAL_FEED = """<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY ext SYSTEM "http://127.0.0.1:9/steal">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&ext;</title>
<entry><id>1</id><title>t</title><content>&ext;</content></entry></feed>
"""


def test_entity_tricks_are_refused_without_expanding_or_fetching(
    write: Write, settings: Settings
) -> None:
    for name, content in (
        ("xxe.html", XXE_HTML),
        ("xxe.txt", XXE_HTML),
        ("laughs.rss", LAUGHS_FEED),
        ("laughs.xml", LAUGHS_FEED),
        ("external", EXTERNAL_FEED),
    ):
        error = only_error(write(name, content), settings)
        assert "entities" in error.reason, name
    record = write("xxe.jsonl", json.dumps({"id": "x", "html": XXE_HTML}) + "\n")
    assert "entities" in only_error(record, settings).reason
    no_declaration = EXTERNAL_FEED.split("\n", 1)[1].encode()
    (from_stdin,) = read_bytes(no_declaration, "-", settings)
    assert isinstance(from_stdin, InputError) and "entities" in from_stdin.reason


def test_file_over_max_input_bytes_is_refused_by_size_before_reading(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk used, nothing to read
    error = only_error(path, settings)
    assert "200.0 MiB" in error.reason and "max_input_bytes" in error.reason


def test_gzip_bomb_stops_at_the_decompressed_bound(write: Write, settings: Settings) -> None:
    bound = replace(settings, max_decompressed_bytes=1024 * 1024)
    bomb = write("bomb.txt.gz", gzip.compress(b"\0" * (8 * 1024 * 1024), compresslevel=9))
    error = only_error(bomb, bound)
    assert "max_decompressed_bytes" in error.reason


def test_bad_json_line_is_one_error_and_other_lines_go_on(write: Write, settings: Settings) -> None:
    path = write("feed.jsonl", '{"text": "one"}\n{"text": "two",, }\n{"text": "three"}\n')
    docs, errors = split(list(read_paths([str(path)], settings)))
    assert [doc.text for doc in docs] == ["one", "three"]
    (error,) = errors
    assert str(error).startswith(f"{path}#line=2: not valid JSON (Expecting")


def test_json_record_without_text_and_csv_without_text_column(
    write: Write, settings: Settings
) -> None:
    record = write("r.jsonl", '{"title": "Headline only", "url": "https://x"}\n')
    assert only_error(record, settings).source == f"{record}#line=1"
    assert "no text" in only_error(record, settings).reason
    table = write("t.csv", "title,url\nHeadline,https://x\n")
    error = only_error(table, settings)
    assert error.source == str(table) and "no text column" in error.reason
    broken = write("broken.json", '{"text": "unterminated')
    assert only_error(broken, settings).reason.startswith("not valid JSON")


def test_missing_path_and_empty_glob(tmp_path: Path, settings: Settings) -> None:
    missing = only_error(tmp_path / "nowhere.txt", settings)
    assert missing.reason == "no such file or directory"
    assert "no file matches" in only_error(str(tmp_path / "*.nothing"), settings).reason


def test_symlink_pointing_outside_the_folder_is_skipped_with_an_error(
    tmp_path: Path, write: Write, settings: Settings
) -> None:
    secret = write("outside/secret.txt", "private notes")
    write("corpus/story.txt", "A story.")
    link = tmp_path / "corpus" / "sneaky.txt"
    os.symlink(secret, link)
    os.symlink(secret.parent, tmp_path / "corpus" / "sneaky-dir")
    docs, errors = split(list(read_paths([str(tmp_path / "corpus")], settings)))
    assert [doc.text for doc in docs] == ["A story."]
    assert sorted(str(error) for error in errors) == [
        f"{tmp_path / 'corpus' / 'sneaky-dir'}: link outside the folder",
        f"{link}: link outside the folder",
    ]


def test_xml_that_is_not_a_feed_and_a_feed_with_no_entries(
    write: Write, settings: Settings
) -> None:
    sitemap = write("sitemap.xml", '<?xml version="1.0"?><urlset><url>u</url></urlset>')
    assert "not an RSS or Atom feed" in only_error(sitemap, settings).reason
    empty = write("empty.rss", '<rss version="2.0"><channel><title>T</title></channel></rss>')
    assert only_error(empty, settings).reason == "feed has no entries"


def test_a_mixed_batch_yields_every_good_document_and_one_line_per_bad_input(
    tmp_path: Path, write: Write, settings: Settings
) -> None:
    write("batch/1-good.txt", "Good text.")
    write("batch/2-image.png", PNG)
    write("batch/3-empty.md", "")
    write("batch/4-good.jsonl", '{"text": "good record"}\n[]\n')
    items = list(read_paths([str(tmp_path / "batch"), str(tmp_path / "missing")], settings))
    docs, errors = split(items)
    assert [doc.text for doc in docs] == ["Good text.", "good record"]
    assert [error.source.rsplit("/", 1)[-1] for error in errors] == [
        "2-image.png",
        "3-empty.md",
        "4-good.jsonl#line=2",
        "missing",
    ]
    assert all(str(error).count("\n") == 0 for error in errors)


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=600),
    st.sampled_from(["x", "x.txt", "x.html", "x.json", "x.jsonl", "x.csv", "x.rss", "x.warc"]),
    st.booleans(),
)
def test_arbitrary_bytes_never_raise_and_errors_are_one_line(
    data: bytes, name: str, packed: bool
) -> None:
    if packed:
        data, name = gzip.compress(data)[: max(len(data), 10)], name + ".gz"
    for item in read_bytes(data, name, Settings()):
        assert isinstance(item, RawDocument | InputError)
        if isinstance(item, InputError):
            assert "\n" not in str(item) and str(item).startswith(name)
        else:
            assert (item.text is None) != (item.html is None)
