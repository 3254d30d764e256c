"""Record fields: from the many names exporters use to the fields of ``RawDocument``.

The accepted names, wrapper keys and date formats are data (``data/input_formats.yaml``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..errors import InputError
from ..model import RawDocument

# an entity declaration or a DOCTYPE internal subset, where XXE and "billion laughs" live
_ENTITY_DECLARATION = re.compile(r"<!ENTITY\b|<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
# the <title> of a page; bounded so a page without </title> cannot make the search slow
_TITLE = re.compile(r"<title[^>]*>([^<]{1,1000})</title>", re.IGNORECASE)


@cache
def vocabulary() -> dict[str, Any]:
    """The read stage's vocabulary file, loaded once."""
    text = resources.files("storyline").joinpath("data/input_formats.yaml").read_text("utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


@cache
def _alias_index() -> dict[str, str]:
    """Accepted field name (lower case) -> canonical field."""
    index: dict[str, str] = {}
    for canonical, names in vocabulary()["fields"].items():
        for name in names:
            index.setdefault(str(name).lower(), str(canonical))
    return index


def canonical_field(name: str) -> str | None:
    """``"Body"`` -> ``"text"``; ``None`` for a name the vocabulary does not know."""
    return _alias_index().get(name.strip().lower())


def as_text(value: Any) -> str | None:
    """A field value as one stripped string: lists are joined, objects give their name."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        parts = [part for part in (as_text(item) for item in value) if part]
        return ", ".join(parts) or None
    if isinstance(value, Mapping):
        return as_text(value.get("name") or value.get("title"))
    return None


def canonical_record(record: Mapping[str, Any]) -> dict[str, str]:
    """The known fields of a record under their canonical names (first accepted name wins)."""
    found: dict[str, tuple[int, str]] = {}
    for key, value in record.items():
        canonical = canonical_field(str(key))
        text = as_text(value)
        if canonical is None or text is None:
            continue
        rank = _rank(canonical, str(key))
        if canonical not in found or rank < found[canonical][0]:
            found[canonical] = (rank, text)
    return {name: text for name, (_, text) in found.items()}


def _rank(canonical: str, key: str) -> int:
    names = [str(name).lower() for name in vocabulary()["fields"][canonical]]
    return names.index(key.strip().lower())


def text_field_names() -> str:
    """The accepted names of the text and html fields, for error messages."""
    names = vocabulary()["fields"]
    return ", ".join([*names["text"][:3], names["html"][0]])


def record_document(record: Mapping[str, Any], origin: str, fmt: str) -> RawDocument | InputError:
    """One JSON object or CSV row as a ``RawDocument`` (text preferred over html)."""
    fields = canonical_record(record)
    text, page = fields.get("text"), fields.get("html")
    if text is None and page is None:
        return InputError(origin, f"record has no text (expected a field {text_field_names()})")
    refused = entity_trick(page) if text is None and page else None
    if refused:
        return InputError(origin, refused)
    return RawDocument(
        origin=origin,
        format=fmt,
        text=text,
        html=None if text is not None else page,
        id=fields.get("id"),
        title=fields.get("title") or (page_title(page) if text is None and page else None),
        url=fields.get("url"),
        source=fields.get("source"),
        published=normalise_date(fields.get("published")),
        author=fields.get("author"),
    )


def entity_trick(text: str) -> str | None:
    """Why markup is refused (it declares entities), or ``None`` when it is safe to parse."""
    if _ENTITY_DECLARATION.search(text):
        return (
            "refused: the markup declares XML entities (a DOCTYPE internal subset), "
            "which can expand or fetch external content"
        )
    return None


def one_line(problem: object) -> str:
    """An exception's message on one line, for the reason of an ``InputError``."""
    return " ".join(str(problem).split()) or type(problem).__name__


def page_title(page: str) -> str | None:
    """The text of an HTML page's ``<title>``, unescaped and on one line."""
    match = _TITLE.search(page)
    if match is None:
        return None
    return " ".join(html.unescape(match.group(1)).split()) or None


def normalise_date(value: str | None) -> str | None:
    """A publication date as ``YYYY-MM-DD`` (the date as written, before any UTC shift).

    ISO 8601, RFC 2822 and the formats listed in the vocabulary are recognised; anything
    else is kept as written rather than guessed.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    parsed = _parse_date(value)
    return parsed.date().isoformat() if parsed else value


def _parse_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in vocabulary()["date_formats"]:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None
