"""Sources as users paste them: the URL line, outlet, wire, byline and publication date read
from the text (metadata.py, through clean_text and pipeline.prepare), on lines written here
for each form, and hostile ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import metadata, pipeline
from storyline.clean import clean_text
from storyline.model import RawDocument
from storyline.settings import Settings
from storyline.store import Store

BODY = (
    "The two governments signed a border accord on Tuesday after talks that lasted three "
    "days in the capital, officials from both sides said.\n"
    "The accord ends a dispute over a river crossing that had closed trade for a year, and "
    "both parliaments are expected to ratify it within a month.\n"
    "Traders on both sides welcomed the news, saying the crossing would reopen within weeks "
    "once customs posts are staffed again by the two countries."
)


def _doc(text: str, origin: str = "pasted/article.txt", **raw: str) -> pipeline.Document:
    return pipeline.prepare(RawDocument(origin=origin, format="text", text=text, **raw))


def _removed(text: str) -> dict[str, str]:
    return {r.text: r.reason for r in clean_text(text).removed}


# -- the URL line -----------------------------------------------------------------------------


def test_a_url_on_the_first_line_is_the_pages_address_not_its_title() -> None:
    url = "https://www.example-news.org/world/2024/06/19/border-accord-signed"
    text = f"{url}\nBorder accord signed after three days of talks\n{BODY}"
    doc = _doc(text)
    assert doc.url == url
    assert doc.title == "Border accord signed after three days of talks"
    assert url not in doc.text
    assert _removed(text)[url] == "metadata"
    assert (doc.published, doc.published_from) == ("2024-06-19", "url")


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("https://a.example/2024/06/19/story", "2024-06-19"),
        ("https://a.example/news/20240619-story.html", "2024-06-19"),
        ("https://a.example/21-Sep-2023/story-title", "2023-09-21"),
        ("https://a.example/2024/06/story-title/amp", "2024-06"),
        ("https://a.example/19042024-story-title", "2024-04-19"),
        ("https://a.example/story/336907/title.html", None),
        ("https://a.example/1999/13/45/not-a-date", None),
        ("https://a.example/1850/06/19/too-early", None),
    ],
)
def test_dates_in_the_url_path(url: str, value: str | None) -> None:
    assert metadata.url_date(url) == value


def test_an_address_of_5000_characters_is_no_url_and_breaks_nothing() -> None:
    url = "https://example.org/" + "a" * 5000
    doc = _doc(f"{url}\nBorder accord signed after three days of talks\n{BODY}")
    assert doc.url is None
    assert url not in doc.text
    assert doc.title == "Border accord signed after three days of talks"


# -- published lines, datelines, ranking ---------------------------------------------------


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("Published June 18,2024", "2024-06-18"),
        ("Published: 2024-06-18T10:00:00Z", "2024-06-18"),
        ("Updated Apr 13, 2024 - World", "2024-04-13"),
        ("Posted on 19.06.2024", "2024-06-19"),
        ("First published on Tuesday 18 June 2024 10.05 BST", "2024-06-18"),
        ("This story is from June 21, 2024", "2024-06-21"),
        ("June 19, 2024 1:12 PM - Updated: June 19, 2024 4:25 PM", "2024-06-19"),
    ],
)
def test_published_lines_in_their_many_forms(line: str, value: str) -> None:
    text = f"Border accord signed after three days of talks\n{line}\n{BODY}"
    doc = _doc(text)
    assert doc.published == value
    assert not doc.published_estimated
    assert _removed(text)[line] == "metadata"
    assert line not in doc.text


def test_a_published_line_with_an_impossible_date_gives_no_date() -> None:
    text = f"Border accord signed after three days of talks\nPublished February 30, 2024\n{BODY}"
    doc = _doc(text)
    assert doc.published != "2024-02-30"
    assert doc.published is None or doc.published_estimated


@pytest.mark.parametrize(
    ("paragraph", "dateline", "wire", "published"),
    [
        (
            "MOSCOW, June 19 (AFP) – The two sides met",
            "MOSCOW, June 19 (AFP)",
            "Agence France-Presse",
            "2024-06-19",
        ),
        (
            "Seoul, 19 June 2024 (dpa) - The two sides met",
            "Seoul, 19 June 2024 (dpa)",
            "dpa",
            "2024-06-19",
        ),
        ("KYIV (Reuters) — The two sides met", "KYIV (Reuters)", "Reuters", None),
        ("BAKU-The two sides met", "BAKU", None, None),
        ("MANILA: The two sides met", "MANILA", None, None),
    ],
)
def test_datelines_open_the_first_paragraph(
    paragraph: str, dateline: str, wire: str | None, published: str | None
) -> None:
    text = f"Border accord signed after three days of talks\n{paragraph} in the capital on Tuesday and signed the accord.\n{BODY}"
    cleaned = clean_text(text)
    assert cleaned.meta["dateline"] == dateline
    assert cleaned.meta.get("wire") == wire
    assert cleaned.text.split("\n")[1].startswith("The two sides met")
    if published:
        # "June 19" has its year from elsewhere in the text: the body says 2024
        doc = _doc(text + "\nThe accord follows talks first held in March 2024.")
        assert doc.published == published
        assert doc.wire == wire


def test_a_photo_caption_with_a_dash_is_no_dateline() -> None:
    text = (
        "Border accord signed after three days of talks\n"
        "Armenia - Refugees ride in a truck upon their arrival at the border village.\n" + BODY
    )
    assert "dateline" not in clean_text(text).meta


def test_the_page_headers_date_is_used_only_when_nothing_better_exists_and_says_so() -> None:
    header = "Friday, 22 November 2024"
    page = f"Home World Business\n{header}\nBorder accord signed after three days of talks\n{BODY}"
    doc = _doc(page)
    assert (doc.published, doc.published_from, doc.published_estimated) == (
        "2024-11-22",
        "page-header",
        True,
    )
    # with an explicit published line the header's date is left aside
    better = page.replace(BODY, "Published June 18, 2024\n" + BODY)
    doc = _doc(better)
    assert (doc.published, doc.published_from, doc.published_estimated) == (
        "2024-06-18",
        "published-line",
        False,
    )


def test_a_month_in_the_url_is_made_a_day_by_the_date_line_under_the_headline() -> None:
    text = (
        "https://news.example.sg/2024/06/soldier-loses-thumb\n"
        "Soldier loses thumb in confrontation at sea\n"
        "Tan Min-Wei | June 20, 2024, 07:06 PM\n" + BODY
    )
    doc = _doc(text)
    assert (doc.published, doc.published_from) == ("2024-06-20", "date-line")
    assert doc.author == "Tan Min-Wei"
    assert doc.title == "Soldier loses thumb in confrontation at sea"


def test_an_estimate_from_the_content_is_flagged() -> None:
    doc = _doc("The accord was first proposed on March 3, 2021.\n" + BODY)
    assert doc.published_estimated
    assert doc.published_from == "content"


def test_metadata_given_with_the_input_outranks_the_page() -> None:
    doc = _doc(f"Published June 18, 2024\n{BODY}", published="2024-05-01", source="Given Outlet")
    assert (doc.published, doc.published_from, doc.source) == (
        "2024-05-01",
        "metadata",
        "Given Outlet",
    )


# -- bylines, credits, copyright ---------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "author", "wire"),
    [
        ("By Jane Roe", "Jane Roe", None),
        (
            "By By Kathryn Armstrong & Nataliya Zotova for BBC",
            "Kathryn Armstrong & Nataliya Zotova",
            "BBC",
        ),
        ("Written by: Ali Hassan", "Ali Hassan", None),
        ("Web Desk", "Web Desk", None),
        ("Staff Reporter", "Staff Reporter", None),
        ("EDITOR", "EDITOR", None),
    ],
)
def test_bylines_and_desks_go_to_author(line: str, author: str, wire: str | None) -> None:
    text = f"Border accord signed after three days of talks\n{line}\n{BODY}"
    doc = _doc(text)
    assert doc.author == author
    assert doc.wire == wire
    assert line not in doc.text
    assert _removed(text)[line] == "metadata"


def test_a_name_alone_under_the_headline_is_the_byline_and_no_actor() -> None:
    text = f"Border accord signed after three days of talks\nIvana Saric\n{BODY}"
    doc = _doc(text)
    assert doc.author == "Ivana Saric"
    [analysed] = pipeline.analyse([doc], Settings())
    assert all("Saric" not in a.name for a in analysed.actors)


@pytest.mark.parametrize(
    ("line", "wire"),
    [
        ("(Reporting by Reuters Editing by Jane Roe)", "Reuters"),
        ("With inputs from PTI", "PTI"),
        ("Source: Reuters", "Reuters"),
        ("© Copyright AFP 2024", "Agence France-Presse"),
        ("AP", "Associated Press"),
    ],
)
def test_wire_credits_name_the_origin(line: str, wire: str) -> None:
    doc = _doc(f"Border accord signed after three days of talks\n{BODY}\n{line}")
    assert doc.wire == wire
    assert line not in doc.text


def test_a_copyright_footer_names_the_outlet_of_an_unknown_site() -> None:
    text = f"https://tiny-example-site.net/accord\n{BODY}\n© 2024 Harbour Gazette. All rights reserved."
    doc = _doc(text)
    assert (doc.source, doc.wire) == ("Harbour Gazette", None)
    # a listed host keeps its listed name whatever the footer says
    listed = text.replace("tiny-example-site.net", "www.kyivindependent.com")
    assert _doc(listed).source == "The Kyiv Independent"


# -- outlets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "outlet", "wire"),
    [
        ("https://www.kyivindependent.com/news/x", "The Kyiv Independent", None),
        ("https://img2-cdn.newser.com/story/1/x.html", "Newser", None),
        ("https://www.dailymail.co.uk/wires/reuters/article-1/x.html", "Reuters", "Reuters"),
        ("https://unheard-of-blog.example/2024/01/02/x", "unheard-of-blog.example", None),
    ],
)
def test_the_outlet_from_the_host(url: str, outlet: str, wire: str | None) -> None:
    assert metadata.outlet_and_wire(url) == (outlet, wire)


def test_an_unknown_sites_name_as_its_page_writes_it() -> None:
    text = "Harbour Gazette is an independent outlet.\n" + BODY
    assert metadata.outlet_and_wire("https://harbourgazette.net/x", text=text) == (
        "Harbour Gazette",
        None,
    )


def test_original_source_names_the_outlet_without_an_address_and_the_origin_with_one() -> None:
    assert _doc(f"{BODY}\nOriginal Source: news.example").source == "news.example"
    doc = _doc(f"https://aggregator.example/x\n{BODY}\nOriginal Source: Harbour Gazette")
    assert (doc.source, doc.wire) == ("aggregator.example", "Harbour Gazette")


def test_a_document_nothing_names_is_named_by_its_file() -> None:
    assert _doc(BODY, origin="pasted/article-7.txt").source == "article-7.txt"
    assert _doc(BODY, origin="feed.jsonl#line=3").source == "feed.jsonl#line=3"


# -- through the store: wire copies count once ---------------------------------------------


def test_two_outlets_running_one_wire_story_are_one_source(tmp_path: Path) -> None:
    from storyline import views

    folder = tmp_path / "articles"
    folder.mkdir()
    story = (
        "Ruritania said on Tuesday that 120 soldiers were killed in the border clashes, "
        "the worst fighting in a decade."
    )
    (folder / "a.txt").write_text(
        f"https://first-portal.example/x\nLISBON (Reuters) - {story}\n{BODY}"
    )
    (folder / "b.txt").write_text(
        f"https://second-portal.example/y\n{story} The clashes began in May.\n{BODY}\n(Reporting by Reuters)"
    )
    settings = Settings.load(db=str(tmp_path / "kb.db"), workers=1)
    with Store(settings.db) as store:
        pipeline.ingest([str(folder)], store, settings)
        docs = {d.source: d for d in store.iter_documents()}
        assert {k: v.wire for k, v in docs.items()} == {
            "first-portal.example": "Reuters",
            "second-portal.example": "Reuters",
        }
        groups = [g for g in views.claim_groups(store) if len(g.statements) == 2]
    assert groups, "the killed count is one claim group"
    assert all(g.verdict == "single-source" for g in groups)
