"""Record formats: JSON (one object or a list), JSON Lines, CSV and TSV.

Origins: ``path`` for a single JSON object, ``path#item=N`` for the N-th object of a JSON
list (from 1), ``path#line=N`` for a JSON Lines record (file line, from 1), ``path#row=N``
for a CSV/TSV row (as a spreadsheet numbers it: the header is row 1).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from . import Item
from .fields import canonical_field, record_document, text_field_names, vocabulary

# delimiters a CSV export may use; the one most frequent in the header row wins
_CSV_DELIMITERS = ",;\t|"


def read_json(text: str, origin: str) -> Iterator[Item]:
    """A JSON file: one object, a list of objects, or an object wrapping such a list."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and _first_line_is_object(text):
            yield from read_jsonl(text, origin)  # JSON Lines saved as .json
        else:
            yield InputError(f"{origin}#line={exc.lineno}", _json_reason(exc))
        return
    records = _unwrap(value)
    if isinstance(records, dict):
        yield record_document(records, origin, "json")
    elif isinstance(records, list):
        yield from _read_list(records, origin)
    else:
        yield InputError(origin, "JSON is neither an object nor a list of objects")


def _first_line_is_object(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except json.JSONDecodeError:
        return False


def _unwrap(value: Any) -> Any:
    """``{"articles": [...]}`` -> the list, when the object has no text of its own."""
    if not isinstance(value, dict) or any(canonical_field(str(key)) for key in value):
        return value
    for key in vocabulary()["containers"]:
        if isinstance(value.get(key), list):
            return value[key]
    return value


def _read_list(records: list[Any], origin: str) -> Iterator[Item]:
    if not records:
        yield InputError(origin, "empty JSON list")
    for number, record in enumerate(records, start=1):
        where = f"{origin}#item={number}"
        if isinstance(record, dict):
            yield record_document(record, where, "json")
        else:
            yield InputError(where, "not a JSON object")


def _json_reason(exc: json.JSONDecodeError) -> str:
    return f"not valid JSON ({exc.msg} at column {exc.colno})"


def read_jsonl(text: str, origin: str) -> Iterator[Item]:
    """JSON Lines: one object per line; a bad line is one error and the others go on."""
    found = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        found = True
        where = f"{origin}#line={number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, _json_reason(exc))
            continue
        if isinstance(record, dict):
            yield record_document(record, where, "jsonl")
        else:
            yield InputError(where, "not a JSON object")
    if not found:
        yield InputError(origin, "no JSON records")


def read_table(text: str, origin: str, fmt: str, max_field: int) -> Iterator[Item]:
    """CSV or TSV with a header row naming a text column (text, body, content or html)."""
    header_line = text.split("\n", 1)[0]
    delimiter = "\t" if fmt == "tsv" else _delimiter(header_line)
    # the csv module refuses fields over 128 KiB by default; an article's html can be
    # larger, and the whole file is already bounded by max_input_bytes
    csv.field_size_limit(max(csv.field_size_limit(), min(max_field, sys.maxsize)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            yield InputError(origin, "empty table")
            return
        columns = [column.strip() for column in header]
        if not {canonical_field(column) for column in columns} & {"text", "html"}:
            yield InputError(origin, f"no text column (expected one of {text_field_names()})")
            return
        yield from _rows(reader, columns, origin, fmt)
    except csv.Error as exc:
        yield InputError(f"{origin}#row={reader.line_num}", f"malformed {fmt.upper()} ({exc})")


def _delimiter(header_line: str) -> str:
    return max(_CSV_DELIMITERS, key=header_line.count)


def _rows(reader: Iterator[list[str]], columns: list[str], origin: str, fmt: str) -> Iterator[Item]:
    found = False
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        found = True
        record = dict(zip(columns, row, strict=False))
        yield record_document(record, f"{origin}#row={number}", fmt)
    if not found:
        yield InputError(origin, "table has a header but no rows")
