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
OERSTED = "oersted"
THERMAL = "thermal"
RELAX = "relax"

#: Every capability and what it means.
DESCRIPTIONS: dict[str, str] = {
    EXCHANGE: "mm.Exchange",
    DEMAG: "mm.Demag",
    ZEEMAN: "mm.Zeeman, a uniform applied field",
    ZEEMAN_TIME: "mm.Zeeman with a sin/sinc time profile (func='sin'|'sinc' or wave=, f, t0)",
    ZEEMAN_FUNC: "mm.Zeeman(func=<callable of t returning a scalar multiplier>, dt=...)",
    UNIAXIAL_ANISOTROPY: "mm.UniaxialAnisotropy",
    SLONCZEWSKI: "mm.Slonczewski in OOMMF's form (constant current)",
    OERSTED: "micromag.oersted.OerstedField of the drive current (not an Ubermag term)",
    THERMAL: "temperature > 0 (Brown's thermal field)",
    RELAX: "Engine.relax",
}

#: The set of all capability names.
CAPABILITIES = frozenset(DESCRIPTIONS)
