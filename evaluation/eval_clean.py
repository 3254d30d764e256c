"""Score the clean stage on the Zyte article-extraction dev pages.

For each page in ``../shared/data/zyte-dev/html/*.html.gz``: turn it into the text a person
gets by selecting all of it in a browser (``../shared/tools/page_text.py``), clean that text
with ``clean_text``, and clean the raw HTML with ``clean_html``. Both are scored against the
gold article bodies with ``../shared/tools/score_extraction.py`` (word 4-gram precision,
recall and F1, averaged over pages), next to the raw page text as a baseline.

Usage::

    python evaluation/eval_clean.py [--json] [--no-html] [--shared PATH]

Exits 0 with a one-line "skipped" message when the shared data is absent.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from storyline.clean import clean_html, clean_text

ROOT = Path(__file__).resolve().parent.parent


def _load_tool(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pages(html_dir: Path) -> list[tuple[str, bytes]]:
    pages = []
    for path in sorted(html_dir.glob("*.html.gz")):
        with gzip.open(path) as handle:
            pages.append((path.name.removesuffix(".html.gz"), handle.read()))
    return pages


def _decode(raw: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    return str(best) if best is not None else raw.decode("utf-8", errors="replace")


def evaluate(shared: Path, with_html: bool = True) -> dict[str, Any]:
    """Return ``{system: {precision, recall, f1, pages}}`` for raw text, clean_text, clean_html."""
    page_text = _load_tool(shared / "tools" / "page_text.py")
    scorer = _load_tool(shared / "tools" / "score_extraction.py")
    data = shared / "data" / "zyte-dev"
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    raw: dict[str, dict[str, str]] = {}
    cleaned: dict[str, dict[str, str]] = {}
    html: dict[str, dict[str, str]] = {}
    for page_id, content in _pages(data / "html"):
        text = page_text.page_text(content)
        raw[page_id] = {"articleBody": text}
        cleaned[page_id] = {"articleBody": clean_text(text).text}
        if with_html:
            url = truth.get(page_id, {}).get("url")
            html[page_id] = {"articleBody": clean_html(_decode(content), url).text}
    results = {"raw_text": scorer.score(truth, raw), "clean_text": scorer.score(truth, cleaned)}
    if with_html:
        results["clean_html"] = scorer.score(truth, html)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-html", action="store_true", help="skip clean_html (faster)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args(argv)
    if not (args.shared / "data" / "zyte-dev" / "ground-truth.json").is_file():
        print(f"skipped: no Zyte dev data under {args.shared}")
        return 0
    results = evaluate(args.shared, with_html=not args.no_html)
    if args.json:
        print(json.dumps({k: {m: round(v, 4) for m, v in s.items()} for k, s in results.items()}))
        return 0
    for name, s in results.items():
        print(
            f"{name:<11} pages {s['pages']}  precision {s['precision']:.3f}  "
            f"recall {s['recall']:.3f}  f1 {s['f1']:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
