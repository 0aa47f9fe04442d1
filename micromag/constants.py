"""Physical constants of micromag: Ubermag's, from ``micromagneticmodel.consts`` (one place).

Every engine uses these values, so that a device gives the same numbers in OOMMF (through
Ubermag), magnum.np (whose constants the worker overrides with these) and the built-in engine.
Ubermag's values are CODATA 2014 (e.g. k_B = 1.3806485279e-23 J/K, not the exact 2019
1.380649e-23).

``micromagneticmodel/__init__.py`` imports discretisedfield and the whole of Ubermag (~3 s);
its ``consts.py`` needs only :mod:`math`. So unless Ubermag is imported already, the file is
read on its own, which keeps ``import micromag.devices`` light (DESIGN.md: heavy imports
inside the functions that need them).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["BOLTZMANN", "ELEMENTARY_CHARGE", "GAMMA0", "HBAR", "MU0"]


def _ubermag_consts() -> ModuleType:
    """``micromagneticmodel.consts``, without importing the package where it is not loaded."""
    loaded = sys.modules.get("micromagneticmodel.consts")
    if loaded is not None:
        return loaded
    package = importlib.util.find_spec("micromagneticmodel")  # locates, does not import
    if package is None or not package.submodule_search_locations:  # pragma: no cover
        raise ImportError("micromagneticmodel (Ubermag) is not installed")
    path = Path(next(iter(package.submodule_search_locations))) / "consts.py"
    spec = importlib.util.spec_from_file_location("_micromag_ubermag_consts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_consts = _ubermag_consts()

GAMMA0: float = _consts.gamma0  #: gyromagnetic ratio gamma0 = mu0 g e / (2 m_e), m/(A s)
MU0: float = _consts.mu0  #: vacuum permeability 4e-7 pi, T m/A
BOLTZMANN: float = _consts.kB  #: Boltzmann constant k_B, J/K
HBAR: float = _consts.hbar  #: reduced Planck constant, J s
ELEMENTARY_CHARGE: float = _consts.e  #: elementary charge, C

del _consts
