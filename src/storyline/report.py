"""The brief: what an analyst sends a colleague, in Markdown and as a self-contained HTML page.

Every statement cites the documents it comes from as ``[n]``, numbered in the source list at
the end; the brief states nothing the corpus does not say. The HTML page inlines its charts as
SVG and its styles, so it opens offline and on a phone.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from . import places, views
from .model import ActorRef, ClaimGroup
from .store import Store, StoredEvent

# how many timeline entries and actors the brief shows: enough for an overview on one screen
# per section; the CLI and web app list everything
MAX_DEVELOPMENTS = 25
MAX_NETWORK_ACTORS = 14
# undated events the brief lists after the dated developments, most reported first
MAX_UNDATED = 10


@dataclass
class Citations:
    """Numbers documents in the order the brief first cites them."""

    numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, document_ids: Sequence[str]) -> str:
        marks = []
        for doc_id in sorted(set(document_ids)):
            if doc_id not in self.numbers:
                self.numbers[doc_id] = len(self.numbers) + 1
            marks.append(self.numbers[doc_id])
        return "".join(f"[{n}]" for n in sorted(marks))


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)  # Markdown-safe sentences with [n]
    table: tuple[list[str], list[list[str]]] | None = None
    svg: str | None = None
    parts: list[Section] = field(default_factory=list)  # sub-sections, after the rest


@dataclass
class Brief:
    title: str
    sections: list[Section]
    sources: list[dict[str, Any]]


def build(
    store: Store, extra: Sequence[Callable[[Store, Citations], Section | None]] = ()
) -> Brief:
    """Gather the brief's sections from the store; ``extra`` adds sections (claims, sources)."""
    cites = Citations()
    docs = {d.id: d for d in store.iter_documents()}
    sections = [_overview(store, cites)]
    items = views.events(store)
    sections.append(_developments(store, cites))
    dyad = _main_dyad(items)
    if dyad:
        sections.append(_relationship(store, cites, items, *dyad))
    network = _network(items, cites)
    if network:
        sections.append(network)
    groups = views.claim_groups(store)
    sections.append(_claims(groups, cites))
    sections.append(_sources(store, groups, cites))
    for make in extra:
        section = make(store, cites)
        if section:
            sections.append(section)
    sources = []
    for doc_id, number in sorted(cites.numbers.items(), key=lambda kv: kv[1]):
        doc = docs.get(doc_id)
        if doc is None:
            continue
        published = doc.published or "date unknown"
        if doc.published and doc.published_estimated:
            published += " (estimated)"
        sources.append(
            {
                "number": number,
                "id": doc.id,
                "title": doc.title or _opening(doc.text),
                "source": doc.source or "unknown outlet",
                "published": published,
                "url": doc.url,
            }
        )
    return Brief(title=_title(items), sections=sections, sources=sources)


# -- sections ----------------------------------------------------------------------------------


def _overview(store: Store, cites: Citations) -> Section:
    docs = list(store.iter_documents())
    section = Section("Overview")
    if not docs:
        section.paragraphs.append("The knowledge base holds no documents yet.")
        return section
    by_source: dict[str, list[str]] = {}
    for doc in docs:
        by_source.setdefault(doc.source or f"unknown outlet ({doc.id})", []).append(doc.id)
    dated = sorted(d.published for d in docs if d.published)
    period = f"from {dated[0]} to {dated[-1]}" if dated else "with no known dates"
    estimated = sum(1 for d in docs if d.published_estimated)
    section.paragraphs.append(
        f"{len(docs)} documents from {len(by_source)} outlets, published {period}"
        + (f" ({estimated} of the dates estimated from the content)" if estimated else "")
        + "."
    )
    copies = store.count("duplicates")
    if copies:
        section.paragraphs.append(
            f"{copies} documents are near-copies of another and are not counted as "
            "independent sources."
        )
    rows = [[name, str(len(ids)), cites.cite(ids)] for name, ids in sorted(by_source.items())]
    section.table = (["Outlet", "Documents", "Cited as"], rows)
    return section


def _developments(store: Store, cites: Citations) -> Section:
    section = Section("Key developments")
    everything = [e for e in views.timeline(store) if e.actors]  # "someone did" says nothing
    entries = [e for e in everything if e.dated]
    if not entries:
        section.paragraphs.append("No dated events were coded in these documents.")
    ranked = sorted(entries, key=lambda e: (-len(e.documents), e.date or ""))[:MAX_DEVELOPMENTS]
    for entry in sorted(ranked, key=lambda e: e.date or ""):
        section.paragraphs.append(f"**{entry.date}** — {_development(entry, cites)}")
    undated = [e for e in everything if not e.dated]
    if undated:
        part = Section("Undated")
        shown = sorted(undated, key=lambda e: -len(e.documents))[:MAX_UNDATED]
        part.paragraphs.append(
            f"{len(undated)} events are reported without any date (neither the sentence, its "
            f"paragraph nor the document gives one); the {len(shown)} most reported, with when "
            "the documents reporting them were published (“est.”: estimated from the content, "
            "published then or later):"
        )
        for entry in shown:
            when = entry.reported_span or "publication date unknown"
            part.paragraphs.append(
                f"**{views.UNDATED.capitalize()}** (reported {when}) — {_development(entry, cites)}"
            )
        section.parts.append(part)
    return section


def _development(entry: views.TimelineEntry, cites: Citations) -> str:
    """Who did what to whom, where, in the words of the report that tells it best, with
    every report cited."""
    first = entry.lead.event
    whom = f" → {_parties(entry.recipients)}" if entry.recipients else ""
    place = f" in {first.location}" if first.location else ""
    return (
        f"{_parties(entry.actors)} {entry.type}{whom}{place}: “{_short(first.sentence)}” "
        f"{cites.cite(entry.documents)}"
    )


def _main_dyad(items: Sequence[StoredEvent]) -> tuple[str, str] | None:
    """The pair of countries with the most events between them."""
    pairs: Counter[tuple[str, str]] = Counter()
    for item in items:
        countries = {r.country for r in item.event.actors + item.event.recipients if r.country}
        for pair in combinations(sorted(countries), 2):
            pairs[pair] += 1
    return pairs.most_common(1)[0][0] if pairs else None


def _relationship(
    store: Store, cites: Citations, items: Sequence[StoredEvent], a: str, b: str
) -> Section:
    months = views.dyads(store, a, b)
    names = {c.iso3: c.name for c in places.countries()}
    section = Section(f"The relationship between {names.get(a, a)} and {names.get(b, b)}")
    involved = [
        i.document_id
        for i in items
        if views._direction(i.event.actors, i.event.recipients, a, b) is not None
    ]
    if not months:
        section.paragraphs.append(f"No events between {a} and {b} carry a month-precise date.")
        return section
    total = sum(m.a_to_b + m.b_to_a + m.mutual for m in months)
    mean_score = sum(m.mean_score * (m.a_to_b + m.b_to_a + m.mutual) for m in months) / total
    tone = "cooperative" if mean_score > 0 else "conflictual" if mean_score < 0 else "neutral"
    section.paragraphs.append(
        f"{total} dated events between {a} and {b} over {len(months)} months; their mean "
        f"PLOVER cooperation–conflict score is {mean_score:+.1f} ({tone}) {cites.cite(involved)}."
    )
    rows = [
        [m.month, str(m.a_to_b), str(m.b_to_a), str(m.mutual), f"{m.mean_score:+.1f}"]
        for m in months
    ]
    section.table = (["Month", f"{a} → {b}", f"{b} → {a}", "Together", "Mean score"], rows)
    section.svg = _dyad_svg(months, a, b)
    return section


def _network(items: Sequence[StoredEvent], cites: Citations) -> Section | None:
    weights: Counter[tuple[str, str]] = Counter()
    sizes: Counter[str] = Counter()
    docs_by_edge: dict[tuple[str, str], set[str]] = {}
    for item in items:
        # only resolved actors: "MMR (unnamed)" or "RUS CVL" stand-ins are not network nodes
        parties = item.event.actors + item.event.recipients
        names = sorted({_label(r) for r in parties if r.actor_id})
        for name in names:
            sizes[name] += 1
        for pair in combinations(names, 2):
            weights[pair] += 1
            docs_by_edge.setdefault(pair, set()).add(item.document_id)
    if not weights:
        return None
    keep = {name for name, _ in sizes.most_common(MAX_NETWORK_ACTORS)}
    edges = [(a, b, w) for (a, b), w in weights.items() if a in keep and b in keep]
    section = Section("Actor network")
    strongest = sorted(edges, key=lambda e: -e[2])[:5]
    for a, b, w in strongest:
        section.paragraphs.append(
            f"{a} and {b} appear together in {w} events {cites.cite(sorted(docs_by_edge[(a, b)]))}."
        )
    section.svg = _network_svg(sorted(keep), edges, sizes)
    return section


def _claims(groups: Sequence[ClaimGroup], cites: Citations) -> Section:
    section = Section("What the sources agree and disagree on")
    shown = [g for g in groups if g.verdict != "single-source"]
    if not shown:
        section.paragraphs.append(
            "No claim is made by more than one independent source, so none is corroborated "
            "or contested."
        )
    order = {"contested": 0, "changed-over-time": 1, "corroborated": 2}
    for group in sorted(shown, key=lambda g: (order.get(g.verdict, 3), g.subject)):
        docs = [st.document for st in group.statements]
        section.paragraphs.append(
            f"**{group.verdict.capitalize()}** — {group.subject} {group.predicate}: "
            f"{group.explanation} {cites.cite(docs)}"
        )
    single = len(groups) - len(shown)
    if single:
        section.paragraphs.append(
            f"{single} further claims rest on a single source each (see `storyline claims`)."
        )
    return section


def _sources(store: Store, groups: Sequence[ClaimGroup], cites: Citations) -> Section:
    section = Section("How the sources compare")
    profiles = views.source_profiles(store, groups)
    rows = []
    for p in profiles:
        naming = "; ".join(
            f"{actor}: " + ", ".join(f"“{name}” ×{n}" for name, n in names[:3])
            for actor, names in p.naming.items()
        )
        period = " to ".join(sorted({x for x in (p.first_published, p.last_published) if x}))
        rows.append(
            [
                f"{p.source} {cites.cite(p.documents)}",
                p.kind,
                period or "unknown",
                str(p.events),
                str(p.claims),
                str(p.exclusive_claims),
                naming,
            ]
        )
    section.table = (
        ["Outlet", "Kind", "Period", "Events", "Claims", "Only here", "How it names key actors"],
        rows,
    )
    return section


# -- rendering ---------------------------------------------------------------------------------


def to_markdown(brief: Brief) -> str:
    lines = [f"# {brief.title}", ""]
    for section in brief.sections:
        lines += _markdown_section(section, "##")
    lines += ["## Sources", ""]
    for src in brief.sources:
        link = f" <{src['url']}>" if src["url"] else ""
        lines.append(
            f"{src['number']}. {src['title']} — {src['source']}, {src['published']} "
            f"(`{src['id']}`){link}"
        )
    return "\n".join(lines).rstrip() + "\n"


def _markdown_section(section: Section, level: str) -> list[str]:
    lines = [f"{level} {section.title}", ""]
    for paragraph in section.paragraphs:
        lines += [paragraph, ""]
    if section.table:
        header, rows = section.table
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(cell.replace("|", "/") for cell in r) + " |" for r in rows]
        lines.append("")
    for part in section.parts:
        lines += _markdown_section(part, level + "#")
    return lines


def to_html(brief: Brief) -> str:
    body = [f"<h1>{_e(brief.title)}</h1>"]
    for section in brief.sections:
        body += _html_section(section, 2)
    body.append("<section><h2>Sources</h2><ol>")
    for src in brief.sources:
        title = _e(src["title"])
        if src["url"]:
            title = f'<a href="{_e(src["url"])}">{title}</a>'
        body.append(
            f'<li id="src-{src["number"]}" value="{src["number"]}">{title} — '
            f"{_e(src['source'])}, {_e(src['published'])} <code>{_e(src['id'])}</code></li>"
        )
    body.append("</ol></section>")
    return _PAGE.format(title=_e(brief.title), body="\n".join(body))


def _html_section(section: Section, level: int) -> list[str]:
    body = [f"<section><h{level}>{_e(section.title)}</h{level}>"]
    body += [f"<p>{_inline(p)}</p>" for p in section.paragraphs]
    if section.svg:
        body.append(f'<figure class="chart">{section.svg}</figure>')
    if section.table:
        header, rows = section.table
        body.append('<div class="scroll"><table><thead><tr>')
        body += [f"<th>{_e(h)}</th>" for h in header]
        body.append("</tr></thead><tbody>")
        for row in rows:
            body.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>")
        body.append("</tbody></table></div>")
    for part in section.parts:
        body += _html_section(part, level + 1)
    body.append("</section>")
    return body


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 0 auto; padding: 1rem;
       color: #1d232b; }}
h1 {{ font-size: 1.6rem; }} h2 {{ border-bottom: 1px solid #d5dae0; padding-bottom: .2rem; }}
sup, .cite {{ font-size: .8em; }} a {{ color: #1f5fa8; }}
table {{ border-collapse: collapse; margin: .5rem 0; }}
th, td {{ border: 1px solid #d5dae0; padding: .25rem .5rem; text-align: left; }}
.scroll {{ overflow-x: auto; }} figure.chart {{ margin: .5rem 0; }}
svg {{ max-width: 100%; height: auto; }} code {{ font-size: .85em; }}
</style></head>
<body>
{body}
<footer><p>Written by storyline from the documents listed above; every sentence cites them.</p>
</footer>
</body></html>
"""


def _dyad_svg(months: Sequence[views.DyadMonth], a: str, b: str) -> str:
    width, height, pad = 640, 240, 36
    peak = max(max(m.a_to_b, m.b_to_a, m.mutual) for m in months) or 1
    step = (width - 2 * pad) / len(months)
    bar = step / 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Events between {_e(a)} and {_e(b)} by month">',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#888"/>',
    ]
    colours = ("#1f5fa8", "#d9822b", "#5a9e4b")
    for i, m in enumerate(months):
        x = pad + i * step
        for j, value in enumerate((m.a_to_b, m.b_to_a, m.mutual)):
            h = (height - 2 * pad) * value / peak
            parts.append(
                f'<rect x="{x + j * bar:.1f}" y="{height - pad - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colours[j]}"><title>{value}</title></rect>'
            )
        parts.append(
            f'<text x="{x:.1f}" y="{height - pad + 14}" font-size="10">{_e(m.month)}</text>'
        )
        # the mean score (-10..10) as a dot on its own scale at the right-hand axis
        y = pad + (height - 2 * pad) * (10 - m.mean_score) / 20
        parts.append(
            f'<circle cx="{x + 1.5 * bar:.1f}" cy="{y:.1f}" r="3" fill="#222">'
            f"<title>mean score {m.mean_score:+.1f}</title></circle>"
        )
    legend = [f"{a} → {b}", f"{b} → {a}", "together"]
    for j, label in enumerate(legend):
        parts.append(
            f'<rect x="{pad + j * 150}" y="6" width="10" height="10" fill="{colours[j]}"/>'
            f'<text x="{pad + j * 150 + 14}" y="15" font-size="11">{_e(label)}</text>'
        )
    parts.append(f'<text x="{pad + 450}" y="15" font-size="11">● mean score (−10…+10)</text></svg>')
    return "".join(parts)


def _network_svg(
    names: Sequence[str], edges: Sequence[tuple[str, str, int]], sizes: Counter[str]
) -> str:
    size, radius = 520, 190
    # room either side for the labels of the left- and right-most actors
    margin = 150
    centre = size / 2
    pos = {
        name: (
            centre + radius * math.cos(2 * math.pi * i / len(names)),
            centre + radius * math.sin(2 * math.pi * i / len(names)),
        )
        for i, name in enumerate(names)
    }
    heaviest = max(w for _, _, w in edges)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-margin} 0 {size + 2 * margin} '
        f'{size}" role="img" aria-label="Actor network">'
    ]
    for a, b, w in edges:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#8aa4c4" '
            f'stroke-width="{1 + 4 * w / heaviest:.1f}">'
            f"<title>{_e(a)} – {_e(b)}: {w}</title></line>"
        )
    biggest = max(sizes[n] for n in names)
    for name in names:
        x, y = pos[name]
        r = 5 + 10 * sizes[name] / biggest
        anchor = "start" if x >= centre else "end"
        dx = r + 3 if x >= centre else -r - 3
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#1f5fa8"/>'
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" font-size="11" text-anchor="{anchor}">'
            f"{_e(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _title(items: Sequence[StoredEvent]) -> str:
    countries: Counter[str] = Counter()
    for item in items:
        for ref in item.event.actors + item.event.recipients:
            if ref.country:
                countries[ref.country] += 1
    names = {c.iso3: c.name for c in places.countries()}
    top = [names.get(c, c) for c, _ in countries.most_common(2)]
    return "Brief: " + " and ".join(top) if top else "Brief"


def _opening(text: str, words: int = 10) -> str:
    """A label for an untitled document: its first words, quoted."""
    first = text.split()[:words]
    return "“" + " ".join(first) + ("…”" if len(text.split()) > words else "”")


def _parties(refs: Sequence[ActorRef]) -> str:
    return " and ".join(_label(r) for r in refs) or "unknown actor"


def _label(ref: ActorRef) -> str:
    return (
        f"{ref.name} ({ref.country})" if ref.country and ref.country not in ref.name else ref.name
    )


def _short(sentence: str, limit: int = 220) -> str:
    text = " ".join(sentence.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _inline(text: str) -> str:
    """Markdown-ish inline text to HTML: escape, then **bold** and [n] citation links."""
    out = _e(text)
    while "**" in out:
        out = out.replace("**", "<strong>", 1).replace("**", "</strong>", 1)
    for n in range(1, 1000):
        mark = f"[{n}]"
        if mark not in out:
            if n > 1 and f"[{n - 1}]" not in text and mark not in text:
                break
            continue
        out = out.replace(mark, f'<a class="cite" href="#src-{n}">[{n}]</a>')
    return out
