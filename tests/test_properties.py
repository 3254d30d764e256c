"""Properties every stage keeps on any input: readers never raise, the cleaner loses no line,
dates are valid and ordered, events and claims are well-formed, the store round-trips.

Strategies and checks are plain module-level names so that ``fuzz/`` can run the same
properties with many more examples (see ``docs/reliability.md``). The example counts here are
bounded so that this file runs in well under two minutes on a shared 2-core machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import re
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.actors import resolve_actors
from storyline.claims import extract_claims
from storyline.clean import clean_text, repair_encoding
from storyline.dates import find_dates
from storyline.errors import InputError
from storyline.events import code_events
from storyline.events_lexicon import lexicon, ontology
from storyline.formats.fields import vocabulary
from storyline.model import (
    ClaimKind,
    DateExpr,
    Document,
    EventStatus,
    RawDocument,
    Removal,
    Repeat,
)
from storyline.nlp import analyse, load_model
from storyline.places import countries
from storyline.read import read_bytes
from storyline.settings import Settings
from storyline.store import Store

# The formats a RawDocument may carry (the readers' ``format`` values).
FORMATS = frozenset({"text", "html", "json", "jsonl", "csv", "tsv", "feed", "warc"})
SETTINGS = Settings()
# Example counts: each property gets what fits its cost (spaCy and trafilatura are the slow
# ones); the fuzz scripts run the same properties with thousands more.
FAST, MEDIUM, SLOW = 300, 100, 60


# -- shared checks ------------------------------------------------------------------------


def valid_iso(value: str) -> bool:
    """An ISO 8601 calendar value at year, month or day precision, of a real date."""
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return False
    parts = [int(part) for part in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def check_read(data: bytes, name: str) -> list[RawDocument | InputError]:
    """``read_bytes`` yields documents or one-line errors naming the input, and never raises."""
    items = list(read_bytes(data, name, SETTINGS))
    assert items, "an input yields at least a document or an error"
    for item in items:
        if isinstance(item, InputError):
            assert len(str(item).splitlines()) == 1, str(item)
            assert str(item).startswith(name) and item.reason.strip()
        else:
            assert isinstance(item, RawDocument)
            assert item.origin.startswith(name) and item.format in FORMATS
            assert (item.text is None) != (item.html is None)
            assert (item.text or item.html or "").strip()
    return items


def check_clean(text: str) -> None:
    """The documented invariant of ``clean_text`` (docs/cleaning.md, "Guarantee")."""
    cleaned = clean_text(text)
    repaired, misread_as = repair_encoding(text)
    assert cleaned.meta.get("encoding_repaired") == misread_as
    assert repaired.count("\n") == text.count("\n")
    removals: dict[int, Removal] = {}
    for taken in cleaned.removed:
        assert taken.line is not None and taken.line not in removals
        removals[taken.line] = taken
    expected: list[str] = []
    for index, raw in enumerate(repaired.split("\n")):
        line = raw.strip()
        removal = removals.pop(index, None)
        if not line:
            assert removal is None, "a blank line is dropped, not removed"
        elif removal is None:
            expected.append(line)
        elif removal.text != line:
            expected.append(_dateline_rest(line, removal))
    assert not removals, "every removal is of an input line"
    kept = cleaned.text.split("\n") if cleaned.text else []
    assert kept == expected
    for repeat in cleaned.repeats:
        assert 0 <= repeat.of_line < repeat.line < len(kept)
        assert 0.0 <= repeat.similarity <= 1.0


def _dateline_rest(line: str, removal: Removal) -> str:
    """The kept rest of a line whose dateline prefix was removed.

    The documented form: the prefix, then the rest (after any whitespace: "BAKU-Twenty" has
    none).
    """
    assert removal.reason == "metadata"
    assert line.startswith(removal.text)
    rest = line[len(removal.text) :]
    assert rest.strip()
    return rest.strip()


def check_dates(text: str, anchor: dt.date | None) -> None:
    """Valid ISO values inside the text's offsets, sorted and non-overlapping."""
    end = 0
    for expr in find_dates(text, anchor):
        assert end <= expr.start < expr.end <= len(text)
        assert text[expr.start : expr.end] == expr.text
        assert valid_iso(expr.value), expr
        assert expr.precision == {4: "year", 7: "month", 10: "day"}[len(expr.value)]
        end = expr.end


@cache
def nlp_model() -> Language:
    """The spaCy model, loaded once per process (tests and fuzz scripts)."""
    return load_model(SETTINGS)


EVENT_STATUSES = frozenset(get_args(EventStatus))
CLAIM_KINDS = frozenset(get_args(ClaimKind))
# the anchor the coder and the claim extractor get: any real day works
ANCHOR = dt.date(2024, 11, 29)


def check_events_and_claims(text: str) -> None:
    """Events have a known type, status, confidence and their sentence; claims likewise."""
    nlp_model()
    (doc,) = analyse([text], SETTINGS)
    actors, mentions = resolve_actors(doc, SETTINGS)
    dates = tuple(find_dates(text, ANCHOR))
    types = ontology().types
    for event in code_events(doc, actors, mentions, dates, ANCHOR, SETTINGS):
        assert event.type in types and event.status in EVENT_STATUSES
        assert 0.0 <= event.confidence <= 1.0
        assert event.sentence and event.sentence in text
        assert text[event.sentence_start :].startswith(event.sentence)
        assert event.date is None or valid_iso(event.date)
        assert all(context in ontology().contexts for context in event.context)
    starts = []
    for claim in extract_claims(doc, actors, mentions, dates, ANCHOR.isoformat(), SETTINGS):
        assert claim.kind in CLAIM_KINDS and claim.subject and claim.predicate
        assert claim.sentence and claim.sentence in text
        assert claim.as_of is None or valid_iso(claim.as_of)
        starts.append(claim.start)
    assert starts == sorted(starts)


def check_store_round_trip(doc: Document) -> None:
    """A document written to a real SQLite file comes back unchanged."""
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "kb.db") as store:
        with store.transaction():
            store.insert_document(doc)
        assert store.get_document(doc.id) == doc
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- strategies: bytes and files --------------------------------------------------------


@cache
def known_names() -> list[str]:
    """A file name for every extension the readers know, and one without an extension."""
    extensions = sorted({str(e) for exts in vocabulary()["extensions"].values() for e in exts})
    return ["input", *(f"input{ext}" for ext in extensions)]


@cache
def field_names() -> list[str]:
    """Every record field name the readers accept, and the wrapper keys."""
    names = [str(n) for names in vocabulary()["fields"].values() for n in names]
    return [*names, *(str(key) for key in vocabulary()["containers"])]


names = st.deferred(lambda: st.sampled_from(known_names()))
keys = st.one_of(st.deferred(lambda: st.sampled_from(field_names())), st.text(max_size=8))
texty = st.one_of(
    st.text(max_size=300).map(str.encode),
    st.text(max_size=150).map(lambda s: s.encode("utf-16")),
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=300).map(
        lambda s: s.encode("latin-1")
    ),
)
any_bytes = st.one_of(st.binary(max_size=2000), texty)

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40), st.just("<p>x</p>")
)
json_values = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=20,
)


@st.composite
def wrong_json(draw: st.DrawFn) -> tuple[bytes, str]:
    """JSON or JSON Lines with arbitrary shapes, sometimes cut short."""
    if draw(st.booleans()):
        body = json.dumps(draw(json_values), ensure_ascii=draw(st.booleans()))
        name = draw(st.sampled_from(["records.json", "records", "records.txt"]))
    else:
        lines = draw(st.lists(st.one_of(json_values.map(json.dumps), st.text(max_size=30))))
        body, name = "\n".join(lines), draw(st.sampled_from(["records.jsonl", "records.json"]))
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    return body.encode(), name


@st.composite
def wrong_table(draw: st.DrawFn) -> tuple[bytes, str]:
    """CSV/TSV whose header may or may not name a text column, with ragged, quoted rows."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(keys, min_size=1, max_size=5))
    cells = st.one_of(st.text(max_size=30), st.sampled_from(['"', '""', "\n", delimiter, "\r"]))
    rows = draw(st.lists(st.lists(cells, max_size=6), max_size=6))
    if draw(st.booleans()):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
        body = out.getvalue()
    else:  # written by hand: quotes left open, embedded newlines
        body = "\n".join(delimiter.join(row) for row in [header, *rows])
    name = draw(st.sampled_from(["table.csv", "table.tsv", "table.tab"]))
    return body.encode(), name


XML_TAGS = [
    "item",
    "entry",
    "title",
    "link",
    "description",
    "content",
    "summary",
    "id",
    "pubDate",
    "published",
    "updated",
    "author",
    "channel",
    "p",
    "body",
]
xml_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["&amp;", "&lt;p&gt;hi&lt;/p&gt;", "<![CDATA[<p>x</p>]]>", "&bogus;", "<"]),
)


def _xml_element(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, children: f"<{tag}>{''.join(children)}</{tag}>",
        st.sampled_from(XML_TAGS),
        st.lists(inner, max_size=4),
    )


xml_body = st.recursive(xml_text, _xml_element, max_leaves=15)


@st.composite
def wrong_feed(draw: st.DrawFn) -> tuple[bytes, str]:
    """RSS/Atom-shaped XML with arbitrary children, text, entities and cuts."""
    root = draw(
        st.sampled_from(
            ['rss version="2.0"', 'feed xmlns="http://www.w3.org/2005/Atom"', "rdf:RDF", "urlset"]
        )
    )
    tag = root.split()[0]
    prolog = draw(st.sampled_from(["", '<?xml version="1.0" encoding="utf-8"?>\n']))
    body = f"{prolog}<{root}>{''.join(draw(st.lists(xml_body, max_size=5)))}</{tag}>"
    if draw(st.booleans()):
        body = body[: draw(st.integers(1, len(body)))]
    name = draw(st.sampled_from(["feed.xml", "feed.rss", "feed.atom", "feed"]))
    return body.encode(), name


def _fixed_warc_headers(number: int) -> dict[str, str]:
    """Record id and capture date fixed, so that a drawn archive is the same bytes every run."""
    return {
        "WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{number:012d}>",
        "WARC-Date": "2024-11-29T00:00:00Z",
    }


@st.composite
def wrong_warc(draw: st.DrawFn) -> tuple[bytes, str]:
    """WARC files with arbitrary statuses, content types and bodies, sometimes cut or damaged."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=draw(st.booleans()))
    for number in range(draw(st.integers(0, 3))):
        status = draw(st.sampled_from(["200 OK", "404 Not Found", "301 Moved", "204 No Content"]))
        kind = draw(
            st.sampled_from(
                [
                    "text/html",
                    "text/html; charset=latin-1",
                    "text/html; charset=bogus",
                    "application/xhtml+xml",
                    "image/png",
                    "text/plain",
                    "",
                ]
            )
        )
        body = draw(st.one_of(any_bytes, xml_body.map(str.encode)))
        headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://example.test/{number}",
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict=_fixed_warc_headers(number),
        )
        writer.write_record(record)
    data = buffer.getvalue()
    if data and draw(st.booleans()):
        cut = int(len(data) * draw(st.floats(0.0, 1.0)))
        data = data[:cut] + draw(st.binary(max_size=20))
    return data, draw(st.sampled_from(["archive.warc", "archive.warc.gz", "archive"]))


def _wrapped(data: bytes, name: str, how: str, cut: float) -> tuple[bytes, str]:
    if how == "gzip":
        return gzip.compress(data, mtime=0), name + ".gz"
    if how == "truncated-gzip":
        packed = gzip.compress(data, mtime=0)
        return packed[: max(1, int(len(packed) * cut))], name + ".gz"
    if how == "double-gzip":
        return gzip.compress(gzip.compress(data, mtime=0), mtime=0), name + ".gz"
    if how == "truncated":
        return data[: int(len(data) * cut)], name
    return data, name


wrapping = st.tuples(
    st.sampled_from(["plain", "gzip", "truncated-gzip", "double-gzip", "truncated"]),
    st.floats(0.0, 1.0),
)


# -- strategies: text -------------------------------------------------------------------

PAGE_LINES = [
    "Home",
    "Share",
    "Advertisement",
    "Read more",
    "By Ann Lee",
    "Source: Example Wire",
    "Original Source: Example Wire",
    "March 3, 2024",
    "3 hours ago",
    "1) First item here",
    "2) Second item here",
    "3) Third item here",
    "Photo of the port (Image: GETTY )",
    "Short heading here",
    "Ministers met on Monday to discuss the budget for next year.",
    "The committee approved the plan after a long debate in the chamber on Monday night.",
    "Harbour Workers Strike Over Pay As Talks CollapseDock workers walked out on Tuesday.",
    "© 2024 Example Media. All rights reserved.",
    "Joined",
    "Messages",
    "1,229",
]
DATELINES = ["LISBON", "NAY PYI TAW, Nov 29 (Reuters)", "MOSCOW (AFP)", "(AP)", "PARIS, March"]


def _mojibake(text: str, codec: str) -> str:
    return text.encode("utf-8").decode(codec, errors="ignore")


mojibake_lines = st.builds(
    _mojibake,
    st.text(alphabet="éàüöçãõñ€“”‘’—…ĞŁЖДязыкあい한국 abcdefgh.", max_size=60),
    st.sampled_from(["latin-1", "cp1252"]),
)
dateline_lines = st.builds(
    lambda prefix, dash, rest: f"{prefix} {dash} {rest}",
    st.sampled_from(DATELINES),
    st.sampled_from(["-", "–", "—", "--"]),
    st.sampled_from(PAGE_LINES[-8:-5]),
)
page_text = st.lists(
    st.one_of(
        st.sampled_from(PAGE_LINES),
        st.text(max_size=80),
        mojibake_lines,
        dateline_lines,
        st.sampled_from(["", "   ", "\t", "\xa0", "\r", "\u2028"]),
    ),
    max_size=40,
).map("\n".join)

DATE_TOKENS = [
    *"0123456789 /.,-:",
    "May ",
    "March ",
    "Nov. ",
    "on ",
    "in ",
    "since ",
    "until ",
    "Monday ",
    "last ",
    "next ",
    "this ",
    "the ",
    "mid-",
    "early ",
    "late ",
    "ago ",
    "days ",
    "weeks ",
    "years ",
    "week ",
    "month ",
    "year ",
    "yesterday ",
    "tomorrow ",
    "today ",
    "2021 ",
    "1999 ",
    "29 ",
    "31 ",
    "30th ",
    "75th ",
    "anniversary ",
    "of ",
    "coup ",
    "Q3 ",
    "'90s ",
    "1990s ",
    "spring ",
    "2024-02-30 ",
    "02/29/2023 ",
    "0000 ",
    "9999 ",
]
date_text = st.one_of(
    st.text(max_size=80), st.lists(st.sampled_from(DATE_TOKENS), max_size=30).map("".join)
)
# publication dates a document may state: realistic ones (the extremes have their own test)
anchors = st.one_of(st.none(), st.dates(dt.date(1800, 1, 1), dt.date(2200, 12, 31)))


@cache
def story_words() -> tuple[list[str], list[str]]:
    """Parties (country names and demonym phrases) and verbs from the shipped vocabularies."""
    parties = [c.name for c in countries()] + [
        f"{c.demonyms[0]} officials" for c in countries() if c.demonyms
    ]
    verbs = sorted({pattern[0] for kind, pattern in lexicon() if kind == "verb"})
    return parties, verbs


def _inflect(verb: str, form: str) -> str:
    if form == "past":
        return verb + ("d" if verb.endswith("e") else "ed")
    return {"will": f"will {verb}", "not": f"did not {verb}", "if": f"would {verb} if they"}.get(
        form, verb + "s"
    )


parties = st.deferred(lambda: st.sampled_from(story_words()[0]))
verbs = st.deferred(lambda: st.sampled_from(story_words()[1]))
sentences = st.builds(
    lambda a, verb, form, b, tail: f"{a} {_inflect(verb, form)} {b}{tail}",
    parties,
    verbs,
    st.sampled_from(["past", "present", "will", "not", "if"]),
    parties,
    st.sampled_from([".", " on Monday.", " in 2023.", ", officials said.", " twice", "!"]),
)
story_text = st.lists(
    st.one_of(sentences, st.text(max_size=60), st.sampled_from(DATE_TOKENS)), max_size=8
).map(" ".join)


# -- strategies: documents for the store --------------------------------------------------

small_text = st.text(max_size=60)
optional_text = st.one_of(st.none(), small_text)
line_numbers = st.integers(0, 2**31)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """Documents as ``prepare`` makes them: text, audit trail, repeats and sorted dates."""
    text = draw(st.text(max_size=400))
    starts = sorted(draw(st.sets(st.integers(0, 500), max_size=5)))
    dates = tuple(
        DateExpr(start, start + 1 + draw(st.integers(0, 20)), draw(small_text), value)
        for start, value in zip(
            starts,
            draw(st.lists(st.sampled_from(["2013", "2013-03", "2013-03-22"]), min_size=5)),
            strict=False,
        )
    )
    return Document(
        id=draw(st.text(min_size=1, max_size=30)),
        origin=draw(small_text),
        format=draw(st.sampled_from(sorted(FORMATS))),
        content_hash=draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)),
        text=text,
        title=draw(optional_text),
        source=draw(optional_text),
        url=draw(optional_text),
        author=draw(optional_text),
        published=draw(st.one_of(st.none(), st.sampled_from(["2024", "2024-11", "2024-11-29"]))),
        published_estimated=draw(st.booleans()),
        removed=tuple(
            draw(
                st.lists(
                    st.builds(Removal, small_text, small_text, st.one_of(st.none(), line_numbers)),
                    max_size=5,
                )
            )
        ),
        repeats=tuple(
            draw(
                st.lists(
                    st.builds(Repeat, line_numbers, line_numbers, st.floats(0.0, 1.0)), max_size=3
                )
            )
        ),
        dates=dates,
    )


# -- the properties ----------------------------------------------------------------------


@settings(max_examples=FAST, deadline=None)
@given(data=any_bytes, name=names, wrap=wrapping)
def test_any_bytes_under_any_known_name_give_documents_or_one_line_errors(
    data: bytes, name: str, wrap: tuple[str, float]
) -> None:
    check_read(*_wrapped(data, name, *wrap))


@pytest.mark.parametrize(
    "strategy", [wrong_json(), wrong_table(), wrong_feed(), wrong_warc()], ids=repr
)
@settings(max_examples=MEDIUM, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), wrap=wrapping)
def test_structured_but_wrong_input_gives_documents_or_one_line_errors(
    strategy: st.SearchStrategy[tuple[bytes, str]], data: st.DataObject, wrap: tuple[str, float]
) -> None:
    check_read(*_wrapped(*data.draw(strategy), *wrap))


def test_a_table_with_a_header_and_no_rows_says_so() -> None:
    # found by the property above: a header alone yields no document and no error
    assert list(read_bytes(b"text,title\n", "table.csv", SETTINGS))


def test_a_feed_entry_id_with_a_line_break_still_gives_a_one_line_error() -> None:
    # found by fuzz/fuzz_properties.py read-feed (there with a \x1e inside a <link>)
    feed = b'<rss version="2.0"><channel><item><guid>a\nb</guid><title>t</title></item></channel></rss>'
    check_read(feed, "feed.rss")


@settings(max_examples=FAST, deadline=None)
@given(page_text)
def test_the_cleaner_never_loses_a_line(text: str) -> None:
    check_clean(text)


@settings(max_examples=FAST, deadline=None)
@given(text=date_text, anchor=anchors)
def test_dates_are_valid_iso_inside_the_text_sorted_and_disjoint(
    text: str, anchor: dt.date | None
) -> None:
    check_dates(text, anchor)


@pytest.mark.parametrize(
    ("text", "anchor"), [("tomorrow", dt.date(9999, 12, 31)), ("yesterday", dt.date(1, 1, 1))]
)
def test_relative_dates_at_the_ends_of_the_calendar_do_not_raise(
    text: str, anchor: dt.date
) -> None:
    check_dates(text, anchor)


@pytest.fixture(scope="session")
def spacy_model() -> Language:
    return nlp_model()


@settings(max_examples=SLOW, deadline=None)
@given(text=story_text)
@example(text="Russia did not sign the deal with Myanmar. Russia will aid Myanmar in 2025.")
def test_events_and_claims_are_well_formed_on_any_text(spacy_model: Language, text: str) -> None:
    check_events_and_claims(text)


@settings(max_examples=MEDIUM, deadline=None)
@given(documents())
def test_documents_survive_a_store_round_trip(doc: Document) -> None:
    check_store_round_trip(doc)


# every property, for the fuzz scripts: name -> (strategy of arguments, check)
PROPERTIES: dict[str, tuple[st.SearchStrategy[Any], Callable[..., object]]] = {
    "read-bytes": (
        st.tuples(any_bytes, names, wrapping).map(lambda t: _wrapped(t[0], t[1], *t[2])),
        check_read,
    ),
    "read-json": (
        st.tuples(wrong_json(), wrapping).map(lambda t: _wrapped(*t[0], *t[1])),
        check_read,
    ),
    "read-table": (
        st.tuples(wrong_table(), wrapping).map(lambda t: _wrapped(*t[0], *t[1])),
        check_read,
    ),
    "read-feed": (
        st.tuples(wrong_feed(), wrapping).map(lambda t: _wrapped(*t[0], *t[1])),
        check_read,
    ),
    "read-warc": (
        st.tuples(wrong_warc(), wrapping).map(lambda t: _wrapped(*t[0], *t[1])),
        check_read,
    ),
    "clean": (page_text.map(lambda text: (text,)), check_clean),
    "dates": (st.tuples(date_text, anchors), check_dates),
    "events-claims": (story_text.map(lambda text: (text,)), check_events_and_claims),
    "store": (documents().map(lambda doc: (doc,)), check_store_round_trip),
}
