"""The nlp stage: the model loads once, falls back to the PyPI package, parses in order."""

from __future__ import annotations

import pytest
from spacy.language import Language

from storyline.errors import StorylineError
from storyline.nlp import analyse, load_model
from storyline.settings import Settings


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_model(Settings())


def test_the_model_has_the_components_later_stages_need(nlp: Language) -> None:
    for component in ("tagger", "parser", "ner"):
        assert component in nlp.pipe_names


def test_the_model_is_loaded_once(nlp: Language) -> None:
    assert load_model(Settings()) is nlp


def test_a_missing_official_model_falls_back_to_the_pypi_package(nlp: Language) -> None:
    settings = Settings(spacy_model="storyline_no_such_model")
    fallback = load_model(settings)
    assert "ner" in fallback.pipe_names


def test_no_model_at_all_is_a_clear_error() -> None:
    settings = Settings(spacy_model="storyline_no_such_model", spacy_fallback_model="nor_this")
    with pytest.raises(StorylineError, match="no spaCy model"):
        load_model(settings)


def test_analyse_keeps_input_order_and_finds_sentences_and_entities() -> None:
    texts = [
        "Vladimir Putin met Min Aung Hlaing in Moscow. They discussed trade.",
        "Sudan's army closed the border with Chad on Monday.",
        "",
    ]
    docs = list(analyse(texts, Settings(nlp_batch_size=2)))
    assert [doc.text for doc in docs] == texts
    assert len(list(docs[0].sents)) == 2
    assert ("Vladimir Putin", "PERSON") in {(e.text, e.label_) for e in docs[0].ents}
    assert "Sudan" in {e.text for e in docs[1].ents if e.label_ == "GPE"}
    assert len(docs[2]) == 0


def test_a_line_break_always_ends_a_sentence(nlp: Language) -> None:
    """Cleaned text keeps one paragraph a line: a headline without a full stop must not be
    read as the start of the paragraph after it."""
    doc = nlp("Russia and Myanmar deepen ties\nBoth countries signed a deal on Monday.")
    assert [s.text.strip() for s in doc.sents] == [
        "Russia and Myanmar deepen ties",
        "Both countries signed a deal on Monday.",
    ]
