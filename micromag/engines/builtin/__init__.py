"""Built-in numba thin-film finite-difference engine (issue 6).

:class:`Simulation` is the solver on plain arrays; :class:`BuiltinEngine` runs the suite's
devices through the engine interface (:mod:`micromag.engines.base`).
"""

from .engine import BuiltinEngine, simulation_from_problem
from .newell import DemagKernel, demag_kernel, newell_tensor, self_demag_factors
from .solver import Simulation, Trajectory

__all__ = [
    "BuiltinEngine",
    "DemagKernel",
    "Simulation",
    "Trajectory",
    "demag_kernel",
    "newell_tensor",
    "self_demag_factors",
    "simulation_from_problem",
]
