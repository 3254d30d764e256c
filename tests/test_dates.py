"""The time stage: date expressions normalised against an anchor, and document dates."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.dates import _rules, _scan, dates_json, estimate_published, find_dates, vocab
from storyline.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "russia-myanmar"
WEDNESDAY = dt.date(2024, 12, 4)
SUNDAY = dt.date(2024, 3, 10)


def found(text: str, anchor: dt.date | None = WEDNESDAY) -> list[tuple[str, str]]:
    return [(d.text, d.value) for d in find_dates(text, anchor)]


def only(text: str, anchor: dt.date | None = WEDNESDAY) -> tuple[int, int, str, str]:
    (expr,) = find_dates(text, anchor)
    return expr.start, expr.end, expr.text, expr.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Talks began on 29 November 2024 in Naypyitaw.",
            (15, 31, "29 November 2024", "2024-11-29"),
        ),
        ("They met on Nov. 29 in Moscow.", (12, 19, "Nov. 29", "2024-11-29")),
        ("They met on November 29th, officials said.", (12, 25, "November 29th", "2024-11-29")),
        ("Posted 29/11/2024 by admin", (7, 17, "29/11/2024", "2024-11-29")),
        ("Posted 11/29/2024 by admin", (7, 17, "11/29/2024", "2024-11-29")),
        ("Posted 04/12/2024 by admin", (7, 17, "04/12/2024", "2024-12-04")),
        ("Filed 2024-11-29.", (6, 16, "2024-11-29", "2024-11-29")),
        ("They met in September 2022.", (12, 26, "September 2022", "2022-09")),
        ("Ties date from 1948, the year of independence.", (15, 19, "1948", "1948")),
        ("The talks resume in early December.", (20, 34, "early December", "2024-12")),
        ("Since mid-December 2024, arrests rose.", (6, 23, "mid-December 2024", "2024-12")),
        ("It has ruled since February 1, 2021.", (19, 35, "February 1, 2021", "2021-02-01")),
        ("Thursday, Nov. 28, 2024: talks", (0, 23, "Thursday, Nov. 28, 2024", "2024-11-28")),
        ("Talks were held in 2021.", (19, 23, "2021", "2021")),
        ("Fighting since the 2021 coup", (19, 23, "2021", "2021")),
        ("Growth slowed in mid-2021.", (17, 25, "mid-2021", "2021")),
        ("On 12.12.2023 the group posted", (3, 13, "12.12.2023", "2023-12-12")),
    ],
)
def test_absolute_forms_have_exact_value_and_offsets(
    text: str, expected: tuple[int, int, str, str]
) -> None:
    assert only(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He spoke yesterday.", ("yesterday", "2024-12-03")),
        ("He speaks today.", ("today", "2024-12-04")),
        ("He speaks tomorrow.", ("tomorrow", "2024-12-05")),
        ("Protests went on last night.", ("last night", "2024-12-03")),
        ("Prices rose this year.", ("this year", "2024")),
        ("Prices rose last month.", ("last month", "2024-11")),
        ("Prices rose two years ago.", ("two years ago", "2022")),
        ("It happened three days ago.", ("three days ago", "2024-12-01")),
        ("It will be reviewed next year.", ("next year", "2025")),
        ("Talks held earlier this month", ("earlier this month", "2024-12")),
        ("Elections are due by the end of the year.", ("the end of the year", "2024")),
    ],
)
def test_relative_expressions_resolve_against_the_anchor(
    text: str, expected: tuple[str, str]
) -> None:
    assert found(text) == [expected]


def test_weeks_take_the_finest_calendar_unit_that_contains_them() -> None:
    # the week before Wednesday 2024-12-04 runs from Nov 25 to Dec 1: only the year holds it
    assert found("Talks collapsed last week.") == [("last week", "2024")]
    # the week before Monday 2024-01-15 runs from Jan 8 to Jan 14: one month
    assert found("Talks collapsed last week.", dt.date(2024, 1, 15)) == [("last week", "2024-01")]
    # the week around Dec 30 2024 spans two years: no value, no expression
    assert found("It began this week.", dt.date(2024, 12, 30)) == []


def test_weekday_in_a_wednesday_story_is_the_past_one() -> None:
    assert found("The general met Putin on Monday.") == [("Monday", "2024-12-02")]
    assert found("The general met Putin on Wednesday.") == [("Wednesday", "2024-12-04")]
    assert found("The general met Putin on Thursday.") == [("Thursday", "2024-11-28")]


def test_next_and_future_tense_weekdays_look_forward() -> None:
    assert found("They will meet next Monday.") == [("next Monday", "2024-12-09")]
    assert found("Putin will visit on Friday.") == [("Friday", "2024-12-06")]
    assert found("On Friday, Putin will visit Yangon.") == [("Friday", "2024-12-06")]
    assert found("They met last Wednesday.") == [("last Wednesday", "2024-11-27")]


def test_weekdays_around_a_sunday_anchor() -> None:
    assert found("Voters queued on Sunday.", SUNDAY) == [("Sunday", "2024-03-10")]
    assert found("The vote held last Sunday was flawed.", SUNDAY) == [("last Sunday", "2024-03-03")]
    assert found("The count ended on Saturday.", SUNDAY) == [("Saturday", "2024-03-09")]
    assert found("Results will come on Monday.", SUNDAY) == [("Monday", "2024-03-11")]


def test_month_day_without_year_rolls_back_over_new_year() -> None:
    assert found("Troops arrested eight people on December 23.", dt.date(2025, 1, 6)) == [
        ("December 23", "2024-12-23")
    ]
    # within two months ahead of the anchor it stays in the coming weeks
    assert found("Talks open on January 15.", dt.date(2024, 12, 20)) == [
        ("January 15", "2025-01-15")
    ]
    # the army called the November 8 election a fraud: a past November, not the coming one
    assert found("the November 8 election", dt.date(2021, 2, 3)) == [("November 8", "2020-11-08")]


def test_bare_months_need_a_preposition_or_a_modifier() -> None:
    assert found("Rates rose in January and February.", SUNDAY) == [
        ("January", "2024-01"),
        ("February", "2024-02"),
    ]
    assert found("The election is scheduled for December.", dt.date(2025, 3, 5)) == [
        ("December", "2025-12")
    ]
    assert found("The NLD won again last November.", dt.date(2021, 2, 3)) == [
        ("last November", "2020-11")
    ]
    assert found("Officials may March towards a deal; May said no.") == []


@pytest.mark.parametrize(
    "text",
    [
        "The thread has 1,229 messages.",
        "The plant could expand to 300 megawatts.",
        "Myanmar marks the 75th anniversary of ties.",
        "The budget is $2021 million.",
        "Some 4,000 troops were moved.",
        "The meeting starts at 10:30.",
        "See page 2021 of the report.",
        "Call +95 1 2024 5566 today.",
        "Trends of the 1990s returned.",
        "A force of 2000 troops arrived.",
        "Flight SU 2021 was delayed.",
        "A 2000-strong force arrived.",
        "Myanmar Today reported the arrests.",
    ],
)
def test_numbers_that_are_not_dates_are_not_taken(text: str) -> None:
    assert [d for d in found(text) if d[0] != "today"] == []


def test_without_an_anchor_only_expressions_with_a_year_are_kept() -> None:
    text = "On Monday, December 23 and in early May, not 29 November 2024 or 1948, in 1948."
    assert found(text, None) == [("29 November 2024", "2024-11-29"), ("1948", "1948")]


def test_results_are_sorted_and_do_not_overlap() -> None:
    text = "Tuesday 3 December 2024 - new rules from 1 January 2025, announced yesterday."
    exprs = find_dates(text, WEDNESDAY)
    assert [e.text for e in exprs] == ["Tuesday 3 December 2024", "1 January 2025", "yesterday"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(exprs))


def test_sample_article_dates_against_the_anchor() -> None:
    text = (SAMPLES / "000_b71f3d8e0a766c14.txt").read_text(encoding="utf-8")
    values = found(text, dt.date(2024, 12, 1))
    assert ("November 29", "2024-11-29") in values
    assert ("November 21", "2024-11-21") in values
    assert ("January 6, 2025", "2025-01-06") in values
    assert ("mid-December 2024", "2024-12") in values
    for expr in find_dates(text, dt.date(2024, 12, 1)):
        assert text[expr.start : expr.end] == expr.text


def test_sample_article_years_and_anniversary() -> None:
    text = (SAMPLES / "002_be5776c2c1506bef.txt").read_text(encoding="utf-8")
    values = found(text, dt.date(2023, 2, 17))
    assert ("1948", "1948") in values
    assert ("September 2022", "2022-09") in values
    assert ("February 18", "2023-02-18") in values
    assert ("Thursday", "2023-02-16") in values
    assert not any("75" in t for t, _ in values)


def test_forum_sample_counts_are_not_dates() -> None:
    text = (SAMPLES / "004_caedb158dc9ed443.txt").read_text(encoding="utf-8")
    assert found(text, dt.date(2025, 3, 5)) == [
        ("Aug 7, 2024", "2024-08-07"),
        ("February 2021", "2021-02"),
        ("2021", "2021"),
    ]


def test_dates_json_gives_the_cli_shape() -> None:
    assert dates_json("Met on Monday.", WEDNESDAY) == [
        {"start": 7, "end": 13, "text": "Monday", "value": "2024-12-02"}
    ]


def test_non_text_input_is_an_input_error() -> None:
    with pytest.raises(InputError):
        find_dates(b"29 November 2024", None)  # type: ignore[arg-type]


def test_estimate_published_prefers_a_labelled_or_dateline_date() -> None:
    assert estimate_published("Published: 3 December 2024\nTalks began on 1 December 2024.") == (
        "2024-12-03"
    )
    assert estimate_published("Posted November 2024 | Talks began in 2021.") == "2024-11"
    assert estimate_published("Bangkok, July 19, 2024 — Thailand said...") == "2024-07-19"


def test_estimate_published_takes_the_latest_past_full_date() -> None:
    text = (
        "The group met in Yangon and said on March 3 that the coup of February 1, 2021 "
        "had failed. A second meeting followed on 12 October 2023. The next congress will be "
        "held on 5 May 2026, and the mandate runs until 31 December 2030."
    )
    text = "Background.\n" * 30 + text  # no dateline: the body is all there is
    assert estimate_published(text) == "2023-10-12"


def test_estimate_published_skips_forum_join_dates_and_needs_evidence() -> None:
    assert (
        estimate_published("Joined\nAug 7, 2024\nMessages\n1,229\nPutin met him in 2021.") is None
    )
    assert estimate_published("Relations since 1948 have been close.") is None
    assert estimate_published("") is None


def test_quality_gate_on_the_project_gold_set(
    evaluation_script: Callable[[str], ModuleType],
) -> None:
    result = evaluation_script("eval_dates").evaluate()
    assert result["passages"] >= 60
    # floors just under the figures of docs/dates.md (recall 0.980, precision 0.973)
    assert result["recall"] >= 0.97
    assert result["precision"] >= 0.96


_ANCHORS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
_TOKENS = [*"0123456789 /.,-:$", "May ", "on ", "in ", "Monday ", "the ", "mid-", "last ", "ago"]
_DATEISH = st.lists(st.sampled_from(_TOKENS), max_size=30).map("".join)


def _valid_iso(value: str) -> bool:
    if len(value) == 4:
        return value.isdigit()
    if len(value) == 7:
        return dt.date.fromisoformat(value + "-01") is not None
    return dt.date.fromisoformat(value).isoformat() == value


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=80), _DATEISH), anchor=st.one_of(st.none(), _ANCHORS))
def test_every_result_has_a_valid_value_and_matching_offsets(
    text: str, anchor: dt.date | None
) -> None:
    exprs = find_dates(text, anchor)
    for expr in exprs:
        assert 0 <= expr.start < expr.end <= len(text)
        assert text[expr.start : expr.end] == expr.text
        assert _valid_iso(expr.value)
    assert all(a.end <= b.start for a, b in itertools.pairwise(exprs))


# --- speed without changing results: the core scan (dates._scan) ---------------------------

# pieces of date-like text: every vocabulary kind, digits, the separators the patterns allow
# and refuse, and letters that match ASCII letters case-insensitively (Kelvin sign, long s,
# dotless i), so that prefixes can start inside a word or with an unusual letter
_PIECES = [
    *"0123456789",
    *" \n-.,/:$'_",
    "the end of ",
    "the beginning of ",
    "mid-",
    "early ",
    "in ",
    "since ",
    "last ",
    "Outlast ",
    "next ",
    "this ",
    "the ",
    "of ",
    "June",
    "June ",
    "JUNE ",
    "Nov. ",
    "Sept ",
    "May ",
    "Monday",
    "Mon., ",
    "Friday ",
    "night ",
    "today ",
    "year",
    "week ",
    "months ",
    "two ",
    "a ",
    "ago",
    " ago ",
    "2021",
    "29 ",
    "3rd ",
    "ſince ",
    "\u212aast ",
    "thıs ",
]
_DATE_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
# phrases shaped like the patterns: up to six optional words (any vocabulary word that may
# open a pattern) before a core, with the separators the patterns allow or refuse
_V = vocab()
_OPENERS = sorted(
    {*_V.modifiers, *_V.month_context, *_V.relative_words, *_V.weekdays, *_V.numbers}
    | {"Mon.,", "of", "the", "29", "3rd", "two", "Outlast", "ſince", "\u212aast"}
)
_CORES = [
    "June",
    "JUNE",
    "Nov. 29",
    "29 June",
    "June 2021",
    "June, 2021",
    "2021",
    "Monday",
    "Friday night",
    "week",
    "year",
    "months ago",
    "days  ago",
    "ago",
    "today",
    "of June, 2020",
    "2024-06-01",
    "1/2/2024",
    "2021s",
    "2021-22",
    "$2021",
    "June 5,000",
]
_SEPARATORS = [" ", "  ", "-", " - ", "\n", ", ", ". ", "", "(", ")"]
_PHRASE = st.tuples(
    st.lists(st.tuples(st.sampled_from(_OPENERS), st.sampled_from(_SEPARATORS)), max_size=6),
    st.sampled_from(_CORES),
).map(lambda p: "".join(word + sep for word, sep in p[0]) + p[1])
_PHRASES = st.lists(st.tuples(_PHRASE, st.sampled_from(_SEPARATORS)), min_size=1, max_size=8).map(
    lambda ps: "".join(phrase + sep for phrase, sep in ps)
)


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[tuple[int, int], dict[str, Any]]]:
    return [(m.span(), m.groupdict()) for m in matches]


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(text=st.one_of(_DATE_TEXT, _PHRASES))
def test_core_scan_finds_exactly_the_matches_of_a_full_scan(text: str) -> None:
    for rule in _rules():
        assert _spans(_scan(rule, text)) == _spans(rule.pattern.finditer(text)), rule.resolve


# the longest openings each pattern allows (its ``reach`` in words), and glued forms
_LONGEST = [
    "since last the beginning of June",
    "Throughout coming the middle of JUNE",
    "the beginning of June 2020",
    "the end of 2021",
    "the end of2021",
    "mid-2021",
    "the beginning of this year",
    "the end of next week",
    "twelve months ago",
    "a  year ago",
    "two\ndays ago",
    "last Monday night",
    "Mon., 29 June, 2024",
    "Monday, June 29",
    "Tues. Nov. 5",
    "Outlast June",
]


def test_core_scan_finds_exactly_the_matches_of_a_full_scan_on_the_samples() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    texts += [" ".join(_PIECES) * 3, "".join(_PIECES), *_LONGEST, " x ".join(_LONGEST)]
    texts += [f"Noise words here {phrase}." for phrase in _LONGEST]
    for text in texts:
        for rule in _rules():
            assert _spans(_scan(rule, text)) == _spans(rule.pattern.finditer(text))


def test_a_prefix_can_start_inside_a_word_as_the_full_scan_allows() -> None:
    # the relative word of a bare month has no word boundary before it: "Outlast June" holds
    # "last June", found by the core scan as by the full pattern (documented, not endorsed)
    assert found("Outlast June", WEDNESDAY) == [("last June", "2024-06")]


def test_estimate_published_takes_the_dates_the_caller_found() -> None:
    text = "Joined\nAug 7, 2024\nPosted 3 December 2024\nTalks began on 1 December 2024."
    assert estimate_published(text, find_dates(text, None)) == estimate_published(text)
