"""The built-in thin-film engine behind the suite's engine interface."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from ...version import suite_version
from .. import capabilities as caps
from ..base import Engine
from ..errors import RunFailed
from ..problem import Problem
from ..runspec import RunSpec
from ..timeseries import core_position, timeseries_dataset
from .fft import BACKENDS as FFT_BACKENDS
from .fft import default_backend as default_fft_backend
from .solver import Simulation

__all__ = ["BuiltinEngine", "simulation_from_problem"]


def simulation_from_problem(problem: Problem, spec: RunSpec | None = None,
                            **options) -> Simulation:
    """A :class:`Simulation` of the neutral :class:`~micromag.engines.problem.Problem`.

    Ubermag's time-dependent Zeeman field is ``H * a(t)`` (no static part), a(t) the
    :class:`~micromag.engines.drive.Drive` (sin, sinc or a Python callable); it is the
    solver's ``zeeman_pattern`` beside the static ``zeeman``. The Slonczewski torque uses the
    free-layer thickness t = cell edge along z, as OOMMF and magnum.np do. The current density
    is J_ref, or J_ref a(t) for a time-dependent current (``problem.current_profile``, exact at
    every Runge-Kutta stage); the Oersted field array (at J_ref) is scaled with it.
    """
    def vector(a):  # (nx, ny, nz, 3) -> (3, nx, ny, nz)
        return None if a is None else np.ascontiguousarray(np.moveaxis(a, -1, 0))

    stt = problem.slonczewski
    current = problem.current_density
    oersted = None
    if problem.oersted_H is not None and current != 0.0:
        oersted = vector(problem.oersted_H) / current
    profile = problem.current_profile
    current_density = current if profile is None else (lambda t: current * profile(t))
    wave = None if problem.zeeman_drive is None else problem.zeeman_drive.amplitude()
    kwargs: dict[str, Any] = {}
    if stt is not None:
        kwargs.update(polarizer=stt["mp"], polarization=stt["P"],
                      lambda_asymmetry=stt["Lambda"], eps_prime=stt["eps_prime"])
    else:
        kwargs.update(polarization=0.0, eps_prime=0.0)
    return Simulation(
        problem.cell, problem.Ms,
        exchange=problem.exchange_A or 0.0,
        alpha=problem.alpha,
        demag=problem.demag,
        zeeman=problem.zeeman_H,
        zeeman_pattern=vector(problem.zeeman_time_H),
        zeeman_amplitude=wave,
        anisotropy=problem.anisotropy_K or 0.0,
        anisotropy_axis=problem.anisotropy_u if problem.anisotropy_u is not None else (0, 0, 1),
        current_density=current_density,
        oersted=oersted,
        temperature=problem.temperature,
        gamma0=problem.gamma0,
        **kwargs,
        **options,
    )


class BuiltinEngine(Engine):
    """Numba finite-difference engine for thin-film nanopillars (``micromag.engines.builtin``).

    Exchange, Newell-tensor demag by FFT (kernel cached per geometry across a sweep), Zeeman
    (static, or times a sin/sinc profile or a Python callable of t), uniaxial anisotropy,
    OOMMF's Slonczewski torque, the Oersted field, Brown's thermal field (stochastic Heun) and
    relaxation; adaptive RK 5(4) at T = 0 with the error measured as magnum.np does
    (``RunSpec.tolerance`` as atol = rtol).

    Parameters
    ----------
    workers : int
        Threads of the FFT library (1 = single-threaded).
    method : {"rkf45", "dopri5"}
        Runge-Kutta pair for T = 0.
    fft : {"auto", "scipy", "ducc0"}
        FFT library of the demag field (:mod:`micromag.engines.builtin.fft`); "auto": ducc0
        where it is installed (the ``fft`` extra), else scipy.fft.
    """

    name = "builtin"
    capabilities = caps.CAPABILITIES

    def __init__(self, workers: int = 1, method: str = "rkf45", fft: str = "auto") -> None:
        if fft != "auto" and fft not in FFT_BACKENDS:
            raise ValueError(f"fft={fft!r}: allowed 'auto' or one of {list(FFT_BACKENDS)}")
        self.workers = int(workers)
        self.method = method
        self.fft = default_fft_backend() if fft == "auto" else fft

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        try:
            import numba
            import scipy.fft  # noqa: F401
        except ImportError as error:  # pragma: no cover - both are dependencies of the suite
            return False, f"missing dependency: {error}"
        return True, f"part of the suite (numba {numba.__version__})"

    def version(self) -> str:
        import numba
        import scipy

        if self.fft == "ducc0":
            import ducc0

            fft = f"ducc0 {ducc0.__version__}"
        else:
            fft = f"scipy.fft {scipy.__version__}"
        return f"{suite_version()} (numba {numba.__version__}, {fft})"

    def _simulation(self, problem, spec=None) -> Simulation:
        return simulation_from_problem(problem, spec, workers=self.workers, method=self.method,
                                       fft=self.fft)

    def relax(self, device: Any, *, torque_tolerance: float = 1.0,
              max_time: float = 20e-9) -> np.ndarray:
        """Relax ``device.relax_system()`` (J = 0) by minimising its energy.

        :meth:`Simulation.relax`: Barzilai-Borwein steepest descent, then, if that has not
        converged, damping-only dynamics (alpha = 1, no precession) for at most ``max_time``
        (s); converged when max |m x H_eff| < ``torque_tolerance`` (A/m).
        """
        relax_system = getattr(device, "relax_system", None)
        system = relax_system() if callable(relax_system) else device.system(0.0)
        spec = RunSpec()
        problem = self.check(device, spec, system=system)
        sim = self._simulation(problem, spec)
        m = sim.relax(np.moveaxis(problem.m0, -1, 0), torque_tolerance=torque_tolerance,
                      max_time=max_time)
        if not np.all(np.isfinite(m)):
            raise RunFailed("builtin relax: the magnetisation became NaN")
        return np.ascontiguousarray(np.moveaxis(m, 0, -1))

    def run(self, device: Any, spec: RunSpec, *, progress: Any = None) -> Any:
        """One current: see :meth:`Engine.run`; ``progress(t)`` every
        :data:`~micromag.engines.base.PROGRESS_INTERVAL` of simulated time."""
        problem = self.check(device, spec)
        sim = self._simulation(problem, spec)
        x, y, _ = problem.coordinates()
        # only a vortex has a core to track (as the OOMMF and magnum.np engines do): a uniform
        # MTJ free layer gave an all-NaN core track, read downstream as a core lost
        record_core = spec.record_core and getattr(device, "kind", "") == "vortex"

        def core(mz_layer):
            return core_position(mz_layer, x, y)

        start = time.perf_counter()
        traj = sim.run(np.moveaxis(problem.m0, -1, 0), spec.duration, spec.sampling_interval,
                       tolerance=spec.tolerance, record_core=record_core,
                       core_function=core, seed=spec.seed, time_step=spec.thermal_time_step,
                       progress=progress, steady=spec.steady_state)
        wall = time.perf_counter() - start
        if not np.all(np.isfinite(traj.m)):
            raise RunFailed("builtin run: the magnetisation became NaN (diverged)")
        samples = traj.m.shape[0]
        if samples != spec.n_samples and traj.stop_reason is None:
            raise RunFailed(f"builtin run: {samples} samples, expected {spec.n_samples}")
        core_xy = (traj.core[:, 0], traj.core[:, 1]) if record_core else None
        stop = {} if spec.steady_state is None else {
            "stop_reason": traj.stop_reason or "not steady: ran the whole duration"}
        return timeseries_dataset(
            device, problem, spec, engine=self.name, engine_version=self.version(),
            time=spec.times()[:samples], m_average=traj.m, core=core_xy,
            final_state=np.moveaxis(traj.final, 0, -1) if spec.record_final else None,
            extra_attrs={"wall_time_s": wall, "steps_accepted": traj.accepted_steps,
                         "steps_rejected": traj.rejected_steps,
                         "field_evaluations": traj.field_evaluations,
                         "integrator": "heun" if problem.temperature > 0 else self.method,
                         **stop},
        )

