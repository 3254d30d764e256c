"""Readers for each input format family, used by :mod:`storyline.read`.

Every reader is a generator of :data:`Item`: one ``RawDocument`` per document it finds and
one ``InputError`` per input or record it cannot use, so a batch goes on past bad input.
"""

from __future__ import annotations

from ..errors import InputError
from ..model import RawDocument

Item = RawDocument | InputError

__all__ = ["Item"]
