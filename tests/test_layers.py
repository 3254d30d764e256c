"""Persistent collections that only grow (storyline.layers)."""

from __future__ import annotations

import itertools
import random

from storyline.layers import GrowingSet, pushed


def test_a_growing_set_and_its_copies_each_hold_what_was_added_to_them() -> None:
    """Sets grown from one another by copying and adding (as a state is extended from the
    one before, while that one is still read) each hold exactly what a plain set grown the
    same way holds; adding to a copy never changes the set it was copied from."""
    rng = random.Random(4)
    versions: list[tuple[GrowingSet[int], set[int]]] = [(GrowingSet(), set())]
    for _ in range(300):
        grown, plain = versions[rng.randrange(len(versions))]  # any earlier state
        grown, plain = grown.copy(), set(plain)
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
