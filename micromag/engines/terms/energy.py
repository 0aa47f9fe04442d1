"""Translators of Ubermag's energy terms."""

from __future__ import annotations

from typing import Any

from .. import capabilities as caps
from ..drive import Drive
from .base import Context, UbermagTranslator, field_array, scalar, set_once, unit

__all__ = ["Demag", "Exchange", "UniaxialAnisotropy", "Zeeman"]


class Exchange(UbermagTranslator):
    """mm.Exchange(A) -> ``exchange_A`` (J/m); one value for the whole magnet."""

    ubermag = "Exchange"
    capability = caps.EXCHANGE

    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        set_once(part, self.name, exchange_A=scalar(term.A, "Exchange.A"))


class Demag(UbermagTranslator):
    """mm.Demag() -> ``demag = True``."""

    ubermag = "Demag"
    capability = caps.DEMAG

    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        set_once(part, self.name, demag=True)


class Zeeman(UbermagTranslator):
    """mm.Zeeman(H, [func/wave, f, t0, dt]) -> ``zeeman_H`` or ``zeeman_time_H``, ``zeeman_drive``.

    Ubermag's field is H(t) = a(t) H: with a time profile there is no static part. A device
    may carry one static (uniform, the bias) and one time-dependent term (uniform or spatial,
    the RF field of :class:`micromag.drives.RFField`), each a named mm.Zeeman.
    """

    ubermag = "Zeeman"
    capability = caps.ZEEMAN

    def needs(self, term: Any) -> frozenset[str]:
        drive = Drive.from_term(term, self.name)
        needed = {caps.ZEEMAN}
        if drive is not None:
            needed.add(caps.ZEEMAN_TIME)
            if drive.kind == "func":
                needed.add(caps.ZEEMAN_FUNC)
        return frozenset(needed)

    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        drive = Drive.from_term(term, self.name)
        if drive is None:
            set_once(part, self.name, zeeman_H=field_array(term.H, (3,)))
        else:
            n = tuple(int(v) for v in context.mesh.n)
            field = field_array(term.H, (*n, 3))
            field[context.Ms == 0] = 0.0
            set_once(part, f"time-dependent {self.name}", zeeman_time_H=field,
                     zeeman_drive=drive)


class UniaxialAnisotropy(UbermagTranslator):
    """mm.UniaxialAnisotropy(K, u) -> ``anisotropy_K`` (J/m^3), unit ``anisotropy_u``."""

    ubermag = "UniaxialAnisotropy"
    capability = caps.UNIAXIAL_ANISOTROPY

    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        set_once(part, self.name, anisotropy_K=scalar(term.K, "UniaxialAnisotropy.K"),
                 anisotropy_u=unit(term.u))
