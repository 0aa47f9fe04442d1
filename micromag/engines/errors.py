"""The errors of the engine interface."""

from __future__ import annotations

__all__ = ["EngineUnavailable", "RunFailed", "UnsupportedTerm"]


class UnsupportedTerm(ValueError):
    """An engine was asked for a term it cannot compute (never dropped silently)."""

    def __init__(self, term: str, engine: str, detail: str = "") -> None:
        self.term = term
        self.engine = engine
        message = f"engine {engine!r} cannot compute the term {term!r}"
        super().__init__(message + (f": {detail}" if detail else ""))


class EngineUnavailable(RuntimeError):
    """The engine is not installed or cannot run here; the message says why."""


class RunFailed(RuntimeError):
    """A run did not finish: diverged, NaN magnetisation, or the engine process failed."""
