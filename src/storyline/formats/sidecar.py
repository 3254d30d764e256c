"""Metadata for single-document files: a ``NAME.meta.json`` sidecar or a folder ``sources.csv``.

``a.txt`` takes its metadata from ``a.meta.json`` or ``a.txt.meta.json`` (the sidecar wins),
else from the row of ``sources.csv`` (columns file, title, url, source, published) in the
same folder whose ``file`` names it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from .fields import canonical_record, normalise_date
from .sniff import decode

SOURCES_CSV = "sources.csv"
SIDECAR_SUFFIX = ".meta.json"
# the fields a sidecar may give a document (text and html come from the document itself)
_DOCUMENT_FIELDS = ("id", "title", "url", "source", "published", "author")


def is_metadata_file(path: Path) -> bool:
    """Sidecars and ``sources.csv`` describe documents; a folder walk does not read them."""
    return path.name.endswith(SIDECAR_SUFFIX) or path.name.lower() == SOURCES_CSV


class Metadata:
    """Looks up the metadata of files, reading each folder's ``sources.csv`` once."""

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._tables: dict[Path, dict[str, dict[str, str]]] = {}

    def lookup(self, path: Path) -> tuple[dict[str, str], list[InputError]]:
        """The document fields for ``path`` and the errors met reading its metadata files."""
        errors: list[InputError] = []
        fields = dict(self._table(path.parent, errors).get(path.name, {}))
        for sidecar in _sidecars(path):
            if sidecar.is_file():
                fields.update(_read_sidecar(sidecar, self._max_bytes, errors))
                break
        if "published" in fields:
            fields["published"] = normalise_date(fields["published"]) or ""
        return {k: v for k, v in fields.items() if k in _DOCUMENT_FIELDS and v}, errors

    def _table(self, folder: Path, errors: list[InputError]) -> dict[str, dict[str, str]]:
        if folder not in self._tables:
            path = folder / SOURCES_CSV
            self._tables[folder] = _read_sources(path, self._max_bytes, errors)
        return self._tables[folder]


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.stem + SIDECAR_SUFFIX), path.with_name(path.name + SIDECAR_SUFFIX)


def _load_text(path: Path, max_bytes: int, errors: list[InputError]) -> str | None:
    try:
        if path.stat().st_size > max_bytes:
            errors.append(InputError(str(path), "metadata file over max_input_bytes"))
            return None
        data = path.read_bytes()
    except OSError as exc:
        errors.append(InputError(str(path), f"cannot read ({exc.strerror})"))
        return None
    text = decode(data)
    if text is None:
        errors.append(InputError(str(path), "metadata file is not text"))
    return text


def _read_sidecar(path: Path, max_bytes: int, errors: list[InputError]) -> dict[str, str]:
    text = _load_text(path, max_bytes, errors)
    if text is None:
        return {}
    try:
        value: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{path}#line={exc.lineno}"
        errors.append(InputError(where, f"not valid JSON ({exc.msg} at column {exc.colno})"))
        return {}
    if not isinstance(value, dict):
        errors.append(InputError(str(path), "metadata sidecar is not a JSON object"))
        return {}
    return canonical_record(value)


def _read_sources(path: Path, max_bytes: int, errors: list[InputError]) -> dict[str, Any]:
    if not path.is_file():
        return {}
    text = _load_text(path, max_bytes, errors)
    if text is None:
        return {}
    table: dict[str, dict[str, str]] = {}
    try:
        for row in csv.DictReader(io.StringIO(text, newline="")):
            fields = canonical_record({k: v for k, v in row.items() if k is not None})
            name = fields.pop("file", None)
            if name:
                table[Path(name).name] = fields
    except csv.Error as exc:
        errors.append(InputError(str(path), f"malformed CSV ({exc})"))
    if not table:
        errors.append(InputError(str(path), "no row names a file (expected a 'file' column)"))
    return table
