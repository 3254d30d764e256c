"""The read stage: every input format an analyst has becomes RawDocuments with provenance."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from storyline.errors import InputError
from storyline.model import RawDocument
from storyline.read import read_bytes, read_paths
from storyline.settings import Settings

Write = Callable[[str, str | bytes], Path]
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "russia-myanmar"


def documents(paths: list[str], settings: Settings) -> list[RawDocument]:
    items = list(read_paths(paths, settings))
    assert not [item for item in items if isinstance(item, InputError)], items
    return [item for item in items if isinstance(item, RawDocument)]


def test_sample_folder_gives_one_text_document_per_article_in_name_order(
    settings: Settings,
) -> None:
    docs = documents([str(EXAMPLES)], settings)
    assert [Path(doc.origin).name for doc in docs] == sorted(p.name for p in EXAMPLES.iterdir())
    assert all(doc.format == "text" and doc.html is None for doc in docs)
    assert docs[0].text is not None
    assert docs[0].text.startswith("Russia, Myanmar increase bilateral relations")
    assert all("\r" not in (doc.text or "") for doc in docs)


def test_folder_walk_is_recursive_sorted_and_skips_hidden_and_metadata_files(
    tmp_path: Path, write: Write, settings: Settings
) -> None:
    write("b.txt", "Second story.")
    write("a.txt", "First story.")
    write("sub/c.md", "# Third story")
    write(".hidden.txt", "not a document")
    write(".git/config.txt", "not a document")
    write("a.meta.json", '{"title": "First"}')
    write("sources.csv", "file,title\nb.txt,Second\n")
    docs = documents([str(tmp_path)], settings)
    names = [Path(doc.origin).relative_to(tmp_path).as_posix() for doc in docs]
    assert names == ["a.txt", "b.txt", "sub/c.md"]
    assert [doc.title for doc in docs] == ["First", "Second", None]


def test_sidecar_metadata_fills_the_document_and_wins_over_sources_csv(
    tmp_path: Path, write: Write, settings: Settings
) -> None:
    write("a.txt", "The text.")
    write(
        "a.txt.meta.json",
        json.dumps({"title": "Sidecar title", "link": "https://ex.org/a", "date": "2024-03-05"}),
    )
    write(
        "sources.csv",
        "file,title,url,source,published\n"
        'a.txt,CSV title,https://csv.example,"Radio Free Asia","November 29, 2023"\n'
        "b.txt,B title,https://ex.org/b,The Irrawaddy,2023-11-30T08:00:00+06:30\n",
    )
    write("b.txt", "Another text.")
    first, second = documents([str(tmp_path)], settings)
    assert (first.title, first.url, first.source, first.published) == (
        "Sidecar title",
        "https://ex.org/a",
        "Radio Free Asia",
        "2024-03-05",
    )
    assert (second.title, second.source, second.published) == (
        "B title",
        "The Irrawaddy",
        "2023-11-30",
    )


def test_a_txt_file_that_is_really_html_is_read_as_html_with_its_title(
    write: Write, settings: Settings
) -> None:
    page = "<!DOCTYPE html>\n<html><head><title>Junta &amp; Moscow</title></head><body>x</body>"
    path = write("saved.txt", page)
    (doc,) = documents([str(path)], settings)
    assert doc.format == "html"
    assert doc.html == page and doc.text is None
    assert doc.title == "Junta & Moscow"


def test_files_without_extension_are_sniffed(write: Write, settings: Settings) -> None:
    html_path = write("page", "<html><body><p>Hello</p></body></html>")
    json_path = write("record", '{"body": "From JSON", "id": "r1"}')
    text_path = write("notes", "Plain notes about the visit.")
    html_doc, json_doc, text_doc = documents(
        [str(html_path), str(json_path), str(text_path)], settings
    )
    assert html_doc.format == "html"
    assert (json_doc.format, json_doc.text, json_doc.id) == ("json", "From JSON", "r1")
    assert (text_doc.format, text_doc.text) == ("text", "Plain notes about the visit.")


def test_gzipped_html_is_decompressed_and_keeps_the_path_as_origin(
    write: Write, settings: Settings
) -> None:
    page = "<html><head><title>Packed</title></head><body><p>Inside</p></body></html>"
    path = write("page.html.gz", gzip.compress(page.encode()))
    (doc,) = documents([str(path)], settings)
    assert (doc.origin, doc.format, doc.html, doc.title) == (str(path), "html", page, "Packed")


def test_html_declared_charset_is_used_to_decode(write: Write, settings: Settings) -> None:
    page = '<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head>'
    path = write("latin.html", page.encode("latin-1") + b"<p>\x93quoted\x94</p></html>")
    (doc,) = documents([str(path)], settings)
    assert doc.title == "Café"
    assert doc.html is not None and "“quoted”" in doc.html


def test_json_object_list_and_wrapper_with_field_aliases(write: Write, settings: Settings) -> None:
    one = write("one.json", '{"content": "Single", "publish_date": "2023-11-29", "link": "u"}')
    many = write("many.json", json.dumps([{"text": "First", "id": 1}, {"html": "<p>Two</p>"}]))
    wrapped = write(
        "api.json",
        json.dumps({"status": "ok", "articles": [{"body": "Wrapped", "source": {"name": "RFA"}}]}),
    )
    single, first, second, inner = documents([str(one), str(many), str(wrapped)], settings)
    assert (single.origin, single.text, single.published, single.url) == (
        str(one),
        "Single",
        "2023-11-29",
        "u",
    )
    assert (first.origin, first.id, first.text) == (f"{many}#item=1", "1", "First")
    assert (second.html, second.text) == ("<p>Two</p>", None)
    assert (inner.text, inner.source) == ("Wrapped", "RFA")


def test_jsonl_records_keep_their_id_and_line_origin(write: Write, settings: Settings) -> None:
    lines = [
        {"id": "doc-7", "text": "Seven", "title": "T7", "authors": ["A. Writer", "B. Writer"]},
        {"id": "doc-8", "html": "<p>Eight</p>", "published": "Wed, 29 Nov 2023 10:00:00 +0630"},
    ]
    path = write("batch.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n\n")
    seven, eight = documents([str(path)], settings)
    assert (seven.origin, seven.id, seven.title, seven.author) == (
        f"{path}#line=1",
        "doc-7",
        "T7",
        "A. Writer, B. Writer",
    )
    assert (eight.origin, eight.id, eight.html, eight.published) == (
        f"{path}#line=2",
        "doc-8",
        "<p>Eight</p>",
        "2023-11-29",
    )


def test_csv_and_tsv_rows_with_metadata_columns(write: Write, settings: Settings) -> None:
    csv_path = write(
        "export.csv",
        'Title,Body,URL,Source,Published\r\n"Talks","Line one\r\nline two",https://a,RFA,'
        "2024-01-02\r\n,,,,\r\nVisit,Second body,https://b,VOA,\r\n",
    )
    tsv_path = write("export.tsv", "text\ttitle\nTab body\tTab title\n")
    semicolon = write("semi.csv", "title;content\nSemi;Semicolon body\n")
    talks, visit, tab, semi = documents([str(csv_path), str(tsv_path), str(semicolon)], settings)
    assert (talks.origin, talks.text, talks.title, talks.source, talks.published) == (
        f"{csv_path}#row=2",
        "Line one\nline two",
        "Talks",
        "RFA",
        "2024-01-02",
    )
    assert (visit.origin, visit.url, visit.published) == (f"{csv_path}#row=4", "https://b", None)
    assert (tab.format, tab.text, tab.title) == ("tsv", "Tab body", "Tab title")
    assert (semi.text, semi.title) == ("Semicolon body", "Semi")


RSS = """<?xml version="1.0" encoding="windows-1252"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Myanmar Now</title><link>https://myanmar-now.example</link>
<item><title>Junta chief visits Moscow</title><link>https://myanmar-now.example/1</link>
<guid>mn-1</guid><pubDate>Wed, 29 Nov 2023 23:10:00 +0630</pubDate>
<dc:creator>Staff Writer</dc:creator>
<description>Short summary</description>
<content:encoded><![CDATA[<p>Min Aung Hlaing met officials. \u201cWe agree,\u201d he said.</p>]]>
</content:encoded></item>
<item><title>Second</title><link>https://myanmar-now.example/2</link>
<description>&lt;p&gt;Only a summary&lt;/p&gt;</description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title>
<entry><id>urn:atom:1</id><title>Atom entry</title><link href="https://atom.example/1"/>
<published>2024-02-10T23:30:00-05:00</published><author><name>Reporter</name></author>
<content type="html">&lt;p&gt;Atom body&lt;/p&gt;</content></entry>
</feed>
"""


def test_rss_feed_gives_one_document_per_entry(write: Write, settings: Settings) -> None:
    path = write("feed.rss", RSS.encode("cp1252"))
    first, second = documents([str(path)], settings)
    assert first.origin == f"{path}#entry=mn-1"
    assert (first.format, first.id, first.source) == ("feed", "mn-1", "Myanmar Now")
    assert (first.title, first.url, first.author) == (
        "Junta chief visits Moscow",
        "https://myanmar-now.example/1",
        "Staff Writer",
    )
    assert first.published == "2023-11-29"
    assert first.html is not None and "“We agree,” he said." in first.html
    assert second.origin == f"{path}#entry=https://myanmar-now.example/2"
    assert second.html == "<p>Only a summary</p>"


def test_atom_feed_sniffed_without_extension(write: Write, settings: Settings) -> None:
    path = write("download", ATOM)
    (entry,) = documents([str(path)], settings)
    assert (entry.id, entry.title, entry.source, entry.author) == (
        "urn:atom:1",
        "Atom entry",
        "Atom News",
        "Reporter",
    )
    assert entry.published == "2024-02-10"  # the date as written, not shifted to UTC
    assert entry.html == "<p>Atom body</p>"


def test_warc_gives_html_responses_only_without_a_publication_date(
    write: Write, settings: Settings, news_warc: Callable[..., bytes]
) -> None:
    for name, packed in (("crawl.warc", False), ("crawl.warc.gz", True)):
        path = write(name, news_warc(2, gzip=packed))
        docs = documents([str(path)], settings)
        assert [doc.url for doc in docs] == ["https://news.example/1", "https://news.example/2"]
        assert [doc.title for doc in docs] == ["Article 1", "Article 2"]
        assert all(doc.published is None and doc.format == "warc" for doc in docs)
        assert docs[0].origin == f"{path}#offset=0"
        assert docs[1].origin.startswith(f"{path}#offset=")
        assert int(docs[1].origin.rsplit("=", 1)[1]) > 0


def test_stdin_bytes_are_sniffed(settings: Settings) -> None:
    stdin = io.BytesIO(b'{"id": "s1", "text": "from a pipe"}\n{"id": "s2", "text": "more"}\n')
    items = list(read_paths(["-"], settings, stdin=stdin))
    assert [
        (item.origin, item.id, item.text) for item in items if isinstance(item, RawDocument)
    ] == [
        ("-#line=1", "s1", "from a pipe"),
        ("-#line=2", "s2", "more"),
    ]


def test_globs_expand_sorted_and_explicit_dotdot_paths_work(
    tmp_path: Path, write: Write, settings: Settings
) -> None:
    write("in/b.txt", "B")
    write("in/a.txt", "A")
    write("in/a.meta.json", "{}")
    write("other/x.txt", "X")
    globbed = documents([str(tmp_path / "in" / "*")], settings)
    assert [doc.text for doc in globbed] == ["A", "B"]
    (dotdot,) = documents([str(tmp_path / "other" / ".." / "in" / "b.txt")], settings)
    assert dotdot.text == "B"


def test_windows_1252_curly_quotes_decode(write: Write, settings: Settings) -> None:
    text = "The general said \u201cwe are friends\u201d \u2013 the junta\u2019s caf\u00e9.\r\n"
    path = write("legacy.txt", text.encode("cp1252"))
    (doc,) = documents([str(path)], settings)
    assert doc.text == "The general said “we are friends” – the junta’s café.\n"


def test_utf16_with_bom_decodes(write: Write, settings: Settings) -> None:
    text = "Naypyidaw \u2014 talks with Moscow.\r\nSecond line."
    path = write("wide.txt", text.encode("utf-16"))
    (doc,) = documents([str(path)], settings)
    assert doc.text == "Naypyidaw — talks with Moscow.\nSecond line."


def test_utf8_bom_is_not_part_of_the_text(settings: Settings) -> None:
    (doc,) = list(read_bytes(b"\xef\xbb\xbfHeadline\rBody", "bom.txt", settings))
    assert isinstance(doc, RawDocument)
    assert doc.text == "Headline\nBody"


def test_reading_twice_gives_the_same_documents(tmp_path: Path, write: Write) -> None:
    write("z.txt", "Z")
    write("m/y.json", '[{"text": "Y1"}, {"text": "Y2"}]')
    write("a.jsonl", '{"text": "A"}\n')
    first = list(read_paths([str(tmp_path)], Settings()))
    assert first == list(read_paths([str(tmp_path)], Settings()))
    assert [item.origin for item in first if isinstance(item, RawDocument)] == [
        f"{tmp_path}/a.jsonl#line=1",
        f"{tmp_path}/m/y.json#item=1",
        f"{tmp_path}/m/y.json#item=2",
        f"{tmp_path}/z.txt",
    ]


@hypothesis_settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=1).filter(lambda s: s.strip()), min_size=1, max_size=5))
def test_jsonl_round_trip_keeps_every_text(texts: list[str]) -> None:
    data = "\n".join(json.dumps({"id": str(n), "text": t}) for n, t in enumerate(texts))
    items = list(read_bytes(data.encode(), "gen.jsonl", Settings()))
    assert [(item.id, item.text) for item in items if isinstance(item, RawDocument)] == [
        (str(n), t.strip()) for n, t in enumerate(texts)
    ]
