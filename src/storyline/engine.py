"""Engines that run the per-document stages in parallel, and the Parquet hand-off.

``pipeline.ingest`` takes a ``runner``: a function from a stream of batches to a stream of
outcome lists, one per batch and in order. This module provides two besides the in-process
default:

- ``process_pool_runner(workers)``: a local pool of worker processes, spaCy loaded once in each;
- ``dask_runner(scheduler, workers)``: the same work on a Dask cluster (a ``LocalCluster`` when
  no scheduler address is given).

Both keep a bounded window of batches in flight, so memory does not grow with the corpus, and
yield results in submission order, so the database is the same whatever the engine.

``write_parquet_dataset`` is the ``--out DIR`` mode: processed documents go to one Parquet
file per batch (one row per document, derived records as JSON columns) instead of a database;
``load_parquet_dataset`` later stores such a dataset with ``pipeline.store_document``.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeVar

from . import nlp, pipeline
from .errors import InputError, StorylineError
from .model import (
    Actor,
    ActorRef,
    Claim,
    DateExpr,
    Document,
    Event,
    Mention,
    RawDocument,
    Removal,
    Repeat,
)
from .pipeline import BatchRunner, IngestSummary, Outcome
from .read import read_paths
from .settings import Settings
from .store import Store

log = logging.getLogger(__name__)

# Batches in flight per worker: one being processed and one queued, so a worker never waits
# for the parent while memory stays bounded by 2 x workers batches (the suggestion).
WINDOW_PER_WORKER = 2
# The exit status of a worker whose parent died (128 + SIGHUP, what a shell's children get).
EXIT_ORPHANED = 129

T = TypeVar("T")


# -- results that cross process boundaries -------------------------------------------------


def _in_order(
    items: Iterable[T],
    submit: Callable[[T], Any],
    result: Callable[[Any], list[Outcome]],
    window: int,
) -> Iterator[list[Outcome]]:
    """Submit items keeping at most ``window`` in flight; yield results in submission order."""
    pending: deque[Any] = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def default_workers() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# -- a local process pool --------------------------------------------------------------------


def _init_worker(settings: Settings) -> None:
    """Load spaCy once when a worker process starts, not with its first batch; exit with the
    parent. A worker waits for batches on a pipe it holds both ends of, so it would wait for
    ever once the parent is killed (SIGKILL, OOM killer): a thread watches the parent's
    sentinel and ends the worker instead."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    nlp.load_model(settings)


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns once the parent process is gone
    os._exit(EXIT_ORPHANED)


def process_pool_runner(
    workers: int | None = None, start_method: str = "forkserver"
) -> BatchRunner:
    """A runner using ``workers`` processes (default: the number of cores).

    ``start_method`` is a multiprocessing start method; "forkserver" starts workers from a
    clean process (no threads or open database inherited), see docs/performance.md.
    """
    count = workers or default_workers()
    context = multiprocessing.get_context(start_method)

    def run(batches: Iterator[list[RawDocument]], settings: Settings) -> Iterator[list[Outcome]]:
        pool = ProcessPoolExecutor(
            max_workers=count, mp_context=context, initializer=_init_worker, initargs=(settings,)
        )
        try:

            def submit(batch: list[RawDocument]) -> Future[list[Outcome]]:
                return pool.submit(pipeline.process, batch, settings)

            def result(future: Future[list[Outcome]]) -> list[Outcome]:
                return future.result()

            yield from _in_order(batches, submit, result, WINDOW_PER_WORKER * count)
        finally:  # also when the consumer stops early: drop queued batches, stop the workers
            pool.shutdown(wait=True, cancel_futures=True)

    return run


# -- a Dask cluster --------------------------------------------------------------------------


class _DaskFuture(Protocol):
    def result(self) -> list[Outcome]: ...


def dask_runner(scheduler: str | None = None, workers: int | None = None) -> BatchRunner:
    """A runner on a Dask cluster: ``Client(scheduler)``, or a ``LocalCluster`` of ``workers``
    single-threaded processes (default: the number of cores) that lives as long as the run."""
    count = workers or default_workers()

    def run(batches: Iterator[list[RawDocument]], settings: Settings) -> Iterator[list[Outcome]]:
        from distributed import Client, LocalCluster  # heavy: only when this engine is used

        cluster = None
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None
            )  # type: ignore[no-untyped-call]
        client = Client(cluster if cluster is not None else scheduler)  # type: ignore[no-untyped-call]
        try:
            client.run(nlp.load_model, settings)  # spaCy once per worker, before the first batch
            window = WINDOW_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))

            def submit(batch: list[RawDocument]) -> _DaskFuture:
                future: _DaskFuture = client.submit(pipeline.process, batch, settings, pure=False)
                return future

            def result(future: _DaskFuture) -> list[Outcome]:
                return future.result()

            yield from _in_order(batches, submit, result, window)
        finally:
            client.close()  # type: ignore[no-untyped-call]
            if cluster is not None:
                cluster.close()

    return run


def make_runner(
    engine: str, workers: int | None = None, scheduler: str | None = None
) -> BatchRunner:
    """The runner the CLI options name: engine "local" or "dask"; ``workers`` None or 0 means
    the number of cores this process may use.

    "local" with one worker runs in this process; with more, a process pool that starts only
    when the input holds more than one batch (``spacy_batch_size`` documents): one batch is
    processed here, sparing the start of the workers (each loads spaCy) for a short ingest.
    """
    if engine == "dask":
        return dask_runner(scheduler, workers)
    if engine != "local":
        raise StorylineError(f"unknown engine {engine!r} (choose local or dask)")
    if scheduler is not None:
        raise StorylineError("--scheduler needs --engine dask")
    if (workers or default_workers()) <= 1:
        return pipeline.run_in_process
    return pool_for_several_batches(process_pool_runner(workers))


def pool_for_several_batches(pool: BatchRunner) -> BatchRunner:
    """``pool`` once a second batch arrives; a single batch goes through ``process`` here."""

    def run(batches: Iterator[list[RawDocument]], settings: Settings) -> Iterator[list[Outcome]]:
        stream = iter(batches)
        first = list(itertools.islice(stream, 2))
        if len(first) < 2:
            yield from pipeline.run_in_process(iter(first), settings)
        else:
            yield from pool(itertools.chain(first, stream), settings)

    return run


# -- the Parquet hand-off ----------------------------------------------------------------------

# Bumped whenever the row layout changes; a dataset with another version is refused.
PARQUET_LAYOUT = "2"
_LAYOUT_KEY = b"storyline.layout"
_SCALARS = (
    "id",
    "origin",
    "format",
    "content_hash",
    "text",
    "title",
    "source",
    "url",
    "author",
    "published",
    "published_from",
    "wire",
)
_NESTED = ("removed", "repeats", "dates", "actors", "mentions", "events", "claims")


@functools.cache
def parquet_schema() -> Any:
    """The Arrow schema of a dataset part (pyarrow is imported here, not by worker processes,
    which import this module for their initializer)."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(
                name,
                pa.string(),
                nullable=name not in {"id", "origin", "format", "content_hash", "text"},
            )
            for name in _SCALARS
        ]
        + [pa.field("published_estimated", pa.bool_(), nullable=False)]
        + [pa.field(name, pa.string(), nullable=False) for name in _NESTED],
        metadata={_LAYOUT_KEY: PARQUET_LAYOUT.encode()},
    )


def document_row(doc: Document) -> dict[str, Any]:
    """One Parquet row: scalar fields as columns, each derived part as a JSON list."""
    row: dict[str, Any] = {name: getattr(doc, name) for name in _SCALARS}
    row["published_estimated"] = doc.published_estimated
    for name in _NESTED:
        row[name] = json.dumps([asdict(part) for part in getattr(doc, name)], ensure_ascii=False)
    return row


def row_document(row: dict[str, Any]) -> Document:
    """The exact inverse of ``document_row``."""
    nested = {name: json.loads(row[name]) for name in _NESTED}
    return Document(
        **{name: row[name] for name in _SCALARS},
        published_estimated=bool(row["published_estimated"]),
        removed=tuple(Removal(**part) for part in nested["removed"]),
        repeats=tuple(Repeat(**part) for part in nested["repeats"]),
        dates=tuple(DateExpr(**part) for part in nested["dates"]),
        actors=tuple(Actor(**_tupled(part)) for part in nested["actors"]),
        mentions=tuple(Mention(**part) for part in nested["mentions"]),
        events=tuple(_event(part) for part in nested["events"]),
        claims=tuple(Claim(**part) for part in nested["claims"]),
    )


def _tupled(part: dict[str, Any]) -> dict[str, Any]:
    """JSON lists back to the tuples the frozen dataclasses hold."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in part.items()}


def _event(part: dict[str, Any]) -> Event:
    values = _tupled(part)
    for role in ("actors", "recipients"):
        values[role] = tuple(ActorRef(**ref) for ref in values[role])
    return Event(**values)


def write_parquet_dataset(
    paths: Sequence[str],
    out_dir: str | Path,
    settings: Settings,
    runner: BatchRunner = pipeline.run_in_process,
    *,
    stdin: BinaryIO | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> IngestSummary:
    """Process every document under ``paths`` into ``out_dir``: one Parquet file per batch.

    Files are numbered after any already in ``out_dir`` (a later run adds to the dataset) and
    written under a temporary name then renamed, so an interrupted run leaves whole files only.
    ``stored`` in the summary counts documents written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = IngestSummary()
    report = _reporter(summary, on_error)

    def good_batches() -> Iterator[list[RawDocument]]:
        for batch in pipeline.batches(
            read_paths(paths, settings, stdin), settings.spacy_batch_size
        ):
            raws = []
            for item in batch:
                summary.inputs.add(
                    (item.source if isinstance(item, InputError) else item.origin).split("#")[0]
                )
                if isinstance(item, InputError):
                    report(item)
                else:
                    raws.append(item)
            if raws:
                yield raws

    number = _next_part(out)
    for outcomes in runner(good_batches(), settings):
        docs = []
        for outcome in outcomes:
            if isinstance(outcome, InputError):
                report(outcome)
            else:
                docs.append(outcome)
        if docs:
            _write_part(out / f"part-{number:06d}.parquet", docs)
            number += 1
            summary.stored += len(docs)
    return summary


def load_parquet_dataset(
    out_dir: str | Path,
    store: Store,
    settings: Settings,
    *,
    on_error: Callable[[InputError], None] | None = None,
) -> IngestSummary:
    """Store a dataset written by ``write_parquet_dataset``, one transaction per file.

    Documents whose content is already stored are skipped, exactly as ``pipeline.ingest`` does,
    so loading gives the same database as ingesting the same inputs directly.
    """
    summary = IngestSummary()
    report = _reporter(summary, on_error)
    parts = sorted(Path(out_dir).glob("part-*.parquet"))
    if not parts:
        raise StorylineError(f"{out_dir}: no Parquet dataset (part-*.parquet) found")
    for part in parts:
        summary.inputs.add(str(part))
        try:
            docs = _read_part(part)
        except InputError as error:
            report(error)
            continue
        pipeline.store_outcomes(store, docs, settings, summary, report)
    return summary


def _reporter(
    summary: IngestSummary, on_error: Callable[[InputError], None] | None
) -> Callable[[InputError], None]:
    def report(error: InputError) -> None:
        summary.failed += 1
        summary.errors.append(error)
        if on_error:
            on_error(error)

    return report


def _next_part(out: Path) -> int:
    numbers = [
        int(p.stem.split("-")[1])
        for p in out.glob("part-*.parquet")
        if p.stem.split("-")[1].isdigit()
    ]
    return max(numbers, default=-1) + 1


def _write_part(path: Path, docs: Sequence[Document]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([document_row(d) for d in docs], schema=parquet_schema())
    partial = path.with_suffix(".partial")
    pq.write_table(table, partial)
    partial.replace(path)


def _read_part(path: Path) -> list[Document]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError(str(path), f"not a readable Parquet file ({exc})") from exc
    layout = (table.schema.metadata or {}).get(_LAYOUT_KEY)
    if layout != PARQUET_LAYOUT.encode():
        found = layout.decode() if layout else "none"
        raise InputError(str(path), f"not a storyline dataset of layout {PARQUET_LAYOUT} ({found})")
    return [row_document(row) for row in table.to_pylist()]
