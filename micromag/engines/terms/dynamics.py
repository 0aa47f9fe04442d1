"""Translators of Ubermag's dynamics terms."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import capabilities as caps
from ..drive import Drive
from ..errors import UnsupportedTerm
from .base import Context, UbermagTranslator, scalar, set_once, unit

__all__ = ["Damping", "Precession", "Slonczewski"]


class Precession(UbermagTranslator):
    """mm.Precession(gamma0) -> ``gamma0`` (m/(A s)); every engine does it."""

    ubermag = "Precession"

    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        set_once(part, self.name, gamma0=float(term.gamma0))


class Damping(UbermagTranslator):
    """mm.Damping(alpha) -> ``alpha`` (1); one value; every engine does it."""

    ubermag = "Damping"

    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        set_once(part, self.name, alpha=scalar(term.alpha, "Damping.alpha"))


class Slonczewski(UbermagTranslator):
    """mm.Slonczewski(J, mp, P, Lambda, eps_prime) -> ``slonczewski`` (OOMMF's form).

    A time-dependent current (``func``, ``dt``) is parsed into a
    :class:`~micromag.engines.drive.Drive` and refused for now: it comes with the issue
    "RF drives in every engine".
    """

    ubermag = "Slonczewski"
    capability = caps.SLONCZEWSKI

    def needs(self, term: Any) -> frozenset[str]:
        if Drive.from_term(term, self.name) is not None:
            raise UnsupportedTerm("Slonczewski(func=...)", "any",
                                  "time-dependent currents come with the RF-drives issue; "
                                  "use a constant J")
        return super().needs(term)

    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        self.needs(term)
        set_once(part, self.name, slonczewski={
            "J": float(term.J),
            "mp": unit(np.asarray(term.mp, dtype=float)),
            "P": float(term.P),
            "Lambda": float(term.Lambda),
            "eps_prime": float(term.eps_prime),
        })
