"""The time dependence of a term, in a neutral form every engine can read: :class:`Drive`.

Ubermag gives a term a time profile a(t) that multiplies its static value (for mm.Zeeman,
H(t) = a(t) H): ``func='sin'`` or ``'sinc'`` with ``f`` and ``t0`` (the deprecated ``wave=``
is the same), or ``func=<callable of t>`` evaluated every ``dt``, or OOMMF Tcl code
(``tcl_strings``). A Drive records the first two; Tcl code is OOMMF's own and is refused.
Issue "RF drives in every engine" builds on this record.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import UnsupportedTerm

__all__ = ["Drive"]

WAVES = ("sin", "sinc")


@dataclass(frozen=True)
class Drive:
    """Time profile a(t) (dimensionless) multiplying a term's static amplitude.

    Parameters
    ----------
    kind
        ``"sin"``: a(t) = sin(2 pi f (t - t0)); ``"sinc"``: a(t) = sin(x)/x with
        x = 2 pi f (t - t0); ``"func"``: a(t) = ``func(t)``.
    f, t0
        Frequency (Hz; the cut-off of sinc) and time shift (s) of ``"sin"``/``"sinc"``.
    func
        For ``"func"``: a Python callable of t (s) returning a scalar.
    dt
        For ``"func"``: Ubermag's step (s) at which OOMMF evaluates ``func`` (held between
        samples); the built-in engine evaluates ``func`` at every time it needs.
    """

    kind: str
    f: float = math.nan
    t0: float = 0.0
    func: Callable[[float], Any] | None = field(default=None, compare=False)
    dt: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in (*WAVES, "func"):
            raise ValueError(f"Drive.kind = {self.kind!r}: allowed are 'sin', 'sinc', 'func'")
        if self.kind == "func" and not callable(self.func):
            raise ValueError("Drive(kind='func') needs a callable func")

    @classmethod
    def from_term(cls, term: Any, owner: str) -> Drive | None:
        """The Drive of an Ubermag term (None: no time dependence).

        ``owner`` names the term in errors, e.g. ``"Zeeman"``. A callable ``func`` must
        return one number (Ubermag also allows nine, a 3x3 matrix: refused here).
        """
        given = vars(term)  # Ubermag terms return descriptor objects for unset attributes
        if "tcl_strings" in given:
            raise UnsupportedTerm(f"{owner}(tcl_strings=...)", "any",
                                  "OOMMF Tcl code is not translated; use func=")
        profile = given.get("func", given.get("wave"))
        if profile is None:
            return None
        if isinstance(profile, str):
            missing = [key for key in ("f", "t0") if key not in given]
            if missing:
                raise ValueError(f"{owner}(func={profile!r}) needs {' and '.join(missing)}")
            return cls(kind=profile, f=float(given["f"]), t0=float(given["t0"]))
        if "dt" not in given:
            raise ValueError(f"{owner}(func=<callable>) needs dt, the step (s) at which "
                             "Ubermag evaluates it")
        drive = cls(kind="func", func=profile, dt=float(given["dt"]))
        value = profile(0.0)
        if np.ndim(value) != 0:
            raise UnsupportedTerm(f"{owner}(func=<callable returning {np.size(value)} values>)",
                                  "any", "func must return one number, the multiplier of the "
                                  "static value (a 3x3 matrix is not supported)")
        return drive

    def amplitude(self) -> Callable[[float], float]:
        """a(t) as a Python function of t (s)."""
        if self.kind == "func":
            func = self.func
            return lambda t: float(func(t))
        omega, t0 = 2 * math.pi * self.f, self.t0
        if self.kind == "sin":
            return lambda t: math.sin(omega * (t - t0))
        return lambda t: (1.0 if t == t0 else math.sin(omega * (t - t0)) / (omega * (t - t0)))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of a sin/sinc Drive, ``{"wave", "f", "t0"}`` (an engine process reads
        it); a callable cannot be written."""
        if self.kind == "func":
            raise ValueError("a Drive of a Python callable has no JSON form")
        return {"wave": self.kind, "f": self.f, "t0": self.t0}
