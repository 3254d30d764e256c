"""WARC and WARC.gz web archives (warcio): one document per HTML HTTP response.

Origin ``path#offset=N`` (the record's byte offset in the file). ``WARC-Date`` is when the
page was captured, not when it was published, so ``published`` stays empty.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import InputError
from ..model import RawDocument
from . import Item
from .fields import entity_trick, one_line, page_title
from .sniff import codec_for, declared_charset, decode

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# warcio fails on a record cut inside its headers with AttributeError/ValueError rather
# than ArchiveLoadFailed; each of these means the archive is damaged from that point
_DAMAGE = (ArchiveLoadFailed, AttributeError, ValueError, EOFError, OSError, zlib.error)


def read_warc(data: bytes, origin: str, max_record: int) -> Iterator[Item]:
    """Every HTML response of the archive; damage ends the archive with one error."""
    records = ArchiveIterator(BytesIO(data))
    end, found = 0, False
    try:
        for record in records:
            payload = record.content_stream().read(max_record + 1)
            offset, length = records.get_record_offset(), records.get_record_length()
            where = f"{origin}#offset={offset}"
            if record.raw_stream.limit > 0:
                yield InputError(where, "truncated WARC record (the file ends inside it)")
                return
            end = offset + length
            item = _document(record, payload, where, max_record)
            found = found or item is not None
            if item is not None:
                yield item
    except _DAMAGE as exc:
        yield InputError(f"{origin}#offset={end}", f"damaged WARC ({one_line(exc)})")
        return
    yield from _check_end(data, origin, end, found)


def _check_end(data: bytes, origin: str, end: int, found: bool) -> Iterator[Item]:
    if data[end:].strip():
        yield InputError(f"{origin}#offset={end}", "truncated WARC (unreadable data at the end)")
    elif not found:
        yield InputError(origin, "WARC has no HTML responses")


def _document(record: Any, payload: bytes, where: str, max_record: int) -> Item | None:
    """The record as a document, an error, or ``None`` when it is not an HTML page."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not status.startswith("2") or not content_type.startswith(_HTML_TYPES):
        log.debug("%s: skipped (status %s, %s)", where, status, content_type)
        return None
    if len(payload) > max_record:
        return InputError(where, f"record larger than {max_record} bytes (max_decompressed_bytes)")
    page = decode(payload, _charset(content_type) or declared_charset(payload))
    if page is None or not page.strip():
        return InputError(where, "HTML response with no readable text")
    refused = entity_trick(page)
    if refused:
        return InputError(where, refused)
    return RawDocument(
        origin=where,
        format="warc",
        html=page,
        title=page_title(page),
        url=record.rec_headers.get_header("WARC-Target-URI"),
    )


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip() == "charset" and value.strip():
            return codec_for(value)
    return None
