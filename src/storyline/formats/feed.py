"""RSS and Atom feeds (feedparser): one document per entry, origin ``path#entry=ID``.

Markup that declares entities is refused before any parser sees it: an internal DTD subset
is how XML external entities (XXE) and entity expansion ("billion laughs") attacks work,
and no real news feed or page needs one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import feedparser

from ..errors import InputError
from ..model import RawDocument
from . import Item
from .fields import as_text, entity_trick, normalise_date, one_line, page_title

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# the text is already decoded: feedparser gets UTF-8 bytes that say so
_UTF8_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
_PLAIN_TYPES = {"text/plain"}


def read_feed(text: str, origin: str) -> Iterator[Item]:
    """Every entry of an RSS or Atom feed, with html from its content or summary."""
    refused = entity_trick(text)
    if refused:
        yield InputError(origin, refused)
        return
    data = (_UTF8_DECLARATION + _XML_DECLARATION.sub("", text, count=1)).encode("utf-8")
    parsed = feedparser.parse(BytesIO(data))
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        reason = f"not a readable feed ({one_line(problem)})" if problem else "feed has no entries"
        yield InputError(origin, reason)
        return
    source = as_text(parsed.feed.get("title"))
    for number, entry in enumerate(parsed.entries, start=1):
        yield _entry_document(entry, origin, number, source)


def _entry_document(entry: Any, origin: str, number: int, source: str | None) -> Item:
    entry_id = as_text(entry.get("id")) or as_text(entry.get("link")) or str(number)
    where = f"{origin}#entry={one_line(entry_id)}"
    body, is_plain = _entry_body(entry)
    if body is None:
        return InputError(where, "feed entry has no content or summary")
    published = entry.get("published") or entry.get("updated")
    return RawDocument(
        origin=where,
        format="feed",
        text=body if is_plain else None,
        html=None if is_plain else body,
        id=as_text(entry.get("id")),
        title=as_text(entry.get("title")) or (None if is_plain else page_title(body)),
        url=as_text(entry.get("link")),
        source=source,
        published=normalise_date(as_text(published)),
        author=as_text(entry.get("author")),
    )


def _entry_body(entry: Any) -> tuple[str | None, bool]:
    """The longest content of the entry (or its summary), and whether it is plain text."""
    contents = [part for part in entry.get("content", []) if as_text(part.get("value"))]
    if contents:
        best = max(contents, key=lambda part: len(part.get("value", "")))
        return str(best.get("value")), best.get("type") in _PLAIN_TYPES
    summary = as_text(entry.get("summary"))
    detail = entry.get("summary_detail") or {}
    return summary, detail.get("type") in _PLAIN_TYPES
