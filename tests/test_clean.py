"""The clean stage: page chrome out, every body sentence in, nothing lost silently."""

from __future__ import annotations

import difflib
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import clean
from storyline.clean import clean_html, clean_text, repair_encoding
from storyline.model import Cleaned, Repeat

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "russia-myanmar"

# The body of each sample, read off the files: the opening words of every body paragraph
# (headline and subheadings included), in order. The test checks that each is kept whole.
BODY: dict[str, list[str]] = {
    "000": [
        "Russia, Myanmar increase bilateral relations in response",
        "Both Russia and Myanmar, which have been condemned",
        "On November 29, the military leader,",
        "In the meeting, the two sides discussed",
        "They also discussed the enhancement of friendly",
        "Political analyst Dr. Sai Kyi Zin Soe",
        "Moreover, he pointed out that while Russia",
        "U Ye Tun (Hsipaw), a political analyst,",
        "Following the coup, military leader Gen.",
        "CDM Capt. Kaung Thu Win said",
        "On November 21, the military delegations",
        "According to the MOU, the basic framework",
    ],
    "001": [
        "The head of Myanmar’s military government visited",
        "Russian President Vladimir Putin will meet",
        "According to the source, Min Aung Hlaing",
        "In international affairs, Russia defends",
        "Due to their takeover and violent suppression",
        "Min Aung Hlaing’s fourth trip to Russia",
        "Since Myanmar’s military overthrew Aung San Suu Kyi’s",
        "Because of the junta’s brutal suppression",
        "Russia, one of Myanmar’s few surviving",
        "Vladimir Putin and Min Aung Hlaing have established",
        "Since Myanmar’s coup in 2021 and subsequent",
        "A nuclear energy development agreement between Russia and Myanmar permits Myanmar "
        "to investigate peaceful use",
        "In addition to strengthening military",
        "Myanmar intends to send workers",
        "Both countries gain from the agreement",
        "A nuclear energy development agreement between Russia and Myanmar permits Myanmar "
        "to investigate peaceful nuclear",
        "Diplomatic relationship between two countries",
        "Russia is one of Myanmar’s most important allies",
        "Despite strong international condemnation",
        "Moscow has also argued",
        "Mutual interests in trade, security",
    ],
    "002": [
        "Myanmar junta chief Min Aung Hlaing vowed",
        "Until the 2021 coup the relationship",
        "But since the putsch, Russia has become",
        "Min Aung Hlaing praised Putin",
        "Despite being shunned by much of the world",
        "Now the Myanmar military appears closer",
        "Speaking on Thursday at the opening",
        "The junta boss said that Myanmar",
        "Myanmar established diplomatic relations",
        "Although Myanmar’s military regime says",
    ],
    "003": [
        "Putin praised growing ties with Myanmar",
        "During the visit of Myanmar’s junta chief",
        "Min Aung Hlaing, who took power in a coup",
        "Russia has been proactive in expanding",
        "Support from Russia is increasingly critical",
        "Since its incursion into Ukraine",
        "The meeting between Putin and Min Aung Hlaing",
    ],
    "004": [
        "Russian President Putin Holds Talks With Myanmar",
        "Russian President Vladimir Putin recently held talks",
        "Western nations widely condemned",
        "Russia has been an important ally",
        "During their meeting, Putin and Min Aung Hlaing",
        "Two countries have agreed to enhance",
        "Meeting has been criticized by Western nations",
    ],
}


def _sample(prefix: str) -> str:
    (path,) = SAMPLES.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _lines(cleaned: Cleaned) -> list[str]:
    return cleaned.text.split("\n") if cleaned.text else []


def _removed(cleaned: Cleaned) -> dict[str, str]:
    return {r.text: r.reason for r in cleaned.removed}


def assert_nothing_lost(text: str, cleaned: Cleaned) -> None:
    """Every non-blank input line is a kept line (in order) or a Removal of that line.

    The input is first put through the encoding repair, as ``clean_text`` does: the
    guarantee holds for the repaired lines (the repair never adds or removes a line break).
    """
    repaired, misread_as = repair_encoding(text)
    assert cleaned.meta.get("encoding_repaired") == misread_as
    assert repaired.count("\n") == text.count("\n")
    text = repaired
    kept = iter(_lines(cleaned))
    removals = {r.line: r for r in cleaned.removed}
    for index, raw in enumerate(text.split("\n")):
        line = raw.strip()
        if not line:
            continue
        removal = removals.get(index)
        if removal is not None and removal.reason == "metadata" and removal.text != line:
            # a dateline prefix: the rest of the paragraph is the next kept line
            assert line.startswith(removal.text)
            assert line[len(removal.text) :].strip() == next(kept)
        elif removal is not None:
            assert removal.text == line
        else:
            assert next(kept) == line


# --- the five samples --------------------------------------------------------------------


@pytest.mark.parametrize("prefix", sorted(BODY))
def test_every_body_paragraph_of_the_samples_is_kept_whole(prefix: str) -> None:
    text = _sample(prefix)
    cleaned = clean_text(text)
    source_lines = [line.strip() for line in text.split("\n") if line.strip()]
    kept = _lines(cleaned)
    assert len(kept) == len(BODY[prefix])
    for opening, line in zip(BODY[prefix], kept, strict=True):
        assert line.startswith(opening)
        assert line in source_lines
    assert_nothing_lost(text, cleaned)


def test_forum_member_panel_and_navigation_are_removed() -> None:
    cleaned = clean_text(_sample("004"))
    removed = _removed(cleaned)
    for chrome in ("FULL MEMBER", "Joined", "Aug 7, 2024", "Messages", "1,229", "Location"):
        assert removed[chrome] == "member-panel"
    assert removed["Back"] == "navigation"
    assert removed["Top Bottom"] == "navigation"
    assert "Back" not in _lines(cleaned)
    assert cleaned.meta["title"].startswith("Russian President Putin Holds Talks")


def test_teaser_list_after_the_article_is_removed() -> None:
    cleaned = clean_text(_sample("000"))
    teasers = [r for r in cleaned.removed if r.reason == "teaser-list"]
    assert [r.text for r in teasers][::2] == [
        "January 6, 2025",
        "January 2, 2025",
        "December 23, 2024",
        "December 23, 2024",
    ]
    assert all(not line.endswith("...") for line in _lines(cleaned))


def test_repeated_title_is_collapsed() -> None:
    cleaned = clean_text(_sample("000"))
    title = "Russia, Myanmar increase bilateral relations in response to economic, military needs"
    assert cleaned.meta["title"] == title
    assert _lines(cleaned)[0] == title
    assert _lines(cleaned).count(title) == 1
    (repeat,) = [r for r in cleaned.removed if r.reason == "repeated-title"]
    assert (repeat.line, repeat.text) == (2, title)


def test_original_source_line_moves_to_meta() -> None:
    cleaned = clean_text(_sample("003"))
    assert cleaned.meta["source"] == "news.az"
    assert _removed(cleaned)["Original Source: news.az"] == "metadata"
    assert "news.az" not in cleaned.text


def test_near_repeated_paragraph_is_flagged_and_kept() -> None:
    cleaned = clean_text(_sample("001"))
    kept = _lines(cleaned)
    (repeat,) = cleaned.repeats
    assert kept[repeat.of_line].endswith("peaceful use of nuclear technology for energy.")
    assert kept[repeat.line].startswith(
        "A nuclear energy development agreement between Russia and Myanmar permits Myanmar "
        "to investigate peaceful nuclear energy technology."
    )
    assert 0.7 <= repeat.similarity < 1.0
    assert "title" not in cleaned.meta  # the first line is a sentence, not a headline


# --- other page styles ---------------------------------------------------------------------

NEWS_PAGE = """\
Skip to main content
Home
World
Business
Sport
Search

We use cookies to improve your experience. By continuing you agree to our use of cookies.
Accept

Harbour workers strike over pay as talks collapse
By Jane Doe
Updated 3 hours ago
Share
Facebook Twitter WhatsApp Email

LISBON, March 4 (Reuters) - Dock workers at the country's largest port walked out on Tuesday \
after talks with the operators over a new wage agreement broke down late on Monday night.
The union said about 1,200 members had joined the strike, which is expected to last three days \
and could delay shipments of fuel and food to the islands.
Advertisement
Talks to resume
Operators said they had offered a rise of four percent and would return to the table on Friday, \
a spokesperson told reporters outside the ministry.
"We are ready to talk," she said.

Related
Port operators warn of delays...
Ministers meet unions on Friday...
Sign up for our newsletter
© 2025 Example News Ltd. All rights reserved.
Privacy Policy
"""


def test_news_page_keeps_the_article_and_files_the_chrome() -> None:
    cleaned = clean_text(NEWS_PAGE)
    assert _lines(cleaned) == [
        "Harbour workers strike over pay as talks collapse",
        "Dock workers at the country's largest port walked out on Tuesday after talks with the "
        "operators over a new wage agreement broke down late on Monday night.",
        "The union said about 1,200 members had joined the strike, which is expected to last "
        "three days and could delay shipments of fuel and food to the islands.",
        "Talks to resume",
        "Operators said they had offered a rise of four percent and would return to the table "
        "on Friday, a spokesperson told reporters outside the ministry.",
        '"We are ready to talk," she said.',
    ]
    removed = _removed(cleaned)
    assert removed["Skip to main content"] == "navigation"
    assert removed["Accept"] == "cookie-notice"
    assert (
        removed[
            "We use cookies to improve your experience. By continuing you agree to our "
            "use of cookies."
        ]
        == "cookie-notice"
    )
    assert removed["Facebook Twitter WhatsApp Email"] == "share-bar"
    assert removed["Advertisement"] == "advertisement"
    assert removed["Related"] == "teaser-list"
    assert removed["Port operators warn of delays..."] in ("teaser-list", "footer")
    assert removed["Sign up for our newsletter"] == "subscription-prompt"
    # lines that state the page's metadata are moved into it
    assert removed["© 2025 Example News Ltd. All rights reserved."] == "metadata"
    assert removed["By Jane Doe"] == "metadata"
    assert removed["LISBON, March 4 (Reuters) -"] == "metadata"
    assert cleaned.meta == {
        "title": "Harbour workers strike over pay as talks collapse",
        "author": "Jane Doe",
        "dateline": "LISBON, March 4 (Reuters)",
        "dateline_day": "03-04",
        "copyright": "Example News Ltd",
        "wire": "Reuters",
    }
    assert_nothing_lost(NEWS_PAGE, cleaned)


def test_exact_repeat_is_flagged_with_similarity_one() -> None:
    paragraph = "The ministry said the new bridge would open to traffic at the end of the month."
    text = f"{paragraph}\nOfficials expect heavy use by freight lorries in the first year.\n{paragraph}"
    cleaned = clean_text(text)
    assert [(r.line, r.of_line, r.similarity) for r in cleaned.repeats] == [(2, 0, 1.0)]
    assert len(_lines(cleaned)) == 3


@pytest.mark.parametrize(
    "text",
    ["", "\n\n  \r\n", "\x00\x01\x1f", "word " * 50_000, "a\r\nb\rc\n\u2028d\n" * 100],
)
def test_odd_input_never_raises(text: str) -> None:
    cleaned = clean_text(text)
    assert_nothing_lost(text, cleaned)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=40).map("\n".join))
def test_nothing_is_lost_on_any_text(text: str) -> None:
    assert_nothing_lost(text, clean_text(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="Ã©Â\xa0\x80\x85\u2028ìëê€™“œ•ab .\n\r", max_size=120))
def test_nothing_is_lost_on_text_that_looks_mis_decoded(text: str) -> None:
    # (assert_nothing_lost also checks the repair kept every line break)
    assert_nothing_lost(text, clean_text(text))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Home",
                "Share",
                "By Ann Lee",
                "Source: Example Wire",
                "March 3, 2024",
                "PARIS (AFP) - Ministers met on Monday to discuss the budget for next year.",
                "The committee approved the plan after a long debate in the chamber on Monday.",
                "Read more",
                "Short heading here",
            ]
        ),
        max_size=30,
    ).map("\n".join)
)
def test_nothing_is_lost_on_page_like_text(text: str) -> None:
    assert_nothing_lost(text, clean_text(text))


# --- mis-decoded text -------------------------------------------------------------------

ARTICLE = [
    "Harbour workers strike over pay as talks collapse",
    "Dock workers at the country's largest port walked out on Tuesday after talks with the "
    "operators over a new wage agreement broke down late on Monday night.",
    "The union said about 1,200 members had joined the strike, which is expected to last three "
    "days and could delay shipments of fuel and food to the islands.",
]


@pytest.mark.parametrize(
    ("good", "misread_as"),
    [
        ("Classificação final do campeonato após a última etapa", "latin-1"),
        ("정부는 이번 주에 새로운 예산안을 발표했다", "latin-1"),
        ("Министерство объявило новые правила", "latin-1"),
        # cp1252 leaves 0x9D ("”" ends in it) undefined: these quotes and dashes avoid it
        ("‘We’re ready,’ she said — and they weren’t, “yet… not today", "cp1252"),
    ],
)
def test_utf8_read_as_latin1_or_cp1252_is_repaired(good: str, misread_as: str) -> None:
    broken = good.encode("utf-8").decode(misread_as)
    assert broken != good
    assert repair_encoding(broken) == (good, misread_as)


def test_repair_survives_the_nbsp_byte_turned_into_a_space() -> None:
    # "à" is C3 A0 in UTF-8; a page-to-text step read the A0 as an NBSP, merged it with the
    # next space into one space, and stripped it at the end of a line
    good = "Ecco la città più bella: è così perché è arrivata la novità\nVisita à Città"
    misread = good.encode("utf-8").decode("latin-1")
    broken = "\n".join(" ".join(line.replace("\xa0", " ").split()) for line in misread.split("\n"))
    repaired, misread_as = repair_encoding(broken)
    assert misread_as == "latin-1"
    # the letters all come back; the space merged into the NBSP cannot be told apart
    assert repaired.split("\n") == [
        "Ecco la cittàpiù bella: è così perché è arrivata la novità",
        "Visita àCittà",
    ]


def _repair_by_walking(text: str) -> tuple[str, str | None]:
    """The first repair_encoding: every character visited in turn (slow; the reference)."""
    out, exact, strays, cp1252, at = [], 0, 0, False, 0
    while at < len(text):
        decoded = clean._decode_at(text, at)
        if decoded is None:
            strays += text[at] in clean._high_bytes()
            out.append(text[at])
            at += 1
            continue
        taken = text[at : at + decoded[1]]
        cp1252 = cp1252 or any(ord(c) > 0xFF for c in taken)
        exact += len(taken) == len(decoded[0].encode("utf-8")) and " " not in taken
        out.append(" " if decoded[0] == "\xa0" else decoded[0])
        at += decoded[1]
    if exact < clean.MOJIBAKE_MIN_SEQUENCES or exact < clean.MOJIBAKE_RATIO * strays:
        return text, None
    return "".join(out), "cp1252" if cp1252 else "latin-1"


_MOJIBAKE_PIECES = st.sampled_from(
    [
        *"ab \n\r\t.",
        *map(chr, range(0x80, 0x100)),
        *"€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ",
        *["é", "Ã©", "â€™", "ðŸ˜€", "Ã ", "Ã\n", "Ã§Ã£o"],
    ]
)


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.lists(_MOJIBAKE_PIECES, max_size=60).map("".join))
def test_repair_jumping_between_high_characters_equals_the_character_walk(text: str) -> None:
    assert repair_encoding(text) == _repair_by_walking(text)


def test_repair_equals_the_character_walk_on_whole_misread_articles() -> None:
    for sample in sorted(SAMPLES.glob("*.txt")):
        good = sample.read_text(encoding="utf-8") + "\nClassificação após a última etapa"
        for codec in ("latin-1", "cp1252"):
            broken = good.encode("utf-8").decode(codec, errors="replace")
            assert repair_encoding(broken) == _repair_by_walking(broken)
        assert repair_encoding(good) == _repair_by_walking(good) == (good, None)


@pytest.mark.parametrize(
    "text",
    [
        "Café © 2020, naïve façade, 25 °C, « déjà vu », È stato un anno",
        "Ã© alone once",  # one sequence is not enough evidence
        "Plain ASCII text with nothing to repair.",
        "정부는 이번 주에 새로운 예산안을 발표했다",
    ],
)
def test_correct_text_is_left_alone(text: str) -> None:
    assert repair_encoding(text) == (text, None)


def test_clean_text_repairs_then_cleans_and_says_so() -> None:
    page = "\n".join(["Home", "Menu", *ARTICLE, "Accept"])
    good = page.replace("country's", "país’s").replace("Monday", "Segunda-feira às dez")
    broken = good.encode("utf-8").decode("cp1252")
    cleaned = clean_text(broken)
    assert cleaned.meta["encoding_repaired"] == "cp1252"
    assert "país’s largest port" in cleaned.text
    assert "Segunda-feira às dez night." in cleaned.text
    assert _removed(cleaned)["Home"] == "navigation"
    assert_nothing_lost(broken, cleaned)


# --- teasers, lists, captions, comment forms ------------------------------------------

STORY = [
    "Harbour workers strike over pay as talks collapse",
    "Dock workers at the country's largest port walked out on Tuesday after talks with the "
    "operators over a new wage agreement broke down late on Monday night.",
    "The union said about 1,200 members had joined the strike, which is expected to last three "
    "days and could delay shipments of fuel and food to the islands.",
]
CARDS = [
    "City council approves the new tram line after a long debate",
    "The line will link the airport with the old town by the end of next year.",
    "Farmers count the cost of the wettest spring in decades",
    "Flooded fields have delayed planting across the northern valleys this season.",
    "Museum reopens its east wing with a show of early maps",
    "Visitors can see charts drawn by sailors who mapped the coast centuries ago.",
    "Local club wins the regional cup for the third year running",
    "A late goal settled a tense final in front of a record crowd at the stadium.",
]


def test_headline_and_summary_cards_after_a_short_article_are_removed() -> None:
    text = "\n".join([*STORY, "More from the region", *CARDS, "Privacy policy"])
    cleaned = clean_text(text)
    assert _lines(cleaned) == STORY
    removed = _removed(cleaned)
    assert all(removed[card] in ("teaser-list", "footer") for card in CARDS)
    assert_nothing_lost(text, cleaned)


def test_headline_glued_to_its_summary_is_a_teaser() -> None:
    glued = [
        "Council Approves New Tram Line After Long DebateThe line will link the airport with "
        "the old town by the end of next year, officials said.",
        "Farmers Count The Cost Of The Wettest Spring In DecadesFlooded fields have delayed "
        "planting across the northern valleys this season.",
        "Is The Regional Cup Final Worth The Wait?Fans queued overnight for the last tickets "
        "to a final that has sold out in record time.",
    ]
    text = "\n".join([*glued, "Latest", *STORY])
    cleaned = clean_text(text)
    assert _lines(cleaned) == STORY
    assert all(_removed(cleaned)[line] == "navigation" for line in glued)
    # a camel-case name inside a paragraph is no seam
    assert _lines(clean_text("\n".join([*STORY, STORY[1].replace("operators", "WeWork")])))[-1]


def test_a_numbered_list_body_is_kept_with_the_lines_under_each_item() -> None:
    items = [
        "Here are the gifts our readers liked most this year, with a link to each of them.",
        "1) A wooden puzzle of the solar system",
        "https://example.org/p/1",
        "2) A camera that prints its photos",
        "https://example.org/p/2",
        "3) The complete box set of a classic series",
        "https://example.org/p/3",
        "4) A travel edition of a board game",
    ]
    text = "\n".join(["Home", *items, "Leave a Reply", "Cancel reply"])
    cleaned = clean_text(text)
    assert _lines(cleaned) == items
    assert _removed(cleaned)["Leave a Reply"] == "comment-form"
    assert_nothing_lost(text, cleaned)


def test_photo_captions_and_gallery_counters_are_removed() -> None:
    captions = [
        "Workers gathered at the gates before dawn on Tuesday (Image: GETTY )",
        "The port handles most of the island's fuel imports Credit: Example Photo Agency",
        "Image 2 of 5",
    ]
    text = "\n".join([STORY[0], STORY[1], *captions, STORY[2]])
    cleaned = clean_text(text)
    assert _lines(cleaned) == STORY
    removed = _removed(cleaned)
    assert removed[captions[0]] == removed[captions[1]] == "caption"
    assert removed["Image 2 of 5"] == "short-fragment"
    assert_nothing_lost(text, cleaned)


# --- HTML ----------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html><head><title>Bridge opens after three years of work | Example Times</title>
<meta name="author" content="Sam Ortiz">
<meta property="article:published_time" content="2024-05-02T08:00:00Z">
<meta property="og:site_name" content="Example Times">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Bridge opens after three years of work</h1>
<p>The new bridge over the river opened to traffic on Thursday morning, three years after
construction began and six months later than the city had promised.</p>
<p>Around four thousand vehicles are expected to cross it every day, the transport department
said, easing congestion on the old crossing upstream that has carried traffic since 1950.</p>
<p>Residents who had complained about noise during the works said they were relieved that the
project was finally finished and that the detour roads would now close.</p>
</article>
<footer><p>Copyright 2024 Example Times. All rights reserved.</p></footer>
</body></html>
"""


def test_clean_html_keeps_the_article_and_reads_the_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    cleaned = clean_html(path.read_text(encoding="utf-8"), url="https://example.org/bridge")
    assert "The new bridge over the river opened to traffic on Thursday morning" in cleaned.text
    assert "the detour roads would now close." in cleaned.text
    assert "Copyright 2024" not in cleaned.text
    assert cleaned.meta["title"].startswith("Bridge opens after three years of work")
    assert cleaned.meta["author"] == "Sam Ortiz"
    assert cleaned.meta["published"] == "2024-05-02"
    assert cleaned.meta["url"] == "https://example.org/bridge"
    removed = {r.text for r in cleaned.removed}
    assert "Copyright 2024 Example Times. All rights reserved." in removed
    assert all(r.line is None for r in cleaned.removed)


def test_clean_html_on_empty_or_broken_markup_returns_text_without_raising() -> None:
    assert clean_html("").text == ""
    cleaned = clean_html("<p>unclosed <b>tag")
    assert isinstance(cleaned.text, str)


def _repeats_aligning_every_candidate(paragraphs: list[str]) -> list[Repeat]:
    """find_repeats as first written: every candidate sentence aligned with difflib."""
    index: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    seen: list[list[list[str]]] = []
    out = []
    for line, paragraph in enumerate(paragraphs):
        sentences = clean._sentences(paragraph)
        best: tuple[float, int] | None = None
        for words in sentences:
            shared: dict[tuple[int, int], int] = defaultdict(int)
            for pair in clean._pairs(words):
                for key in index.get(pair, ()):
                    shared[key] += 1
            top = sorted(shared.items(), key=lambda kv: -kv[1])[: clean.REPEAT_CANDIDATES]
            for (of_line, s), _count in top:
                matcher = difflib.SequenceMatcher(None, words, seen[of_line][s], autojunk=False)
                sim = matcher.ratio()
                if sim >= clean.REPEAT_SIMILARITY and (best is None or sim > best[0]):
                    best = (sim, of_line)
        if best is not None:
            out.append(Repeat(line=line, of_line=best[1], similarity=round(best[0], 3)))
        for s, words in enumerate(sentences):
            for pair in clean._pairs(words):
                index[pair].append((line, s))
        seen.append(sentences)
    return out


_REPEAT_SENTENCES = st.lists(
    st.sampled_from(
        ["the", "army", "said", "on", "Monday", "that", "talks", "in", "Yangon", "had", "failed"]
    ),
    min_size=4,
    max_size=14,
).map(lambda words: " ".join(words) + ".")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.lists(_REPEAT_SENTENCES, min_size=1, max_size=3).map(" ".join), max_size=12))
def test_repeats_skipping_hopeless_candidates_equal_aligning_every_one(
    paragraphs: list[str],
) -> None:
    # candidates whose length or shared words bound the ratio below the threshold are skipped
    assert list(clean.find_repeats(paragraphs)) == _repeats_aligning_every_candidate(paragraphs)
