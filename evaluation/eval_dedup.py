"""Calibrate the near-duplicate threshold (Settings.dedup_threshold).

Positives: syndicated-style copies made from real article texts (the gold texts of
../shared/data/zyte-dev when present): another outlet's intro and footer lines, one paragraph
dropped, and a share of words changed. Negatives: every pair of distinct articles, and every
pair of the five sample articles, which tell one story in five outlets' own words and must not
be linked. Prints, per threshold, the share of copies found and of distinct pairs wrongly linked.

Usage: python evaluation/eval_dedup.py [--json]
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from pathlib import Path

import numpy as np

from storyline import dedup
from storyline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared/data/zyte-dev/ground-truth.json"
SAMPLES = ROOT / "examples/russia-myanmar"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
# how much a copy differs from its original: share of words replaced
EDIT_RATES = (0.02, 0.05, 0.10)


def make_copy(text: str, rng: random.Random, edit_rate: float) -> str:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if len(paragraphs) > 3:
        del paragraphs[rng.randrange(len(paragraphs))]
    edited = []
    for paragraph in paragraphs:
        words = paragraph.split()
        for i in range(len(words)):
            if rng.random() < edit_rate:
                words[i] = rng.choice(["the", "new", "said", "also", "report", "local"])
        edited.append(" ".join(words))
    return "\n".join(["This story first appeared on a partner site.", *edited, "Share this"])


def main() -> int:
    if not GOLD.is_file():
        print(f"skipped: {GOLD} not found")
        return 0
    settings = Settings()
    texts = [v["articleBody"] for v in json.loads(GOLD.read_text()).values() if v["articleBody"]]
    texts = [t for t in texts if len(t.split()) >= 50]
    rng = random.Random(0)
    sigs = [dedup.signature(t, settings) for t in texts]
    copy_scores = {
        rate: [
            dedup.similarity(sig, dedup.signature(make_copy(t, rng, rate), settings))
            for t, sig in zip(texts, sigs, strict=True)
        ]
        for rate in EDIT_RATES
    }
    distinct = [dedup.similarity(a, b) for a, b in itertools.combinations(sigs, 2)]
    samples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    same_story = [
        float(x) for i, row in enumerate(dedup.pairwise(samples, settings)) for x in row[i + 1 :]
    ]
    result: dict[str, object] = {
        "articles": len(texts),
        "distinct_pairs": len(distinct),
        "max_distinct": max(distinct),
        "max_same_story": max(same_story),
        "thresholds": {},
    }
    table: dict[str, dict[str, float]] = {}
    for threshold in THRESHOLDS:
        row = {
            f"copies_found@{rate}": float(np.mean(np.array(s) >= threshold))
            for rate, s in copy_scores.items()
        }
        row["distinct_linked"] = float(np.mean(np.array(distinct) >= threshold))
        row["same_story_linked"] = float(np.mean(np.array(same_story) >= threshold))
        table[str(threshold)] = row
    result["thresholds"] = table
    if "--json" in sys.argv:
        print(json.dumps(result))
        return 0
    print(
        f"{len(texts)} articles, {len(distinct)} distinct pairs, {len(same_story)} same-story pairs"
    )
    print(f"highest similarity between distinct articles: {max(distinct):.3f}")
    print(f"highest similarity between the five same-story samples: {max(same_story):.3f}")
    header = [
        "threshold",
        *[f"copies@{r:.0%} edits" for r in EDIT_RATES],
        "distinct linked",
        "same-story linked",
    ]
    print("  ".join(header))
    for threshold, row in table.items():
        values = [row[f"copies_found@{r}"] for r in EDIT_RATES]
        values += [row["distinct_linked"], row["same_story_linked"]]
        print(f"{threshold:>9}  " + "  ".join(f"{v:>14.3f}" for v in values))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
