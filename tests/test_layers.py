"""Persistent collections that only grow (storyline.layers)."""

from __future__ import annotations

import itertools
import random

from storyline.layers import GrowingMap, GrowingSet, pushed


def test_a_growing_set_and_its_copies_each_hold_what_was_added_to_them() -> None:
    """Sets grown from one another by copying and adding (as a state is extended from the
    one before, while that one is still read) each hold exactly what a plain set grown the
    same way holds; adding to a copy never changes the set it was copied from."""
    rng = random.Random(4)
    versions: list[tuple[GrowingSet[int], set[int]]] = [(GrowingSet(), set())]
    for _ in range(300):
        source, source_plain = versions[rng.randrange(len(versions))]  # any earlier state
        grown, plain = source.copy(), set(source_plain)
        if rng.random() < 0.2:  # the set copied from gains items after: the copy does not
            item = rng.randrange(2000)
            source.add(item)
            source_plain.add(item)
        for _ in range(rng.randint(0, 40)):
            item = rng.randrange(2000)
            assert grown.add(item) == (item not in plain)
            plain.add(item)
        versions.append((grown, plain))
    for grown, plain in versions:
        assert len(grown) == len(plain)
        assert sorted(grown) == sorted(plain)
        assert all(i in grown for i in plain) and not any(i in grown for i in range(2000, 2050))
    # the layers stay few: each over twice the size of the one on it
    biggest = max(versions, key=lambda v: len(v[1]))[0]
    sizes = [len(layer) for layer in biggest._layers]
    assert all(low > 2 * high for low, high in itertools.pairwise(sizes))


def test_pushed_keeps_layers_each_over_twice_the_size_of_the_one_on_it() -> None:
    layers: tuple[tuple[int, ...], ...] = ()
    every: list[int] = []
    for n in range(200):
        top = tuple(range(len(every), len(every) + n % 7 + 1))
        layers = pushed(layers, top, lambda low, high: low + high)
        every += top
        assert [i for layer in layers for i in layer] == every
        sizes = [len(layer) for layer in layers]
        assert all(low > 2 * high for low, high in itertools.pairwise(sizes))
    assert len(layers) <= 2 * len(every).bit_length()


def test_a_growing_map_keeps_each_keys_first_value_in_every_copy() -> None:
    """Maps grown from one another by copying, adding and sealing hold what a plain
    dictionary grown the same way holds (a key keeps its first value); adding to a copy
    never changes the map it was copied from."""
    rng = random.Random(6)
    versions: list[tuple[GrowingMap[int, int], dict[int, int]]] = [(GrowingMap(), {})]
    for step in range(300):
        source, source_plain = versions[rng.randrange(len(versions))]
        grown, plain = source.copy(), dict(source_plain)
        if rng.random() < 0.2:  # the map copied from gains keys after: the copy does not
            key = rng.randrange(2000)
            source.add(key, -step)
            source_plain.setdefault(key, -step)
        for _ in range(rng.randint(0, 40)):
            key = rng.randrange(2000)
            grown.add(key, step)
            plain.setdefault(key, step)
        if rng.random() < 0.5:
            grown.seal()
        versions.append((grown, plain))
    for grown, plain in versions:
        assert all(grown[k] == v for k, v in plain.items())
        assert not any(k in grown for k in range(2000, 2050))
    for grown, plain in versions[::10]:  # exactly their keys: none added to another map
        assert [k for k in range(2000) if k in grown] == sorted(plain)
        assert grown.get(2001) is None and grown.get(2001, -1) == -1
