"""The fixed split of the development data into a tuned part and a set-aside part.

Chosen before anyone looked at a set-aside error, by hashing names, so that the choice says
nothing about how hard a story or a sentence is:

- **stories** (``../shared/data/stories``): the two stories whose SHA-256 of
  ``"storyline-split:" + name`` is smallest are set aside (a third of the six stories the
  split was made over; ``SET_ASIDE_STORIES``). A story added later is tuned on unless it is
  listed here. Any change made while looking at a set-aside story's errors moves that story
  to the tuned part (edit ``SET_ASIDE_STORIES`` and say so in docs/evaluation.md), and a
  new story takes its place, so that at least a third stays set aside.
- **labelled news-pool sentences** (``evaluation/labels/events.jsonl``): an article is set
  aside (``pool_set_aside``) when the SHA-256 of ``"storyline-split:" + query`` (the search
  that found it, ``../shared/data/news-pool/index.jsonl``) is divisible by 3: articles of one
  query report the same events, so they fall on one side together. The set-aside part is
  never trained on; the tuned stories' sentences are trained on, the set-aside stories'
  never labelled.
- **PLOVER dev sentences** (``../shared/data/plover-gsr/dev.jsonl``): a record is set aside
  when the SHA-256 of ``"storyline-split:" + id`` read as a number is divisible by 3
  (``plover_set_aside``): a fixed third. The coder before this split was tuned on all of
  them, so its set-aside figure is not yet a held-out one (docs/evaluation.md).

Every figure is reported twice: on the tuned part and on the set-aside part.
"""

from __future__ import annotations

import hashlib

SALT = "storyline-split:"
SET_ASIDE_STORIES: frozenset[str] = frozenset({"sudan-2023", "gabon-2023"})
TUNED = "tuned"
SET_ASIDE = "set-aside"


def _number(name: str) -> int:
    return int(hashlib.sha256((SALT + name).encode()).hexdigest(), 16)


def story_part(name: str) -> str:
    return SET_ASIDE if name in SET_ASIDE_STORIES else TUNED


def plover_set_aside(record_id: str) -> bool:
    return _number(record_id) % 3 == 0


def plover_part(record_id: str) -> str:
    return SET_ASIDE if plover_set_aside(record_id) else TUNED


def pool_set_aside(query: str) -> bool:
    return _number(query) % 3 == 0
