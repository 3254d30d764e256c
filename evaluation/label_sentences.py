"""Sentences of the shared texts, by reference, for labelling events and training the coder.

The texts stay in ``../shared/data``; the project keeps only references to them. A reference
is ``PATH`` (relative to ``../shared/data``) with character offsets into that file's text:
``news-pool/articles/0008-france24.com.txt`` or ``stories/wagner-2023/articles/axios.com.txt``
(the file as it is), or ``zyte-dev/ground-truth.json#ID`` (the gold ``articleBody`` of one page).

    python evaluation/label_sentences.py dump news-pool/articles/0008-france24.com.txt ...
        # one JSON object a sentence: {"ref", "start", "end", "sha", "text"} (text to read only)
    python evaluation/label_sentences.py join evaluation/labels/events.jsonl
        # the labels with their sentences' text, checked against each label's "sha"

Sentences are cut like the pipeline cuts them (a line break ends a sentence; spaCy decides the
rest), on each line of the text from the second on for a story or pool article (the first is
its URL). ``sha`` is the first 10 hex digits of the SHA-256 of the sentence text: a label whose
text changed under it is reported, not silently joined to other words.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))


@cache
def _zyte() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "zyte-dev" / "ground-truth.json").read_text("utf-8"))
    return data


def text_of(ref: str) -> str:
    """The text a reference's offsets point into."""
    if "#" in ref:
        path, key = ref.split("#", 1)
        if path != "zyte-dev/ground-truth.json":
            raise ValueError(f"{ref}: unknown kind of reference")
        return str(_zyte()[key]["articleBody"])
    return (DATA / ref).read_text("utf-8")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def sentences(ref: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of each sentence of the reference's text, in order."""
    from storyline.nlp import load_model
    from storyline.settings import Settings

    text = text_of(ref)
    first = 0 if "#" in ref else text.find("\n") + 1  # story and pool files: skip the URL line
    nlp = load_model(Settings())
    body = text[first:]
    doc = nlp(body)
    for sent in doc.sents:
        span = sent.text.strip()
        if not span:
            continue
        start = first + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        yield start, start + len(span), span


def join(label_path: Path) -> Iterator[dict[str, Any]]:
    """Each label with ``text``: its sentence; a label whose sentence moved raises."""
    for number, line in enumerate(label_path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        label = json.loads(line)
        text = text_of(label["ref"])[label["start"] : label["end"]]
        if label.get("sha") and sha(text) != label["sha"]:
            raise ValueError(f"{label_path}:{number}: the text at {label['ref']} has changed")
        yield {**label, "text": text}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dump = sub.add_parser("dump", help="the sentences of references, one JSON object each")
    dump.add_argument("refs", nargs="+")
    joined = sub.add_parser("join", help="labels with their sentences' text")
    joined.add_argument("labels", type=Path)
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    if args.command == "dump":
        for ref in args.refs:
            for start, end, text in sentences(ref):
                row = {"ref": ref, "start": start, "end": end, "sha": sha(text), "text": text}
                print(json.dumps(row, ensure_ascii=False))
    else:
        for row in join(args.labels):
            print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
