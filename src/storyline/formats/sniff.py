"""Bytes to text: decompression with a bound, binary detection, encoding, format sniffing."""

from __future__ import annotations

import codecs
import re
import zlib
from functools import cache
from pathlib import PurePath

from charset_normalizer import from_bytes

from .fields import vocabulary

GZIP_MAGIC = b"\x1f\x8b"
WARC_MAGIC = b"WARC/"
# 16 + MAX_WBITS: zlib reads (and checks) a gzip header and trailer
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# how much of the start of a file the sniffers look at: enough for an XML declaration, a
# DOCTYPE and a <head> with its <meta charset> even after long inline scripts (the HTML
# standard's prescan looks at 1024 bytes; pages in the wild often declare it later)
SNIFF_BYTES = 8192
# C0 control bytes other than tab, newlines, form feed and escape: plain text has none,
# uniformly random bytes have about 10% (26 of 256 values)
_CONTROL = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32)])
# a file whose head has more control bytes than this share is binary, not text with noise
_MAX_CONTROL_SHARE = 0.05
# a file whose head has more than this share of bytes outside printable ASCII and whitespace
# is not "mostly text" and is not force-decoded when no encoding fits
_MAX_NON_ASCII_SHARE = 0.3
# UTF-8 with at most this share of invalid sequences is UTF-8 with a few stray bytes
_MAX_BAD_UTF8_SHARE = 0.01
# Western text puts accents on few letters (under 10% in French or German); a single-byte
# Cyrillic or Greek text decoded as Windows-1252 has almost all its letters above 0x7F
_MAX_ACCENTED_SHARE = 0.25
_DECLARED = re.compile(
    rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']"""
    rb"""|<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
# labels that mean Windows-1252 in practice (the HTML standard maps them so)
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii"}
_FEED_ROOT = re.compile(r"^<(rss|feed|rdf:RDF)\b", re.IGNORECASE)
_HTML_START = re.compile(r"^<(!doctype\s+html|html|head|body|meta|title)\b", re.IGNORECASE)
_HTML_INSIDE = re.compile(r"<(html|body|head)\b[^>]*>", re.IGNORECASE)
_PROLOG = re.compile(r"^(\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*>)", re.DOTALL | re.IGNORECASE)


class Gunzipped:
    """What bounded decompression gives: the bytes out, and why it stopped early if it did."""

    def __init__(self, data: bytes, problem: str | None) -> None:
        self.data = data
        self.problem = problem


def gunzip(data: bytes, limit: int) -> Gunzipped:
    """Decompress every gzip member of ``data``, never producing more than ``limit`` bytes."""
    out = bytearray()
    rest = data
    while rest:
        stream = zlib.decompressobj(_GZIP_WBITS)
        problem = _inflate(stream, rest, out, limit)
        if problem is not None:
            # past the bound nothing is kept: a bomb's output is not a document
            return Gunzipped(b"" if len(out) > limit else bytes(out), problem)
        rest = stream.unused_data
        if not rest.strip(b"\0"):  # some writers pad the last member with NUL bytes
            break
    return Gunzipped(bytes(out), None)


def _inflate(stream: zlib._Decompress, data: bytes, out: bytearray, limit: int) -> str | None:
    pending = data
    try:
        while not stream.eof:
            chunk = stream.decompress(pending, limit - len(out) + 1)
            pending = stream.unconsumed_tail
            if not chunk and not pending:
                return "truncated gzip (the data ends before the end of the stream)"
            out += chunk
            if len(out) > limit:
                return f"decompresses to more than {limit} bytes (max_decompressed_bytes)"
    except zlib.error as exc:
        return f"corrupt gzip data ({exc})"
    return None


def gzip_starts_with(data: bytes, prefix: bytes) -> bool:
    """Whether the decompressed start of a gzip stream is ``prefix`` (decompresses a little)."""
    stream = zlib.decompressobj(_GZIP_WBITS)
    try:
        head = stream.decompress(data[:SNIFF_BYTES], len(prefix))
    except zlib.error:
        return False
    return head == prefix


@cache
def _signatures() -> tuple[tuple[bytes, str], ...]:
    table = vocabulary()["binary_signatures"]
    return tuple((bytes.fromhex(str(magic)), str(name)) for magic, name in table.items())


def binary_kind(data: bytes) -> str | None:
    """What kind of binary file this is (``"PNG image"``), or ``None`` for text."""
    for magic, name in _signatures():
        if data.startswith(magic):
            return name
    if _bom_encoding(data) or _utf16_without_bom(data):
        return None
    head = data[:SNIFF_BYTES]
    if b"\0" in head:
        return "binary data (NUL bytes)"
    controls = sum(head.count(byte) for byte in _CONTROL)
    if controls > _MAX_CONTROL_SHARE * len(head):
        return "binary data (control bytes)"
    return None


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: mostly ASCII, so every other byte is NUL."""
    head = data[: SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(head) < 2 or len(head) % 2:
        return None
    half = len(head) // 2
    # 90%: ASCII-range text has a NUL as its high byte in nearly every code unit
    if head[1::2].count(0) >= 0.9 * half and not head[0::2].count(0):
        return "utf-16-le"
    if head[0::2].count(0) >= 0.9 * half and not head[1::2].count(0):
        return "utf-16-be"
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML file declares in its head, if it is a known codec."""
    if data[:SNIFF_BYTES].lstrip()[:1] != b"<":
        return None
    match = _DECLARED.search(data[:SNIFF_BYTES])
    if match is None:
        return None
    return codec_for((match.group(1) or match.group(2)).decode("ascii"))


def codec_for(label: str) -> str | None:
    """The Python codec for a declared charset label, or ``None`` if unknown."""
    label = label.strip().strip("\"'").lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> str | None:
    """Bytes to text with ``\\n`` newlines, or ``None`` when the bytes are not text.

    BOM first, then the declared charset, UTF-8, Windows-1252 for Western text, then
    charset-normalizer; a mostly-ASCII file no encoding fits is decoded with replacements.
    """
    encoding = _bom_encoding(data) or _utf16_without_bom(data)
    if encoding:
        text: str | None = data.decode(encoding, errors="replace").removeprefix("\ufeff")
    else:
        text = _decode_declared(data, declared) or _detect(data)
    if text is None:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_declared(data: bytes, declared: str | None) -> str | None:
    if declared is None:
        return None
    try:
        return data.decode(declared)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for attempt in (_mixed_utf8_cp1252, _lenient_utf8, _western, _normalizer, _mostly_ascii):
        text = attempt(data)
        if text is not None:
            return text
    return None


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a byte that is not UTF-8 is read as Windows-1252 on its own."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.start + 1]
    return bad.decode("cp1252", errors="replace"), error.start + 1


codecs.register_error("storyline-cp1252", _cp1252_bytes)


def _mixed_utf8_cp1252(data: bytes) -> str | None:
    """A file pasted together from UTF-8 and Windows-1252 parts ("café" twice, once in each):
    valid UTF-8 sequences stay UTF-8 and each stray byte is read as Windows-1252. Taken only
    when the file has real UTF-8 multi-byte sequences, which Windows-1252 text almost never
    forms by chance; a file that is all Windows-1252 is left to ``_western``."""
    strict = data.decode("utf-8", errors="replace")
    stray = strict.count("\ufffd")
    multibyte = sum(1 for char in strict if ord(char) > 0x7F) - stray
    if multibyte == 0:
        return None
    return data.decode("utf-8", errors="storyline-cp1252")


def _lenient_utf8(data: bytes) -> str | None:
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    valid_non_ascii = sum(1 for char in text if ord(char) > 0x7F) - bad
    if valid_non_ascii > 0 and bad <= _MAX_BAD_UTF8_SHARE * len(text):
        return text
    return None


def _western(data: bytes) -> str | None:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [char for char in text if char.isalpha()]
    accented = sum(1 for char in letters if ord(char) > 0x7F)
    return text if accented <= _MAX_ACCENTED_SHARE * max(len(letters), 1) else None


def _normalizer(data: bytes) -> str | None:
    best = from_bytes(data).best()
    return None if best is None else str(best)


def _mostly_ascii(data: bytes) -> str | None:
    head = data[:SNIFF_BYTES]
    outside = sum(1 for byte in head if byte > 0x7E or (byte < 0x20 and byte not in b"\t\n\r\f"))
    if outside > _MAX_NON_ASCII_SHARE * len(head):
        return None
    return data.decode("utf-8", errors="replace")


@cache
def _extension_index() -> dict[str, str]:
    return {
        str(ext): str(fmt)
        for fmt, extensions in vocabulary()["extensions"].items()
        for ext in extensions
    }


def format_from_name(name: str) -> str | None:
    """The reader a file name asks for (``a.warc.gz`` -> ``warc``), or ``None`` to sniff."""
    suffixes = [suffix.lower() for suffix in PurePath(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return _extension_index().get(suffixes[-1]) if suffixes else None


def strip_gz(name: str) -> str:
    """``a.html.gz`` -> ``a.html``: the name the decompressed content answers to."""
    return name[:-3] if name.lower().endswith(".gz") else name


def sniff_text(text: str) -> str:
    """The format a decoded text looks like: feed, xml, html, json or text."""
    head = _skip_prolog(text[:SNIFF_BYTES])
    if _FEED_ROOT.match(head):
        return "feed"
    if _HTML_START.match(head) or (head.startswith("<") and _HTML_INSIDE.search(head)):
        return "html"
    if head.startswith("<") and text.lstrip().startswith("<?xml"):
        return "xml"
    if head[:1] in ("{", "["):
        return "json"
    return "text"


def _skip_prolog(head: str) -> str:
    while True:
        match = _PROLOG.match(head)
        if match is None or not match.group(0):
            return head
        head = head[match.end() :]
