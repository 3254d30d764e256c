"""Speed work must not change what storyline extracts: dump it once, compare after each change.

What is dumped (one JSON value per key):

- ``extract/...``: the ``storyline extract`` JSON of the five samples (examples/russia-myanmar,
  read with their metadata) and of the 92 zyte-dev gold article texts, and of the 92 zyte-dev
  pages as the text a browser gives (``../shared/tools/page_text.py``: chrome, teaser dates
  and mis-decoded pages included), each given as a text input with no metadata, so the
  publication date is estimated from the content;
- ``dates/...``: ``find_dates`` of every one of those texts with no anchor and with a fixed
  anchor, and ``estimate_published``.

Usage::

    python benchmarks/check_same_output.py save /tmp/before.json
    python benchmarks/check_same_output.py check /tmp/before.json   # exit 1 on a difference

Skips (exit 0, one line) when ../shared is absent: the samples alone cover too little.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import gzip
import importlib.util
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storyline import dates, pipeline
from storyline.errors import InputError
from storyline.model import RawDocument
from storyline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ZYTE = SHARED / "data/zyte-dev"
ANCHOR = dt.date(2024, 6, 15)  # any day-precise date: it exercises the relative rules
# lines of a differing value's diff shown per key
DIFF_LINES = 40


def _page_texts() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("page_text", SHARED / "tools/page_text.py")
    if spec is None or spec.loader is None:
        raise ImportError("cannot load ../shared/tools/page_text.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    texts = {}
    for path in sorted((ZYTE / "html").glob("*.html.gz")):
        with gzip.open(path) as handle:
            texts[path.name.removesuffix(".html.gz")] = tool.page_text(handle.read())
    return texts


def inputs() -> dict[str, str]:
    """Name -> text of every text input (the samples are read from their folder instead)."""
    truth = json.loads((ZYTE / "ground-truth.json").read_text(encoding="utf-8"))
    texts = {f"gold/{key}": value["articleBody"] for key, value in sorted(truth.items())}
    texts.update({f"page/{key}": text for key, text in _page_texts().items()})
    return texts


def _json(outcome: pipeline.Outcome) -> Any:
    if isinstance(outcome, InputError):
        return {"error": str(outcome)}
    return outcome.to_json()


def dump() -> dict[str, Any]:
    settings = Settings()
    out: dict[str, Any] = {}
    for outcome in pipeline.extract([str(ROOT / "examples/russia-myanmar")], settings):
        key = outcome.source if isinstance(outcome, InputError) else outcome.origin
        out[f"extract/{Path(key).name}"] = _json(outcome)
    texts = inputs()
    raws = [RawDocument(origin=name, format="text", text=text) for name, text in texts.items()]
    for batch in pipeline.batches(raws, settings.spacy_batch_size):
        for raw, outcome in zip(batch, pipeline.process(batch, settings), strict=True):
            out[f"extract/{raw.origin}"] = _json(outcome)
    for path in sorted((ROOT / "examples/russia-myanmar").glob("*.txt")):
        texts[f"sample/{path.name}"] = path.read_text(encoding="utf-8")
    for name, text in texts.items():
        out[f"dates/{name}"] = {
            "none": dates.dates_json(text, None),
            "anchored": dates.dates_json(text, ANCHOR),
            "estimate": dates.estimate_published(text),
        }
    return out


def differences(before: dict[str, Any], after: dict[str, Any]) -> Iterator[str]:
    for key in sorted(set(before) | set(after)):
        if key not in after or key not in before:
            yield f"{key}: only {'before' if key in before else 'after'}"
            continue
        if before[key] == after[key]:
            continue
        old = json.dumps(before[key], indent=1, ensure_ascii=False).splitlines()
        new = json.dumps(after[key], indent=1, ensure_ascii=False).splitlines()
        diff = list(difflib.unified_diff(old, new, "before", "after", n=1, lineterm=""))
        yield f"{key}:\n  " + "\n  ".join(diff[:DIFF_LINES])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["save", "check"])
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    if not (ZYTE / "ground-truth.json").is_file():
        print(f"skipped: {ZYTE} not found")
        return 0
    start = time.perf_counter()
    current = dump()
    seconds = time.perf_counter() - start
    if args.what == "save":
        args.path.write_text(json.dumps(current, ensure_ascii=False), encoding="utf-8")
        print(f"saved {len(current)} outputs to {args.path} ({seconds:.0f} s)")
        return 0
    saved = json.loads(args.path.read_text(encoding="utf-8"))
    found = list(differences(saved, current))
    for text in found:
        print(text)
    print(f"{len(current)} outputs, {len(found)} differ ({seconds:.0f} s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
