"""Sources: what kind of page each document is, and a profile of each outlet.

:func:`document_kind` reads content signals only (lines the clean stage removed, attribution,
first-person writing), never a list of outlet names. :func:`profile_sources` summarises each
outlet: its documents, kind, period, how many events and claims it reports, the claims only
it makes, and the names it uses for the story's key actors ("junta chief" vs "Prime
Minister"). :func:`profile_store` gives the same profiles from a store's SQL aggregates,
for corpora too large to load: it builds a :class:`ProfileState` (``profile_state``), which
an ingest's new documents extend (a corpus only grows), and reads the profiles off it
(``profiles_from``).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple, TypeVar

import yaml

from .claim_groups import ClaimSource, independent_outlets
from .layers import long_lived, merged, pushed
from .model import ClaimGroup, Document
from .store import OutletRow, Store

NEWS, FORUM, AGGREGATOR, BLOG = "news article", "forum post", "aggregator", "blog"
# how many first-person cues outside quotes make a page a blog post: one "I think" can be a
# quoted interviewee the quote marks missed; two are the author's own voice
_BLOG_CUES = 2
# the key actors a profile describes: the story's most mentioned ones
KEY_ACTORS = 5
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
# what a quoted passage leaves: not a word character, and in no cue
_CUT = "\x00"


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


def _first_person(text: str, cues: Sequence[str]) -> bool:
    """Whether the cues occur _BLOG_CUES times as words outside quotes: the author writing as
    themself. A quoted passage is cut out as a separator, so the words either side of it
    never join into a cue (and cutting quotes out can only take occurrences away: a text
    without enough of them in full has none to spare)."""
    lowered = text.lower().replace("’", "'")
    if _occurrences(lowered, cues) < _BLOG_CUES:
        return False
    return _occurrences(_QUOTED.sub(_CUT, lowered), cues) >= _BLOG_CUES


def _occurrences(text: str, cues: Sequence[str]) -> int:
    """How many times the cues occur in ``text`` as words, counted up to _BLOG_CUES."""
    found = 0
    for cue in cues:
        if cue:
            found += _words(text, cue, _BLOG_CUES - found)
        if found >= _BLOG_CUES:
            break
    return found


def _words(text: str, words: str, limit: int) -> int:
    r"""How many times (up to ``limit``) ``words`` occur in ``text`` not inside a longer
    word, as ``re.findall(r"(?<!\w)words(?!\w)")`` counts them (``\w``: ``str.isalnum``
    or "_")."""
    count, at = 0, text.find(words)
    while at >= 0 and count < limit:
        end = at + len(words)
        if (at == 0 or not _wordy(text[at - 1])) and (end == len(text) or not _wordy(text[end])):
            count += 1
            at = text.find(words, end)
        else:
            at = text.find(words, at + 1)
    return count


def _wordy(char: str) -> bool:
    return char.isalnum() or char == "_"


# reasons of removed lines that state a page's metadata ("attribution": databases written
# before the metadata stage named them so)
METADATA_REASONS = ("metadata", "attribution")


def document_kind(doc: Document) -> str:
    """ "news article" | "forum post" | "aggregator" | "blog", from the page's own signals."""
    cues = kind_cues()
    if any(r.reason in cues.forum_reasons for r in doc.removed):
        return FORUM
    attributions = [r.text.lower() for r in doc.removed if r.reason in METADATA_REASONS]
    if any(line.lstrip().startswith(cues.aggregator_cues) for line in attributions):
        return AGGREGATOR
    comments = any(r.text.strip().lower().startswith(cues.comment_cues) for r in doc.removed)
    if comments or _first_person(doc.text, cues.blog_cues):
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


# where a document's copy chain ends: (that document's source, its id); for a chain whose
# original is not stored, (None, the original's id): the outlet a document counts for is
# ``root[0] or document.source or root[1]`` (``claim_groups._outlets_of``)
Root = tuple[str | None, str]


class OutletDocument(NamedTuple):
    """What an outlet's profile needs of one of its documents; and, in a profile state
    (``ProfiledDocument``), its copy link, where its copy chain ends and the outlet it
    counts for (a copy: its original's), read once when it enters the state."""

    id: str
    source: str | None
    published: str | None
    kind: str
    events: int
    claims: int
    duplicate_of: str | None = None
    root: Root = (None, "")
    outlet: str = ""


ProfiledDocument = OutletDocument


# a document's mentions of the key actors: (document id, each as "actor_id<U+001F>text", in
# order of mention)
Naming = tuple[str, list[str]]
NAME_JOIN, NAME_SEPARATOR = "\x1f", "\x1e"


def key_actors(documents: Sequence[Document], limit: int = KEY_ACTORS) -> dict[str, str]:
    """Actor id -> name of the most mentioned actors of the corpus."""
    counts: Counter[str] = Counter(m.actor_id for d in documents for m in d.mentions)
    names = {a.id: a.name for d in documents for a in d.actors}
    ranked = sorted(counts, key=lambda i: (-counts[i], i))
    return {i: names.get(i, i) for i in ranked[:limit]}


def profile_sources(
    documents: Sequence[Document],
    groups: Sequence[ClaimGroup] = (),
    duplicate_of: Mapping[str, str] | None = None,
    limit: int = KEY_ACTORS,
) -> list[SourceProfile]:
    """One profile per outlet, most documents first.

    ``documents`` carry their mentions, actors, events and claims; ``groups`` are the claim
    groups of the corpus (for the claims only one outlet makes); ``duplicate_of`` maps a copy's
    id to its original's (copies count for the original's outlet). ``profile_store`` gives
    the same profiles from a store's aggregates, without loading the documents.
    """
    keys = key_actors(documents, limit)
    facts = [
        OutletDocument(d.id, d.source, d.published, document_kind(d), len(d.events), len(d.claims))
        for d in documents
    ]
    naming = [
        (d.id, [m.actor_id + NAME_JOIN + m.text for m in d.mentions if m.actor_id in keys])
        for d in documents
    ]
    return profiles(facts, keys, naming, groups, duplicate_of or {})


def profile_store(
    store: Store, groups: Sequence[ClaimGroup] = (), limit: int = KEY_ACTORS
) -> list[SourceProfile]:
    """``profile_sources`` of every stored document, from SQL aggregates (``profile_state``,
    then ``profiles_from``); no document is loaded."""
    return profiles_from(profile_state(store, limit=limit), groups)


def store_kinds(store: Store, after: int = 0) -> dict[str, str]:
    """``document_kind`` of every stored document that is not a news article (of those stored
    after the one of rowid ``after`` when it is given), from its removed lines and, for the
    first-person cues, the texts that the full-text index says hold one of them (the cues
    are then counted outside quotes as ``document_kind`` does)."""
    cues = kind_cues()
    kinds: dict[str, str] = {}
    for doc_id in store.documents_with_removals(sorted(cues.forum_reasons), after):
        kinds[doc_id] = FORUM
    for reason in METADATA_REASONS:
        for doc_id, line in store.removed_lines(reason=reason, after=after):
            if doc_id not in kinds and line.lower().lstrip().startswith(cues.aggregator_cues):
                kinds[doc_id] = AGGREGATOR
    for doc_id, line in store.removed_lines(containing=cues.comment_cues, after=after):
        if doc_id not in kinds and line.strip().lower().startswith(cues.comment_cues):
            kinds[doc_id] = BLOG
    for doc_id, text in store.texts_with_phrases(cues.blog_cues, after):
        if doc_id not in kinds and _first_person(text, cues.blog_cues):
            kinds[doc_id] = BLOG
    return kinds


# --------------------------------------------------------------------------- profile states

_V = TypeVar("_V")


@dataclass(frozen=True)
class OutletState:
    """One outlet's documents and running totals in a ``ProfileState``."""

    documents: tuple[tuple[str, ...], ...]  # its document ids in ingest order, in layers
    kinds: Counter[str]  # kind -> documents, kinds in order of first document
    first_published: str | None
    last_published: str | None
    events: int
    claims: int
    # every actor it mentions -> (rank of its first mention here, name as written with
    # whitespace collapsed -> count), the actors in order of first mention
    naming: Mapping[str, tuple[int, Mapping[str, int]]]

    def document_ids(self) -> tuple[str, ...]:
        if len(self.documents) == 1:
            return self.documents[0]
        return tuple(itertools.chain.from_iterable(self.documents))


@dataclass(frozen=True)
class ProfileState:
    """What the source profiles are made of, for a store's documents up to one rowid: each
    document's facts (outlet, date, kind, events, claims, copy link and the outlet it
    counts for), each outlet's totals and the names it writes for every actor, and every
    actor's mentions (for the key actors). ``profile_state`` extends it with the documents
    an ingest adds, ``profiles_from`` reads the profiles off it.

    Never changed once built (the web app may share one while building the next from it):
    what grows with the corpus is kept in layers, each over twice the size of the one on
    it, so extending copies only the few small top layers (``layers.pushed``)."""

    # id -> document, in ingest order, layers oldest first (as the other fields)
    documents: tuple[dict[str, ProfiledDocument], ...] = ()
    outlets: tuple[dict[str, OutletState], ...] = ()
    mentions: tuple[dict[str, int], ...] = ()  # actor id -> its mentions in the corpus
    keys: tuple[tuple[str, str], ...] = ()  # the ``limit`` most mentioned actors: (id, name)
    limit: int = KEY_ACTORS
    last_rowid: int = 0
    count: int = 0  # documents
    last: tuple[str, str, str] = ("", "", "")  # ``Store.stamp`` of last_rowid

    def document(self, doc_id: str) -> ProfiledDocument | None:
        return _found(self.documents, doc_id)

    def iter_documents(self) -> Iterator[ProfiledDocument]:
        """Every document, in ingest order."""
        for layer in self.documents:
            yield from layer.values()

    def outlet(self, name: str) -> OutletState | None:
        return _found(self.outlets, name)

    def all_outlets(self) -> dict[str, OutletState]:
        return {name: o for layer in self.outlets for name, o in layer.items()}

    def mentions_of(self, actor_id: str) -> int:
        return _found(self.mentions, actor_id) or 0


@long_lived()
def profile_state(
    store: Store, previous: ProfileState | None = None, limit: int = KEY_ACTORS
) -> ProfileState:
    """The profile state of every stored document. ``previous`` (of an earlier state of the
    same store) is extended with the documents stored since, reading only their rows: ingest
    only appends documents, each with its mentions, events, claims, removed lines and copy
    link (always of an earlier document). When the store is not the one it grew from
    (``Store.stamp``: another database, or one rebuilt), the state is built afresh."""
    last = store.last_document_rowid()
    base = ProfileState(limit=limit)
    if previous is not None and store.stamp(previous.last_rowid) == previous.last:
        if previous.last_rowid == last and previous.limit == limit:
            return previous
        base = previous
    after = base.last_rowid
    rows = store.outlet_documents(after)
    grown, mentioned = _grown(
        base,
        rows,
        store_kinds(store, after),
        store.count_by_document("events", after),
        store.count_by_document("claims", after),
        store.all_mention_texts(NAME_JOIN, NAME_SEPARATOR, after),
    )
    # counts only grow: the new key actors are among the old ones and those mentioned now
    if base.limit == limit and base.last_rowid:
        candidates = {a for a, _ in base.keys} | mentioned
    else:
        candidates = {a for layer in grown.mentions for a in layer}
    # ranked and named as ``Store.most_mentioned`` does (a negative limit: SQL's no limit)
    ranked = sorted(candidates, key=lambda a: (-grown.mentions_of(a), a))
    ranked = ranked[:limit] if limit >= 0 else ranked
    names = store.actor_names(ranked)
    return ProfileState(
        grown.documents,
        grown.outlets,
        grown.mentions,
        tuple((a, names.get(a, a)) for a in ranked),
        limit,
        last,
        base.count + len(rows),
        store.stamp(last),
    )


def _grown(
    state: ProfileState,
    rows: Sequence[OutletRow],
    kinds: Mapping[str, str],
    events: Mapping[str, int],
    claims: Mapping[str, int],
    written: Mapping[str, str],
) -> tuple[ProfileState, set[str]]:
    """``state`` with the documents of ``rows`` (in ingest order) and their facts: kinds of
    those that are not news articles, events and claims per document, their mentions as
    ``Store.all_mention_texts`` gives them; and the actors they mention. The key actors are
    left as they were."""
    if not rows:
        return state, set()
    batch = {row.id: row for row in rows}
    documents: dict[str, ProfiledDocument] = {}
    added: dict[str, list[ProfiledDocument]] = {}
    by_outlet: dict[str, Counter[str]] = {}  # "actor_id<NAME_JOIN>text" -> count, per outlet
    for row in rows:
        root = _root(row, batch, state)
        outlet = root[0] or row.source or root[1]
        doc = ProfiledDocument(
            row.id, row.source, row.published, kinds.get(row.id, NEWS), events.get(row.id, 0),
            claims.get(row.id, 0), row.duplicate_of, root, outlet,
        )  # fmt: skip
        documents[row.id] = doc
        added.setdefault(outlet, []).append(doc)
        if said := written.get(row.id):
            by_outlet.setdefault(outlet, Counter()).update(said.split(NAME_SEPARATOR))
    mentions: dict[str, int] = {}
    outlets = {
        name: _outlet_grown(state.outlet(name), docs, by_outlet.get(name), mentions)
        for name, docs in added.items()
    }
    for actor, count in mentions.items():
        mentions[actor] = state.mentions_of(actor) + count
    grown = ProfileState(
        pushed(state.documents, documents, merged),
        pushed(state.outlets, outlets, merged),
        pushed(state.mentions, mentions, merged),
        state.keys,
        state.limit,
        state.last_rowid,
        state.count,
        state.last,
    )
    return grown, set(mentions)


def _root(row: OutletRow, batch: Mapping[str, OutletRow], state: ProfileState) -> Root:
    """Where ``row``'s copy chain ends, as ``claim_groups._outlets_of`` walks it: through
    the documents of its batch, and at a document of the state, that one's root (a copy is
    always of an earlier document, so an earlier document's root never changes)."""
    node, seen = row, {row.id}
    while node.duplicate_of and node.duplicate_of not in seen:
        seen.add(node.duplicate_of)
        parent = batch.get(node.duplicate_of)
        if parent is None:
            known = state.document(node.duplicate_of)
            # an original that is not stored still names the outlet
            return known.root if known is not None else (None, node.duplicate_of)
        node = parent
    return node.source, node.id


def _outlet_grown(
    old: OutletState | None,
    docs: Sequence[ProfiledDocument],
    written: Counter[str] | None,
    mentions: dict[str, int],
) -> OutletState:
    """``old`` (None: a new outlet) with its new ``docs`` and their mentions (``written``:
    "actor_id<NAME_JOIN>text" -> count, in order of first mention), each actor's added
    mentions counted into ``mentions``. ``old`` is left as it was: what changes is copied."""
    kinds = Counter(old.kinds) if old else Counter()
    kinds.update(d.kind for d in docs)
    dates = [d.published for d in docs if d.published]
    if old and old.first_published:
        dates += [old.first_published, old.last_published or old.first_published]
    naming = dict(old.naming) if old else {}
    copied: dict[str, dict[str, int]] = {}
    for key, count in (written or {}).items():
        actor, _, text = key.partition(NAME_JOIN)
        names = copied.get(actor)
        if names is None:
            rank, before = naming.get(actor, (len(naming), {}))
            names = copied[actor] = dict(before)
            naming[actor] = (rank, names)
        name = " ".join(text.split())
        names[name] = names.get(name, 0) + count
        mentions[actor] = mentions.get(actor, 0) + count
    ids = tuple(d.id for d in docs)
    return OutletState(
        pushed(old.documents, ids, _concatenated) if old else (ids,),
        kinds,
        min(dates, default=None),
        max(dates, default=None),
        (old.events if old else 0) + sum(d.events for d in docs),
        (old.claims if old else 0) + sum(d.claims for d in docs),
        naming,
    )


def _concatenated(lower: tuple[str, ...], upper: tuple[str, ...]) -> tuple[str, ...]:
    return lower + upper


def _found(layers: Sequence[Mapping[str, _V]], key: str) -> _V | None:
    for layer in reversed(layers):
        if key in layer:
            return layer[key]
    return None


def profiles_from(state: ProfileState, groups: Sequence[ClaimGroup] = ()) -> list[SourceProfile]:
    """The profiles of a state (``profile_state``), most documents first; ``groups``: the
    claim groups of the same documents (for the claims only one outlet makes). Exactly
    ``profiles`` of the same documents, in O(outlets + documents): no document is read
    again, only the outlets' ids are put in one tuple each."""
    keys = dict(state.keys)
    only = _exclusive(groups)
    found = [
        SourceProfile(
            source=name,
            kind=outlet.kinds.most_common(1)[0][0],
            documents=outlet.document_ids(),
            first_published=outlet.first_published,
            last_published=outlet.last_published,
            events=outlet.events,
            claims=outlet.claims,
            exclusive_claims=only[name],
            naming=_key_naming(outlet.naming, keys),
        )
        for name, outlet in state.all_outlets().items()
    ]
    return sorted(found, key=lambda p: (-len(p.documents), p.source))


def _key_naming(
    naming: Mapping[str, tuple[int, Mapping[str, int]]], keys: Mapping[str, str]
) -> dict[str, tuple[tuple[str, int], ...]]:
    """``_named`` then sorted as ``_profile`` does, from an outlet's naming of every actor:
    the key actors it mentions, in order of first mention, each with its names."""
    present = sorted((naming[actor][0], actor) for actor in keys if actor in naming)
    named: dict[str, Counter[str]] = {}
    for _, actor in present:
        named.setdefault(keys[actor], Counter()).update(naming[actor][1])
    return {
        actor: tuple(sorted(names.items(), key=lambda kv: (-kv[1], kv[0])))
        for actor, names in named.items()
    }


def _exclusive(groups: Sequence[ClaimGroup]) -> Counter[str]:
    only: Counter[str] = Counter()
    for group in groups:
        outlets = {s.independent_source or s.source for s in group.statements}
        if len(outlets) == 1:
            only[outlets.pop()] += 1
    return only


def profiles(
    documents: Sequence[OutletDocument],
    keys: Mapping[str, str],
    naming: Iterable[Naming],
    groups: Sequence[ClaimGroup],
    duplicate_of: Mapping[str, str],
) -> list[SourceProfile]:
    """The outlets' profiles, most documents first: ``documents`` in ingest order, ``keys``
    the key actors (id -> name), ``naming`` their mentions in each document (in ingest
    order)."""
    outlet_of = independent_outlets(
        [ClaimSource(d.id, d.source, d.published, duplicate_of.get(d.id)) for d in documents]
    )
    by_outlet: dict[str, list[OutletDocument]] = defaultdict(list)
    for doc in documents:
        by_outlet[outlet_of[doc.id]].append(doc)
    written: dict[str, list[str]] = defaultdict(list)  # per outlet, its mentions in order
    for doc_id, mentions in naming:
        written[outlet_of[doc_id]] += mentions
    only = _exclusive(groups)
    found = [
        _profile(outlet, docs, _named(Counter(written.get(outlet, [])), keys), only[outlet])
        for outlet, docs in by_outlet.items()
    ]
    return sorted(found, key=lambda p: (-len(p.documents), p.source))


def _named(written: Counter[str], keys: Mapping[str, str]) -> dict[str, Counter[str]]:
    """Key actor name -> the names written for it (whitespace collapsed) and how often, the
    actors in order of first mention (``written``: "actor_id<U+001F>text" -> count, in order
    of first mention)."""
    named: dict[str, Counter[str]] = {}
    for key, count in written.items():
        actor_id, _, text = key.partition(NAME_JOIN)
        named.setdefault(keys[actor_id], Counter())[" ".join(text.split())] += count
    return named


def _profile(
    outlet: str,
    docs: Sequence[OutletDocument],
    written: Mapping[str, Counter[str]],
    exclusive: int,
) -> SourceProfile:
    kinds = Counter(d.kind for d in docs)
    dates = sorted(d.published for d in docs if d.published)
    return SourceProfile(
        source=outlet,
        kind=kinds.most_common(1)[0][0],
        documents=tuple(d.id for d in docs),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
        events=sum(d.events for d in docs),
        claims=sum(d.claims for d in docs),
        exclusive_claims=exclusive,
        naming={
            actor: tuple(sorted(names.items(), key=lambda kv: (-kv[1], kv[0])))
            for actor, names in written.items()
        },
    )
