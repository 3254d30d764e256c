"""The command line: parse arguments, call the library, format what it returns.

This is the only module that prints. Each command's help carries an example.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from . import __version__, clean, dates, export, pipeline, report, views
from .errors import InputError, StorylineError
from .settings import Settings
from .store import Store

Handler = Callable[[argparse.Namespace, Settings], int]
EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="storyline: %(message)s")
    try:
        settings = Settings.load(args.config, db=getattr(args, "db", None))
        handler: Handler = args.handler
        return handler(args, settings)
    except StorylineError as exc:
        print(f"storyline: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `storyline extract ... | head` is fine
        sys.stderr.close()
        return EXIT_OK


# -- commands --------------------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from . import engine  # the process pool and Dask are imported only when ingesting

    runner = engine.make_runner(args.engine, args.workers or settings.workers, args.scheduler)
    if args.out:
        summary = engine.write_parquet_dataset(
            args.paths, args.out, settings, runner, stdin=sys.stdin.buffer, on_error=_report_error
        )
        print(f"{args.out}: {summary.line()} (load with `storyline load`)", file=sys.stderr)
    else:
        with Store(settings.db) as store:
            summary = _ingest(args.paths, store, settings, not args.quiet, runner)
        print(f"{settings.db}: {summary.line()}", file=sys.stderr)
    return EXIT_SOME_FAILED if summary.failed else EXIT_OK


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from . import engine

    with Store(settings.db) as store:
        summary = engine.load_parquet_dataset(args.dir, store, settings, on_error=_report_error)
    print(f"{settings.db}: {summary.line()}", file=sys.stderr)
    return EXIT_SOME_FAILED if summary.failed else EXIT_OK


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    examples = _examples_folder()
    with Store(settings.db) as store:
        summary = _ingest([str(examples)], store, settings, progress=False)
        print(f"Ingested {examples}: {summary.line()}")
        print(f"Knowledge base: {Path(settings.db).resolve()}")
        print(
            f"  {store.count('documents')} documents, {store.count('removals')} removed lines "
            f"kept with their reasons, {store.count('duplicates')} near-duplicates, "
            f"{store.count('dates')} date expressions, {store.count('actors')} actors, "
            f"{store.count('events')} events, {store.count('claims')} claims"
        )
        top = store.actors()[:8]
        if top:
            print("  most mentioned actors: " + "; ".join(_actor_label(a) for a in top))
        brief = report.build(store)
    folder = Path(settings.db).resolve().parent
    written = []
    for name, text in (
        ("brief.md", report.to_markdown(brief)),
        ("brief.html", report.to_html(brief)),
    ):
        (folder / name).write_text(text, encoding="utf-8")
        written.append(str(folder / name))
    print("Brief: " + " and ".join(written))
    print("Try: storyline timeline --db " + settings.db)
    return EXIT_SOME_FAILED if summary.failed else EXIT_OK


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    failed = 0
    for outcome in pipeline.extract(args.paths or ["-"], settings, sys.stdin.buffer):
        if isinstance(outcome, InputError):
            failed += 1
            _report_error(outcome)
        else:
            _write_json(outcome.to_json())
    return EXIT_SOME_FAILED if failed else EXIT_OK


def cmd_clean(args: argparse.Namespace, settings: Settings) -> int:
    raw = _read_input(args.file)
    text = raw.decode("utf-8", errors="replace")
    kind = args.source_format
    if kind == "auto":
        kind = "html" if _looks_like_html(text) else "text"
    cleaned = clean.clean_html(text) if kind == "html" else clean.clean_text(text)
    sys.stdout.write(cleaned.text.rstrip("\n") + "\n")
    if args.explain:
        for removal in cleaned.removed:
            print(f"removed [{removal.reason}] {removal.text}", file=sys.stderr)
        for key, value in sorted(cleaned.meta.items()):
            print(f"meta {key}: {value}", file=sys.stderr)
    return EXIT_OK


def cmd_dates(args: argparse.Namespace, settings: Settings) -> int:
    anchor = _parse_anchor(args.anchor)
    text = _read_input(args.file).decode("utf-8", errors="replace")
    for item in dates.dates_json(text, anchor):
        _write_json(item)
    return EXIT_OK


def cmd_actors(args: argparse.Namespace, settings: Settings) -> int:
    with _open_existing(settings) as store:
        rows = store.actors()
    columns = ["id", "name", "kind", "country", "sector", "mentions", "documents", "aliases"]
    _emit(rows, columns, args.format)
    return EXIT_OK


def cmd_events(args: argparse.Namespace, settings: Settings) -> int:
    with _open_existing(settings) as store:
        found = views.events(store, _event_filter(args))
    if args.format in ("json", "jsonl"):
        _emit([export.event_record(e) for e in found], [], args.format)
        return EXIT_OK
    rows = [views.event_row(e) for e in found]
    columns = ["date", "type", "mode", "status", "actor", "recipient", "location", "source"]
    if args.format != "table":
        columns += ["context", "document", "score", "confidence", "sentence"]
    _emit(rows, columns, args.format)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    with _open_existing(settings) as store:
        entries = views.timeline(store, _event_filter(args))
    if args.format in ("json", "jsonl"):
        _emit([entry.to_json() for entry in entries], [], args.format)
        return EXIT_OK
    columns = ["date", "type", "actor", "recipient", "location", "reports", "sources"]
    if args.format != "table":
        columns += ["mode", "documents", "sentence", "dated", "date_note"]
        columns += ["reported_from", "reported_until", "published_estimated"]
        _emit([entry.row() for entry in entries], columns, args.format)
        return EXIT_OK
    dated = [e.row() for e in entries if e.dated]
    published = "reports published"  # in place of a date: when the reporting documents were
    undated = [{**e.row(), published: e.reported_span} for e in entries if not e.dated]
    if dated or not undated:
        _emit(dated, columns, "table")
    if undated:
        print(("\n" if dated else "") + f"Undated ({views.UNDATED}), most reported first:")
        _emit(undated, [published, *columns[1:]], "table")
    return EXIT_OK


def cmd_dyads(args: argparse.Namespace, settings: Settings) -> int:
    with _open_existing(settings) as store:
        months = views.dyads(store, args.a, args.b, _event_filter(args))
    a_to_b, b_to_a = f"{args.a}->{args.b}", f"{args.b}->{args.a}"
    rows = [
        {
            "month": m.month,
            a_to_b: m.a_to_b,
            b_to_a: m.b_to_a,
            "mutual": m.mutual,
            "mean_score": m.mean_score,
        }
        for m in months
    ]
    if not rows:
        print(f"no dated events between {args.a} and {args.b}", file=sys.stderr)
    _emit(rows, ["month", a_to_b, b_to_a, "mutual", "mean_score"], args.format)
    return EXIT_OK


def cmd_claims(args: argparse.Namespace, settings: Settings) -> int:
    with _open_existing(settings) as store:
        groups = views.claim_groups(store)
    if args.verdict:
        groups = [g for g in groups if g.verdict == args.verdict]
    if args.format in ("json", "jsonl"):
        _emit([g.to_json() for g in groups], [], args.format)
        return EXIT_OK
    rows = [
        {
            "verdict": g.verdict,
            "subject": g.subject,
            "predicate": g.predicate,
            "values": sorted({st.value for st in g.statements}),
            "sources": sorted({st.source for st in g.statements}),
            "explanation": g.explanation,
        }
        for g in groups
    ]
    columns = ["verdict", "subject", "predicate", "values", "sources"]
    if args.format == "csv":
        columns.append("explanation")
    _emit(rows, columns, args.format)
    return EXIT_OK


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    with _open_existing(settings) as store:
        profiles = views.source_profiles(store)
    if args.format in ("json", "jsonl"):
        _emit([p.to_json() for p in profiles], [], args.format)
        return EXIT_OK
    rows = []
    for p in profiles:
        naming = "; ".join(
            f"{actor}: " + ", ".join(f"{name} ×{n}" for name, n in names[:3])
            for actor, names in p.naming.items()
        )
        rows.append(
            {
                "source": p.source,
                "kind": p.kind,
                "documents": len(p.documents),
                "period": " .. ".join(x or "?" for x in (p.first_published, p.last_published)),
                "events": p.events,
                "claims": p.claims,
                "only_here": p.exclusive_claims,
                "naming": naming,
            }
        )
    columns = ["source", "kind", "documents", "period", "events", "claims", "only_here"]
    _emit(rows, [*columns, "naming"], args.format)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from . import web  # FastAPI and uvicorn are imported only to serve

    if not Path(settings.db).is_file():
        raise StorylineError(f"{settings.db}: no such database (run `storyline ingest` first)")
    print(f"serving {settings.db} read-only on http://{args.host}:{args.port}/", file=sys.stderr)
    web.serve(settings.db, args.host, args.port, settings)
    return EXIT_OK


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    with _open_existing(settings) as store:
        hits = store.search(args.query, limit=args.limit)
    if args.format == "json":
        for hit in hits:
            _write_json(hit.__dict__)
        return EXIT_OK
    if not hits:
        print(f"no match for {args.query!r}", file=sys.stderr)
    bold = sys.stdout.isatty()
    for n, hit in enumerate(hits, 1):
        label = " · ".join(x for x in (hit.source, hit.published) if x)
        print(f"{n}. {hit.title or hit.document_id}  [{hit.document_id}]  {label}")
        snippet = hit.snippet.replace("\n", " ")
        if bold:
            snippet = snippet.replace("[", "\033[1m").replace("]", "\033[0m")
        print(f"   {snippet}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    what, fmt = args.what, args.format
    if fmt == "graphml" and what != "actors":
        raise StorylineError("--format graphml exports the actor network: use --what actors")
    if fmt == "plover" and what != "events":
        raise StorylineError("--format plover is for events: use --what events")
    if fmt == "parquet" and not args.output:
        raise StorylineError("--format parquet writes a file: give -o FILE")
    with _open_existing(settings) as store:
        if fmt == "graphml":
            with _output(args.output) as out:
                export.write_graphml(store, out)
            return EXIT_OK
        rows = _export_rows(store, what, fmt)
    if fmt == "parquet":
        export.write_parquet(rows, args.output)
    else:
        with _output(args.output) as out:
            export.write(rows, fmt, out)
    if args.output:
        print(f"wrote {len(rows)} {what} to {args.output}", file=sys.stderr)
    return EXIT_OK


def _export_rows(store: Store, what: str, fmt: str) -> list[dict[str, Any]]:
    if what == "documents":
        return export.document_rows(store)
    if what == "events":
        return export.plover_records(store) if fmt == "plover" else export.event_rows(store)
    if what == "claims":
        return [g.to_json() for g in views.claim_groups(store)]
    return store.actors()


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    with _open_existing(settings) as store:
        brief = report.build(store)
    text = report.to_html(brief) if args.format == "html" else report.to_markdown(brief)
    with _output(args.output) as out:
        out.write(text)
    if args.output:
        print(f"wrote the brief to {args.output}", file=sys.stderr)
    return EXIT_OK


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if not path:
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        yield handle


# -- helpers -----------------------------------------------------------------------------------


def _ingest(
    paths: list[str],
    store: Store,
    settings: Settings,
    progress: bool,
    runner: pipeline.BatchRunner = pipeline.run_in_process,
) -> Any:
    bar = _progress_bar(enabled=progress)
    files: set[str] = set()

    def tick(outcome: pipeline.Outcome) -> None:
        origin = outcome.source if isinstance(outcome, InputError) else outcome.origin
        files.add(origin.split("#")[0])
        if bar is not None:
            bar.update(1)
            bar.set_postfix(files=len(files), refresh=False)

    summary = pipeline.ingest(
        paths,
        store,
        settings,
        stdin=sys.stdin.buffer,
        on_error=_report_error,
        on_document=tick,
        runner=runner,
    )
    if bar is not None:
        bar.close()
    return summary


def _progress_bar(enabled: bool) -> Any:
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(unit="doc", desc="ingest", file=sys.stderr, dynamic_ncols=True)


def _report_error(error: InputError) -> None:
    print(f"storyline: skipped {error}", file=sys.stderr)


def _emit(
    rows: Iterable[dict[str, Any]], columns: list[str], fmt: str, out: TextIO | None = None
) -> None:
    stream = out or sys.stdout
    rows = list(rows)
    if fmt == "json":
        json.dump(rows, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(stream)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
    else:
        _table(rows, columns, stream)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return (
            json.dumps(value, ensure_ascii=False)
            if value and isinstance(value[0], dict)
            else ("; ".join(str(v) for v in value))
        )
    return str(value)


def _table(rows: list[dict[str, Any]], columns: list[str], stream: TextIO) -> None:
    # the widest column text shown in a table before it is cut with an ellipsis
    width_cap = 60
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    cells = [[c if len(c) <= width_cap else c[: width_cap - 1] + "…" for c in row] for row in cells]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    stream.write(
        "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n"
    )
    for row in cells:
        stream.write(
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n"
        )


def _event_filter(args: argparse.Namespace) -> views.EventFilter:
    return views.EventFilter(
        actor=getattr(args, "actor", None),
        country=getattr(args, "country", None),
        type=getattr(args, "type", None),
        since=getattr(args, "since", None),
        until=getattr(args, "until", None),
        source=getattr(args, "source", None),
        include_unhappened=getattr(args, "all", False),
    )


def _actor_label(actor: dict[str, Any]) -> str:
    codes = "/".join(x for x in (actor["country"], actor["sector"]) if x)
    return f"{actor['name']} ({codes}, {actor['mentions']})" if codes else actor["name"]


def _write_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _read_input(name: str | None) -> bytes:
    if name in (None, "-"):
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise StorylineError(f"{name}: cannot read ({exc.strerror})") from exc


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head or "<p>" in head


def _parse_anchor(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise StorylineError(f"--anchor {value!r}: expected YYYY-MM-DD") from exc


def _open_existing(settings: Settings) -> Store:
    if not Path(settings.db).is_file():
        raise StorylineError(f"{settings.db}: no such database (run `storyline ingest` first)")
    return Store(settings.db, readonly=True)


def _examples_folder() -> Path:
    here = Path(__file__).resolve()
    for candidate in (Path("examples/russia-myanmar"), here.parents[2] / "examples/russia-myanmar"):
        if candidate.is_dir():
            return candidate
    raise StorylineError("examples/russia-myanmar not found: run `storyline demo` from the repo")


# -- argument parsing --------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storyline",
        description="Follow a news story across many sources.",
        epilog="Example: storyline ingest examples/russia-myanmar && storyline actors",
    )
    parser.add_argument("--version", action="version", version=f"storyline {__version__}")
    parser.add_argument("--config", help="settings file (TOML); default ./storyline.toml")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, handler: Handler, help_text: str, example: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"Example: {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(handler=handler)
        return p

    def with_db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", help="knowledge base file (default: storyline.db)")

    p = command(
        "demo",
        cmd_demo,
        "ingest the bundled examples and print where the knowledge base is",
        "storyline demo --db demo.db",
    )
    with_db(p)

    p = command(
        "ingest",
        cmd_ingest,
        "read files, folders, globs or '-' (stdin) into the knowledge base",
        "storyline ingest articles/ feed.xml 'saved/*.html' --db story.db",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--workers",
        type=int,
        help="processes for the per-document stages (default: one per core this process may "
        "use; with the local engine they start only when the input holds more than one batch "
        "of spacy_batch_size documents, 32 by default: a smaller input runs in this process)",
    )
    p.add_argument("--engine", choices=["local", "dask"], default="local")
    p.add_argument("--scheduler", help="Dask scheduler address (default: a LocalCluster)")
    p.add_argument("--out", help="write a Parquet dataset to this folder instead of the database")
    with_db(p)

    p = command(
        "load",
        cmd_load,
        "bring a Parquet dataset written by `ingest --out` into the knowledge base",
        "storyline load parts/ --db story.db",
    )
    p.add_argument("dir", metavar="DIR")
    with_db(p)

    p = command(
        "extract",
        cmd_extract,
        "run every per-document stage, no database: one JSON object per document",
        "storyline extract examples/russia-myanmar/*.txt | jq .source",
    )
    p.add_argument("paths", nargs="*", metavar="FILE", help="files, folders or '-' (default)")

    p = command(
        "clean",
        cmd_clean,
        "print the main text of a page or of text copied from a browser",
        "storyline clean page.html --from html --explain",
    )
    p.add_argument("file", nargs="?", default="-", metavar="FILE")
    p.add_argument("--from", dest="source_format", choices=["text", "html", "auto"], default="auto")
    p.add_argument("--explain", action="store_true", help="list removed lines on stderr")

    p = command(
        "dates",
        cmd_dates,
        "one JSON object per date expression, normalised against --anchor",
        "echo 'They met on Monday.' | storyline dates --anchor 2024-11-27",
    )
    p.add_argument("file", nargs="?", default="-", metavar="FILE")
    p.add_argument("--anchor", help="the document date, YYYY-MM-DD")

    p = command(
        "actors",
        cmd_actors,
        "list canonical actors with their codes, aliases and mention counts",
        "storyline actors --db story.db --format csv > actors.csv",
    )
    p.add_argument("--format", choices=["table", "json", "jsonl", "csv"], default="table")
    with_db(p)

    def with_event_filters(p: argparse.ArgumentParser, dates_note: str = "") -> None:
        p.add_argument("--actor", help="actor id or part of its name")
        p.add_argument("--country", help="ISO 3166 alpha-3 code of any party")
        p.add_argument("--type", help="PLOVER event type, e.g. CONSULT")
        p.add_argument("--since", help="first date, YYYY[-MM[-DD]]" + dates_note)
        p.add_argument("--until", help="last date, YYYY[-MM[-DD]]" + dates_note)
        p.add_argument("--source", help="only events reported by this outlet")
        p.add_argument("--format", choices=["table", "json", "jsonl", "csv"], default="table")
        with_db(p)

    p = command(
        "events",
        cmd_events,
        "list PLOVER events: who did what to whom, when and where",
        "storyline events --country RUS --type CONSULT --since 2024 --db story.db",
    )
    p.add_argument("--all", action="store_true", help="include negated and hypothetical events")
    with_event_filters(p)

    p = command(
        "timeline",
        cmd_timeline,
        "dated events in order, one entry per event citing every report of it; then the "
        "undated ones (date not stated), with when their reports were published",
        "storyline timeline --actor 'Min Aung Hlaing' --db story.db",
    )
    with_event_filters(p, " (leaves out the undated events)")

    p = command(
        "dyads",
        cmd_dyads,
        "events between two actors or countries by month, each way, with the mean score",
        "storyline dyads RUS MMR --db story.db",
    )
    p.add_argument("a", metavar="A", help="actor id, name or ISO alpha-3 code")
    p.add_argument("b", metavar="B", help="actor id, name or ISO alpha-3 code")
    with_event_filters(p)

    p = command(
        "claims",
        cmd_claims,
        "checkable claims grouped across sources, each with a verdict and its reason",
        "storyline claims --verdict contested --db story.db",
    )
    p.add_argument(
        "--verdict", choices=["corroborated", "contested", "changed-over-time", "single-source"]
    )
    p.add_argument("--format", choices=["table", "json", "jsonl", "csv"], default="table")
    with_db(p)

    p = command(
        "sources",
        cmd_sources,
        "profile each outlet: kind, period, events and claims, how it names key actors",
        "storyline sources --db story.db --format json",
    )
    p.add_argument("--format", choices=["table", "json", "jsonl", "csv"], default="table")
    with_db(p)

    p = command(
        "report",
        cmd_report,
        "write the brief: overview, key developments, relationship, network, every line cited",
        "storyline report --format html -o brief.html --db story.db",
    )
    p.add_argument("--format", choices=["md", "html"], default="md")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    with_db(p)

    p = command(
        "serve",
        cmd_serve,
        "serve the web app and JSON API over the knowledge base (read-only)",
        "storyline serve --db story.db --port 8000",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000)
    with_db(p)

    p = command(
        "search",
        cmd_search,
        "full-text search over cleaned text, best match first, matches [highlighted]",
        "storyline search '\"nuclear power\" Rosatom' --db story.db",
    )
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--format", choices=["table", "json"], default="table")
    with_db(p)

    p = command(
        "export",
        cmd_export,
        "write stored documents, actors or events as JSONL, CSV, Parquet, GraphML or PLOVER",
        "storyline export --what events --format plover -o events.jsonl --db story.db",
    )
    p.add_argument("--what", choices=list(export.WHAT), required=True)
    p.add_argument("--format", choices=list(export.FORMATS), default="jsonl")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    with_db(p)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
