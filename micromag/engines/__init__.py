"""Micromagnetic engines behind one interface.

Where each idea lives:

- :mod:`.errors`: UnsupportedTerm, EngineUnavailable, RunFailed
- :mod:`.capabilities`: the capability names an engine may declare
- :mod:`.runspec`: RunSpec, what to run for one current
- :mod:`.drive`: Drive, a term's time dependence (Ubermag's ``func``/``wave``)
- :mod:`.problem`: Problem, the device and run spec in plain arrays
- :mod:`.terms`: one translator per term; :mod:`.translate`: build_problem
- :mod:`.base`: the Engine base class; :mod:`.registry`: engine names, get_engine
- :mod:`.timeseries`: the time-series Dataset and the vortex core finder
- engines: :mod:`.builtin`, :mod:`.magnumnp` (+ :mod:`.magnumnp_worker`), :mod:`.oommf`

The names below are imported on first use, so that ``import micromag.engines.registry``
(e.g. for ``multiscale --help``) stays free of numpy and Ubermag.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> the module that defines it
_EXPORTS = {
    "CAPABILITIES": "capabilities",
    "Drive": "drive",
    "ENGINE_NAMES": "registry",
    "Engine": "base",
    "EngineUnavailable": "errors",
    "Problem": "problem",
    "RunFailed": "errors",
    "RunSpec": "runspec",
    "SteadyState": "steady",
    "UnsupportedTerm": "errors",
    "build_problem": "translate",
    "core_position": "timeseries",
    "get_engine": "registry",
    "required_terms": "translate",
    "timeseries_dataset": "timeseries",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
