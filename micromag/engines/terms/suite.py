"""Translators of the suite's own terms: the Oersted field and the thermal field.

Ubermag has no Oersted term: the devices give it as ``device.oersted``
(:class:`micromag.oersted.OerstedField`). The temperature comes from the run spec, as
:class:`ThermalField`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...oersted import OerstedField
from .. import capabilities as caps
from .base import Context, Translator, set_once

__all__ = ["Oersted", "Thermal", "ThermalField"]


@dataclass(frozen=True)
class ThermalField:
    """Brown's thermal field at ``temperature`` (K), its random numbers seeded by ``seed``."""

    temperature: float
    seed: int | None = None


class Oersted(Translator):
    """The Oersted field at the run's reference current density J_ref -> ``oersted_H`` (A/m),
    0 outside the magnet; a time-dependent current scales it by a(t) = J(t)/J_ref."""

    name = "oersted"
    capability = caps.OERSTED

    def matches(self, term: Any) -> bool:
        return isinstance(term, OerstedField)

    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        field = term.to_array(context.mesh, context.spec.reference_current_density)
        field[context.Ms == 0] = 0.0
        set_once(part, self.name, oersted_H=field)


class Thermal(Translator):
    """:class:`ThermalField` -> ``temperature`` (K) and ``seed``; needs ``"thermal"`` at T > 0."""

    name = "thermal"
    capability = caps.THERMAL

    def matches(self, term: Any) -> bool:
        return isinstance(term, ThermalField)

    def needs(self, term: Any) -> frozenset[str]:
        return super().needs(term) if term.temperature > 0 else frozenset()

    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        set_once(part, self.name, temperature=float(term.temperature), seed=term.seed)
