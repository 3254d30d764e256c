"""The read stage: every input an analyst has, as ``RawDocument``s (or one-line errors).

Files, folders (recursive, sorted), globs and ``-`` (standard input) are expanded; each file's
format is decided by its name and its content (a ``.txt`` that is really HTML is HTML, a file
with no extension is sniffed). Bad input never stops a batch: it is yielded as an
``InputError`` whose ``str()`` names the input and the reason, and reading goes on.
"""

from __future__ import annotations

import glob
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from .errors import InputError
from .formats import Item
from .formats.feed import read_feed
from .formats.fields import entity_trick, page_title
from .formats.records import read_json, read_jsonl, read_table
from .formats.sidecar import Metadata, is_metadata_file
from .formats.sniff import (
    GZIP_MAGIC,
    WARC_MAGIC,
    binary_kind,
    declared_charset,
    decode,
    format_from_name,
    gunzip,
    gzip_starts_with,
    sniff_text,
    strip_gz,
)
from .formats.warc import read_warc
from .model import RawDocument
from .settings import Settings

__all__ = ["read_bytes", "read_paths"]

log = logging.getLogger(__name__)

_GLOB_CHARS = frozenset("*?[")
# formats whose records end at a newline, so the part of a truncated file before the
# damage still holds whole records
_LINE_FORMATS = frozenset({"jsonl", "csv", "tsv"})
_MARKUP_FORMATS = frozenset({"html", "feed", "xml"})
# a .gz inside a .gz is read; deeper nesting is refused (a gzip "quine" never ends)
_MAX_GZIP_DEPTH = 2


def read_paths(
    paths: Sequence[str], settings: Settings, stdin: BinaryIO | None = None
) -> Iterator[RawDocument | InputError]:
    """Every document under ``paths`` (files, folders, globs, ``-``), errors yielded in line."""
    metadata = Metadata(settings.max_input_bytes)
    for path in paths:
        if path == "-":
            yield from _read_stdin(stdin, settings)
            continue
        for target in _expand(path):
            if isinstance(target, InputError):
                yield target
            else:
                yield from _read_file(target, settings, metadata)


def read_bytes(data: bytes, name: str, settings: Settings) -> Iterator[RawDocument | InputError]:
    """The documents of one in-memory input; ``name`` is its origin and format hint."""
    if len(data) > settings.max_input_bytes:
        yield InputError(name, _too_large(len(data), settings.max_input_bytes))
        return
    yield from _read(data, name, name, settings, {})


def _read_stdin(stdin: BinaryIO | None, settings: Settings) -> Iterator[Item]:
    stream = stdin if stdin is not None else sys.stdin.buffer
    data = stream.read(settings.max_input_bytes + 1)
    yield from read_bytes(data, "-", settings)


def _too_large(size: int, limit: int) -> str:
    mib = 1024 * 1024
    return f"refused: {size / mib:.1f} MiB is over the {limit / mib:.1f} MiB max_input_bytes"


# -- expanding paths ------------------------------------------------------------------


def _expand(path: str) -> Iterator[Path | InputError]:
    candidate = Path(path)
    if candidate.is_dir():
        yield from _walk(candidate)
    elif candidate.exists() or candidate.is_symlink():
        yield candidate
    elif _GLOB_CHARS & set(path):
        yield from _expand_glob(path)
    else:
        yield InputError(path, "no such file or directory")


def _expand_glob(pattern: str) -> Iterator[Path | InputError]:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield InputError(pattern, "no file matches this pattern")
    for match in matches:
        found = Path(match)
        if found.is_dir():
            yield from _walk(found)
        elif not is_metadata_file(found):
            yield found


def _walk(folder: Path) -> Iterator[Path | InputError]:
    """Files under ``folder``, sorted; hidden entries and metadata files are not documents."""
    root = folder.resolve()
    found: list[tuple[tuple[str, ...], Path | InputError]] = []
    for current, dirnames, filenames in os.walk(folder):
        here = Path(current)
        dirnames[:] = sorted(d for d in dirnames if _walkable(here / d, root, found))
        for name in filenames:
            entry = here / name
            if name.startswith(".") or is_metadata_file(entry):
                continue
            if entry.is_symlink() and not entry.resolve().is_relative_to(root):
                found.append((entry.parts, InputError(str(entry), "link outside the folder")))
            else:
                found.append((entry.parts, entry))
    for _, item in sorted(found, key=lambda pair: pair[0]):
        yield item


def _walkable(entry: Path, root: Path, found: list[tuple[tuple[str, ...], Any]]) -> bool:
    if entry.name.startswith("."):
        return False
    if not entry.is_symlink():
        return True
    if not entry.resolve().is_relative_to(root):
        found.append((entry.parts, InputError(str(entry), "link outside the folder")))
    else:
        log.debug("%s: link inside the folder, already read there", entry)
    return False


# -- reading one input ------------------------------------------------------------------


def _read_file(path: Path, settings: Settings, metadata: Metadata) -> Iterator[Item]:
    origin, limit = str(path), settings.max_input_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            yield InputError(origin, _too_large(size, limit))
            return
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        yield InputError(origin, f"cannot read ({exc.strerror or exc})")
        return
    if len(data) > limit:  # a special file, or one that grew after stat()
        yield InputError(origin, _too_large(len(data), limit))
        return
    fields, errors = metadata.lookup(path)
    yield from errors
    yield from _read(data, origin, path.name, settings, fields)


def _read(
    data: bytes, origin: str, name: str, settings: Settings, meta: dict[str, str], depth: int = 0
) -> Iterator[Item]:
    """Route bytes to a reader: gzip, WARC, then text formats decided by name and content."""
    if not data or data.isspace():
        yield InputError(origin, "empty file")
    elif data.startswith(GZIP_MAGIC):
        yield from _read_gzip(data, origin, name, settings, meta, depth)
    elif data.startswith(WARC_MAGIC) or format_from_name(name) == "warc":
        yield from read_warc(data, origin, settings.max_decompressed_bytes)
    else:
        yield from _read_text(data, origin, name, settings, meta)


def _read_gzip(
    data: bytes, origin: str, name: str, settings: Settings, meta: dict[str, str], depth: int
) -> Iterator[Item]:
    if format_from_name(name) == "warc" or gzip_starts_with(data, WARC_MAGIC):
        yield from read_warc(data, origin, settings.max_decompressed_bytes)
        return
    if depth >= _MAX_GZIP_DEPTH:
        yield InputError(origin, "refused: gzip nested too deep")
        return
    result = gunzip(data, settings.max_decompressed_bytes)
    inner = strip_gz(name)
    if result.problem is None:
        yield from _read(result.data, origin, inner, settings, meta, depth + 1)
        return
    if format_from_name(inner) in _LINE_FORMATS and b"\n" in result.data:
        whole_lines = result.data[: result.data.rindex(b"\n") + 1]
        yield from _read_text(whole_lines, origin, inner, settings, meta)
    yield InputError(origin, result.problem)


def _read_text(
    data: bytes, origin: str, name: str, settings: Settings, meta: dict[str, str]
) -> Iterator[Item]:
    kind = binary_kind(data)
    if kind is not None:
        yield InputError(origin, f"not a text file ({kind})")
        return
    text = decode(data, declared_charset(data))
    if text is None:
        yield InputError(origin, "not text (no character encoding fits its bytes)")
        return
    if not text.strip():
        yield InputError(origin, "empty file (only whitespace)")
        return
    fmt = _choose_format(format_from_name(name), text)
    markup = fmt in _MARKUP_FORMATS or text.lstrip().startswith("<")
    refused = entity_trick(text) if markup else None
    if refused:
        yield InputError(origin, refused)
        return
    yield from _dispatch(fmt, text, origin, settings, meta)


def _choose_format(by_name: str | None, text: str) -> str:
    """The name decides, except where the content clearly says otherwise."""
    sniffed = sniff_text(text)
    if by_name is None or (by_name == "text" and sniffed in _MARKUP_FORMATS):
        return sniffed
    if by_name == "feed" and sniffed in ("html", "xml"):
        return sniffed
    return by_name


def _dispatch(
    fmt: str, text: str, origin: str, settings: Settings, meta: dict[str, str]
) -> Iterator[Item]:
    if fmt == "text":
        yield RawDocument(origin=origin, format="text", text=text, **meta)
    elif fmt == "html":
        title = meta.get("title") or page_title(text)
        yield RawDocument(origin=origin, format="html", html=text, **{**meta, "title": title})
    elif fmt == "json":
        yield from read_json(text, origin)
    elif fmt == "jsonl":
        yield from read_jsonl(text, origin)
    elif fmt in ("csv", "tsv"):
        yield from read_table(text, origin, fmt, settings.max_input_bytes)
    elif fmt == "feed":
        yield from read_feed(text, origin)
    else:
        yield InputError(origin, "XML that is not an RSS or Atom feed")
