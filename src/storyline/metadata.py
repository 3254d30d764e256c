"""Metadata a pasted page states in its own text: URL, outlet, wire, byline, publication date.

Text copied out of a browser carries its provenance as lines among the chrome: the page's URL
on the first line (how users paste), "Original Source: ..." and "Source: ..." lines, bylines
("By ...", a name under the headline, a desk), datelines ("MOSCOW, June 19 (AFP) -",
"KYIV (Reuters) -", "MANILA:"), "Published / Updated / Posted (on) ..." lines, a date line
under the headline, wire credits ("(Reporting by Reuters ...)", "With inputs from PTI"),
"(c) 2024 Outlet" footers, and the page header's date (often the day it was saved).

``read_lines`` is given the lines the cleaner parsed (non-blank, in order) with where the
cleaner put the headline and the body, and returns what they state and which lines it used:
the cleaner removes those with reason ``metadata`` (moved into metadata, not lost).

The publication date is ranked by evidence (``RANKS``): an explicit published line, a
dateline with its date, a date in the URL, a date line under the headline, a dateline whose
year comes from elsewhere, and last the page header's date, which is often the day the page
was saved: ``published_from`` says which one gave it. docs/sources.md has the details.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from . import dates

__all__ = ["PageFacts", "attribution", "is_url", "read_lines", "url_date", "wires"]

# The de-facto limit browsers and servers put on a URL; a longer first line is not one.
MAX_URL_CHARS = 2048
# Metadata lines are short: a published line, a byline or a credit holds a few words; a
# longer line is prose (the longest seen: "June 19, 2024 1:12 PM - Updated: June 19, 2024
# 4:25 PM", 12 words; bylines with two names and an outlet, 10).
MAX_META_WORDS = 16
# A name under the headline is a byline of two to four words (given name(s) and surname).
BYLINE_NAME_WORDS = (2, 4)
# Lines past the body's end that may still state the publication date ("Published ..." under
# the last paragraph); further down they belong to teaser lists of other stories.
AFTER_BODY_LINES = 3
# A published line holds its cue and a date ("Published on Tuesday 18 June 2024 10.05 BST":
# 9 words); a longer line opening with "Published" without a date is prose.
PUBLISHED_LINE_WORDS = 10
# A name alone is a byline only this close under the headline (the headline, a standfirst,
# a caption, then the name, on the pages tried).
UNDER_TITLE_LINES = 4
# Plausible publication years: the web's news archives start in the 1990s.
FIRST_YEAR = 1990

# evidence for the publication date, best first
RANKS = (
    "published-line",  # "Published June 18, 2024", "Updated Apr 13, 2024", "Posted on ..."
    "dateline",  # "Seoul, 19 June 2024 (dpa) -": a full date at the head of the story
    "url",  # /2024/06/19/ in the page's address
    "date-line",  # a date (often with a time) under the headline or beside the byline
    "dateline-day",  # "MOSCOW, June 19 (AFP) -" with the year from the URL or the page
    "page-header",  # a date above the headline: often the day the page was saved
)
PAGE_HEADER = RANKS[-1]

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\b\.?)?|\b\d{1,2}\s*[ap]\.?m\b", re.I)
_PUBLISHED = re.compile(
    r"^(?:(?:first|originally|last)\s+)?(?P<cue>published|updated|posted|modified|"
    r"date(?:d)?|this (?:story|article) (?:is|was) from|released)\b(?:\s+on)?\s*[:|-]?\s*",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^(?:original\s+)?source\s*:\s*(?P<value>\S.{0,80})$", re.IGNORECASE)
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|and|de|da|van|von|der|al|bin|&))*"
_BYLINE = re.compile(
    rf"^(?:(?i:by|written by|posted by|reporting by|story by|words by)\s*:?\s+)+"
    rf"(?P<value>{_NAME}(?:\s*[,;&]\s*{_NAME}){{0,3}})"
    r"(?:\s*[,|]?\s*(?i:for|of|via)\s+(?P<outlet>[A-Z][\w&.' -]{1,40}))?\s*$"
)
_DESK = re.compile(
    r"^(?:(?:web|news|online|digital|foreign|world|international|staff|city|sports)\s+)?"
    r"(?:desk|editor|reporter|correspondent|staff|team|bureau)s?$",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"(?:reporting by|writing by|compiled by|with inputs? from|inputs? from|"
    r"courtesy(?: of)?|source|credit|copyright|originally (?:published|appeared) (?:by|on|in)|"
    r"this (?:story|article) (?:was|has been) (?:published|generated) from)\s*:?\s*"
    r"(?P<value>[A-Z][\w&.'/ -]{1,40})",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?P<value>[A-Z][\w&.' -]{1,50}?)"
    r"\s*(?:[.,|]|all rights|$)",
    re.IGNORECASE,
)
# a dateline: PLACE[, DATE] [(WIRE)] - or PLACE: at the head of the first paragraph, the place
# in capitals ("MOSCOW", "BAKU-"), or with a date or a wire after it ("Yerevan (AFP) -")
_PLACE_CAPS = r"[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,3}"
_PLACE_ANY = r"[A-Z][\w.'’]+(?:[ -][A-Z][\w.'’]+){0,3}"
_DATE_PART = (
    r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s+\d{4})?|\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:,?\s+\d{4})?"
)
_WIRE_PART = r"\((?P<wire>[A-Za-z][A-Za-z./&' -]{0,40})\)"
_DATELINE = re.compile(
    rf"^(?:(?P<caps>{_PLACE_CAPS})(?:\s*,\s*(?P<date1>{_DATE_PART}))?\s*(?:{_WIRE_PART})?"
    rf"\s*(?:[-–—]+|:)\s*"
    rf"|(?P<place>{_PLACE_ANY})\s*(?:,\s*(?P<date2>{_DATE_PART}))?\s*"
    + _WIRE_PART.replace("wire", "wire2")
    + rf"\s*[-–—:]+\s*"
    rf"|(?P<place3>{_PLACE_ANY})\s*,\s*(?P<date3>{_DATE_PART})\s*[-–—]+\s*"
    rf"|{_WIRE_PART.replace('wire', 'wire4')}\s*[-–—]+\s*)"
    r"(?=\S)"
)
# the place of a dateline is not a word that opens a sentence
_NOT_PLACES = frozenset({"THE", "A", "AN", "BREAKING", "UPDATE", "WATCH", "VIDEO", "PHOTO"})
# dates in a URL path: /2024/06/19/, /2024-06-19, /20240619, /21-Sep-2023/, /19042024-...
_URL_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[/_-](?P<m>[01]?\d)[/_-](?P<d>[0-3]?\d)(?!\d)"),
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    re.compile(r"(?<![\d])(?P<d>[0-3]?\d)[-_](?P<mon>[A-Za-z]{3,9})[-_](?P<y>(?:19|20)\d\d)(?!\d)"),
    re.compile(r"(?<![\d])(?P<d>[0-3]\d)(?P<m>[01]\d)(?P<y>(?:19|20)\d\d)(?!\d)"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d)/"),
)


@dataclass(frozen=True)
class Wire:
    name: str
    aliases: tuple[str, ...]


@cache
def wires() -> dict[str, str]:
    """Every way of writing a wire agency (case-folded) -> its name (``data/wires.tsv``)."""
    out: dict[str, str] = {}
    text = resources.files("storyline").joinpath("data/wires.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("name\t"):
            continue
        name, aliases = [*line.split("\t"), ""][:2]
        for form in [name, *aliases.split("|")]:
            if form.strip():
                out[form.strip().casefold()] = name.strip()
    return out


def wire_named(text: str, *, any_case: bool = False) -> str | None:
    """The wire agency ``text`` names as a whole (case-sensitive for short acronyms: "AP"
    in capitals only, so that "ap" in a word never counts, unless ``any_case``: inside a
    dateline's parentheses, where agencies such as dpa sign in lower case)."""
    value = text.strip(" .,;:()[]-–—'\"")
    name = wires().get(value.casefold())
    if name is None:
        return None
    if len(value) <= 3 and not value.isupper() and not any_case:
        return None
    return name


@dataclass
class PageFacts:
    """What the lines state. ``used`` maps a line's position (in the list given) to why it
    was used; ``dateline_prefix`` is (position, prefix) when a kept paragraph opens with a
    dateline (the prefix is removed, the rest kept)."""

    url: str | None = None
    source: str | None = None  # where the story comes from: "Original Source: X", "Source: X"
    copyright: str | None = None  # the holder a copyright line names: the site itself
    wire: str | None = None
    author: str | None = None
    dateline: str | None = None
    dateline_day: tuple[int, int] | None = None  # (month, day) of a dateline without a year
    dates: dict[str, str] = field(default_factory=dict)  # rank -> ISO date
    used: dict[int, str] = field(default_factory=dict)
    dateline_prefix: tuple[int, str] | None = None

    @property
    def published(self) -> tuple[str, str] | None:
        """(ISO date, evidence) of the best-ranked publication date; a month from a better
        source is made a day by a lower-ranked date inside it (a URL's /2024/06/ and
        "June 20, 2024" under the headline: 2024-06-20, from the date line)."""
        for n, rank in enumerate(RANKS):
            if rank not in self.dates or rank == PAGE_HEADER:
                continue  # the header's date is only a fallback (``meta()["page_date"]``)
            value = self.dates[rank]
            for finer in RANKS[n + 1 :]:
                other = self.dates.get(finer, "")
                if len(other) > len(value) and other.startswith(value):
                    return other, finer
            return value, rank
        return None

    def meta(self) -> dict[str, str]:
        out = {
            k: v
            for k, v in (
                ("url", self.url),
                ("source", self.source),
                ("copyright", self.copyright),
                ("wire", self.wire),
                ("author", self.author),
                ("dateline", self.dateline),
            )
            if v
        }
        if self.dateline_day is not None and self.published is None:
            out["dateline_day"] = "{:02d}-{:02d}".format(*self.dateline_day)
        best = self.published
        if best is not None:
            out["published"], out["published_from"] = best
        if PAGE_HEADER in self.dates:
            out["page_date"] = self.dates[PAGE_HEADER]
        return out


# the credit of a photograph: "(AP Photo/Jane Roe)", "REUTERS/Jane Roe", "Photo: AFP",
# "Photograph by ...", "... via Getty Images", "(Image: ...)"
_PHOTO_CREDIT = re.compile(
    r"\b(?:photo|image|picture|photograph|credit)s?\s*(?:by\b|:)"
    r"|\bvia getty images\b|\bgetty images\b|\b(?:ap|afp|epa|xinhua) photo\b"
    r"|\b(?:REUTERS|AFP|EPA|AP|Reuters)\s*/\s*[A-Z][a-z]+",
    re.IGNORECASE,
)


def photo_credit(text: str) -> bool:
    """The text credits a photograph (a caption): it reports a picture, not the news."""
    return _PHOTO_CREDIT.search(text) is not None


def is_url(text: str) -> bool:
    """The whole line is a web address."""
    text = text.strip()
    return len(text) <= MAX_URL_CHARS and _URL.fullmatch(text) is not None


def attribution(text: str) -> bool:
    """The whole line is a source line, a byline or a byline with a date ("Source: X",
    "By X", "Jane Roe | June 20, 2024")."""
    line = text.strip()
    if _SOURCE.match(line) or _name_and_date(line):
        return True
    byline = _BYLINE.match(line)
    return byline is not None and byline.group("value")[:1].isupper()


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def plausible(value: str | None, today: dt.date | None = None) -> str | None:
    """An ISO date, if it is a real date from FIRST_YEAR to a year after today."""
    if not value:
        return None
    year = int(value[:4])
    latest = (today or dt.date.today()).year + 1
    return value if FIRST_YEAR <= year <= latest else None


def _iso(year: int, month: int, day: int | None) -> str | None:
    try:
        if day is None:
            dt.date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def url_date(url: str) -> str | None:
    """The publication date a page's address states (day or month precision), else None."""
    try:
        path = urlsplit(url[:MAX_URL_CHARS]).path
    except ValueError:
        return None
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            groups = match.groupdict()
            month = _month_number(groups["mon"]) if groups.get("mon") else int(groups["m"])
            if not month:
                continue
            day = int(groups["d"]) if groups.get("d") else None
            value = plausible(_iso(int(groups["y"]), month, day))
            if value:
                return value
    return None


def _first_date(text: str) -> str | None:
    """The first full calendar date of a short line (ISO), tolerant of "June 18,2024"."""
    text = re.sub(r"(\d),(\d{4})\b", r"\1, \2", text)
    for found in dates.find_dates(text, None):
        if len(found.value) == len("YYYY-MM-DD"):
            return plausible(found.value)
    return None


def _date_only(text: str) -> bool:
    """The line is a date with at most a weekday, a time, a place or a section word."""
    text = re.sub(r"(\d),(\d{4})\b", r"\1, \2", text)
    found = dates.find_dates(text, None)
    if not found or len(found[0].value) != len("YYYY-MM-DD"):
        return False
    rest, end = [], 0
    for expr in found:
        rest.append(text[end : expr.start])
        end = expr.end
    rest.append(text[end:])
    left = _TIME.sub(" ", " ".join(rest))
    left = re.sub(r"(?i)\b(?:published|updated|posted|modified|last|first|on|at)\b", " ", left)
    return _words(left) <= 3


def _month_number(name: str) -> int | None:
    """1-12 for a month name or abbreviation in any case ("sep", "SEPT", "September")."""
    return dates.vocab().months.get(name.rstrip(".").capitalize())


def month_day(text: str) -> tuple[int, int] | None:
    """(month, day) of a dateline's "Sept 20" / "20 September"."""
    match = re.match(r"([A-Za-z]+)\.?\s+(\d{1,2})|(\d{1,2})\s+([A-Za-z]+)", text)
    if not match:
        return None
    month = _month_number(match.group(1) or match.group(4) or "")
    day = int(match.group(2) or match.group(3))
    return (month, day) if month and 1 <= day <= 31 else None


def dateline_at(text: str) -> tuple[str, str | None, str | None, str] | None:
    """(prefix, date text, wire, rest) when ``text`` opens with a dateline."""
    match = _DATELINE.match(text)
    if not match:
        return None
    groups = match.groupdict()
    place = groups.get("caps") or groups.get("place") or groups.get("place3")
    if groups.get("caps") and (place or "").strip(" .") in _NOT_PLACES:
        return None
    rest = text[match.end() :]
    if _words(rest) < 3:
        return None
    date_text = groups.get("date1") or groups.get("date2") or groups.get("date3")
    wire_text = groups.get("wire") or groups.get("wire2") or groups.get("wire4")
    wire = wire_named(wire_text, any_case=True) if wire_text else None
    if wire_text is not None and wire is None and place is None:
        return None  # "(Photo) - ..." is no dateline
    if groups.get("caps") and not (date_text or wire_text) and (place or "").count(" ") > 1:
        return None  # four capitalised words and a dash: a shouted headline, not a place
    return match.group(0).strip(), date_text, wire, rest


def read_lines(
    texts: Sequence[str],
    *,
    title_at: int | None,
    body: tuple[int, int],
    kept: Sequence[bool],
    usable: Sequence[bool] | None = None,
) -> PageFacts:
    """What ``texts`` (the parsed lines of one page, in order) state about the page.

    ``title_at`` is the headline's position (or None), ``body`` the first and last position
    of the body region, ``kept`` which lines the cleaner keeps as article text and ``usable``
    which ones may state metadata (not those it found to be a member panel, a teaser list, a
    caption ...; default: all). Only short lines are used, except a dateline at the head of
    the first kept paragraph (only its prefix is used)."""
    facts = PageFacts()
    if not texts:
        return facts
    first = texts[0].strip()
    if len(first) <= MAX_URL_CHARS and (match := _URL.fullmatch(first)) is not None:
        url = match.group(0)
        facts.url = url if url.lower().startswith("http") else "https://" + url
        facts.used[0] = "url"
        if (value := url_date(facts.url)) is not None:
            facts.dates["url"] = value
    start, end = body
    head = title_at if title_at is not None else start
    for i, text in enumerate(texts):
        if i in facts.used or (usable is not None and not usable[i]):
            continue
        if _words(text) > MAX_META_WORDS or len(text) > 300:
            continue
        under_title = title_at is not None and title_at < i <= title_at + UNDER_TITLE_LINES
        _read_line(
            facts,
            i,
            text,
            before_title=i < head,
            after_body=i > end + AFTER_BODY_LINES,
            under_title=under_title,
        )
    _read_dateline(facts, texts, kept, title_at)
    return facts


def _read_line(
    facts: PageFacts, i: int, text: str, *, before_title: bool, after_body: bool, under_title: bool
) -> None:
    """One short line: a source, a byline, a published line, a credit, a date line."""
    line = text.strip()
    if (source := _SOURCE.match(line)) is not None:
        value = source.group("value").strip()
        wire = wire_named(value)
        if wire is not None:
            facts.wire = facts.wire or wire
        else:
            facts.source = facts.source or value
        facts.used[i] = "source"
        return
    if after_body:
        _read_credit(facts, i, line)
        return
    if _PUBLISHED.match(line) is not None:
        value = _first_date(line)
        if value is not None:
            facts.dates.setdefault("published-line", value)
        if value is not None or _words(line) <= PUBLISHED_LINE_WORDS:
            facts.used[i] = "published"  # an impossible date: the line is still metadata
            return
    if (byline := _BYLINE.match(line)) is not None and byline.group("value")[:1].isupper():
        facts.author = facts.author or byline.group("value").strip()
        outlet = byline.group("outlet")
        if outlet:  # "By X for BBC": the story comes from that outlet or agency
            facts.wire = facts.wire or wire_named(outlet) or outlet.strip()
        facts.used[i] = "byline"
        return
    if _DESK.match(line):
        facts.author = facts.author or line
        facts.used[i] = "byline"
        return
    if _read_credit(facts, i, line):
        return
    if _date_only(line) or _name_and_date(line):
        value = _first_date(line)
        if value is None:
            return
        if "|" in line or ("," in line.split(value[:4])[0] and _name_and_date(line)):
            name = re.split(r"\s*[|,]\s*", line, maxsplit=1)[0]
            if _person_like(name):
                facts.author = facts.author or name
        timed = bool(_TIME.search(line))
        rank = "page-header" if before_title and not timed else "date-line"
        facts.dates.setdefault(rank, value)
        facts.used[i] = "date"
        return
    if under_title and _person_like(line) and not facts.author:
        facts.author = line
        facts.used[i] = "byline"
        return
    if (copyright_ := _COPYRIGHT.search(line)) is not None and ("©" in line or "opyright" in line):
        _credit(facts, copyright_.group("value"))
        facts.used[i] = "copyright"


def _read_credit(facts: PageFacts, i: int, line: str) -> bool:
    """A wire credit or a copyright line (anywhere on the page)."""
    stripped = line.strip(" ()[]—–-")
    if wire_named(stripped) is not None:
        facts.wire = facts.wire or wire_named(stripped)
        facts.used[i] = "credit"
        return True
    credit = _CREDIT.search(line)
    if credit is not None and _words(line) <= MAX_META_WORDS:
        named = _leading_wire(credit.group("value"))
        if named is not None:
            facts.wire = facts.wire or named
            facts.used[i] = "credit"
            return True
    copyright_ = _COPYRIGHT.search(line)
    if copyright_ is not None and ("©" in line or "opyright" in line or "(c)" in line.lower()):
        _credit(facts, copyright_.group("value"))
        facts.used[i] = "copyright"
        return True
    return False


def _leading_wire(text: str) -> str | None:
    """The wire a credit's value opens with ("Reuters Editing by ..." -> Reuters)."""
    words = text.split()
    for n in range(min(4, len(words)), 0, -1):
        named = wire_named(" ".join(words[:n]))
        if named is not None:
            return named
    return None


def _credit(facts: PageFacts, value: str) -> None:
    """A copyright holder: a wire agency is the wire; anyone else names the outlet."""
    value = value.strip(" .,")
    named = _leading_wire(value)
    if named is not None:
        facts.wire = facts.wire or named
    elif value and _words(value) <= 6:
        facts.copyright = facts.copyright or value


def _person_like(text: str) -> bool:
    """Two to four capitalised words and nothing else: a name under a headline."""
    words = text.split()
    low, high = BYLINE_NAME_WORDS
    if not low <= len(words) <= high or any(c.isdigit() for c in text):
        return False
    if re.search(r"[.!?:;|,\"“”]$", text):
        return False
    return all(re.fullmatch(r"[A-Z][a-z’'-]+(?:-[A-Z][a-z]+)?|[A-Z]\.", w) for w in words)


def _name_and_date(line: str) -> bool:
    """ "Tan Min-Wei | June 20, 2024, 07:06 PM": a byline and a date on one line."""
    parts = re.split(r"\s*\|\s*", line, maxsplit=1)
    return len(parts) == 2 and _person_like(parts[0]) and _date_only(parts[1])


def _read_dateline(
    facts: PageFacts, texts: Sequence[str], kept: Sequence[bool], title_at: int | None
) -> None:
    """A dateline at the head of the first kept paragraph after the headline."""
    after = -1 if title_at is None else title_at
    first = next((i for i, k in enumerate(kept) if k and i > after and i not in facts.used), None)
    if first is None:
        return
    found = dateline_at(texts[first].strip())
    if found is None:
        return
    prefix, date_text, wire, _rest = found
    facts.dateline = prefix.rstrip(" -–—:")
    facts.dateline_prefix = (first, prefix)
    if wire:
        facts.wire = facts.wire or wire
    if date_text:
        full = _first_date(date_text)
        if full is not None:
            facts.dates.setdefault("dateline", full)
            return
        day = month_day(date_text)
        if day is None:
            return
        best = facts.published
        value = _iso(int(best[0][:4]), *day) if best is not None else None
        if value is not None:
            facts.dates.setdefault("dateline-day", value)
        else:
            facts.dateline_day = day  # the year must come from the content (pipeline)


# --- outlets ---------------------------------------------------------------------------------

# second-level labels under a country code that registrars sell as a whole ("bbc.co.uk",
# "dawn.com.pk"): the registered name is the label before them
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "news", "or", "ne"})
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’&.-]*(?:[ -][A-Z][\w'’&.-]*){0,3}")


@dataclass(frozen=True)
class Outlet:
    host: str
    name: str
    country: str | None
    kind: str | None


# the outlet tables, read in order, a later one's line for a host replacing an earlier one's:
# open data (Wikidata newspapers and the SLING news-site list, built by
# scripts/build_outlets.py), then the names written for the sites news copy cites most
OUTLET_FILES = ("data/outlets_open.tsv", "data/outlets.tsv")


@cache
def outlets() -> dict[str, Outlet]:
    """Known news sites by host (``OUTLET_FILES``)."""
    out: dict[str, Outlet] = {}
    for path in OUTLET_FILES:
        text = resources.files("storyline").joinpath(path).read_text("utf-8")
        for line in text.splitlines():
            if not line.strip() or line.startswith("#") or line.startswith("host\t"):
                continue
            host, name, country, kind = [*line.split("\t"), "", "", ""][:4]
            if not host.strip() or not name.strip():
                continue
            out[host.strip().lower()] = Outlet(
                host.strip().lower(),
                name.strip(),
                None if country.strip() in ("", "-") else country.strip(),
                None if kind.strip() in ("", "-") else kind.strip(),
            )
    return out


def host_of(url: str | None) -> str | None:
    """The host of a URL, lower-case, without "www." (None when it has none)."""
    if not url:
        return None
    try:
        host = urlsplit(url[:MAX_URL_CHARS] if "//" in url else "//" + url[:MAX_URL_CHARS])
        name = (host.hostname or "").removeprefix("www.")
    except ValueError:
        return None
    return name or None


def known_outlet(host: str | None) -> Outlet | None:
    """The listed outlet of a host or of the nearest parent domain that is listed."""
    if not host:
        return None
    table = outlets()
    labels = host.split(".")
    for start in range(len(labels) - 1):
        found = table.get(".".join(labels[start:]))
        if found is not None:
            return found
    return None


def registered_label(host: str) -> str:
    """The name a site registered: "pledgetimes" of "pledgetimes.com", "dawn" of
    "www.dawn.com.pk", "newser" of "img2-cdn.newser.com"."""
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def name_in_text(host: str, text: str) -> str | None:
    """The site's name as its page writes it: a run of capitalised words whose letters are
    the host's registered name ("Pledge Times" for pledgetimes.com)."""
    label = re.sub(r"[^a-z0-9]", "", registered_label(host).lower())
    if len(label) < 4:  # "bbc", "rt": too short to tell a name from a word
        return None
    for match in _CAPITALISED_RUN.finditer(text[:200_000]):
        words = match.group(0).split()
        for first in range(len(words)):
            for last in range(len(words), first, -1):
                candidate = " ".join(words[first:last]).strip(".,")
                letters = re.sub(r"[^a-z0-9]", "", candidate.lower())
                if letters == label or letters == "the" + label:
                    return candidate
    return None


def _wire_in_path(url: str | None) -> str | None:
    """A portal's wire pages name their agency in the path: /wires/reuters/, /wire/ap/."""
    if not url:
        return None
    parts = [p for p in urlsplit(url[:MAX_URL_CHARS]).path.lower().split("/") if p]
    for before, part in itertools.pairwise(parts):
        if before in ("wires", "wire", "wire-news", "agencies") and wire_named(part, any_case=True):
            return wire_named(part, any_case=True)
    return None


def outlet_and_wire(
    url: str | None,
    *,
    given: str | None = None,
    stated: str | None = None,
    sitename: str | None = None,
    copyright: str | None = None,
    wire: str | None = None,
    text: str = "",
) -> tuple[str | None, str | None]:
    """The outlet a document counts as, and the wire or outlet its story comes from.

    The outlet, in order: the input's own ``source`` field; the agency of a portal's wire
    page (/wires/reuters/: the page is the agency's copy); the listed name of the host
    (``OUTLET_FILES``); for a page without an address, the outlet a "Source:" line names;
    the page's site name (HTML metadata); the copyright holder its footer names; the site's
    name as the page writes it; the host itself. When the page has an address, a "Source:"
    / "Original Source:" line names where the story comes from (the wire), not the outlet."""
    host = host_of(url)
    path_wire = _wire_in_path(url)
    if given:
        return given, wire or path_wire
    if path_wire is not None:
        return path_wire, path_wire
    listed = known_outlet(host)
    if host is not None and stated and not listed and stated.lower().rstrip("/") == host:
        stated = None  # "Source: example.com" on example.com's own page
    if listed is not None:
        return listed.name, wire or (stated if stated != listed.name else None)
    if host is None:
        return stated or sitename or copyright, wire
    named = sitename or copyright or name_in_text(host, text)
    return named or host, wire or stated
