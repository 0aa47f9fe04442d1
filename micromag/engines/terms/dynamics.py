"""Translators of Ubermag's dynamics terms."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...drives import CurrentSignal
from .. import capabilities as caps
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
    """mm.Slonczewski(J, mp, P, Lambda, eps_prime, [func, dt]) -> ``slonczewski`` (OOMMF's
    form) and ``current_profile``.

    A time-dependent current is Ubermag's J(t) = J func(t): a
    :class:`micromag.drives.CurrentSignal` (RF tone, sampled waveform; capability
    ``"slonczewski_time"``, which every engine reads exactly) or any Python callable
    (``"slonczewski_func"``). The Oersted field follows the same profile.
    """

    ubermag = "Slonczewski"
    capability = caps.SLONCZEWSKI

    def _profile(self, term: Any) -> Any:
        given = vars(term)  # Ubermag terms return descriptor objects for unset attributes
        if "tcl_strings" in given:
            raise UnsupportedTerm("Slonczewski(tcl_strings=...)", "any",
                                  "OOMMF Tcl code is not translated; use "
                                  "func=micromag.drives.CurrentSignal")
        func = given.get("func")
        if func is not None and not callable(func):
            raise UnsupportedTerm(f"Slonczewski(func={func!r})", "any",
                                  "func must be a callable of t (s) returning J(t)/J")
        return func

    def needs(self, term: Any) -> frozenset[str]:
        func = self._profile(term)
        needed = set(super().needs(term))
        if isinstance(func, CurrentSignal):
            needed.add(caps.SLONCZEWSKI_TIME)
        elif func is not None:
            needed.add(caps.SLONCZEWSKI_FUNC)
        return frozenset(needed)

    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        func = self._profile(term)
        if float(term.J) != context.spec.reference_current_density:
            raise ValueError(f"Slonczewski.J = {float(term.J)!r} A/m^2 differs from the run's "
                             f"reference current density {context.spec.reference_current_density!r}"
                             " (RunSpec.current_density and drives): build the System with "
                             "device.system(spec.current_density, drives=spec.drives)")
        signal = context.spec.current_signal()
        if signal is not None and func != signal:
            raise ValueError("RunSpec.drives has a current drive that the System's Slonczewski "
                             "term does not carry: build the System with "
                             "device.system(spec.current_density, drives=spec.drives)")
        set_once(part, self.name, current_profile=func, slonczewski={
            "J": float(term.J),
            "mp": unit(np.asarray(term.mp, dtype=float)),
            "P": float(term.P),
            "Lambda": float(term.Lambda),
            "eps_prime": float(term.eps_prime),
        })
