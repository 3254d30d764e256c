"""The time stage: find date expressions and normalise them against an anchor date.

``find_dates(text, anchor)`` returns every date expression of ``text`` as a ``DateExpr`` whose
value is ISO 8601 at the precision the text gives (``2022``, ``2022-09``, ``2022-09-07``).
Relative expressions ("on Monday", "last month", "two years ago", "November 29") are resolved
against ``anchor`` (the publication date); with no anchor they are left out.
``estimate_published(text)`` guesses a publication date from the content when no metadata has
one. The rules, windows and their justification are in ``docs/dates.md``; the vocabulary is
``data/dates.yaml``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from .errors import InputError
from .model import DateExpr

# A month-day or month without a year is the latest occurrence that is at most this far after
# the anchor: news mostly reports the past, but announces the coming weeks ("on January 5" in a
# December 20 story is the coming January). Two months covers the announcements in our gold
# set while keeping "in November" in a March story in the past November (docs/dates.md).
WINDOW_AHEAD = dt.timedelta(days=62)
# Plausible years for a bare four-digit number (the range).
YEAR_MIN, YEAR_MAX = 1000, 2100
# anchors outside these years are not publication dates (and "tomorrow" after 9999-12-31 or a
# window of two months past it would leave the calendar): relative dates get no value
_ANCHOR_YEARS = (2, 9998)
# How far around an expression we look for its clause (a future marker, a label before it).
# A news sentence is rarely longer than this; the search also stops at the sentence end.
CLAUSE_CHARS = 200
# A sentence-initial expression ("On Monday, Putin will meet ...") has its verb after it:
# when fewer than this many characters of the sentence come before it, we also look after it.
SENTENCE_HEAD_CHARS = 12
# estimate_published: a full date in this many leading characters is a dateline.
DATELINE_CHARS = 300

Resolver = Callable[["_Ctx", re.Match[str]], "_Cand | None"]


@dataclass(frozen=True)
class Vocab:
    """The word lists of ``data/dates.yaml``."""

    months: dict[str, int]
    full_months: tuple[str, ...]
    weekdays: dict[str, int]
    full_weekdays: tuple[str, ...]
    relative_days: dict[str, int]
    relative_words: dict[str, int]
    units: dict[str, str]
    numbers: dict[str, int]
    modifiers: tuple[str, ...]
    day_parts: tuple[str, ...]
    month_context: frozenset[str]
    year_context: frozenset[str]
    quantity_words: frozenset[str]
    year_followers: frozenset[str]
    future_markers: tuple[str, ...]
    not_publication_labels: tuple[str, ...]
    publication_labels: tuple[str, ...]


def _names(table: dict[int, list[str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for number, names in table.items():
        for name in names:
            out[name] = int(number)
            out[name.upper()] = int(number)
    return out


def _full(table: dict[int, list[str]]) -> tuple[str, ...]:
    return tuple(form for names in table.values() for form in (names[0], names[0].upper()))


@functools.cache
def vocab() -> Vocab:
    """Load ``data/dates.yaml`` once."""
    source = resources.files("storyline") / "data" / "dates.yaml"
    raw: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    return Vocab(
        months=_names(raw["months"]),
        full_months=_full(raw["months"]),
        weekdays=_names(raw["weekdays"]),
        full_weekdays=_full(raw["weekdays"]),
        relative_days={str(k): int(v) for k, v in raw["relative_days"].items()},
        relative_words={str(k): int(v) for k, v in raw["relative_words"].items()},
        units={str(k): str(v) for k, v in raw["units"].items()},
        numbers={str(k): int(v) for k, v in raw["numbers"].items()},
        modifiers=tuple(raw["modifiers"]),
        day_parts=tuple(raw["day_parts"]),
        month_context=frozenset(raw["month_context"]),
        year_context=frozenset(raw["year_context"]),
        quantity_words=frozenset(raw["quantity_words"]),
        year_followers=frozenset(raw["year_followers"]),
        future_markers=tuple(raw["future_markers"]),
        not_publication_labels=tuple(raw["not_publication_labels"]),
        publication_labels=tuple(raw["publication_labels"]),
    )


# ---------------------------------------------------------------------------- patterns


def _alt(words: Iterable[str]) -> str:
    """A regex alternation, longest first so that "Sept" wins over "Sep"."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _words_regex(words: Iterable[str]) -> re.Pattern[str]:
    """Whole-word, case-insensitive match of any of ``words`` (which may start with "'")."""
    parts = [(r"\b" if w[0].isalnum() else "") + re.escape(w) + r"\b" for w in words]
    return re.compile("|".join(parts), re.IGNORECASE)


@dataclass(frozen=True)
class _Patterns:
    iso: re.Pattern[str]
    numeric: re.Pattern[str]
    day_month: re.Pattern[str]
    month_day: re.Pattern[str]
    month_year: re.Pattern[str]
    month: re.Pattern[str]
    year: re.Pattern[str]
    relative_day: re.Pattern[str]
    relative_unit: re.Pattern[str]
    ago: re.Pattern[str]
    weekday: re.Pattern[str]
    future: re.Pattern[str]
    # cores (see _scan): each pattern above without its optional leading words
    day_month_core: re.Pattern[str]
    month_day_core: re.Pattern[str]
    month_year_core: re.Pattern[str]
    month_core: re.Pattern[str]
    year_core: re.Pattern[str]
    relative_unit_core: re.Pattern[str]
    ago_core: re.Pattern[str]
    weekday_core: re.Pattern[str]


# a four-digit year that is not part of a bigger number, a decimal, a range or a decade
_YEAR_TAIL = r"(?![\d%]|,\d|\.\d|[/:-]\d|-[a-z]|'?s\b)"


@functools.cache
def _patterns() -> _Patterns:
    v = vocab()
    month = rf"\b(?P<month>{_alt(v.months)})\b\.?"
    full_month = rf"\b(?P<month>{_alt(v.full_months)})\b"
    wd_prefix = rf"(?:\b(?P<wd>{_alt(v.weekdays)})\b\.?,?\s+)?"
    day = r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b"
    year = rf"(?P<year>\d{{4}}){_YEAR_TAIL}"
    mods = rf"(?P<mod>\b(?i:{_alt(v.modifiers)}))"
    rel = rf"(?P<rel>(?i:{_alt(v.relative_words)}))"
    parts = rf"(?:\s+(?P<part>{_alt(v.day_parts)})\b)?"
    number = rf"(?P<num>(?i:{_alt(v.numbers)})|\d{{1,2}})"
    day_month = rf"(?<![\d.,/$:])\b{day}\s+(?:of\s+)?{month}"
    month_day = rf"{month}\s+{day}(?!,\d{{3}}|:\d|\.\d)"
    month_year = rf"{month},?\s+(?:of\s+)?{year}"
    bare_month = rf"{full_month}(?!\.?\s*\d)"
    relative_unit = rf"\b(?:{rel}|(?P<the>(?i:the)))\s+(?P<unit>(?i:week|month|year))\b(?!\s+\d)"
    weekday = rf"\b(?P<wd>{_alt(v.full_weekdays)})\b{parts}"
    return _Patterns(
        iso=re.compile(r"(?<![\d/.-])(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)(?![\d-])"),
        numeric=re.compile(
            r"(?<![\d/.,:-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})"
            r"(?![\d/-]|\.\d)"
        ),
        day_month=re.compile(rf"{wd_prefix}{day_month}(?:,?\s+{year})?"),
        month_day=re.compile(rf"{wd_prefix}{month_day}(?:,?\s+{year})?"),
        month_year=re.compile(rf"(?:{mods}[\s-]+)?{month_year}"),
        month=re.compile(
            rf"(?:\b(?P<ctx>(?i:{_alt(v.month_context)}))\s+)?(?:{rel}\s+)?"
            rf"(?:{mods}[\s-]+)?{bare_month}"
        ),
        year=re.compile(rf"(?:{mods}[\s-]*|(?<![\w$£€¥.,/:#-]))(?<!-\s){year}"),
        relative_day=re.compile(rf"\b(?P<phrase>(?i:{_alt(v.relative_days)})){parts}\b"),
        relative_unit=re.compile(rf"(?:{mods}\s+)?{relative_unit}"),
        ago=re.compile(rf"\b{number}\s+(?P<unit>(?i:{_alt(v.units)}))\s+(?i:ago)\b"),
        weekday=re.compile(rf"(?:\b{rel}\s+)?{weekday}"),
        future=_words_regex(v.future_markers),
        day_month_core=re.compile(day_month),
        month_day_core=re.compile(month_day),
        month_year_core=re.compile(month_year),
        month_core=re.compile(bare_month),
        # the year as either branch of ``year`` can end: after a modifier (a letter, a space
        # or a hyphen before it) or after none of the characters the plain branch refuses
        year_core=re.compile(rf"(?<![\d_$£€¥.,/:#])(?<!-\s){year}"),
        relative_unit_core=re.compile(relative_unit),
        # the whitespace before "ago": a character class, which the regex engine skips to
        ago_core=re.compile(r"\s(?i:ago)\b"),
        weekday_core=re.compile(weekday),
    )


# ---------------------------------------------------------------------------- scanning


@dataclass(frozen=True)
class _Rule:
    """A date pattern, its resolver, and how to find its matches quickly.

    ``core`` (when set) is a pattern that every match of ``pattern`` contains, at most
    ``reach`` words after the match start; see :func:`_scan`.
    """

    pattern: re.Pattern[str]
    resolve: Resolver
    core: re.Pattern[str] | None = None
    reach: int = 0


def _words_back(text: str, at: int, words: int) -> int:
    """The start of the ``words``-th word (a run of regex word characters, \\w) that starts
    before ``at``; a word ``at`` is inside counts as the first. 0 when there are fewer."""
    for _ in range(words):
        while at > 0 and not (text[at - 1].isalnum() or text[at - 1] == "_"):
            at -= 1
        while at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_"):
            at -= 1
    return at


def _scan(rule: _Rule, text: str) -> Iterator[re.Match[str]]:
    """Exactly the matches of ``rule.pattern.finditer(text)``, found faster.

    Most patterns open with optional words ("in early June", "last Monday") that the regex
    engine would try at every position of the text. Instead the core (the pattern without
    those words) is searched for, and the full pattern only from ``reach`` words before each
    core hit: ``search`` from there returns the leftmost match at or after that point, which
    is the next match ``finditer`` would return, because every match contains a hit of
    ``core.finditer`` at most ``reach`` words after its own start (the cores are chosen so
    that their hits cannot overlap). Lookbehinds and word boundaries see the whole text,
    whatever the start position. ``tests/test_dates.py`` compares this with ``finditer`` on
    generated texts and on the longest openings each pattern allows.
    """
    if rule.core is None:
        yield from rule.pattern.finditer(text)
        return
    last = 0  # where the previous match ended: the next one starts at or after it
    for hit in rule.core.finditer(text):
        while hit.start() >= last:
            match = rule.pattern.search(text, max(last, _words_back(text, hit.start(), rule.reach)))
            if match is None:
                return
            yield match
            last = match.end()


# ---------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    value: str | None  # None: a date expression we cannot normalise (it still blocks overlaps)


@dataclass(frozen=True)
class _Ctx:
    text: str
    anchor: dt.date | None

    def future(self, start: int, end: int) -> bool:
        """Does the clause around ``text[start:end]`` speak of the future?"""
        return _is_future(self.text, start, end)


def _is_future(text: str, start: int, end: int) -> bool:
    head = text[max(0, start - CLAUSE_CHARS) : start]
    cut = max(head.rfind(mark) for mark in (". ", "? ", "! ", "\n", ", ", "; "))
    head = head[cut + 1 :]
    window = head
    if len(head.strip()) < SENTENCE_HEAD_CHARS:
        tail = text[end : end + CLAUSE_CHARS]
        stop = [i for i in (tail.find(". "), tail.find("\n"), tail.find("; ")) if i >= 0]
        window += " " + tail[: min(stop)] if stop else tail
    return _patterns().future.search(window) is not None


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_day(anchor: dt.date, month: int, day: int, future: bool) -> str | None:
    """The occurrence of month-day nearest the anchor under the look-back rule."""
    dates = []
    # years around the anchor; eight back so that February 29 always has a leap year
    for year in range(anchor.year - 8, anchor.year + 2):
        try:
            dates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if future:
        ahead = [d for d in dates if d >= anchor]
        return min(ahead).isoformat() if ahead else None
    back = [d for d in dates if d <= anchor + WINDOW_AHEAD]
    return max(back).isoformat() if back else None


def _month_near(anchor: dt.date, month: int, rel: int | None, future: bool) -> str:
    """A month named without a year: "in December", "last March", "early June"."""
    this_month = anchor.replace(day=1)
    firsts = [dt.date(y, month, 1) for y in range(anchor.year - 1, anchor.year + 2)]
    if rel == 0:
        pick = dt.date(anchor.year, month, 1)
    elif rel is not None and rel < 0:
        pick = max(d for d in firsts if d < this_month)
    elif rel is not None or future:
        strict = rel is not None
        pick = min(d for d in firsts if d > this_month or (not strict and d == this_month))
    else:
        pick = max(d for d in firsts if d <= anchor + WINDOW_AHEAD)
    return f"{pick.year:04d}-{pick.month:02d}"


def _week_value(day: dt.date) -> str | None:
    """The Monday-Sunday week around ``day`` at the finest calendar unit that contains it."""
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    if (monday.year, monday.month) == (sunday.year, sunday.month):
        return f"{monday.year:04d}-{monday.month:02d}"
    return f"{monday.year:04d}" if monday.year == sunday.year else None


def _shift(anchor: dt.date, unit: str, amount: int) -> str | None:
    """The anchor moved by ``amount`` units, at the unit's precision (None off the calendar)."""
    try:
        return _shifted(anchor, unit, amount)
    except (OverflowError, ValueError):  # "tomorrow" after 9999-12-31 has no ISO value
        return None


def _shifted(anchor: dt.date, unit: str, amount: int) -> str | None:
    if unit == "day":
        return (anchor + dt.timedelta(days=amount)).isoformat()
    if unit == "week":
        return _week_value(anchor + dt.timedelta(weeks=amount))
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 + amount
        return _iso(index // 12, index % 12 + 1)
    return _iso(anchor.year + amount)


def _weekday(anchor: dt.date, weekday: int, rel: int | None, future: bool) -> str | None:
    try:
        return _weekday_value(anchor, weekday, rel, future)
    except (OverflowError, ValueError):  # a weekday before 0001-01-01 has no ISO value
        return None


def _weekday_value(anchor: dt.date, weekday: int, rel: int | None, future: bool) -> str:
    back = (anchor.weekday() - weekday) % 7
    ahead = (weekday - anchor.weekday()) % 7
    if rel is not None and rel < 0:
        return (anchor - dt.timedelta(days=back or 7)).isoformat()
    if rel is not None and rel > 0:
        return (anchor + dt.timedelta(days=ahead or 7)).isoformat()
    if future:
        return (anchor + dt.timedelta(days=ahead)).isoformat()
    return (anchor - dt.timedelta(days=back)).isoformat()


# ---------------------------------------------------------------------------- resolvers


def _span(match: re.Match[str], *groups: str) -> tuple[int, int]:
    """Start at the first of ``groups`` that matched (else the match), end at the match end."""
    for group in groups:
        if match.group(group) is not None:
            return match.start(group), match.end()
    return match.start(), match.end()


def _rel(match: re.Match[str]) -> int | None:
    word = match.group("rel")
    return None if word is None else vocab().relative_words[word.lower()]


def _absolute(ctx: _Ctx, match: re.Match[str]) -> _Cand:
    """Day-month(-year) and month-day(-year), with an optional weekday before them."""
    month, day = vocab().months[match["month"]], int(match["day"])
    start, end = match.span()
    if match["year"] is not None:
        return _Cand(start, end, _iso(int(match["year"]), month, day))
    if ctx.anchor is None:
        return _Cand(start, end, None)
    return _Cand(start, end, _month_day(ctx.anchor, month, day, ctx.future(start, end)))


def _iso_date(ctx: _Ctx, match: re.Match[str]) -> _Cand:
    value = _iso(int(match["year"]), int(match["month"]), int(match["day"]))
    return _Cand(match.start(), match.end(), value)


def _numeric(ctx: _Ctx, match: re.Match[str]) -> _Cand:
    """29/11/2024 is day-first; 11/29/2024 can only be month-first."""
    first, second = int(match["a"]), int(match["b"])
    day, month = (second, first) if second > 12 >= first else (first, second)
    return _Cand(match.start(), match.end(), _iso(int(match["year"]), month, day))


def _month_year(ctx: _Ctx, match: re.Match[str]) -> _Cand:
    start, end = _span(match, "mod")
    return _Cand(start, end, _iso(int(match["year"]), vocab().months[match["month"]]))


def _bare_month(ctx: _Ctx, match: re.Match[str]) -> _Cand | None:
    if match["ctx"] is None and match["rel"] is None and match["mod"] is None:
        return None
    start, end = _span(match, "rel", "mod", "month")
    if ctx.anchor is None:
        return _Cand(start, end, None)
    month = vocab().months[match["month"]]
    return _Cand(start, end, _month_near(ctx.anchor, month, _rel(match), ctx.future(start, end)))


def _year(ctx: _Ctx, match: re.Match[str]) -> _Cand | None:
    text, start, v = ctx.text, match.start("year"), vocab()
    following = re.match(r"\s+([A-Za-z]+)", text[match.end() : match.end() + 30])
    next_word = following.group(1).lower() if following else ""
    if next_word in v.quantity_words:
        return None
    introduced = match["mod"] is not None or _year_context(text, start)
    followed = next_word in v.year_followers and _after_lowercase_or_start(text, start)
    if not (introduced or followed):
        return None
    start, end = _span(match, "mod")
    return _Cand(start, end, _iso(int(match["year"])))


def _year_context(text: str, start: int) -> bool:
    """Is the word right before a bare number one that introduces a year?"""
    before = re.search(r"([A-Za-z][A-Za-z-]*)\s+$", text[max(0, start - 30) : start])
    return before is not None and before.group(1).lower() in vocab().year_context


def _after_lowercase_or_start(text: str, start: int) -> bool:
    """True for 'said 2023 had been' and '. 2023 was', not for 'Flight SU 2021 was'."""
    head = text[max(0, start - 30) : start].rstrip()
    return not head or head[-1] in ".!?\n\"'“" or re.search(r"\b[a-z]+$", head) is not None


def _relative_day(ctx: _Ctx, match: re.Match[str]) -> _Cand | None:
    phrase = match["phrase"]
    if phrase[0].isupper() and _after_capitalised_word(ctx.text, match.start()):
        return None  # "Myanmar Today", "USA Today": a name, not a date
    if ctx.anchor is None:
        return _Cand(match.start(), match.end(), None)
    offset = vocab().relative_days[" ".join(phrase.lower().split())]
    return _Cand(match.start(), match.end(), _shift(ctx.anchor, "day", offset))


def _after_capitalised_word(text: str, start: int) -> bool:
    return re.search(r"\b[A-Z][\w.-]*[ \t]+$", text[max(0, start - 30) : start]) is not None


def _relative_unit(ctx: _Ctx, match: re.Match[str]) -> _Cand | None:
    if match["the"] is not None and match["mod"] is None:
        return None  # "the year": only "the end of the year" and the like are this year
    if re.search(r"\bthe\s+$", ctx.text[max(0, match.start() - 5) : match.start()], re.I):
        return None  # "the last year", "the next week": a duration or another reference time
    start, end = _span(match, "mod")
    if ctx.anchor is None:
        return _Cand(start, end, None)
    offset = _rel(match) or 0
    return _Cand(start, end, _shift(ctx.anchor, match["unit"].lower(), offset))


def _ago(ctx: _Ctx, match: re.Match[str]) -> _Cand:
    if ctx.anchor is None:
        return _Cand(match.start(), match.end(), None)
    num = match["num"].lower()
    amount = int(num) if num.isdigit() else vocab().numbers[num]
    unit = vocab().units[match["unit"].lower()]
    return _Cand(match.start(), match.end(), _shift(ctx.anchor, unit, -amount))


def _weekday_ref(ctx: _Ctx, match: re.Match[str]) -> _Cand:
    if ctx.anchor is None:
        return _Cand(match.start(), match.end(), None)
    weekday = vocab().weekdays[match["wd"]]
    future = ctx.future(match.start(), match.end())
    return _Cand(match.start(), match.end(), _weekday(ctx.anchor, weekday, _rel(match), future))


def _most_words(phrases: Iterable[str]) -> int:
    """The most words (runs of \\w) any of ``phrases`` has: "the end of" has 3."""
    return max(len(re.findall(r"\w+", phrase)) for phrase in phrases)


@functools.cache
def _rules() -> tuple[_Rule, ...]:
    """Every date rule. ``reach`` is the most words a pattern may open with before its core,
    counted from the vocabulary, so a longer modifier added to data/dates.yaml is covered."""
    p, v = _patterns(), vocab()
    mods, rel = _most_words(v.modifiers), _most_words(v.relative_words)
    weekday = _most_words(v.weekdays)
    return (
        _Rule(p.iso, _iso_date),
        _Rule(p.numeric, _numeric),
        _Rule(p.day_month, _absolute, p.day_month_core, weekday),  # "Monday, 29 November"
        _Rule(p.month_day, _absolute, p.month_day_core, weekday),  # "Monday, November 29"
        _Rule(p.month_year, _month_year, p.month_year_core, mods),  # "the end of June 2020"
        # "since last early June": context word, relative word, modifier
        _Rule(p.month, _bare_month, p.month_core, _most_words(v.month_context) + rel + mods),
        _Rule(p.year, _year, p.year_core, mods),  # "the end of 2021"
        _Rule(p.relative_day, _relative_day),
        _Rule(p.relative_unit, _relative_unit, p.relative_unit_core, mods),  # "end of this year"
        # "two years ago": the core is the space before "ago", after the number and the unit
        _Rule(p.ago, _ago, p.ago_core, max(1, _most_words(v.numbers)) + _most_words(v.units)),
        _Rule(p.weekday, _weekday_ref, p.weekday_core, rel),  # "last Monday"
    )


# ---------------------------------------------------------------------------- public API


def _candidates(text: str, anchor: dt.date | None) -> list[_Cand]:
    ctx = _Ctx(text, anchor)
    found = []
    for rule in _rules():
        for match in _scan(rule, text):
            cand = rule.resolve(ctx, match)
            if cand is not None:
                found.append(cand)
    return found


def _non_overlapping(cands: list[_Cand]) -> list[_Cand]:
    """Longest first (then leftmost); a kept span blocks every span that overlaps it."""
    kept: list[_Cand] = []
    for cand in sorted(cands, key=lambda c: (c.start - c.end, c.start)):
        if all(cand.end <= k.start or cand.start >= k.end for k in kept):
            kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


def find_dates(text: str, anchor: dt.date | None) -> list[DateExpr]:
    """Every date expression of ``text`` with its ISO 8601 value, sorted by offset.

    ``anchor`` (usually the publication date) resolves relative expressions; with ``None``
    only expressions that carry their own year are returned.
    """
    if not isinstance(text, str):
        raise InputError("<text>", f"expected a str, got {type(text).__name__}")
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    if anchor is not None and not _ANCHOR_YEARS[0] <= anchor.year <= _ANCHOR_YEARS[1]:
        anchor = None  # a "publication date" of year 1 or 9999 anchors nothing
    out = []
    for cand in _non_overlapping(_candidates(text, anchor)):
        if cand.value is not None:
            out.append(DateExpr(cand.start, cand.end, text[cand.start : cand.end], cand.value))
    return out


def dates_json(text: str, anchor: dt.date | None) -> list[dict[str, Any]]:
    """``find_dates`` as the ``{"start", "end", "text", "value"}`` dicts the CLI prints."""
    return [
        {"start": d.start, "end": d.end, "text": d.text, "value": d.value}
        for d in find_dates(text, anchor)
    ]


def parse_anchor(value: str, source: str = "--anchor") -> dt.date:
    """``YYYY-MM-DD`` (or a longer ISO timestamp) as a date; InputError when it is not one."""
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise InputError(source, f"not an ISO date: {value!r}") from exc


# ---------------------------------------------------------------------------- published date


def _label_before(text: str, start: int, labels: Iterable[str]) -> bool:
    head = text[max(0, start - 40) : start].lower()
    head = re.sub(r"[\s:,\-–—|]+$", "", head)
    return any(re.search(rf"(?:^|\W){re.escape(label)}$", head) for label in labels)


def _dateline(text: str, exprs: list[DateExpr]) -> str | None:
    """A full date in the leading lines, or one labelled "Published:" / "Updated:"."""
    v = vocab()
    for expr in exprs:
        if expr.precision != "year" and _label_before(text, expr.start, v.publication_labels):
            return expr.value
    lead = [e for e in exprs if e.precision == "day" and e.start < DATELINE_CHARS]
    lead = [e for e in lead if not _label_before(text, e.start, v.not_publication_labels)]
    return lead[0].value if lead else None


def estimate_published(text: str, found: Sequence[DateExpr] | None = None) -> str | None:
    """A publication date estimated from the content alone, or None.

    In order: a date labelled as the publication date ("Published: ...", day or month
    precision) or a full date standing in the dateline (the first few lines); else the latest
    full date stated in the text, leaving out dates that the text puts in the future (a
    "will"/"scheduled" clause), deadlines ("until", "by") and labels that are not about the
    text ("Joined ..."). Months and years in the body are background, not evidence: None.
    ``found`` is ``find_dates(text, None)`` when the caller has it already (it is computed
    otherwise). See docs/dates.md.
    """
    exprs = list(found) if found is not None else find_dates(text, None)
    dateline = _dateline(text, exprs)
    if dateline is not None:
        return dateline
    v = vocab()
    usable = [
        e
        for e in exprs
        if e.precision == "day"
        and not _label_before(text, e.start, v.not_publication_labels)
        and not _is_future(text, e.start, e.end)
    ]
    values = [e.value for e in usable if e.precision == "day"]
    return max(values) if values else None
