"""Throughput, the spaCy limit, scaling over workers and engines, and peak memory.

The corpus: the five sample articles and, when ../shared is present, the gold article texts of
the zyte-dev set, repeated with distinct ids (and a distinct first line, so no two inputs have
the same content hash) up to --docs documents. The first line printed says how many texts are
distinct. Figures and how to read them: docs/performance.md.

Usage:
  python benchmarks/bench_scale.py throughput [--docs 1000] [--profile 200]
  python benchmarks/bench_scale.py profile [--profile 200]
  python benchmarks/bench_scale.py scaling [--docs 400] [--passes 2]
  python benchmarks/bench_scale.py memory --docs 1000 [--workers 2]
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import pstats
import resource
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil  # type: ignore[import-untyped]
from spacy.tokens import Doc

from storyline import actors, claims, engine, events, nlp, pipeline
from storyline.model import Document, RawDocument
from storyline.pipeline import BatchRunner
from storyline.settings import Settings
from storyline.store import Store

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared/data/zyte-dev/ground-truth.json"
# how often the memory sampler reads the resident size of the process tree (seconds): often
# enough to catch a batch's peak, which lasts about a second on this machine
SAMPLE_EVERY = 0.1
# throughput: documents per round; spaCy alone, the stages and the ingest are timed in turn on
# each round (about ten seconds of spaCy on this machine), so the load weighs on all alike
ROUND = 50
# documents per JSONL file of the benchmark corpus (about 7 MiB)
FILE_DOCS = 1000


def corpus_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("examples/*/*.txt"))]
    if GOLD.is_file():
        texts += [v["articleBody"] for v in json.loads(GOLD.read_text()).values()]
    return [t for t in texts if t.strip()]


def raw_documents(count: int) -> Iterator[RawDocument]:
    """``count`` inputs cycling over the corpus texts, each with its own id and content."""
    texts = corpus_texts()
    for i in range(count):
        text = f"Copy {i}.\n{texts[i % len(texts)]}"
        yield RawDocument(origin=f"bench#{i}", format="text", text=text, id=f"b{i}")


def write_corpus(folder: Path, count: int) -> Path:
    """The corpus as JSONL files of FILE_DOCS documents in ``folder / "corpus"``: the reader
    holds one input file in memory at a time (at most ``max_input_bytes``, 100 MiB; 20,000
    documents in one file would be 142 MiB and refused), like a folder of daily dumps."""
    corpus = folder / "corpus"
    corpus.mkdir()
    raws = raw_documents(count)
    for number, first in enumerate(range(0, count, FILE_DOCS)):
        with (corpus / f"part{number:04d}.jsonl").open("w", encoding="utf-8") as out:
            for raw in itertools.islice(raws, min(FILE_DOCS, count - first)):
                out.write(json.dumps({"id": raw.id, "text": raw.text}) + "\n")
    return corpus


def words_of(count: int) -> int:
    return sum(len((r.text or "").split()) for r in raw_documents(count))


def line(label: str, docs: int, words: int, seconds: float) -> None:
    print(
        f"{label:<44} {docs / seconds:>8.1f} docs/s {words / seconds:>9.0f} words/s "
        f"({seconds:.1f} s)"
    )


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


# -- throughput and the spaCy limit ---------------------------------------------------------


def throughput(docs: int, profile: int) -> None:
    """docs/s and words/s of spaCy alone, of the per-document stages and of the whole ingest.

    The three are measured in turn on each round of ROUND documents (the same texts), so a
    change of load on the shared machine weighs on all three alike and the ratios hold. The
    ingest adds each round's JSONL file to one growing database, as a long ingest would.
    """
    settings = Settings()
    raws = list(raw_documents(docs))
    words = words_of(docs)
    print(
        f"{docs} documents ({len(corpus_texts())} distinct texts), {words} words; "
        f"load {load_average()}"
    )
    pipeline.process(raws[:2], settings)  # model, vocabularies, indexes: loaded before timing
    total = {"spacy": 0.0, "process": 0.0, "ingest": 0.0}
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "kb.db") as store:
        for first in range(0, docs, ROUND):
            chunk = raws[first : first + ROUND]
            path = Path(tmp) / f"round{first}.jsonl"
            took = _round(chunk, store, path, settings, first // ROUND)
            for name, seconds in took.items():
                total[name] += seconds
            print(
                f"  docs {first}-{first + len(chunk) - 1}: spaCy {took['spacy']:.1f} s, "
                f"process {took['process'] / took['spacy']:.2f}x, "
                f"ingest {took['ingest'] / took['spacy']:.2f}x; load {load_average()}"
            )
    line("spaCy nlp.pipe alone (cleaned texts)", docs, words, total["spacy"])
    line("per-document stages (pipeline.process)", docs, words, total["process"])
    line("whole ingest, 1 worker (read .. store)", docs, words, total["ingest"])
    print(
        f"process / spaCy = {total['process'] / total['spacy']:.2f}x, "
        f"ingest / spaCy = {total['ingest'] / total['spacy']:.2f}x"
    )
    if profile:
        breakdown(raws[:profile], settings)


def _round(
    chunk: list[RawDocument], store: Store, path: Path, settings: Settings, turn: int
) -> dict[str, float]:
    """Seconds of spaCy alone, of ``process`` and of ``ingest`` on the same documents, the
    three started in a rotating order (``turn``) so none is always first in a round."""
    model = nlp.load_model(settings)
    texts = [pipeline.prepare(r).text for r in chunk]
    batches = list(pipeline.batches(chunk, settings.spacy_batch_size))
    path.write_text("".join(_jsonl(r) for r in chunk), encoding="utf-8")
    runs: list[tuple[str, Callable[[], object]]] = [
        ("spacy", lambda: deque(model.pipe(texts, batch_size=settings.nlp_batch_size), 0)),
        ("process", lambda: [pipeline.process(b, settings) for b in batches]),
        ("ingest", lambda: pipeline.ingest([str(path)], store, settings)),
    ]
    runs = runs[turn % 3 :] + runs[: turn % 3]
    return {name: timed(run) for name, run in runs}


def _jsonl(raw: RawDocument) -> str:
    return json.dumps({"id": raw.id, "text": raw.text}) + "\n"


def breakdown(raws: list[RawDocument], settings: Settings) -> None:
    """Seconds per stage on the same documents (no profiler running), then our hottest
    functions under cProfile in a second pass (cProfile slows Python code several times more
    than spaCy's compiled code, so its times are only used to rank functions)."""
    print(f"load {load_average()}")
    model = nlp.load_model(settings)
    pipeline.process(raws[:2], settings)  # vocabularies and indexes load once, before timing
    docs = [pipeline.prepare(r) for r in raws]
    start = time.perf_counter()
    parsed = list(model.pipe([d.text for d in docs], batch_size=settings.nlp_batch_size))
    spacy_s = time.perf_counter() - start
    stages: dict[str, float] = {"spaCy": spacy_s}
    stages["prepare"] = timed(lambda: [pipeline.prepare(r) for r in raws])
    for doc, sp in zip(docs, parsed, strict=True):
        _timed_stages(doc, sp, settings, stages)
    ours = sum(seconds for name, seconds in stages.items() if name != "spaCy")
    print(f"\nbreakdown on {len(docs)} documents (seconds, share of spaCy's time):")
    for name, seconds in stages.items():
        print(f"  {name:<10} {seconds:>7.2f} s  {seconds / spacy_s:>6.1%}")
    print(f"  {'ours':<10} {ours:>7.2f} s  {ours / spacy_s:>6.1%}; load {load_average()}")
    profiler = cProfile.Profile()
    profiler.enable()
    for raw, doc, sp in zip(raws, docs, parsed, strict=True):
        pipeline.prepare(raw)
        _timed_stages(doc, sp, settings, {})
    profiler.disable()
    print("\nhottest storyline functions (cProfile, own time; ranks, not absolute costs):")
    stats = pstats.Stats(profiler)
    rows = [
        (tt, ct, nc, f"{Path(file).name}:{lineno} {name}")
        for (file, lineno, name), (_cc, nc, tt, ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
        if "storyline" in file
    ]
    for tt, ct, nc, label in sorted(rows, reverse=True)[:15]:
        print(f"  {tt:>6.2f} s own {ct:>6.2f} s cum {nc:>8} calls  {label}")


def _timed_stages(doc: Document, parsed: Doc, settings: Settings, into: dict[str, float]) -> None:
    t0 = time.perf_counter()
    found, mentions = actors.resolve_actors(parsed, settings)
    t1 = time.perf_counter()
    anchor = pipeline._as_date(doc.published) if not doc.published_estimated else None
    events.code_events(parsed, found, mentions, doc.dates, anchor, settings)
    t2 = time.perf_counter()
    claims.extract_claims(parsed, found, mentions, doc.dates, doc.published, settings)
    t3 = time.perf_counter()
    for name, seconds in (("actors", t1 - t0), ("events", t2 - t1), ("claims", t3 - t2)):
        into[name] = into.get(name, 0.0) + seconds


# -- scaling over workers and engines --------------------------------------------------------


def scaling(docs: int, passes: int) -> None:
    """The whole ingest with each engine; with two passes the second runs them in reverse
    order (A B C D D C B A), so a load that rises or falls during the run weighs on all alike.
    Pool start-up and spaCy loading in the workers are included."""
    words = words_of(docs)
    print(
        f"{docs} documents ({len(corpus_texts())} distinct texts), {words} words; "
        f"{engine.default_workers()} cores; load {load_average()}"
    )
    runners: list[tuple[str, BatchRunner]] = [
        ("in process (1 worker)", pipeline.run_in_process),
        ("process pool, 1 worker", engine.process_pool_runner(1)),
        ("process pool, 2 workers", engine.process_pool_runner(2)),
        ("dask LocalCluster, 2 workers", engine.dask_runner(None, 2)),
    ]
    order = runners if passes == 1 else runners + runners[::-1]
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp), docs)
        for number, (label, runner) in enumerate(order):
            took = ingest_seconds(corpus, Path(tmp) / f"kb{number}.db", runner, docs)
            seconds[label] = seconds.get(label, 0.0) + took
            line(f"{label} (load {load_average()})", docs, words, took)
    base = seconds["in process (1 worker)"]
    for label, value in seconds.items():
        print(f"speed-up {label:<32} {base / value:.2f}x (all passes)")
    pool1, pool2 = seconds["process pool, 1 worker"], seconds["process pool, 2 workers"]
    dask2 = seconds["dask LocalCluster, 2 workers"]
    print(
        f"2 workers vs 1 (process pool): {pool1 / pool2:.2f}x; dask vs pool: {dask2 / pool2:.2f}x"
    )


def ingest_seconds(corpus: Path, db: Path, runner: BatchRunner, docs: int) -> float:
    """Seconds to ingest ``corpus``; refuses to report a run that did not store every document
    (an input refused as too large once made a 20,000-document run look instant)."""
    with Store(db) as store:
        start = time.perf_counter()
        summary = pipeline.ingest([str(corpus)], store, Settings(), runner=runner)
        seconds = time.perf_counter() - start
    if summary.stored != docs or summary.failed:
        raise SystemExit(f"ingest did not store the corpus: {summary.line()}; {summary.errors[:3]}")
    return seconds


# -- peak memory -----------------------------------------------------------------------------


def memory(docs: int, workers: int) -> None:
    """Peak memory of this process and its workers while ingesting ``docs``.

    Summed PSS (proportional set size): workers forked from the forkserver share the pages of
    the imported libraries, which summed RSS would count once per process. Also printed: each
    process's own peak PSS (parent, forkserver, workers), and the tree's PSS at every tenth of
    the run, to show whether it grows with the corpus.
    """
    me = psutil.Process()
    peak = {"pss": 0, "rss": 0}
    own: dict[int, tuple[str, int]] = {}  # pid -> (role, peak PSS)
    timeline: list[tuple[float, int]] = []
    done = threading.Event()
    start = time.perf_counter()

    def sample() -> None:
        while not done.is_set():
            pss = rss = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    info = proc.memory_full_info()
                    role = _role(proc, me)
                except psutil.NoSuchProcess:
                    continue
                pss, rss = pss + info.pss, rss + info.rss
                own[proc.pid] = (role, max(info.pss, own.get(proc.pid, ("", 0))[1]))
            peak["pss"], peak["rss"] = max(peak["pss"], pss), max(peak["rss"], rss)
            timeline.append((time.perf_counter() - start, pss))
            done.wait(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    runner = engine.make_runner("local", workers)
    load_before = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp), docs)
        sampler.start()
        seconds = ingest_seconds(corpus, Path(tmp) / "kb.db", runner, docs)
        done.set()
        sampler.join()
        size = sum(f.stat().st_size for f in Path(tmp).iterdir() if f.name.startswith("kb"))
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{docs} docs, {workers} worker(s): peak PSS of the process tree "
        f"{peak['pss'] / 2**20:.0f} MB (summed RSS {peak['rss'] / 2**20:.0f} MB; parent alone "
        f"max RSS {parent:.0f} MB), {seconds:.0f} s ({docs / seconds:.1f} docs/s), "
        f"database {size / 2**20:.0f} MB; load {load_before} before, {load_average()} after"
    )
    roles: dict[str, list[int]] = {}
    for role, value in own.values():
        roles.setdefault(role, []).append(value)
    print(
        "  peak PSS per process: "
        + ", ".join(
            f"{role} {' / '.join(f'{v / 2**20:.0f}' for v in sorted(values))} MB"
            for role, values in sorted(roles.items())
        )
    )
    tenths = [
        max((p for t, p in timeline if t <= seconds * k / 10), default=0) for k in range(1, 11)
    ]
    print(
        "  tree PSS peak so far at each tenth of the run (MB): "
        + " ".join(f"{v / 2**20:.0f}" for v in tenths)
    )


def _role(proc: psutil.Process, me: psutil.Process) -> str:
    if proc.pid == me.pid:
        return "parent"
    command = " ".join(proc.cmdline())
    if "resource_tracker" in command:
        return "resource tracker"
    # the workers are forked from the forkserver and keep its command line
    if "forkserver" in command and proc.ppid() == me.pid:
        return "forkserver"
    return "worker"


def load_average() -> str:
    """The 1-minute load average (/proc/loadavg): how busy the shared machine was."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["throughput", "profile", "scaling", "memory"])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--profile", type=int, default=200, help="documents to profile (0: none)")
    parser.add_argument("--workers", type=int, default=engine.default_workers())
    parser.add_argument("--passes", type=int, choices=[1, 2], default=2, help="scaling only")
    args = parser.parse_args()
    if args.what == "throughput":
        throughput(args.docs, args.profile)
    elif args.what == "profile":
        settings = Settings()
        breakdown(list(raw_documents(args.profile)), settings)
    elif args.what == "scaling":
        scaling(args.docs, args.passes)
    else:
        memory(args.docs, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
