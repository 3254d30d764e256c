"""Persistent collections that only grow: a state made for one database state is shared
(by the web app's readers) while the next one is made from it, so the next one must not
change it, and copying what grows with the corpus on every ingest would cost time
proportional to the corpus. Both keep what they hold in layers, each over twice the size of
the one on it: a copy shares the layers and copies only what was added since."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Hashable, Iterator, Sized
from typing import Generic, TypeVar

_Sized = TypeVar("_Sized", bound=Sized)
_H = TypeVar("_H", bound=Hashable)
_V = TypeVar("_V")


def pushed(
    layers: tuple[_Sized, ...], top: _Sized, join: Callable[[_Sized, _Sized], _Sized]
) -> tuple[_Sized, ...]:
    """``layers`` (oldest first) with ``top`` on them, the topmost then joined while the one
    under is at most twice their size: each layer over twice the size of the one on it,
    so there are O(log n) of them and an item is copied O(log n) times in all (a
    persistent append-only store; ``layers`` is left as it was)."""
    if not len(top):
        return layers
    stack = [*layers, top]
    while len(stack) > 1 and len(stack[-2]) <= 2 * len(stack[-1]):
        upper = stack.pop()
        stack[-1] = join(stack[-1], upper)
    return tuple(stack)


class GrowingSet(Generic[_H]):
    """A set that only grows, and whose copy costs what was added since the last copy (plus
    O(log n) joins of layers, amortised): frozen layers (``pushed``) under a set of its own
    that ``add`` writes to. A copy shares the frozen layers and never changes them."""

    __slots__ = ("_layers", "_size", "_top")

    def __init__(self, layers: tuple[frozenset[_H], ...] = (), size: int = 0) -> None:
        self._layers = layers
        self._top: set[_H] = set()
        self._size = size

    def __contains__(self, item: object) -> bool:
        return item in self._top or any(item in layer for layer in self._layers)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[_H]:
        for layer in self._layers:
            yield from layer
        yield from self._top

    def add(self, item: _H) -> bool:
        """Add ``item``; whether it was new."""
        if item in self:
            return False
        self._top.add(item)
        self._size += 1
        return True

    def seal(self) -> None:
        """Freeze what was added since into the layers (costs what was added), so that
        copies of this set need not copy it. For the owner, before it shares the set."""
        self._layers = pushed(self._layers, frozenset(self._top), frozenset.union)
        self._top = set()

    def copy(self) -> GrowingSet[_H]:
        """The same items, in a set whose ``add`` leaves this one as it is."""
        return GrowingSet(pushed(self._layers, frozenset(self._top), frozenset.union), self._size)


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """Build a state the process keeps (a view state of the web app) out of the cycle
    collector's way. While it is built the collector is paused: building copies tuples
    that grow with the corpus, and each young-generation collection walked every such new
    tuple again (40% of extending the timeline and claim states at 30,000 documents, a
    third of building them). After, everything alive is moved to the permanent generation
    (``gc.freeze``): a full collection would otherwise walk the whole state (2 s at 30,000
    documents), the first one after the pause all the objects it made. States hold no
    reference cycles (a test checks), so one dropped for a newer one is still freed, by
    reference counting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if enabled:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()


class GrowingMap(Generic[_H, _V]):
    """A mapping that only gains keys (a key keeps its first value), copied as a
    ``GrowingSet`` is: frozen layers under a dictionary of its own."""

    __slots__ = ("_layers", "_top")

    def __init__(self, layers: tuple[dict[_H, _V], ...] = ()) -> None:
        self._layers = layers
        self._top: dict[_H, _V] = {}

    def get(self, key: _H, default: _V | None = None) -> _V | None:
        if key in self._top:
            return self._top[key]
        for layer in reversed(self._layers):
            if key in layer:
                return layer[key]
        return default

    def __contains__(self, key: object) -> bool:
        return key in self._top or any(key in layer for layer in self._layers)

    def __getitem__(self, key: _H) -> _V:
        if key not in self:
            raise KeyError(key)
        return self.get(key)  # type: ignore[return-value]

    def add(self, key: _H, value: _V) -> None:
        """Map ``key`` to ``value`` unless it is mapped already."""
        if key not in self:
            self._top[key] = value

    def seal(self) -> None:
        """Freeze what was added since into the layers (``GrowingSet.seal``)."""
        self._layers = pushed(self._layers, self._top, merged)
        self._top = {}

    def copy(self) -> GrowingMap[_H, _V]:
        """The same items, in a mapping whose ``add`` leaves this one as it is."""
        return GrowingMap(pushed(self._layers, dict(self._top), merged))


def merged(lower: dict[_H, _V], upper: dict[_H, _V]) -> dict[_H, _V]:
    """Two dictionary layers as one, the upper's values winning (a ``pushed`` join)."""
    return {**lower, **upper}
