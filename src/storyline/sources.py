"""Sources: what kind of page each document is, and a profile of each outlet.

:func:`document_kind` reads content signals only (lines the clean stage removed, attribution,
first-person writing), never a list of outlet names. :func:`profile_sources` summarises each
outlet: its documents, kind, period, how many events and claims it reports, the claims only
it makes, and the names it uses for the story's key actors ("junta chief" vs "Prime
Minister").
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from .claim_groups import ClaimSource, independent_outlets
from .model import ClaimGroup, Document

NEWS, FORUM, AGGREGATOR, BLOG = "news article", "forum post", "aggregator", "blog"
# how many first-person cues outside quotes make a page a blog post: one "I think" can be a
# quoted interviewee the quote marks missed; two are the author's own voice
_BLOG_CUES = 2
# the key actors a profile describes: the story's most mentioned ones
KEY_ACTORS = 5
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


@dataclass(frozen=True)
class KindCues:
    forum_reasons: frozenset[str]
    aggregator_cues: tuple[str, ...]
    blog_cues: tuple[str, ...]
    comment_cues: tuple[str, ...]


@functools.cache
def kind_cues() -> KindCues:
    text = resources.files("storyline.data").joinpath("claims.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)["document_kinds"]
    return KindCues(
        frozenset(data["forum_reasons"]),
        tuple(data["aggregator_cues"]),
        tuple(data["blog_cues"]),
        tuple(data["comment_cues"]),
    )


def _first_person(text: str, cues: Sequence[str]) -> int:
    own = _QUOTED.sub(" ", text.lower().replace("’", "'"))
    return sum(len(re.findall(rf"(?<!\w){re.escape(cue)}(?!\w)", own)) for cue in cues)


def document_kind(doc: Document) -> str:
    """ "news article" | "forum post" | "aggregator" | "blog", from the page's own signals."""
    cues = kind_cues()
    if any(r.reason in cues.forum_reasons for r in doc.removed):
        return FORUM
    attributions = [r.text.lower() for r in doc.removed if r.reason == "attribution"]
    if any(line.lstrip().startswith(cues.aggregator_cues) for line in attributions):
        return AGGREGATOR
    comments = any(r.text.strip().lower().startswith(cues.comment_cues) for r in doc.removed)
    if comments or _first_person(doc.text, cues.blog_cues) >= _BLOG_CUES:
        return BLOG
    return NEWS


@dataclass(frozen=True)
class SourceProfile:
    """One outlet as the corpus shows it."""

    source: str
    kind: str
    documents: tuple[str, ...]
    first_published: str | None
    last_published: str | None
    events: int
    claims: int
    exclusive_claims: int
    # key actor name -> (name as written, count), most used first
    naming: dict[str, tuple[tuple[str, int], ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "documents": list(self.documents),
            "period": [self.first_published, self.last_published],
            "events": self.events,
            "claims": self.claims,
            "exclusive_claims": self.exclusive_claims,
            "naming": {
                actor: [{"name": name, "count": count} for name, count in names]
                for actor, names in self.naming.items()
            },
        }


def _outlets(documents: Sequence[Document], duplicate_of: Mapping[str, str]) -> dict[str, str]:
    return independent_outlets(
        [ClaimSource(d.id, d.source, d.published, duplicate_of.get(d.id)) for d in documents]
    )


def key_actors(documents: Sequence[Document], limit: int = KEY_ACTORS) -> dict[str, str]:
    """Actor id -> name of the most mentioned actors of the corpus."""
    counts: Counter[str] = Counter(m.actor_id for d in documents for m in d.mentions)
    names = {a.id: a.name for d in documents for a in d.actors}
    ranked = sorted(counts, key=lambda i: (-counts[i], i))
    return {i: names.get(i, i) for i in ranked[:limit]}


def _naming(
    docs: Sequence[Document], keys: Mapping[str, str]
) -> dict[str, tuple[tuple[str, int], ...]]:
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        for mention in doc.mentions:
            if mention.actor_id in keys:
                written[keys[mention.actor_id]][" ".join(mention.text.split())] += 1
    return {
        actor: tuple(sorted(names.items(), key=lambda kv: (-kv[1], kv[0])))
        for actor, names in written.items()
    }


def _exclusive(groups: Sequence[ClaimGroup]) -> Counter[str]:
    only: Counter[str] = Counter()
    for group in groups:
        outlets = {s.independent_source or s.source for s in group.statements}
        if len(outlets) == 1:
            only[outlets.pop()] += 1
    return only


def profile_sources(
    documents: Sequence[Document],
    groups: Sequence[ClaimGroup] = (),
    duplicate_of: Mapping[str, str] | None = None,
    limit: int = KEY_ACTORS,
) -> list[SourceProfile]:
    """One profile per outlet, most documents first.

    ``documents`` carry their mentions, actors, events and claims; ``groups`` are the claim
    groups of the corpus (for the claims only one outlet makes); ``duplicate_of`` maps a copy's
    id to its original's (copies count for the original's outlet).
    """
    outlet_of = _outlets(documents, duplicate_of or {})
    by_outlet: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        by_outlet[outlet_of[doc.id]].append(doc)
    keys = key_actors(documents, limit)
    only = _exclusive(groups)
    profiles = [_profile(outlet, docs, keys, only[outlet]) for outlet, docs in by_outlet.items()]
    return sorted(profiles, key=lambda p: (-len(p.documents), p.source))


def _profile(
    outlet: str, docs: Sequence[Document], keys: Mapping[str, str], exclusive: int
) -> SourceProfile:
    kinds = Counter(document_kind(d) for d in docs)
    dates = sorted(d.published for d in docs if d.published)
    return SourceProfile(
        source=outlet,
        kind=kinds.most_common(1)[0][0],
        documents=tuple(d.id for d in docs),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
        events=sum(len(d.events) for d in docs),
        claims=sum(len(d.claims) for d in docs),
        exclusive_claims=exclusive,
        naming=_naming(docs, keys),
    )
