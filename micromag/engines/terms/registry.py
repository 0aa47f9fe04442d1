"""The translators, looked up by term with ``isinstance`` (first match wins)."""

from __future__ import annotations

from typing import Any

from ..errors import UnsupportedTerm
from .base import Translator
from .dynamics import Damping, Precession, Slonczewski
from .energy import Demag, Exchange, UniaxialAnisotropy, Zeeman
from .suite import Oersted, Thermal

__all__ = ["TRANSLATORS", "register", "translator_for"]

#: Every known translator, searched in order.
TRANSLATORS: list[Translator] = [
    Exchange(), Demag(), Zeeman(), UniaxialAnisotropy(),
    Precession(), Damping(), Slonczewski(),
    Oersted(), Thermal(),
]


def register(translator: Translator) -> None:
    """Add a translator, searched before the others (so it may take a subclass of a term
    that another translator takes)."""
    TRANSLATORS.insert(0, translator)


def translator_for(term: Any) -> Translator:
    """The translator of ``term``; UnsupportedTerm (engine ``"any"``) naming it if none."""
    for translator in TRANSLATORS:
        if translator.matches(term):
            return translator
    raise UnsupportedTerm(type(term).__name__, "any", "the suite's engines do not implement it")
