"""Built-in numba thin-film finite-difference engine (issue 6).

:class:`Simulation` is the solver on plain arrays; :class:`BuiltinEngine` runs the suite's
devices through the engine interface of :mod:`micromag.engines.base`.
"""

from .engine import BuiltinEngine, simulation_from_problem
from .newell import DemagKernel, demag_kernel, newell_tensor, self_demag_factors
from .solver import GAMMA0, MU0, Simulation, Trajectory

__all__ = [
    "GAMMA0",
    "MU0",
    "BuiltinEngine",
    "DemagKernel",
    "Simulation",
    "Trajectory",
    "demag_kernel",
    "newell_tensor",
    "self_demag_factors",
    "simulation_from_problem",
]
