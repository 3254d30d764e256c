"""Score storyline on whole real stories against their gold facts.

Each story of ``../shared/data/stories`` (relative to the repository root; skipped when
absent) is ingested from its ``articles/`` folder into a fresh knowledge base through the
public API (``pipeline.ingest``), read back as storyline shows it (``snapshot``: documents,
copy links, actors and mentions, events, timeline entries, claim groups), and compared with
``gold.json`` (format in that folder's README). An article is matched to the document read
from the file of the same name.

Metrics (each a share of the gold items, 0 to 1, unless it says otherwise):

metadata
    ``outlet``: the document's source equals the gold outlet up to case, punctuation, a
    leading "the" and a parenthesised note ("Pledge Times (aggregator)" = "pledge times").
    ``published``: the publication date, cut to the gold precision, equals the gold date
    (a date less precise than gold is wrong); articles whose gold date is null are left out.
copies
    ``copies_linked``: gold ``copy_of`` pairs that storyline links as copies (either way,
    or both copies of one document). ``false_links`` (a count): links between two articles
    that gold does not call copies.
cleaning
    ``body_kept``: gold body lines found in the cleaned text (whitespace and quote marks
    normalised). ``chrome_removed``: gold chrome lines not left in the cleaned text (a short
    chrome line counts as left only when a cleaned line equals it; one of five words or more
    also when a cleaned line contains it).
actors
    The mentions that stand for a gold form are those whose text equals it (case, quote
    marks, a leading "the" and a trailing "'s" aside) or, for a form of two words or more,
    ends with it ("Belarusian leader Alexander Lukashenko" stands for "Alexander Lukashenko").
    ``actors_right``: the gold actor's forms that storyline mentions all resolve to one actor,
    with the gold country and (when gold gives one) sector; an actor none of whose forms is
    mentioned is wrong. ``forms_mentioned``: of the gold forms that occur in a cleaned text of
    the story, those some mention stands for. ``distinct_kept``: ``distinct`` pairs whose actors are both found and
    are different actors. ``junk`` (lower is better): ``not_actors`` strings that are the
    name, an alias or a mention of some actor.
events
    An event of one of the gold event's articles *matches* it when its type is the gold type
    or an ``also_ok`` one; the gold actor codes are among its actor codes and the gold
    recipient codes among its recipient codes (a code is the ISO country, else the sector
    IGO/NGO of a body without one; an event storyline codes as reciprocal, several actors and
    no recipient, covers gold actor and recipient codes alike; a gold event with several
    actors and no recipient is covered by the event's parties); its date, cut to the gold
    precision, equals the gold date when gold has one; its status is planned (storyline:
    "promised") when gold says planned, and not negated or hypothetical when gold says
    happened. ``events_found``: gold events with a match. ``events_typed``: with a match on
    type and parties alone (date and status aside: what the date and status rules cost).
    ``entries_per_event`` (lower is better, 1 the best): over found events, the timeline
    entries their matching events are spread over. ``entries_joining`` (a count): timeline
    entries holding a match of one gold event and a match of another (each matching one only).
claims
    A storyline statement *matches* a gold statement when it comes from the same article, its
    sentence holds at least 60 % of the words of the gold evidence, and its value agrees:
    the gold value's first number (digits or words) is among the statement's numbers when the
    gold value has one; a yes/no gold value takes any value; otherwise they share a content
    word (compared on their first five letters). A gold claim is *found* when one claim group
    matches at least half of its statements, from at least two articles when gold quotes two
    or more. ``claims_found``: gold claims found. ``claims_right``: found with the gold
    verdict. ``said_by_right``: over gold statements matched by any group, the statement's
    ``said_by`` names the gold one (same name, one name inside the other, or two forms of one
    gold actor); a null gold ``said_by`` (the outlet speaks) wants none or the outlet.

The split (``evaluation/split.py``) sets some stories aside; totals are printed for the tuned
part, the set-aside part and all, as sums of per-story counts (micro averages).

    python evaluation/eval_stories.py [--stories a,b] [--json] [--errors]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT.parent / "shared" / "data" / "stories"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "evaluation"))

from split import SET_ASIDE, TUNED, story_part  # noqa: E402

# -- storyline's output, as the scorer reads it --------------------------------------------

_ORG_CODES = frozenset({"IGO", "NGO"})
_UNHAPPENED = frozenset({"negated", "hypothetical"})
_PLANNED = frozenset({"promised", "planned"})
# share of the gold evidence's words a statement's sentence must hold to be the same statement
# (evidence is quoted from the article, sometimes trimmed or lightly reworded by the labeller)
EVIDENCE_SHARE = 0.6


def snapshot(store: Any) -> dict[str, Any]:
    """What storyline shows of a knowledge base, in the plain shapes the scorer reads:
    the documents (by file name), copy links, actors, mentions, events, timeline entries
    (their events' ids) and claim groups (``claims --format json`` with ``said_by`` when the
    claims stage gives one)."""
    from storyline import views

    docs = list(store.iter_documents())
    file_of = {d.id: Path(d.origin.split("#")[0]).name for d in docs}
    documents = [
        {
            "file": file_of[d.id],
            "source": d.source,
            "url": d.url,
            "published": d.published,
            "published_estimated": d.published_estimated,
            "published_from": d.published_from,
            "wire": d.wire,
            "text": d.text,
            "moved": [r.text for r in d.removed if r.reason == "metadata"],
        }
        for d in docs
    ]
    copies = []
    for d in docs:
        link = store.duplicate_of(d.id)
        if link is not None:
            copies.append([file_of[d.id], file_of.get(link[0], link[0])])
    mentions = [
        {"file": file_of[d.id], "text": d.text[m["start"] : m["end"]], "actor": m["actor_id"]}
        for d in docs
        for m in store.document_mentions(d.id)
    ]
    actors = [
        {k: a[k] for k in ("id", "name", "kind", "country", "sector", "aliases")}
        for a in store.actors()
    ]
    events = []
    for item in views.events(store, views.EventFilter(include_unhappened=True)):
        ev = item.event
        events.append(
            {
                "id": item.id,
                "file": file_of.get(item.document_id, item.document_id),
                "type": ev.type,
                "status": ev.status,
                "actors": [_code(a.country, a.sector) for a in ev.actors],
                "recipients": [_code(r.country, r.sector) for r in ev.recipients],
                "date": ev.date,
                "sentence": ev.sentence,
                "describe": f"{ev.type}/{ev.status} {_names(ev.actors)} -> "
                f"{_names(ev.recipients)} {ev.date}",
            }
        )
    timeline = [[r.id for r in entry.reports] for entry in views.timeline(store)]
    claims = []
    for group in views.claim_groups(store):
        shown = group.to_json()
        for st, raw in zip(shown["statements"], group.statements, strict=True):
            st["file"] = file_of.get(st["document"], st["document"])
            st["said_by"] = getattr(raw, "said_by", None)
        claims.append(shown)
    return {
        "documents": documents,
        "copies": copies,
        "actors": actors,
        "mentions": mentions,
        "events": events,
        "timeline": timeline,
        "claims": claims,
    }


def _code(country: str | None, sector: str | None) -> str | None:
    if country:
        return country
    return sector if sector in _ORG_CODES else None


def _names(refs: Iterable[Any]) -> str:
    return ",".join(f"{r.name}[{_code(r.country, r.sector)}]" for r in refs) or "-"


def ingest_story(articles: Path) -> dict[str, Any]:
    """Ingest one story's articles into a fresh knowledge base and take its snapshot."""
    from storyline import pipeline
    from storyline.settings import Settings
    from storyline.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.load(db=str(Path(tmp) / "story.db"), workers=1)
        with Store(settings.db) as store:
            pipeline.ingest([str(articles)], store, settings)
            return snapshot(store)


# -- normalising strings -------------------------------------------------------------------

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "that",
        "this",
        "it",
        "its",
        "as",
        "from",
        "their",
        "his",
        "her",
        "they",
        "he",
        "she",
        "not",
        "no",
    ]
)
_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.split())


def outlet_key(name: str | None) -> str:
    """An outlet name compared up to case, punctuation, a leading "the" and a note."""
    if not name:
        return ""
    text = re.sub(r"\([^)]*\)", " ", _plain(name)).casefold().strip()
    text = re.sub(r"^the\s+", "", text)
    return "".join(_WORD.findall(text))


def form_key(text: str) -> str:
    text = _plain(text).casefold()
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"'s$", "", text)
    return " ".join(_WORD.findall(text))


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(_plain(text))]


def _numbers(text: str) -> list[float]:
    found = [float(n.replace(",", "")) for n in _NUMBER.findall(text)]
    found += [float(_NUMBER_WORDS[w]) for w in _words(text) if w in _NUMBER_WORDS]
    return found


def at_precision(value: str | None, gold: str) -> bool:
    """``value`` says the gold date at the gold precision (or finer)."""
    return bool(value) and len(value or "") >= len(gold) and (value or "")[: len(gold)] == gold


# -- the score of one story ------------------------------------------------------------------


@dataclass
class Tally:
    """A metric as right / total, with what went wrong (for ``--errors``)."""

    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss: str = "") -> None:
        self.total += 1
        self.right += ok
        if not ok and miss:
            self.misses.append(miss)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0

    def json(self) -> dict[str, Any]:
        return {"right": self.right, "total": self.total, "share": round(self.share, 3)}


RATES = (
    "outlet",
    "published",
    "copies_linked",
    "body_kept",
    "chrome_removed",
    "actors_right",
    "forms_mentioned",
    "distinct_kept",
    "junk",
    "events_typed",
    "events_found",
    "claims_found",
    "claims_right",
    "said_by_right",
)
COUNTS = ("false_links", "entries_joining")
# lower is better for these (shown so in the table)
LOWER_BETTER = frozenset({"junk", "false_links", "entries_joining"})


@dataclass
class StoryScore:
    story: str
    part: str
    rates: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in RATES})
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    spreads: list[int] = field(default_factory=list)  # timeline entries per found event

    @property
    def entries_per_event(self) -> float:
        return sum(self.spreads) / len(self.spreads) if self.spreads else 0.0

    def json(self, errors: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {k: t.json() for k, t in self.rates.items()}
        out.update(self.counts)
        out["entries_per_event"] = round(self.entries_per_event, 3)
        if errors:
            out["misses"] = {k: t.misses for k, t in self.rates.items() if t.misses}
        return out


def score_story(name: str, gold: dict[str, Any], out: dict[str, Any]) -> StoryScore:
    result = StoryScore(name, story_part(name))
    docs = {d["file"]: d for d in out["documents"]}
    _score_metadata(gold, docs, result)
    _score_copies(gold, out["copies"], result)
    _score_cleaning(gold, docs, result)
    _score_actors(gold, out, docs, result)
    _score_events(gold, out, result)
    _score_claims(gold, out, result)
    return result


def _score_metadata(gold: dict[str, Any], docs: dict[str, Any], result: StoryScore) -> None:
    for name, art in sorted(gold["articles"].items()):
        doc = docs.get(name)
        source = doc["source"] if doc else None
        result.rates["outlet"].add(
            bool(doc) and outlet_key(source) == outlet_key(art["outlet"]),
            f"{name}: outlet {source!r}, gold {art['outlet']!r}",
        )
        if art.get("published"):
            published = doc["published"] if doc else None
            result.rates["published"].add(
                at_precision(published, art["published"]),
                f"{name}: published {published!r}"
                f"{' (estimated)' if doc and doc['published_estimated'] else ''}, "
                f"gold {art['published']!r}",
            )


def _score_copies(gold: dict[str, Any], copies: list[list[str]], result: StoryScore) -> None:
    original = {a: art["copy_of"] for a, art in gold["articles"].items() if art.get("copy_of")}

    def root(name: str, links: dict[str, str]) -> str:
        seen = set()
        while name in links and name not in seen:
            seen.add(name)
            name = links[name]
        return name

    linked = {a: b for a, b in copies}
    for copy, of in sorted(original.items()):
        result.rates["copies_linked"].add(
            root(copy, linked) == root(of, linked), f"{copy} is a copy of {of}: not linked"
        )
    for copy, of in copies:
        if root(copy, original) != root(of, original):
            result.counts["false_links"] += 1
            result.rates["copies_linked"].misses.append(f"false link: {copy} -> {of}")


def _score_cleaning(gold: dict[str, Any], docs: dict[str, Any], result: StoryScore) -> None:
    for name, lines in sorted(gold.get("body", {}).items()):
        text = _plain(docs[name]["text"]) if name in docs else ""
        moved = [_plain(m) for m in docs[name].get("moved", [])] if name in docs else []
        for line in lines:
            wanted = _plain(line)
            # a dateline heading the line is moved into metadata, the rest kept
            rests = [wanted[len(m) :].strip() for m in moved if m and wanted.startswith(m)]
            result.rates["body_kept"].add(
                bool(text) and any(r and r in text for r in [wanted, *rests]),
                f"{name}: body line lost: {line[:100]}",
            )
    for name, lines in sorted(gold.get("chrome", {}).items()):
        kept = [_plain(x) for x in docs[name]["text"].splitlines()] if name in docs else None
        for line in lines:
            wanted = _plain(line)
            left = kept is None or any(
                k == wanted or (len(wanted.split()) >= 5 and wanted in k) for k in kept
            )
            result.rates["chrome_removed"].add(not left, f"{name}: chrome left: {line[:100]}")


def _mentions_of(form: str, mentions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    key = form_key(form)
    if not key:
        return []
    long_form = len(key.split()) >= 2
    return [
        m
        for m in mentions
        if (mk := form_key(m["text"])) == key or (long_form and mk.endswith(" " + key))
    ]


def _score_actors(
    gold: dict[str, Any], out: dict[str, Any], docs: dict[str, Any], result: StoryScore
) -> None:
    mentions = out["mentions"]
    by_id = {a["id"]: a for a in out["actors"]}
    texts = [d["text"] for d in docs.values()]
    main: dict[str, str | None] = {}
    for actor in gold["actors"]:
        ids: Counter[str] = Counter()
        for form in actor["forms"]:
            found = _mentions_of(form, mentions)
            ids.update(m["actor"] for m in found)
            pattern = re.compile(rf"(?<!\w){re.escape(_plain(form))}(?!\w)")
            if not found and any(pattern.search(_plain(t)) for t in texts):
                result.rates["forms_mentioned"].add(False, f"{actor['name']}: {form!r}")
            elif found:
                result.rates["forms_mentioned"].add(True)
        main[actor["name"]] = ids.most_common(1)[0][0] if ids else None
        ok = len(ids) == 1
        if ok:
            got = by_id.get(next(iter(ids)), {})
            ok = got.get("country") == actor.get("country") and (
                not actor.get("sector") or got.get("sector") == actor["sector"]
            )
        shown = ", ".join(
            f"{by_id.get(i, {}).get('name', i)} [{by_id.get(i, {}).get('country')}/"
            f"{by_id.get(i, {}).get('sector')}] x{n}"
            for i, n in ids.most_common()
        )
        result.rates["actors_right"].add(
            ok,
            f"{actor['name']} ({actor.get('country')}/{actor.get('sector')}): "
            f"{shown or 'not found'}",
        )
    for a, b in gold.get("distinct", []):
        ids_ab = main.get(a), main.get(b)
        result.rates["distinct_kept"].add(
            None not in ids_ab and ids_ab[0] != ids_ab[1], f"{a} / {b}: {ids_ab}"
        )
    names = {form_key(a["name"]) for a in out["actors"]}
    names |= {form_key(x) for a in out["actors"] for x in a["aliases"]}
    names |= {form_key(m["text"]) for m in mentions}
    for junk in gold.get("not_actors", []):
        became = form_key(junk) in names
        result.rates["junk"].add(became)
        if became:
            result.rates["junk"].misses.append(junk)


def _event_matches(ev: dict[str, Any], gold: dict[str, Any], *, typed_only: bool) -> bool:
    if ev["type"] != gold["type"] and ev["type"] not in gold.get("also_ok", []):
        return False
    actors, recipients = set(ev["actors"]), set(ev["recipients"])
    g_actors, g_recipients = set(gold["actor"]), set(gold["recipient"])
    parties = actors | recipients
    if not recipients and len(actors) > 1:  # storyline coded it reciprocal
        covered = g_actors | g_recipients <= actors
    elif not g_recipients and len(g_actors) > 1:  # gold coded it reciprocal
        covered = g_actors <= parties
    else:
        covered = g_actors <= actors and g_recipients <= recipients
    if not covered:
        return False
    if typed_only:
        return True
    if gold.get("date") and not at_precision(ev["date"], gold["date"]):
        return False
    if gold.get("status") == "planned":
        return ev["status"] in _PLANNED
    return ev["status"] not in _UNHAPPENED


def _score_events(gold: dict[str, Any], out: dict[str, Any], result: StoryScore) -> None:
    entry_of = {eid: n for n, entry in enumerate(out["timeline"]) for eid in entry}
    matched_by: dict[int, set[str]] = {}
    for g in gold["events"]:
        own = [e for e in out["events"] if e["file"] in set(g["articles"])]
        typed = [e for e in own if _event_matches(e, g, typed_only=True)]
        found = [e for e in typed if _event_matches(e, g, typed_only=False)]
        label = (
            f"{g['id']} {g['type']} {g['actor']} -> {g['recipient']} {g.get('date')} "
            f"[{g.get('status')}]: {g.get('evidence', '')[:90]}"
        )
        result.rates["events_typed"].add(bool(typed), label)
        near = [e["describe"] for e in own if e["type"] == g["type"]][:3]
        result.rates["events_found"].add(
            bool(found),
            label
            + ("\n      typed: " + typed[0]["describe"] if typed else "")
            + "".join(f"\n      same type: {d}" for d in near if not typed),
        )
        if found:
            entries = {entry_of[e["id"]] for e in found if e["id"] in entry_of}
            result.spreads.append(len(entries))
        for e in found:
            matched_by.setdefault(e["id"], set()).add(g["id"])
    sole = {eid: next(iter(gs)) for eid, gs in matched_by.items() if len(gs) == 1}
    for entry in out["timeline"]:
        if len({sole[e] for e in entry if e in sole}) > 1:
            result.counts["entries_joining"] += 1


def _value_agrees(gold_value: str, value: str) -> bool:
    wanted = _numbers(gold_value)
    if wanted:
        return any(math.isclose(wanted[0], n, rel_tol=0.005) for n in _numbers(value))
    if form_key(gold_value) in {"yes", "no"}:
        return True
    gold_words = {w[:5] for w in _words(gold_value) if w not in _STOP}
    return bool(gold_words & {w[:5] for w in _words(value) if w not in _STOP})


def _statement_matches(st: dict[str, Any], gs: dict[str, Any]) -> bool:
    if st.get("file") != gs["article"]:
        return False
    evidence = [w for w in _words(gs.get("evidence") or "") if w not in _STOP]
    sentence = set(_words(st.get("sentence") or ""))
    if evidence and sum(w in sentence for w in evidence) < EVIDENCE_SHARE * len(evidence):
        return False
    return _value_agrees(str(gs["value"]), str(st.get("value") or ""))


def _said_by_right(said: str | None, gs: dict[str, Any], gold: dict[str, Any], outlet: str) -> bool:
    wanted = gs.get("said_by")
    if not wanted:
        return not said or outlet_key(said) == outlet_key(outlet)
    if not said:
        return False
    a, b = form_key(said), form_key(wanted)
    if a == b or (a and b and (a in b or b in a)):
        return True
    for actor in gold["actors"]:
        forms = {form_key(f) for f in [actor["name"], *actor["forms"]]}
        if a in forms and b in forms:
            return True
    return False


def _score_claims(gold: dict[str, Any], out: dict[str, Any], result: StoryScore) -> None:
    outlets = {name: art["outlet"] for name, art in gold["articles"].items()}
    for claim in gold["claims"]:
        statements = claim["statements"]
        articles = {s["article"] for s in statements}
        need = max(1, math.ceil(len(statements) / 2))
        need_articles = min(2, len(articles))
        best: tuple[int, bool, dict[str, Any] | None] = (0, False, None)
        said: dict[int, tuple[str | None, str]] = {}
        for group in out["claims"]:
            hits: dict[int, dict[str, Any]] = {}
            for n, gs in enumerate(statements):
                for st in group["statements"]:
                    if _statement_matches(st, gs):
                        hits.setdefault(n, st)
                        said.setdefault(n, (st.get("said_by"), outlets.get(gs["article"], "")))
            enough = len(hits) >= need and (
                len({statements[n]["article"] for n in hits}) >= need_articles
            )
            if enough:
                key = (len(hits), group["verdict"] == claim["verdict"], group)
                if key[:2] > best[:2]:
                    best = key
        group = best[2]
        label = f"{claim['id']} {claim['about'][:70]} [{claim['verdict']}]"
        result.rates["claims_found"].add(group is not None, label + ": no group")
        right = group is not None and group["verdict"] == claim["verdict"]
        result.rates["claims_right"].add(
            right,
            label
            + (
                f": group '{group['subject']} · {group['predicate']}' is {group['verdict']}"
                if group is not None
                else ": no group"
            ),
        )
        for n, (by, outlet) in sorted(said.items()):
            gs = statements[n]
            result.rates["said_by_right"].add(
                _said_by_right(by, gs, gold, outlet),
                f"{claim['id']} {gs['article']}: said_by {by!r}, gold {gs.get('said_by')!r}",
            )


# -- totals and printing --------------------------------------------------------------------


def totals(scores: Sequence[StoryScore], name: str) -> StoryScore:
    total = StoryScore(name, name)
    for s in scores:
        for k, t in s.rates.items():
            total.rates[k].right += t.right
            total.rates[k].total += t.total
        for k, n in s.counts.items():
            total.counts[k] += n
        total.spreads += s.spreads
    return total


def _cell(score: StoryScore, key: str) -> str:
    if key in score.counts:
        return str(score.counts[key])
    if key == "entries_per_event":
        return f"{score.entries_per_event:.2f}" if score.spreads else "-"
    tally = score.rates[key]
    if not tally.total:
        return "-"
    return f"{tally.right}/{tally.total}"


COLUMNS = (*RATES, "entries_per_event", *COUNTS)


def print_table(rows: Sequence[StoryScore]) -> None:
    width = 13  # a story's name is cut before its year ("iran-israel-2024": "iran-israel")
    heads = [re.sub(r"-\d{4}$", "", r.story)[: width - 1] for r in rows]
    print("metric".ljust(28) + "".join(h.rjust(width) for h in heads))
    for key in COLUMNS:
        label = key + (" (low best)" if key in LOWER_BETTER else "")
        print(label.ljust(28) + "".join(_cell(r, key).rjust(width) for r in rows))
    print("shares:".ljust(28) + "".join("".rjust(width) for _ in rows))
    for key in RATES:
        print(
            f"  {key}".ljust(28)
            + "".join(
                (f"{r.rates[key].share:.2f}" if r.rates[key].total else "-").rjust(width)
                for r in rows
            )
        )


def load_gold(story: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((story / "gold.json").read_text("utf-8"))
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", help="comma-separated story names (default: all)")
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    parser.add_argument(
        "--errors",
        action="store_true",
        help="list each miss per story (set-aside stories only when named in --stories)",
    )
    parser.add_argument("--root", type=Path, default=STORIES, help="the stories folder")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(f"skipped: {args.root} not found")
        return 0
    names = sorted(p.name for p in args.root.iterdir() if (p / "gold.json").is_file())
    if args.stories:
        wanted = [s.strip() for s in args.stories.split(",") if s.strip()]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            print(f"unknown stories: {', '.join(unknown)}", file=sys.stderr)
            return 2
        names = [n for n in names if n in wanted]
    scores = [
        score_story(n, load_gold(args.root / n), ingest_story(args.root / n / "articles"))
        for n in names
    ]
    parts = [totals([s for s in scores if s.part == p], p) for p in (TUNED, SET_ASIDE)]
    rows = [*scores, *(p for p in parts if p.spreads or any(t.total for t in p.rates.values()))]
    rows.append(totals(scores, "all"))
    if args.json:
        print(json.dumps({r.story: r.json(args.errors) for r in rows}, sort_keys=True))
        return 0
    print(f"stories: {', '.join(f'{s.story} ({s.part})' for s in scores)}")
    print_table(rows)
    if args.errors:
        for s in scores:
            if s.part == SET_ASIDE and not args.stories:
                print(f"\n== {s.story} ({s.part}): errors not shown (name it in --stories)")
                continue
            print(f"\n== {s.story} ({s.part})")
            for key, tally in s.rates.items():
                for miss in tally.misses:
                    print(f"  [{key}] {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
