"""Near-duplicates across documents: syndicated and re-posted copies are linked, not dropped.

A document's MinHash signature over word shingles goes into LSH bands stored in SQLite, so
finding the candidates for a new document costs a few index look-ups, not a scan of the corpus.
Candidates are confirmed by the estimated Jaccard similarity against ``Settings.dedup_threshold``
(calibrated in ``evaluation/eval_dedup.py``; figures in docs/dedup.md). Paragraphs of eight
words or more are hashed too, so passages that two documents share are recorded even when the
documents as a whole are different.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from .settings import Settings
from .store import Store

_WORD = re.compile(r"\w+")
# 42 bands of 3 rows over 128 permutations: a pair at the 0.4 threshold becomes a candidate
# with probability 1-(1-0.4^3)^42 ~ 0.94, at 0.5 with 0.996, while a typical same-story pair
# of different articles (similarity ~0.05) does so with 0.005. Candidates are then checked
# against the threshold itself.
_ROWS_PER_BAND = 3
# A paragraph needs this many words to count as a passage: shorter lines ("Read more",
# a dateline, a caption) are shared by unrelated pages too often to mean anything.
MIN_PASSAGE_WORDS = 8
# SQLite integers are signed 64-bit; keep hashes inside that range.
_INT63 = (1 << 63) - 1


@dataclass(frozen=True)
class DuplicateMatch:
    document_id: str
    similarity: float


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def signature(text: str, settings: Settings) -> np.ndarray:
    """The MinHash signature of a text's word shingles (deterministic: fixed seed)."""
    tokens = words(text)
    size = settings.dedup_shingle
    shingles = {" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1))}
    minhash = MinHash(num_perm=settings.dedup_permutations, seed=1)
    minhash.update_batch([s.encode("utf-8") for s in shingles if s])
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


def bands(sig: np.ndarray) -> list[int]:
    count = len(sig) // _ROWS_PER_BAND
    return [
        _hash63(sig[i * _ROWS_PER_BAND : (i + 1) * _ROWS_PER_BAND].tobytes()) for i in range(count)
    ]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of permutations whose minimum agrees."""
    return float(np.mean(a == b))


def passages(text: str) -> list[tuple[int, int]]:
    """``(line, hash)`` for every line of the text long enough to be a passage."""
    out = []
    for number, line in enumerate(text.split("\n")):
        tokens = words(line)
        if len(tokens) >= MIN_PASSAGE_WORDS:
            out.append((number, _hash63(" ".join(tokens).encode("utf-8"))))
    return out


def link(store: Store, document_id: str, text: str, settings: Settings) -> DuplicateMatch | None:
    """Index a stored document and link it to the copy it duplicates, if any.

    Call inside the transaction that inserted the document. The earliest stored document of a
    group is the original: a copy of a copy points at the original.
    """
    sig = signature(text, settings)
    sig_bands = bands(sig)
    best: DuplicateMatch | None = None
    for other_id, other_sig in store.band_candidates(sig_bands):
        score = similarity(sig, np.frombuffer(other_sig, dtype=np.uint64))
        if score >= settings.dedup_threshold and (best is None or score > best.similarity):
            best = DuplicateMatch(other_id, score)
    store.add_signature(document_id, sig.tobytes(), sig_bands)
    store.add_passages(document_id, passages(text))
    if best is None:
        return None
    original = store.duplicate_of(best.document_id)
    target = original[0] if original else best.document_id
    store.mark_duplicate(document_id, target, best.similarity)
    return DuplicateMatch(target, best.similarity)


def pairwise(texts: Sequence[str], settings: Settings) -> np.ndarray:
    """The estimated similarity matrix of a few texts (for calibration and tests)."""
    sigs = [signature(t, settings) for t in texts]
    return np.array([[similarity(a, b) for b in sigs] for a in sigs])


def _hash63(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big") & _INT63
