"""What an engine may declare it can do: the capability names, in one place.

A :class:`~micromag.engines.problem.Problem` lists the capabilities it needs (each term's
translator in :mod:`micromag.engines.terms` says which); :meth:`Engine.check
<micromag.engines.base.Engine.check>` compares them with the engine's ``capabilities``.
"""

from __future__ import annotations

__all__ = [
    "CAPABILITIES",
    "DEMAG",
    "DESCRIPTIONS",
    "EXCHANGE",
    "OERSTED",
    "RELAX",
    "SLONCZEWSKI",
    "SLONCZEWSKI_FUNC",
    "SLONCZEWSKI_TIME",
    "THERMAL",
    "UNIAXIAL_ANISOTROPY",
    "ZEEMAN",
    "ZEEMAN_FUNC",
    "ZEEMAN_TIME",
]

EXCHANGE = "exchange"
DEMAG = "demag"
ZEEMAN = "zeeman"
ZEEMAN_TIME = "zeeman_time"
ZEEMAN_FUNC = "zeeman_func"
UNIAXIAL_ANISOTROPY = "uniaxial_anisotropy"
SLONCZEWSKI = "slonczewski"
SLONCZEWSKI_TIME = "slonczewski_time"
SLONCZEWSKI_FUNC = "slonczewski_func"
OERSTED = "oersted"
THERMAL = "thermal"
RELAX = "relax"

#: Every capability and what it means.
DESCRIPTIONS: dict[str, str] = {
    EXCHANGE: "mm.Exchange",
    DEMAG: "mm.Demag",
    ZEEMAN: "mm.Zeeman, a uniform applied field",
    ZEEMAN_TIME: "one mm.Zeeman with a sin/sinc time profile (func='sin'|'sinc' or wave=, f, "
                 "t0), uniform or spatial, beside a static one: an RF field",
    ZEEMAN_FUNC: "mm.Zeeman(func=<callable of t returning a scalar multiplier>, dt=...)",
    UNIAXIAL_ANISOTROPY: "mm.UniaxialAnisotropy",
    SLONCZEWSKI: "mm.Slonczewski in OOMMF's form (constant current)",
    SLONCZEWSKI_TIME: "mm.Slonczewski(func=micromag.drives.CurrentSignal): J(t) = J_dc + RF "
                      "tone or a sampled waveform; the Oersted field follows J(t)",
    SLONCZEWSKI_FUNC: "mm.Slonczewski(func=<any callable of t>, dt=...)",
    OERSTED: "micromag.oersted.OerstedField of the drive current (not an Ubermag term)",
    THERMAL: "temperature > 0 (Brown's thermal field)",
    RELAX: "Engine.relax",
}

#: The set of all capability names.
CAPABILITIES = frozenset(DESCRIPTIONS)
