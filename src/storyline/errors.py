"""Designed errors: each one names the input and the reason in one line."""

from __future__ import annotations


class StorylineError(Exception):
    """Base class for every error storyline raises on purpose."""


class InputError(StorylineError):
    """An input that cannot be read or used. The batch goes on without it.

    ``source`` names the input (a path, ``path#line=N``, ``-`` for stdin) and ``reason``
    says why in a few words; ``str()`` is the one line a user sees.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # survive pickling (process pools, Dask): rebuild from both arguments
        return (InputError, (self.source, self.reason))


class StoreError(StorylineError):
    """The knowledge base cannot be opened or written (wrong file, newer schema...)."""
