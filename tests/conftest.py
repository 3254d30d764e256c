"""Shared fixtures: real input files built in ``tmp_path`` (no mocks, no network)."""

from __future__ import annotations

import importlib.util
import io
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.settings import Settings

# (target URI, HTTP content type, body) of one WARC response record
WarcPage = tuple[str, str, bytes]


@pytest.fixture
def settings() -> Settings:
    """Default settings: the limits a user gets out of the box."""
    return Settings()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """``write("sub/a.txt", "text or bytes")``: a real file under ``tmp_path``."""

    def _write(relative: str, content: str | bytes) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return _write


def warc_bytes(pages: Sequence[WarcPage], gzip: bool = False) -> bytes:
    """A WARC file (optionally gzipped per record) with one HTTP response per page."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    for uri, content_type, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


def article_page(number: int) -> bytes:
    """A small news page whose title and body name the article number."""
    return (
        f"<html><head><title>Article {number}</title></head><body>"
        f"<p>Body of article {number}. {'Padding sentence. ' * 40}</p></body></html>"
    ).encode()


@pytest.fixture
def news_warc() -> Callable[..., bytes]:
    """``news_warc(n, gzip=False)``: n article pages plus an image response in between."""

    def _build(count: int = 3, gzip: bool = False) -> bytes:
        pages: list[WarcPage] = []
        for number in range(1, count + 1):
            pages.append(
                (f"https://news.example/{number}", "text/html; charset=utf-8", article_page(number))
            )
            pages.append((f"https://news.example/{number}.png", "image/png", b"\x89PNG\r\n"))
        return warc_bytes(pages, gzip=gzip)

    return _build


@pytest.fixture(scope="session")
def evaluation_script() -> Callable[[str], ModuleType]:
    """``evaluation_script("eval_dates")``: a script of ``evaluation/`` loaded as a module, so
    a quality gate calls the very function the script prints its figures with."""

    def _load(name: str) -> ModuleType:
        path = Path(__file__).resolve().parent.parent / "evaluation" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module

    return _load
