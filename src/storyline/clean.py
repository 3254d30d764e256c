"""The clean stage: main text out of a page, with an audit trail of what was taken out.

``clean_text`` works on text copied out of a browser (no markup left); ``clean_html`` on a
saved web page. Both return a :class:`~storyline.model.Cleaned`: the main text (one
paragraph a line), every removed line with its reason, repeated paragraphs, and metadata
the page states (title, source, author, dateline ...).

How ``clean_text`` decides (details and measured figures in ``docs/cleaning.md``):

0. text whose UTF-8 bytes were read as Latin-1 or cp1252 ("ClassificaÃ§Ã£o") is repaired
   first (``repair_encoding``; same line breaks, recorded in ``meta["encoding_repaired"]``);
1. every non-blank input line gets a shape: its length in words, whether it reads like
   prose (sentence punctuation), whether it leads with a date or is a teaser (cut off, a
   headline glued to its summary, or a run of headline + one-sentence cards), whether it is
   an item of a numbered list, and whether a cue phrase (``data/clean_cues.yaml``) names
   the kind of chrome a short line is;
2. each line scores ``words - BODY_WORDS`` (chrome negative, paragraphs positive) and the
   densest contiguous run of lines (a maximum-subarray search) is the body region;
3. the region grows over neighbouring list items and short prose; inside it paragraphs are
   kept, short lines only when they read as a sentence next to a paragraph or as a
   subheading before one; everything outside it is removed;
4. the headline is found just above the body, a repeated title is collapsed, attribution
   lines go to ``meta``, and near-repeated paragraphs are flagged as ``Repeat``.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import pairwise

import yaml

from . import metadata
from .model import Cleaned, Removal, Repeat

__all__ = ["clean_html", "clean_text", "repair_encoding"]

# --- thresholds (how each was chosen is in docs/cleaning.md, "Thresholds") -----------------
# A line scores (words - BODY_WORDS) in the body-region search. Zyte dev pages, F1 by value:
# 6 -> 0.831, 7 -> 0.841, 8 -> 0.850, 10 -> 0.843, 12 -> 0.836.
BODY_WORDS = 8
# A date-led line of at most DATE_LINE_WORDS words scores DATE_LINE_PENALTY times a chrome
# line: it almost always starts an entry of a teaser list or a comment thread (penalty 1 ->
# F1 0.846, 3 -> 0.850; 8 words holds "Tuesday November 19, 2019 at 9:45 am").
DATE_LINE_WORDS, DATE_LINE_PENALTY = 8, 3
# A line a cue phrase marks as chrome scores CUE_PENALTY times BODY_WORDS (3 -> F1 0.006
# lower: share bars sit between headline and body and must not cut the region).
CUE_PENALTY = 1
# A prose line of at least this many words is a paragraph; a line without sentence
# punctuation needs twice as many (a paragraph whose last sentence lost its full stop).
PARAGRAPH_WORDS = 8
# Past the dense core, the region grows over lines of prose or of at least EXTEND_WORDS
# words, across gaps of at most EXTEND_GAP other lines (list items, short closing lines).
# Measured: words 6 -> 0.840, 8 -> 0.840, 12 -> 0.843; gap 0 -> 0.841, 1 -> 0.842.
EXTEND_WORDS, EXTEND_GAP = 12, 1
# Only lines this short are matched against cue phrases: a cue inside a real sentence
# ("he would not comment") must not remove it. Longest cue phrase is 5 words, plus slack.
CUE_MAX_WORDS = 6
# A line with a copyright sign is a footer up to this length (notices with the publisher's
# address and company number run to about 40 words; a longer line is a paragraph).
COPYRIGHT_MAX_WORDS = 60
# A photo caption ends with its credit: "... in May (Image: GETTY )", "...a rabbitCredit: Getty".
# Captions run to about 40 words; a longer line ending so is a paragraph quoting a source.
_CAPTION_CREDIT = re.compile(
    r"(?:\(\s*|\b|(?<=[a-z]))(?:image|photo|picture|credit|photograph)s?\s*:\s*[^():]{1,60}\)?\s*$",
    re.IGNORECASE,
)
CAPTION_MAX_WORDS = 40
# A headline has this many words (news headlines run 3 to 20; slack for long ones).
HEADLINE_WORDS = (3, 25)
# The headline is looked for at most this many lines above the body (h1, byline, date,
# share bar and a caption usually sit between them on the dev pages; 10 missed some).
TITLE_WINDOW = 15
# A key/value panel (forum member box, fact box): a run of at least this many lines of at
# most PANEL_LINE_WORDS words, at least PANEL_NUMBERS of them numbers or dates.
PANEL_RUN, PANEL_LINE_WORDS, PANEL_NUMBERS = 6, 3, 2
# Near-repeat detection: sentences of at least REPEAT_MIN_WORDS words whose word-sequence
# similarity (difflib ratio) reaches REPEAT_SIMILARITY. 0.7 separates reworded copies
# (0.8-0.9) from sentences that merely share a name and a verb (below 0.5) on the samples
# and on the syndicated copies tried while building this.
REPEAT_MIN_WORDS, REPEAT_SIMILARITY = 6, 0.7
# Sentences longer than this are compared on their first words only (bounds the cost).
REPEAT_MAX_WORDS = 200
# Candidate sentences compared per sentence (those sharing most word pairs).
REPEAT_CANDIDATES = 5
# CJK scripts write words without spaces; about two characters make one word.
CJK_CHARS_PER_WORD = 2

_WORD = re.compile(r"[^\W\d_]+|\d+(?:[.,:/]\d+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_PROSE_END = re.compile(r"[.!?;:。！？]['\"’”»)\]]*$")
_TRUNCATED = re.compile(r"(\.\.\.|…)['\"’”»)\]]*$")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_LED = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?(?:\s+\d{{4}})?"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    r"|\d+\s+(?:second|minute|hour|day|week|month|year)s?\s+ago"
    r"|(?:updated|published|posted)\b)",
    re.IGNORECASE,
)
# A link card's headline glued to its summary with no space: "...In NASCAR FinaleFord v Toyota"
# or "...On The Rise?Violence is". The word before the seam has 4+ letters: shorter ones are
# the first half of a camel-case name ("WeWork", "McKinley", "MacBook", "LeBron").
_GLUE = re.compile(r"(?:(?<=[?!])|(?<=[A-Za-z][a-z]{3}))(?=[A-Z][a-z])")
# The glued-on headline has at least GLUE_HEAD_WORDS words, at least GLUE_CAPITALISED of them
# capitalised (title case; "Q: In reading the Sports|Business" is 0.6); the summary after
# the seam at least GLUE_TAIL_WORDS words (a sentence, not the rest of a name). A card is at
# most GLUE_MAX_WORDS long (dev pages: cards 10-50 words; the two article paragraphs with a
# glued seam, a name run into its tooltip, have 60 and 90).
GLUE_HEAD_WORDS, GLUE_CAPITALISED, GLUE_TAIL_WORDS, GLUE_MAX_WORDS = 3, 0.75, 5, 50
# A numbered list: LIST_RUN+ lines numbered in sequence, at most LIST_GAP other lines between
# two items (a link or a price under each). Three items make a list, as for the panels.
_ITEM_NUMBER = re.compile(r"^\(?(\d{1,3})[.)]\s+\S")
LIST_RUN, LIST_GAP = 3, 2
# Link cards: CARD_RUN+ headlines in a row, each followed by a one-sentence summary of at
# most CARD_SUMMARY_WORDS words. A subheading opens a paragraph of several sentences; three
# one-sentence sections in a row are a list of other stories.
CARD_RUN, CARD_SUMMARY_WORDS = 3, 40
_NUMBERISH = re.compile(r"^[\d.,:/%+\- ]+[kKmM]?$")
# A gallery or pager counter: "Image 3 of 5", "Photo 2/10", "1 of 12".
_COUNTER = re.compile(r"^(?:[^\W\d_]+\s+)?\d+\s*(?:of|/)\s*\d+$", re.IGNORECASE)
# the reason of a removed line that states the page's metadata (moved into metadata, not lost)
METADATA = "metadata"
# lines that may state the page's metadata: kept ones, and those removed for their place on
# the page or their shape alone (a member panel's or a teaser list's dates are others')
_MAY_STATE_METADATA = frozenset({"", "short-fragment", "navigation", "footer"})
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。！？])['\"’”»)]*\s+")


# --- mis-decoded text (UTF-8 bytes read as Latin-1 or cp1252) -------------------------------

# A repair is accepted when at least MOJIBAKE_MIN_SEQUENCES multi-byte sequences decode with
# no byte guessed (no space read as 0xA0) and they outnumber the high characters left over
# at least MOJIBAKE_RATIO to one. One "Ã©" can be a real word; three are not. The ratio keeps
# text that merely mixes accented letters and symbols ("Café © 2020") unchanged: there the
# high characters do not form sequences. Zyte dev pages: every correctly decoded page forms
# 0 sequences (with up to 270 high characters); the 20 mis-decoded pages form 5 to 45,000
# with 0 left over, so any ratio from 1 to 100 separates them.
MOJIBAKE_MIN_SEQUENCES, MOJIBAKE_RATIO = 3, 4
_NBSP_BYTE = 0xA0  # the page-to-text step turns this continuation byte into a space


@cache
def _high_bytes() -> dict[str, int]:
    """Character -> the byte it stands for when UTF-8 bytes were read as Latin-1 or cp1252."""
    table = {chr(b): b for b in range(0x80, 0x100)}
    for b in range(0x80, 0xA0):
        try:
            table[bytes([b]).decode("cp1252")] = b
        except UnicodeDecodeError:
            continue  # the five bytes cp1252 leaves undefined stay as Latin-1 controls
    return table


def _sequence_length(lead: int) -> int:
    """Continuation bytes a UTF-8 lead byte announces (0: not a lead byte)."""
    if 0xC2 <= lead <= 0xDF:
        return 1
    if 0xE0 <= lead <= 0xEF:
        return 2
    return 3 if 0xF0 <= lead <= 0xF4 else 0


def _continuation(text: str, at: int, last: bool) -> int | None:
    """The continuation byte the character at ``at`` stands for, or None."""
    table = _high_bytes()
    char = text[at] if at < len(text) else "\n"
    byte = table.get(char)
    if byte is not None and 0x80 <= byte <= 0xBF:
        return byte
    if char == " ":
        return _NBSP_BYTE
    # a trailing NBSP was stripped with the line's whitespace: only the last byte can be it
    return _NBSP_BYTE if last and char in "\r\n" else None


def _decode_at(text: str, at: int) -> tuple[str, int] | None:
    """(decoded character, characters consumed) for a UTF-8 sequence starting at ``at``.

    A space may stand for a continuation byte 0xA0 (the page-to-text step turned it into a
    space), as may the end of a line for the last byte (stripped as trailing whitespace).
    """
    lead = _high_bytes().get(text[at])
    need = _sequence_length(lead) if lead is not None else 0
    if lead is None or not need:
        return None
    raw = [lead]
    for k in range(1, need + 1):
        byte = _continuation(text, at + k, last=k == need)
        if byte is None:
            return None
        raw.append(byte)
    try:
        char = bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None  # overlong forms, surrogates
    end = at + need
    if end >= len(text) or text[end] in "\r\n":
        return char, need  # the last byte was a stripped NBSP: keep the line break
    return char, need + 1


@cache
def _high_char() -> re.Pattern[str]:
    """Any character of ``_high_bytes``: the only places a repair can start or a stray be."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(_high_bytes())) + "]")


def repair_encoding(text: str) -> tuple[str, str | None]:
    """Undo UTF-8 text that was read as Latin-1 or cp1252 ("ClassificaÃ§Ã£o").

    Returns the text and the codec it had been mis-read as ("latin-1" or "cp1252"), or the
    text unchanged and None when it does not look mis-decoded. Line breaks are ASCII and never
    part of a sequence, so the repaired text has the same lines as the input.
    """
    out: list[str] = []
    exact = strays = 0  # sequences with no byte guessed; high characters left over
    cp1252 = False
    copied = 0  # text[:copied] is in ``out``
    # only a high character can start a sequence: jump from one to the next (most English
    # articles have none but curly quotes and dashes)
    high = _high_char().search(text)
    while high is not None:
        at = high.start()
        decoded = _decode_at(text, at)
        if decoded is None:
            strays += 1
            high = _high_char().search(text, at + 1)
            continue
        taken = text[at : at + decoded[1]]
        cp1252 = cp1252 or any(ord(c) > 0xFF for c in taken)
        exact += len(taken) == len(decoded[0].encode("utf-8")) and " " not in taken
        # the page-to-text step made every other NBSP a space: so does the repair
        out += [text[copied:at], " " if decoded[0] == "\xa0" else decoded[0]]
        copied = at + decoded[1]
        high = _high_char().search(text, copied)
    if exact < MOJIBAKE_MIN_SEQUENCES or exact < MOJIBAKE_RATIO * strays:
        return text, None
    return "".join(out) + text[copied:], "cp1252" if cp1252 else "latin-1"


# --- cue phrases (data/clean_cues.yaml) ------------------------------------------------------


@dataclass(frozen=True)
class _Cues:
    short: dict[str, str]  # normalised phrase -> reason
    words: dict[str, str]  # single-word cue -> reason
    sentence: tuple[tuple[str, str], ...]  # (phrase, reason), matched anywhere


@cache
def _cues() -> _Cues:
    raw = yaml.safe_load(
        resources.files("storyline").joinpath("data/clean_cues.yaml").read_text("utf-8")
    )
    short = {_normalise(p): reason for reason, ps in raw["short"].items() for p in ps}
    words = {p: r for p, r in short.items() if " " not in p}
    sentence = tuple((_normalise(p), reason) for reason, ps in raw["sentence"].items() for p in ps)
    return _Cues(short, words, sentence)


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w']+", " ", text.casefold().replace("’", "'")).split())


def _cue_reason(text: str, words: int) -> str:
    cues = _cues()
    norm = _normalise(text)
    if "©" in text and words <= COPYRIGHT_MAX_WORDS:
        return "footer"
    if words <= CAPTION_MAX_WORDS and _CAPTION_CREDIT.search(text):
        return "caption"
    for phrase, reason in cues.sentence:
        if phrase in norm:
            return reason
    if words > CUE_MAX_WORDS or not norm:
        return ""
    if norm in cues.short:
        return cues.short[norm]
    head = text.split(":", 1)[0]
    if head != text and _normalise(head) in cues.short:
        return cues.short[_normalise(head)]
    tokens = norm.split()
    if all(t in cues.words for t in tokens):
        return cues.words[tokens[0]]
    return ""


# --- line shapes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One non-blank input line and the shape signals the decisions use."""

    index: int
    text: str
    words: float
    prose: bool
    date_led: bool
    truncated: bool
    numeric: bool
    cue: str
    item: bool = False  # an entry of a numbered list ("1) ...", "2. ...") of LIST_RUN+ items


def _count_words(text: str) -> float:
    cjk = len(_CJK.findall(text))
    tokens = sum(1 for t in _WORD.findall(text) if not _CJK.search(t))
    return tokens + cjk / CJK_CHARS_PER_WORD


def _glued_teaser(text: str) -> bool:
    """A title-case headline run into its summary: "Tape Gaffe Ends Title RunDenny was..."."""
    if _count_words(text) > GLUE_MAX_WORDS:
        return False
    for match in _GLUE.finditer(text):
        head = _WORD.findall(text[: match.start()])
        tail = _WORD.findall(text[match.start() :])
        if len(head) >= GLUE_HEAD_WORDS and len(tail) >= GLUE_TAIL_WORDS:
            capitalised = sum(w[:1].isupper() or w[:1].isdigit() for w in head)
            if capitalised >= GLUE_CAPITALISED * len(head):
                return True
    return False


def _shape(index: int, text: str) -> Line:
    words = _count_words(text)
    truncated = bool(_TRUNCATED.search(text)) or _glued_teaser(text)
    return Line(
        index=index,
        text=text,
        words=words,
        prose=bool(_PROSE_END.search(text)) and not truncated,
        date_led=bool(_DATE_LED.match(text)),
        truncated=truncated,
        numeric=bool(_NUMBERISH.match(text) or _COUNTER.match(text))
        or (bool(_DATE_LED.match(text)) and words <= 4),
        cue=_cue_reason(text, int(words)),
    )


def parse_lines(text: str) -> list[Line]:
    """Split on ``\\n``; keep each non-blank line (stripped) with its input index."""
    lines = [_shape(i, raw.strip()) for i, raw in enumerate(text.split("\n")) if raw.strip()]
    items = _numbered_items(lines)
    lines = [replace(line, item=True) if i in items else line for i, line in enumerate(lines)]
    cards = _teaser_cards(lines)
    return [replace(line, truncated=True) if i in cards else line for i, line in enumerate(lines)]


def _one_sentence(line: Line) -> bool:
    """A statement of one sentence (a question is an interview's, not a card's)."""
    return (
        line.prose
        and not line.text.rstrip("'\"’”»)").endswith("?")
        and line.words <= CARD_SUMMARY_WORDS
        and len(_SENTENCE_SPLIT.split(line.text)) == 1
    )


def _card_headline(line: Line) -> bool:
    return _headline_like(line) and not line.prose


def _teaser_cards(lines: Sequence[Line]) -> set[int]:
    """Positions in runs of CARD_RUN+ (headline, one-sentence summary) pairs: link cards."""
    found: set[int] = set()
    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and _card_headline(lines[j]) and _one_sentence(lines[j + 1]):
            j += 2
        if (j - i) // 2 >= CARD_RUN:
            found.update(range(i, j))
        i = max(j, i + 1)
    return found


def _numbered_items(lines: Sequence[Line]) -> set[int]:
    """Positions of lines numbered 1, 2, 3 ... in order, at most LIST_GAP lines apart, and
    of the lines between two items (the rest of an item: its link, price or note)."""
    found: set[int] = set()
    run: list[int] = []  # positions of the numbered lines of the current run
    last = -1
    for i, line in enumerate([*lines, None]):
        match = _ITEM_NUMBER.match(line.text) if line is not None and not line.cue else None
        if match is None and line is not None:
            continue
        number = int(match.group(1)) if match is not None else -1
        if run and number == last + 1 and i - run[-1] <= LIST_GAP + 1:
            run.append(i)
        else:
            if len(run) >= LIST_RUN:
                found.update(j for j in range(run[0], run[-1] + 1) if not lines[j].cue)
            run = [i]
        last = number
    return found


def _headline_like(line: Line) -> bool:
    low, high = HEADLINE_WORDS
    return (
        low <= line.words <= high
        and not line.cue
        and not line.date_led
        and not line.truncated
        and not line.numeric
        and not _attribution(line)
        and not metadata.is_url(line.text)
        and not re.search(r"[.,;:|]['\"’”]?$", line.text)
    )


def _paragraph(line: Line) -> bool:
    if line.cue:
        return False
    return line.words >= PARAGRAPH_WORDS * (1 if line.prose else 2)


# --- body region and keep decisions ----------------------------------------------------------


def _line_score(line: Line) -> float:
    if line.date_led and line.words <= DATE_LINE_WORDS:
        # a dated entry inside running text is a teaser list or a comment thread
        return -DATE_LINE_PENALTY * BODY_WORDS
    if line.cue and line.cue != "caption":
        # (a caption sits inside the article: it scores by its shape, so it does not cut it)
        return -CUE_PENALTY * BODY_WORDS
    if line.truncated:
        return -float(BODY_WORDS)
    # text without sentence punctuation counts half: headings, link lists, captions
    return (line.words if line.prose else line.words / 2) - BODY_WORDS


def _body_region(lines: Sequence[Line]) -> tuple[int, int]:
    """The densest contiguous run of lines: a maximum-subarray search over line scores."""
    best, span = float("-inf"), (0, 0)
    running, run_start = 0.0, 0
    for i, line in enumerate(lines):
        score = _line_score(line)
        if running <= 0:
            running, run_start = score, i
        else:
            running += score
        if running > best:
            best, span = running, (run_start, i)
    return _extend(lines, *span)


def _content_like(line: Line) -> bool:
    """A line that may continue the body past the dense core (list items, short prose)."""
    if line.item:
        return True
    if line.cue or line.date_led or line.truncated or line.numeric or metadata.is_url(line.text):
        return False
    return (line.prose and line.words >= 3) or line.words >= EXTEND_WORDS


def _extend(lines: Sequence[Line], start: int, end: int) -> tuple[int, int]:
    """Grow the region over content-like lines, across gaps of at most EXTEND_GAP lines."""
    end = _grow(lines, end, 1)
    start = _grow(lines, start, -1)
    return start, end


def _grow(lines: Sequence[Line], edge: int, step: int) -> int:
    i, gap = edge + step, 0
    while 0 <= i < len(lines) and gap <= EXTEND_GAP:
        if _content_like(lines[i]):
            edge, gap = i, 0
        else:
            gap += 1
        i += step
    return edge


def _panel_lines(lines: Sequence[Line]) -> set[int]:
    """Positions inside runs of short label/value lines (member panels, fact boxes)."""
    found: set[int] = set()
    run: list[int] = []
    for i, line in enumerate([*lines, None]):
        if line is not None and line.words <= PANEL_LINE_WORDS and not line.prose:
            run.append(i)
            continue
        if len(run) >= PANEL_RUN and sum(lines[j].numeric for j in run) >= PANEL_NUMBERS:
            found.update(run)
        run = []
    return found


def _inside(lines: Sequence[Line], i: int) -> str:
    """'' to keep a line inside the body region, else the reason to remove it."""
    line = lines[i]
    if _paragraph(line) or _content_like(line):
        return ""
    next_is_body = i + 1 < len(lines) and _paragraph(lines[i + 1])
    prev_is_body = i > 0 and _paragraph(lines[i - 1])
    if line.prose and line.words >= 2 and not line.date_led and (next_is_body or prev_is_body):
        return ""
    if _headline_like(line) and next_is_body:
        return ""
    return "short-fragment"


def _outside(line: Line, before: bool) -> str:
    """The reason to remove a line outside the body region.

    Keeping long prose found outside the region was measured and lost (F1 0.830 when
    keeping prose of 30+ words, 0.840 when keeping none): it is cookie and comment-form
    legalese, site blurbs and teasers far more often than a stray article paragraph.
    """
    if before:
        return "navigation"
    return "teaser-list" if line.date_led or line.truncated else "footer"


def _decide(lines: Sequence[Line], start: int, end: int) -> list[str]:
    panel = _panel_lines(lines)
    reasons = []
    for i, line in enumerate(lines):
        if line.cue:
            reasons.append(line.cue)
        elif i in panel:
            reasons.append("member-panel")
        elif start <= i <= end:
            reasons.append(_inside(lines, i))
        else:
            reasons.append(_outside(line, before=i < start))
    return reasons


# --- title, attribution ----------------------------------------------------------------------


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _find_title(lines: Sequence[Line], start: int) -> int | None:
    """The headline: the nearest headline-like line just above (or opening) the body."""
    for i in range(start, max(-1, start - TITLE_WINDOW - 1), -1):
        if _headline_like(lines[i]) and not (i == start and _paragraph(lines[i])):
            return next(j for j in range(i + 1) if _same_text(lines[j].text, lines[i].text))
    return None


def _attribution(line: Line) -> bool:
    """The whole line is a metadata line (a source, a byline): never a headline."""
    return line.words <= metadata.MAX_META_WORDS and metadata.attribution(line.text)


# --- repeats ---------------------------------------------------------------------------------


def _sentences(paragraph: str) -> list[list[str]]:
    out = []
    for sentence in _SENTENCE_SPLIT.split(paragraph):
        words = [w.casefold() for w in _WORD.findall(sentence)][:REPEAT_MAX_WORDS]
        if len(words) >= REPEAT_MIN_WORDS:
            out.append(words)
    return out


def _pairs(words: list[str]) -> set[tuple[str, str]]:
    return set(pairwise(words))


def find_repeats(paragraphs: Sequence[str]) -> Iterator[Repeat]:
    """Paragraphs that repeat, or nearly repeat, a sentence of an earlier paragraph."""
    index: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    seen: list[list[list[str]]] = []
    for line, paragraph in enumerate(paragraphs):
        sentences = _sentences(paragraph)
        best: tuple[float, int] | None = None
        for words in sentences:
            for sim, of_line in _similar(words, index, seen):
                if sim >= REPEAT_SIMILARITY and (best is None or sim > best[0]):
                    best = (sim, of_line)
        if best is not None:
            yield Repeat(line=line, of_line=best[1], similarity=round(best[0], 3))
        for s, words in enumerate(sentences):
            for pair in _pairs(words):
                index[pair].append((line, s))
        seen.append(sentences)


def _similar(
    words: list[str],
    index: dict[tuple[str, str], list[tuple[int, int]]],
    seen: list[list[list[str]]],
) -> Iterator[tuple[float, int]]:
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for pair in _pairs(words):
        for key in index.get(pair, ()):
            shared[key] += 1
    top = sorted(shared.items(), key=lambda kv: -kv[1])[:REPEAT_CANDIDATES]
    counts = Counter(words)
    for (line, s), _count in top:
        other = seen[line][s]
        # ratio() is 2.0 * matches / total with matches at most the shorter length and at most
        # the words both share: a candidate below the threshold on either bound is skipped
        # without the costly alignment (those ratios were never used)
        total = len(words) + len(other)
        shorter = min(len(words), len(other))
        if 2.0 * shorter / total < REPEAT_SIMILARITY:
            continue
        if 2.0 * (counts & Counter(other)).total() / total < REPEAT_SIMILARITY:
            continue
        yield difflib.SequenceMatcher(None, words, other, autojunk=False).ratio(), line


# --- assembling the result -------------------------------------------------------------------


def _removals_and_text(
    lines: Sequence[Line], reasons: list[str], title_at: int | None, body: tuple[int, int]
) -> Cleaned:
    """Kept text, removals and metadata: lines stating metadata (``metadata.read_lines``)
    are removed with reason ``metadata``; a dateline heading the first paragraph loses its
    prefix (removed likewise) and keeps the rest."""
    facts = metadata.read_lines(
        [line.text for line in lines],
        title_at=title_at,
        body=body,
        kept=[not reason for reason in reasons],
        usable=[reason in _MAY_STATE_METADATA for reason in reasons],
    )
    kept: list[str] = []
    removed: list[Removal] = []
    for i, (line, reason) in enumerate(zip(lines, reasons, strict=True)):
        if i in facts.used:
            reason = METADATA
        if reason:
            removed.append(Removal(line.text, reason, line.index))
            continue
        if facts.dateline_prefix is not None and facts.dateline_prefix[0] == i:
            prefix = facts.dateline_prefix[1]
            removed.append(Removal(prefix, METADATA, line.index))
            kept.append(line.text[len(prefix) :].strip())
            continue
        kept.append(line.text)
    return Cleaned("\n".join(kept), tuple(removed), tuple(find_repeats(kept)), facts.meta())


def _apply_title(lines: Sequence[Line], reasons: list[str], start: int) -> str | None:
    title_at = _find_title(lines, start)
    if title_at is None:
        return None
    title = lines[title_at].text
    reasons[title_at] = ""
    for i in range(len(lines)):
        if i < title_at and not reasons[i]:
            reasons[i] = "navigation"
        elif i > title_at and _same_text(lines[i].text, title):
            reasons[i] = "repeated-title"
    return title


def clean_text(text: str) -> Cleaned:
    """Clean text copied out of a browser: keep the article body, remove page chrome.

    Mis-decoded text is repaired first (:func:`repair_encoding`, same line breaks; then
    ``meta["encoding_repaired"]`` names the codec it had been misread as). Every non-blank
    line of the (repaired) input ends up either as a line of ``Cleaned.text`` (same stripped
    content, same order) or as a :class:`Removal` carrying its input line index. The one
    exception is a dateline opening the first paragraph ("YANGON, Nov 29 (Reuters) - ..."):
    the prefix is a Removal of that line, the rest of the paragraph is kept.
    """
    text, misread_as = repair_encoding(text)
    lines = parse_lines(text)
    if not lines:
        return Cleaned(text="")
    start, end = _body_region(lines)
    reasons = _decide(lines, start, end)
    title = _apply_title(lines, reasons, start)
    title_at = next((i for i, line in enumerate(lines) if line.text == title), None)
    cleaned = _removals_and_text(lines, reasons, title_at, (start, end))
    if title is not None:
        cleaned.meta["title"] = title
    if misread_as is not None:
        cleaned.meta["encoding_repaired"] = misread_as
    return cleaned


def annotate(paragraphs: Sequence[str]) -> Cleaned:
    """Text-level rules only (attribution lines, dateline, repeats) on already-clean text."""
    lines = parse_lines("\n".join(paragraphs))
    reasons = [""] * len(lines)
    title_at = _find_title(lines, 0) if lines and _headline_like(lines[0]) else None
    for i in range(1, len(lines)):
        if title_at is not None and _same_text(lines[i].text, lines[title_at].text):
            reasons[i] = "repeated-title"
    return _removals_and_text(lines, reasons, title_at, (0, len(lines) - 1))


def clean_html(html: str, url: str | None = None) -> Cleaned:
    """Clean a saved web page: the main text and the metadata the page states."""
    from .clean_html import extract_main

    return extract_main(html, url)
