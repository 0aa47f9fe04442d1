"""Thin-film finite-difference micromagnetic solver on plain arrays (the built-in engine's core).

Terms: exchange (six neighbours, free boundaries at vacuum), demagnetisation (FFT convolution
with the Newell tensor), Zeeman (static, spatial, and one spatial pattern with a
time-dependent amplitude), uniaxial anisotropy, the Slonczewski torque in OOMMF's form, the
Oersted field of the current, and the thermal field. T = 0 runs use an adaptive embedded
Runge-Kutta 5(4) pair (Fehlberg by default, Dormand-Prince on request); T > 0 runs use
stochastic Heun at a fixed step.

Conventions: arrays are (3, nx, ny, nz), SI units, constants Ubermag's
(:mod:`micromag.constants`, gamma0 = 2.21276e5 m/(A s) by default), positive current density J
drives m towards the polarizer m_p.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from typing import Any

import numpy as np

from ...constants import BOLTZMANN, ELEMENTARY_CHARGE, GAMMA0, HBAR, MU0
from ..base import PROGRESS_INTERVAL
from . import kernels
from .fft import DemagConvolution
from .newell import demag_kernel
from .recording import Recorder, Trajectory

__all__ = ["METHODS", "Simulation", "Trajectory", "integrate_rk45"]


def _tableau(method: str):
    """(c, a, e) of an embedded 5(4) pair; row 6 of ``a`` is the propagated 5th-order solution,
    so stage 7 is f at the new state (first-same-as-last: 6 field evaluations per step)."""
    a = np.zeros((7, 7))
    if method == "dopri5":  # Dormand & Prince (1980)
        c = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0])
        a[1, :1] = [1 / 5]
        a[2, :2] = [3 / 40, 9 / 40]
        a[3, :3] = [44 / 45, -56 / 15, 32 / 9]
        a[4, :4] = [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729]
        a[5, :5] = [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]
        a[6, :6] = [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]
        b4 = np.array([5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200,
                       187 / 2100, 1 / 40])
    elif method == "rkf45":  # Fehlberg (1969), 5th-order solution propagated, as magnum.np
        c = np.array([0.0, 1 / 4, 3 / 8, 12 / 13, 1.0, 1 / 2, 1.0])
        a[1, :1] = [1 / 4]
        a[2, :2] = [3 / 32, 9 / 32]
        a[3, :3] = [1932 / 2197, -7200 / 2197, 7296 / 2197]
        a[4, :4] = [439 / 216, -8.0, 3680 / 513, -845 / 4104]
        a[5, :5] = [-8 / 27, 2.0, -3544 / 2565, 1859 / 4104, -11 / 40]
        a[6, :6] = [16 / 135, 0.0, 6656 / 12825, 28561 / 56430, -9 / 50, 2 / 55]
        b4 = np.array([25 / 216, 0.0, 1408 / 2565, 2197 / 4104, -1 / 5, 0.0, 0.0])
    else:
        raise ValueError(f"method={method!r}: expected 'rkf45' or 'dopri5'")
    return c, a, a[6] - b4


METHODS = ("rkf45", "dopri5")
#: PI step-size control exponents beta1 = 0.7/k, beta2 = 0.4/k for the order k = 5 error
PI_BETA1, PI_BETA2 = 0.7 / 5, 0.4 / 5
#: safety factor of every step-size update
STEP_SAFETY = 0.9
#: bounds of the step-size change per accepted step (after a rejection it may not grow)
STEP_GROWTH_MAX, STEP_SHRINK_MIN = 5.0, 0.2
#: step-size exponent after a rejected step, -1/4 (the error estimate is of 4th order)
REJECT_EXPONENT = -0.25
#: first trial step (s) when no step of an earlier run is known
FIRST_STEP = 1e-13
#: longest step (s) of the adaptive integrator
MAX_STEP = 1e-11
#: default fixed step (s) of stochastic Heun at T > 0
HEUN_STEP = 1e-13
#: the first Barzilai-Borwein step turns m by at most this angle (rad)
BB_FIRST_ANGLE = 1e-2


def _vector_field(value, n) -> np.ndarray:
    out = np.zeros((3, *n))
    if value is None:
        return out
    value = np.asarray(value, dtype=float)
    if value.shape == (3,):
        value = value[:, None, None, None]
    try:
        out[...] = value
    except ValueError:
        raise ValueError(f"vector field of shape {value.shape}: expected (3,) or a shape "
                         f"broadcastable to (3, *{n})") from None
    return out


def _scalar_field(value, n) -> np.ndarray:
    out = np.zeros(n)
    out[...] = np.asarray(value, dtype=float)
    return out


class Simulation:
    """A magnet on a regular mesh with its energy terms and torques.

    Parameters
    ----------
    cell : (dx, dy, dz)
        Cell edges (m).
    ms : ndarray (nx, ny, nz)
        Saturation magnetisation (A/m); 0 marks vacuum.
    exchange : float or ndarray
        Exchange stiffness A (J/m); between two cells the harmonic mean is used.
    alpha : float or ndarray
        Gilbert damping.
    demag : bool
        Include the demagnetising field.
    zeeman : (3,) or (3, nx, ny, nz), optional
        Static applied field (A/m).
    zeeman_pattern, zeeman_amplitude : optional
        A spatial field (A/m) multiplied by ``zeeman_amplitude(t)`` (dimensionless callable).
    anisotropy : float or ndarray
        Uniaxial anisotropy constant K1 (J/m^3), easy axis for K1 > 0.
    anisotropy_axis : (3,)
        Unit easy axis.
    current_density : float or callable
        J (A/m^2) along +z, or J(t).
    polarizer, polarization, lambda_asymmetry, eps_prime :
        Slonczewski parameters m_p, P, Lambda, eps' (OOMMF's Oxs_SpinXferEvolve).
    free_layer_thickness : float, optional
        t in beta = hbar J / (mu0 e t Ms); default the cell edge dz, as OOMMF.
    oersted : (3, nx, ny, nz), optional
        Oersted field per unit current density (A/m per A/m^2); scaled by J(t).
    temperature : float
        K; above 0 the run uses stochastic Heun.
    gamma0 : float
        m/(A s).
    workers : int
        Threads of the FFT library.
    method : {"rkf45", "dopri5"}
        Embedded Runge-Kutta pair for T = 0. Both are 5th order with a 4th-order error
        estimate; Fehlberg's pair takes ~1.8x fewer steps where exchange makes the problem
        stiff (5 nm cells), so it is the default.
    fft : {"auto", "scipy", "ducc0"}
        FFT library of the demag convolution (:mod:`micromag.engines.builtin.fft`); "auto" takes
        ducc0 where it is installed.
    """

    def __init__(self, cell, ms, exchange=0.0, alpha=0.01, *, demag=True, zeeman=None,
                 zeeman_pattern=None, zeeman_amplitude: Callable[[float], float] | None = None,
                 anisotropy=0.0, anisotropy_axis=(0.0, 0.0, 1.0),
                 current_density: float | Callable[[float], float] = 0.0,
                 polarizer=(0.0, 0.0, 1.0), polarization=0.4, lambda_asymmetry=2.0,
                 eps_prime=0.0, free_layer_thickness: float | None = None, oersted=None,
                 temperature: float = 0.0, gamma0: float = GAMMA0, workers: int = 1,
                 method: str = "rkf45", fft: str = "auto"):
        self.ms = np.ascontiguousarray(ms, dtype=float)
        if self.ms.ndim != 3:
            raise ValueError(f"ms must be (nx, ny, nz), got shape {self.ms.shape}")
        if np.any(self.ms < 0) or not np.any(self.ms > 0):
            raise ValueError("ms must be >= 0 with at least one magnetic cell")
        self.n = self.ms.shape
        self.cell = tuple(float(c) for c in cell)
        self.volume = float(np.prod(self.cell))
        self.gamma0 = float(gamma0)
        self.magnetic = self.ms > 0
        inv_ms = np.where(self.magnetic, 1.0 / np.where(self.magnetic, self.ms, 1.0), 0.0)
        self.alpha = _scalar_field(alpha, self.n)
        self.exch = self._exchange_coefficients(_scalar_field(exchange, self.n), inv_ms)
        k1 = _scalar_field(anisotropy, self.n)
        self.hk = np.ascontiguousarray(2.0 * k1 * inv_ms / MU0)
        axis = np.asarray(anisotropy_axis, dtype=float)
        self.axis = axis / np.linalg.norm(axis)
        self.hext = _vector_field(zeeman, self.n)
        self.hdyn = _vector_field(zeeman_pattern, self.n)
        self.zeeman_amplitude = zeeman_amplitude
        self.hoe = _vector_field(oersted, self.n)
        self.current_density = current_density
        p = np.asarray(polarizer, dtype=float)
        self.polarizer = p / np.linalg.norm(p)
        self.polarization = float(polarization)
        self.lam2 = float(lambda_asymmetry) ** 2
        self.eps_prime = float(eps_prime)
        thickness = self.cell[2] if free_layer_thickness is None else float(free_layer_thickness)
        self.stt = np.ascontiguousarray(
            self.gamma0 * HBAR / (MU0 * ELEMENTARY_CHARGE * thickness) * inv_ms)
        self.temperature = float(temperature)
        self.method = method
        self._tableau = _tableau(method)
        self.workers = int(workers)
        self.demag = bool(demag)
        if self.demag:
            self.kernel = demag_kernel(self.n, self.cell)
            self._full = self.kernel.has_z_coupling
            self._convolution = DemagConvolution(self.kernel, self.n, fft, self.workers)
            self.fft = self._convolution.backend
        else:
            self.fft = None
        self._neighbours = kernels.neighbour_table(self.n)
        self._zeros = np.zeros((3, *self.n))
        self._hd = np.zeros((3, *self.n))
        self._heff = np.zeros((3, *self.n))
        self._hth = np.zeros((3, *self.n))
        self.field_evaluations = 0

    # ------------------------------------------------------------------ fields
    def _exchange_coefficients(self, a, inv_ms):
        """exch[d] = 2 A_ij / (mu0 Ms_i d^2) for the six neighbours (0 at vacuum/edges)."""
        exch = np.zeros((6, *self.n))
        for axis in range(3):
            d2 = self.cell[axis] ** 2
            lo = [slice(None)] * 3
            hi = [slice(None)] * 3
            lo[axis] = slice(0, -1)
            hi[axis] = slice(1, None)
            a_lo, a_hi = a[tuple(lo)], a[tuple(hi)]
            den = a_lo + a_hi
            a_ij = np.where(den > 0, 2 * a_lo * a_hi / np.where(den > 0, den, 1.0), 0.0)
            both = self.magnetic[tuple(lo)] & self.magnetic[tuple(hi)]
            a_ij = np.where(both, a_ij, 0.0)
            # neighbour below (index - 1) of the upper cell, neighbour above of the lower
            exch[2 * axis][tuple(hi)] = 2 * a_ij * inv_ms[tuple(hi)] / (MU0 * d2)
            exch[2 * axis + 1][tuple(lo)] = 2 * a_ij * inv_ms[tuple(lo)] / (MU0 * d2)
        return np.ascontiguousarray(exch)

    def demag_field(self, m, out=None):
        """Demagnetising field (A/m) of the unit magnetisation ``m``."""
        out = np.zeros((3, *self.n)) if out is None else out
        if not self.demag:
            out[...] = 0.0
            return out
        return self._convolution.of_unit(m, self.ms, out)

    def current(self, t: float) -> float:
        """Current density (A/m^2) at time t (s)."""
        j = self.current_density
        return float(j(t)) if callable(j) else float(j)

    def _amplitude(self, t: float) -> float:
        return float(self.zeeman_amplitude(t)) if self.zeeman_amplitude is not None else 0.0

    def rhs(self, t, m, out, hth=None, precession=True, alpha=None, hd=None,
            current_density: float | None = None):
        """dm/dt (1/s) into ``out``; ``hd`` a given demagnetising field, else computed;
        ``current_density`` (A/m^2) the current at this instant, else ``current(t)``."""
        if hd is None:
            hd = self.demag_field(m, self._hd)
        self.field_evaluations += 1
        j_now = self.current(t) if current_density is None else float(current_density)
        kernels.effective_field(m, hd, self.hext, self._amplitude(t), self.hdyn, j_now,
                                self.hoe, self._zeros if hth is None else hth, self.exch,
                                self._neighbours, self.hk, self.axis, self.ms, self._heff)
        kernels.llg_rhs(m, self._heff, self.ms, self.alpha if alpha is None else alpha,
                        self.gamma0, self.stt, j_now, self.polarizer, self.lam2,
                        self.polarization, self.eps_prime, precession, out)
        return out

    def effective_field(self, m, t: float = 0.0, out=None):
        """Effective field (A/m) without the thermal part."""
        out = np.zeros((3, *self.n)) if out is None else out
        self.demag_field(m, self._hd)
        kernels.effective_field(m, self._hd, self.hext, self._amplitude(t), self.hdyn,
                                self.current(t), self.hoe, self._zeros, self.exch,
                                self._neighbours, self.hk, self.axis, self.ms, out)
        return out

    def energy(self, m, t: float = 0.0) -> dict[str, float]:
        """Energy terms (J): exchange, demag, zeeman (incl. Oersted), anisotropy, total."""
        m = np.ascontiguousarray(m, dtype=float)
        z = self._zeros
        zero_hk = np.zeros(self.n)
        exch = np.zeros((3, *self.n))
        kernels.effective_field(m, z, z, 0.0, z, 0.0, z, z, self.exch, self._neighbours,
                                zero_hk, self.axis, self.ms, exch)
        anis = np.zeros((3, *self.n))
        kernels.effective_field(m, z, z, 0.0, z, 0.0, z, z, np.zeros_like(self.exch),
                                self._neighbours, self.hk, self.axis, self.ms, anis)
        applied = self.hext + self._amplitude(t) * self.hdyn + self.current(t) * self.hoe
        demag = self.demag_field(m)
        weight = -MU0 * self.ms * self.volume

        def dot(h):
            return float(np.sum(weight * np.einsum("c...,c...->...", m, h)))

        terms = {"exchange": 0.5 * dot(exch), "demag": 0.5 * dot(demag),
                 "zeeman": dot(applied), "anisotropy": 0.5 * dot(anis)}
        terms["total"] = sum(terms.values())
        return terms

    # ------------------------------------------------------------------ runs
    def initial(self, m0) -> np.ndarray:
        """A normalised, contiguous copy of ``m0`` ((3,), or (3, nx, ny, nz))."""
        m = _vector_field(m0, self.n)
        kernels.normalize(m, self.ms)
        return m

    def run(self, m0, duration: float, sampling_interval: float, *, tolerance: float = 1e-6,
            record_core: bool = False, core_function: Callable | None = None,
            seed: int | None = None, time_step: float | None = None,
            max_step: float = MAX_STEP, progress: Callable[[float], None] | None = None,
            progress_interval: float = PROGRESS_INTERVAL, steady: Any = None) -> Trajectory:
        """Integrate for ``duration`` (s), recording every ``sampling_interval`` (s).

        At T = 0: an embedded RK 5(4) pair (``method``) with error control, the error of each
        step measured as max |err| / (tol + tol |m|) per component (as magnum.np's RKF45);
        samples by cubic Hermite interpolation between steps. At T > 0: stochastic Heun with
        fixed step ``time_step`` (default <= 0.1 ps, dividing the sampling interval).
        ``core_function(mz_layer) -> (x, y)`` replaces the default core finder,
        :func:`micromag.engines.timeseries.core_position` with positions from the mesh centre.
        ``progress(t)`` is called with the simulated time t (s) reached every
        ``progress_interval`` (s) and at the end. ``steady``
        (:class:`~micromag.engines.steady.SteadyState`): stop once the recorded oscillation is
        steady; the trajectory then ends early and ``stop_reason`` says why.
        """
        m = self.initial(m0)
        nsamples = int(round(duration / sampling_interval))
        recorder = Recorder(self, nsamples + 1, sampling_interval, record_core, core_function,
                            progress=progress, progress_interval=progress_interval,
                            steady=steady)
        start = _time.perf_counter()
        self.field_evaluations = 0
        if self.temperature > 0:
            traj = self._run_heun(m, nsamples, sampling_interval, recorder, seed, time_step)
        else:
            traj = self._run_rk45(m, nsamples * sampling_interval, recorder, tolerance,
                                  max_step)
        traj.wall_time = _time.perf_counter() - start
        traj.field_evaluations = self.field_evaluations
        traj.stop_reason = recorder.stop_reason
        return traj

    def _run_rk45(self, m, t_end, recorder, tolerance, max_step, precession=True, alpha=None,
                  stop: Callable[[np.ndarray], bool] | None = None):
        shape = m.shape

        def rhs(t, y, out):
            self.rhs(t, y.reshape(shape), out.reshape(shape), precession=precession,
                     alpha=alpha)

        def normalize(y):
            kernels.normalize(y.reshape(shape), self.ms)

        check = None if stop is None else (lambda y: stop(y.reshape(shape)))
        final, accepted, rejected, self._last_dt = integrate_rk45(
            rhs, normalize, m.reshape(-1), t_end, recorder, tolerance, max_step,
            self._tableau, getattr(self, "_last_dt", FIRST_STEP), check)
        traj = recorder.trajectory(final.reshape(shape))
        traj.accepted_steps, traj.rejected_steps = accepted, rejected
        return traj

    def _run_heun(self, m, nsamples, sampling_interval, recorder, seed, time_step):
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))
        rng = np.random.default_rng(seed)
        dt_max = HEUN_STEP if time_step is None else time_step
        per_sample = max(1, int(np.ceil(sampling_interval / dt_max - 1e-9)))
        dt = sampling_interval / per_sample
        sigma = np.sqrt(2 * self.alpha * BOLTZMANN * self.temperature
                        / (self.gamma0 * MU0 * np.where(self.magnetic, self.ms, 1.0)
                           * self.volume * dt)) * self.magnetic
        noise = np.zeros((3, *self.n))
        hth = self._hth
        k1 = np.zeros_like(m)
        k2 = np.zeros_like(m)
        pred = np.zeros_like(m)
        recorder.record(0.0, m)
        t = 0.0
        for sample in range(1, nsamples + 1):
            if recorder.stop_reason is not None:
                break
            for _ in range(per_sample):
                rng.standard_normal(out=noise)
                np.multiply(noise, sigma, out=hth)
                self.rhs(t, m, k1, hth=hth)
                np.multiply(k1, dt, out=pred)
                pred += m
                kernels.normalize(pred, self.ms)
                self.rhs(t + dt, pred, k2, hth=hth)
                k1 += k2
                k1 *= 0.5 * dt
                m += k1
                kernels.normalize(m, self.ms)
                t += dt
            recorder.record(sample * sampling_interval, m)
        traj = recorder.trajectory(m)
        traj.accepted_steps, traj.seed = nsamples * per_sample, seed
        return traj

    def relax(self, m0, *, torque_tolerance: float = 1.0, max_time: float = 20e-9,
              tolerance: float = 1e-5, max_iterations: int = 50000) -> np.ndarray:
        """Minimise the energy at J = 0; returns the relaxed unit magnetisation.

        First steepest descent with Barzilai-Borwein steps (Exl et al., J. Appl. Phys. 115,
        17D118 (2014), as magnum.np's and mumax3's minimisers); if that has not converged after
        ``max_iterations``, damping-only dynamics (alpha = 1, no precession) for at most
        ``max_time`` (s). Converged when max |m x H_eff| < ``torque_tolerance`` (A/m).
        """
        saved = self.current_density
        self.current_density = 0.0
        heff = np.zeros((3, *self.n))

        def converged(m):
            self.effective_field(m, 0.0, heff)
            return kernels.max_torque(m, heff, self.ms) < torque_tolerance

        try:
            m, ok = self._minimize(self.initial(m0), torque_tolerance, max_iterations)
            if not ok:
                recorder = Recorder(self, 1, max_time, False)
                m = self._run_rk45(m, max_time, recorder, tolerance, MAX_STEP, precession=False,
                                   alpha=np.ones(self.n), stop=converged).final
        finally:
            self.current_density = saved
        return m

    def _minimize(self, m, torque_tolerance, max_iterations):
        """Barzilai-Borwein steepest descent on the sphere: m <- norm(m - h m x (m x H))."""
        heff = np.zeros((3, *self.n))
        mask = self.magnetic

        def descent(m):
            self.effective_field(m, 0.0, heff)
            g = np.cross(m, np.cross(m, heff, axis=0), axis=0)
            g[:, ~mask] = 0.0
            return g

        g = descent(m)
        h = BB_FIRST_ANGLE / max(np.abs(g).max(), 1e-30)
        for iteration in range(max_iterations):
            torque = np.sqrt(np.max(np.sum(g * g, axis=0)))  # |m x (m x H)| = |m x H|
            if torque < torque_tolerance:
                return m, True
            m_new = m - h * g
            kernels.normalize(m_new, self.ms)
            g_new = descent(m_new)
            s_vec, y_vec = m_new - m, g_new - g
            sy = float(np.sum(s_vec * y_vec))
            if sy > 0:
                h = (float(np.sum(s_vec * s_vec)) / sy if iteration % 2 == 0
                     else sy / float(np.sum(y_vec * y_vec)))
            else:
                h = BB_FIRST_ANGLE / max(np.abs(g_new).max(), 1e-30)
            m, g = m_new, g_new
        return m, False


def integrate_rk45(rhs: Callable, normalize: Callable, y0: np.ndarray, t_end: float,
                   recorder: Any, tolerance: float, max_step: float, tableau, first_step: float,
                   stop: Callable[[np.ndarray], bool] | None = None):
    """Adaptive embedded Runge-Kutta 5(4) integration of dy/dt = rhs(t, y) from t = 0 to
    ``t_end`` (s) on a flat state ``y0`` (not modified).

    ``rhs(t, y, out)`` writes dy/dt into ``out``; ``normalize(y)`` projects an accepted state
    (|m| = 1); ``recorder`` (:class:`~.recording.Recorder` or one with its ``record(t, y)``,
    ``next_time``, ``full`` and ``stop_reason``) takes the samples, interpolated by cubic
    Hermite polynomials between steps; ``stop(y)``, checked every 10 accepted steps, ends the
    run early. The error of a step is max |err| / (tol + tol |y|) per component (as
    magnum.np's RKF45), the step size follows a PI controller. Returns
    (final y, accepted steps, rejected steps, last step size).
    """
    c_nodes, a_rows, e_coeffs = tableau
    size = y0.size
    ks = np.zeros((7, size))
    m = y0.copy()
    y = np.zeros_like(m)
    interp = np.zeros_like(m)
    work = np.zeros(size)
    t = 0.0
    recorder.record(0.0, m)
    rhs(t, m, ks[0])
    dt = first_step
    accepted = rejected = 0
    just_rejected = False
    err_previous = 1.0
    while t < t_end * (1 - 1e-14) and recorder.stop_reason is None:
        dt = min(dt, max_step, t_end - t)
        for s in range(1, 7):
            kernels.combine(y, m, dt, ks, a_rows[s], s)
            rhs(t + c_nodes[s] * dt, y, ks[s])
        err = kernels.error_norm(m, dt, ks, e_coeffs, tolerance, work)
        if err <= 1.0:
            accepted += 1
            normalize(y)
            t_new = t + dt
            while recorder.next_time <= t_new * (1 + 1e-12) and not recorder.full:
                theta = min(max((recorder.next_time - t) / dt, 0.0), 1.0)
                kernels.hermite(interp, m, ks[0], y, ks[6], dt, theta)
                recorder.record(recorder.next_time, interp)
            m, y = y, m
            ks[0] = ks[6]
            t = t_new
            # PI step-size control (Gustafsson; Hairer & Wanner II, IV.2): damps the
            # accept/reject cycling at the exchange stability limit
            err = max(err, 1e-10)
            factor = STEP_SAFETY * err ** (-PI_BETA1) * err_previous ** PI_BETA2
            factor = min(STEP_GROWTH_MAX, max(STEP_SHRINK_MIN, factor))
            dt *= min(factor, 1.0) if just_rejected else factor
            err_previous = err
            just_rejected = False
            if stop is not None and accepted % 10 == 0 and stop(m):
                break
        else:
            rejected += 1
            just_rejected = True
            dt *= max(STEP_SHRINK_MIN, STEP_SAFETY * err ** REJECT_EXPONENT)
    return m, accepted, rejected, dt
