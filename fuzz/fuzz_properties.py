"""Longer fuzz runs of the properties of ``tests/test_properties.py``.

The same strategies and checks as the test suite, with many more examples: each property runs
chunk after chunk of fresh random examples (Hypothesis, no example database) until its time is
up, and stops at its first failure, which is shrunk and printed with the falsifying example.
Results go to ``docs/reliability.md``.

Usage (from the repository root)::

    .venv/bin/python fuzz/fuzz_properties.py                       # every property, 60 s each
    .venv/bin/python fuzz/fuzz_properties.py --seconds 300 clean dates
    .venv/bin/python fuzz/fuzz_properties.py --list
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import test_properties as props  # (the tests folder is put on the path above)

# Examples per Hypothesis run: large enough that start-up is a small share of a chunk, small
# enough that the time bound is overshot by at most a few seconds (spaCy: about 20 ms/example).
CHUNK = 500
SLOW_CHUNK = 100
SLOW = frozenset({"events-claims", "store"})


@dataclass
class Result:
    name: str
    cases: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        verdict = "held" if not self.failures else f"FAILED: {self.failures[0]}"
        return f"{self.name}: {self.cases} cases in {self.seconds:.0f} s, {verdict}"


def run(name: str, seconds: float) -> Result:
    """Run one property for about ``seconds``; stop at its first (shrunk) failure."""
    strategy, check = props.PROPERTIES[name]
    result = Result(name)

    def body(args: tuple[Any, ...]) -> None:
        result.cases += 1
        check(*args)

    chunk = SLOW_CHUNK if name in SLOW else CHUNK
    started = time.monotonic()
    while time.monotonic() - started < seconds and not result.failures:
        test = settings(
            max_examples=chunk,
            deadline=None,
            database=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )(given(strategy)(body))
        try:
            test()
        except Exception as exc:  # any failure of the property is the finding: report it
            notes = " | ".join(getattr(exc, "__notes__", []))
            result.failures.append(f"{type(exc).__name__}: {exc} [{notes}]".replace("\n", " "))
    result.seconds = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="properties to run (default: all)")
    parser.add_argument("--seconds", type=float, default=60.0, help="time per property")
    parser.add_argument("--list", action="store_true", help="list the properties and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(props.PROPERTIES))
        return 0
    unknown = sorted(set(args.names) - set(props.PROPERTIES))
    if unknown:
        parser.error(f"unknown properties: {', '.join(unknown)}")
    results = []
    for name in args.names or list(props.PROPERTIES):
        results.append(run(name, args.seconds))
        print(results[-1].line(), flush=True)
    return 1 if any(result.failures for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
