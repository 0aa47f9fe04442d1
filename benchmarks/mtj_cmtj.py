"""A macrospin peer for the MTJ free layer: cmtj against the built-in engine on one cell.

The device (Houssameddine et al., Nat. Mater. 6, 447 (2007) design; PHYSICS.md section 8): an
in-plane CoFeB-like free layer, Ms 1.0e6 A/m, A 2e-11 J/m, alpha 0.01, 2 nm thick, a
20 nm x 20 nm square pillar, uniaxial in-plane anisotropy K = 5e3 J/m^3 along x
(mu0 H_k = 10 mT), polarizer m_p = +z, P 0.4, Lambda 2, eps' 0, no field, no Oersted field,
T = 0. Positive J drives m towards m_p: above a threshold m leaves the plane and precesses
about z at a frequency that rises with J, until m aligns with z.

(K = 2e4 J/m^3, the first choice, has no precession window: the window needs J_c1 < J_c2
(below), i.e. (H_k / 2) / eps(0) < alpha [(N_zz - N_xx) Ms + H_k / 2] / eps(1), H_k below
23.0 kA/m (K < 1.45e4 J/m^3) here. With K = 2e4, J_c1 = 1.90e11 > J_c2 = 1.38e11 A/m^2: a
current switched on leaves the plane between 1.4e11 and 1.5e11 (a cmtj scan in 1e10 steps)
and goes straight to m = +z. K = 5e3 gives J_c1 / J_c2 = 0.35.)

Macrospin limit: the built-in engine (``micromag``) on ONE cell of 20 x 20 x 2 nm is a
macrospin with that cell's Newell tensor (N_xx = N_yy = 0.09746, N_zz = 0.80508,
:mod:`micromag.engines.builtin.newell`); cmtj gets the same tensor.

Translation of conventions (cmtj's ``core/junction.hpp`` on GitHub, LemurPwned/cmtj master of
December 2025, unchanged since v1.10.0; run here with the 1.15.0 wheel, whose agreement below
to a few 1e-6 confirms it):

- cmtj integrates the Landau-Lifshitz form
  (1 + alpha^2) dm/dt = -g [m x H + alpha m x (m x H)] - g a_J eta kappa m x (m x p)
  + g a_J eta beta m x p, with a_J = hbar J / (e Ms[T] t), eta = P L^2 / ((L^2 + 1) +
  (L^2 - 1) m.p), kappa = 1 (default), g its gyromagnetic ratio. Ms is given in tesla
  (mu0 Ms), fields are A/m (H_demag = N m Ms[T] / mu0, H_anis = 2 K (u.m) u / Ms[T]).
- The suite's Gilbert form dm/dt = -g0 m x H + alpha m x dm/dt + g0 b eps m x (m_p x m)
  (b = hbar J / (mu0 e t Ms), eps as eta) solved for dm/dt gives exactly that with
  a_J = b, kappa = 1 and ``beta = alpha``: cmtj's "field-like" term with beta = alpha is the
  alpha m x T part of the Gilbert-form Slonczewski torque, not a field-like torque (eps' = 0;
  a non-zero eps' has no cmtj counterpart: its field-like term carries eta(m)).
- Current: cmtj's current driver value is J in A/m^2, positive J with reference p = m_p
  drives m towards p, as the suite's; the reference layer is fixed
  (``setReferenceLayer(CVector(m_p))``), P = ``spinPolarisation``, Lambda =
  ``SlonczewskiSpacerLayerParameter``, t = ``thickness``.
- Constants: cmtj's defaults (g = 220880 m/(A s), mu0 = 12.566e-7) are replaced for the
  comparison by the suite's (g0 = 2.21276e5, mu0 = 4 pi 1e-7, hbar, e:
  :mod:`micromag.constants`) through ``cmtj.constants.PhysicalConstants`` (cmtj >= 1.10),
  restored afterwards.
- Integrator: cmtj's fixed-step RK4 (``runSimulation(total, dt, write)``, default solver) at
  dt = 0.1 ps, m renormalised each step; its log stamps the state after step i with i dt (the
  times below are shifted by dt). The built-in engine: adaptive RKF45 at ``TOLERANCE``.

Compared, at T = 0, both codes from the same initial state (the easy axis tilted 0.01 rad
towards z):

1. f(J): the frequency of the steady out-of-plane precession (from the unwrapped azimuth of
   (m_x, m_y) over whole turns) and <m_z>, at ``CURRENTS`` between the thresholds;
2. J_c1: the static in-plane state exists while H_k sin(phi) cos(phi) = b eps(0) J has a
   solution (phi its angle from x), i.e. up to the fold J_c1 = K e t (L^2 + 1) / (hbar P L^2)
   (independent of Ms, gamma and alpha). Measured in both codes by bisection on whether a slow
   linear ramp of J (``RAMP`` s, then ``HOLD`` s at J) ends in precession;
3. J_step: the threshold of a current switched on at t = 0 (the same tilted start): lower
   than J_c1 because the precession already exists there (bistability between J_step and
   J_c1) and the switch-on transient reaches it; a property of the protocol, compared too;
4. J_c2: where the orbit closes onto m = z (a Hopf point): analytic from the stability of
   m = z, J_c2 = 2 alpha [(N_zz - N_xx) Ms + H_k / 2] / (P b/J), measured by extrapolating
   1 - <m_z> (proportional to J_c2 - J near it) to zero from three currents below it.

Analytic sanity checks (approximate): f ~ (g0 / 2 pi) (N_zz - N_xx) Ms <m_z>, and the energy
balance alpha (N_zz - N_xx) Ms m_z = b eps(m_z) J for m_z (both neglect H_k).

Last, the built-in engine on a resolved mesh of the same prism (2.5 nm cells, 8 x 8) and on a
40 nm x 20 nm ellipse (2.5 nm cells), against cmtj with each mesh's average demagnetising
tensor: how far a real mesh is from the macrospin.

Usage: ``python benchmarks/mtj_cmtj.py [--quick] [--out DIR]``. Prints the tables and ratios,
writes ``OUT/results.json`` (default ``benchmarks/results/mtj_cmtj[_quick]``). Runtime: see
docs/mtj_macrospin.md (single-threaded, one process).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import math
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from micromag.constants import ELEMENTARY_CHARGE, GAMMA0, HBAR, MU0  # noqa: E402
from micromag.devices import MTJOscillator  # noqa: E402

#: the free layer (SI); K = 5e3 J/m^3 is mu0 H_k = 10 mT
FREE_LAYER = {"length": 20e-9, "width": 20e-9, "shape": "rectangle", "thickness": 2e-9,
              "Ms": 1.0e6, "A": 2.0e-11, "alpha": 0.01, "anisotropy_K": 5.0e3,
              "anisotropy_axis": (1.0, 0.0, 0.0), "polarizer": (0.0, 0.0, 1.0), "P": 0.4,
              "Lambda": 2.0, "eps_prime": 0.0, "oersted_field": False,
              "bias_field": (0.0, 0.0, 0.0), "initial_tilt": 0.01}
#: the macrospin: one cell as large as the pillar
MACROSPIN_CELL = 20e-9
#: the resolved meshes: (label, overrides of FREE_LAYER)
MESHES = (("square 20 nm, 2.5 nm cells", {"cell_size": 2.5e-9}),
          ("ellipse 40 x 20 nm, 2.5 nm cells", {"length": 40e-9, "width": 20e-9,
                                                "shape": "ellipse", "cell_size": 2.5e-9}))
#: cmtj's fixed RK4 step (s): the precession period is >= 40 ps, 400 steps
CMTJ_STEP = 1e-13
#: the built-in engine's relative tolerance (RunSpec.tolerance; its default is 1e-5)
TOLERANCE = 1e-7
#: sampling of m (s)
SAMPLING = 1e-12
#: a steady-precession run: RUN long, f and <m_z> over its last SETTLED seconds
RUN, SETTLED = 30e-9, 15e-9
#: current densities (A/m^2) of f(J), inside the window J_step < J < J_c2 (~0.37-1.36e11)
CURRENTS = (4.0e10, 5.0e10, 6.0e10, 7.0e10, 8.0e10, 9.0e10, 1.0e11, 1.1e11, 1.2e11, 1.3e11)
QUICK_CURRENTS = (5.0e10, 9.0e10, 1.25e11)
#: the J_c1 protocol: a linear ramp 0 -> J over RAMP, then HOLD at J (s)
RAMP, HOLD = 60e-9, 20e-9
#: the resolved meshes' J_c1: a shorter ramp, a coarser bisection (their runs take ~0.3 s per
#: simulated ns against ~0.01 for one cell)
MESH_RAMP, MESH_HOLD, MESH_RESOLUTION = 30e-9, 10e-9, 1e-2
#: m has aligned with z once |(m_x, m_y)| stays below this (1 - m_z < 1.3e-3)
ALONG_Z = 0.05
#: J_c2: 1 - <m_z> at these fractions of the analytic J_c2 (runs of C2_RUN s, averaged over
#: the last C2_SETTLED s), extrapolated to zero
C2_FRACTIONS, C2_RUN, C2_SETTLED = (0.93, 0.95, 0.97), 150e-9, 10e-9


# --- the device and its macrospin translation ------------------------------------------------
def free_layer(**overrides) -> MTJOscillator:
    """The free layer as an :class:`MTJOscillator`; default one 20 nm cell (the macrospin).

    A 20 nm cell is 3.6 exchange lengths wide: the device warns that the mesh does not resolve
    the magnetisation, which is the point of a macrospin; that one warning is silenced here."""
    params = {**FREE_LAYER, "cell_size": MACROSPIN_CELL, **overrides}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*the magnetisation is not resolved")
        return MTJOscillator(**params)


def demag_tensor(device: MTJOscillator) -> np.ndarray:
    """The 3 x 3 demagnetising tensor of the device's uniform state on its mesh.

    For one cell, the cell's Newell self-tensor as the built-in engine computes it
    (:func:`micromag.engines.builtin.newell.newell_tensor`); for a mesh, the average over its
    magnetic cells i of sum_j N(r_i - r_j): the demagnetising field of the uniform state,
    averaged, as -<N> m Ms."""
    from micromag.engines.builtin.newell import newell_tensor

    mask = device.magnetic_volume_mask[..., 0]
    x, y, _ = (np.asarray(c) for c in device.mesh.cells)
    X, Y = np.meshgrid(x, y, indexing="ij")
    xs, ys = X[mask], Y[mask]
    dx, dy = xs[:, None] - xs[None, :], ys[:, None] - ys[None, :]
    parts = newell_tensor((dx, dy, np.zeros_like(dx)), device.cell)
    mean = {key: float(value.sum() / xs.size) for key, value in parts.items()}
    mean["xz"] = mean["yz"] = 0.0  # one layer: odd in z, zero (roundoff ~1e-17), as the engine
    return np.array([[mean["xx"], mean["xy"], mean["xz"]],
                     [mean["xy"], mean["yy"], mean["yz"]],
                     [mean["xz"], mean["yz"], mean["zz"]]])


def initial_direction(device: MTJOscillator) -> np.ndarray:
    """The device's (uniform) initial unit magnetisation."""
    m = device.initial_magnetisation()[device.magnetic_volume_mask].mean(axis=0)
    return m / np.linalg.norm(m)


@contextlib.contextmanager
def suite_constants() -> Iterator[None]:
    """cmtj with the suite's gamma0, mu0, hbar and e (restored on exit)."""
    import cmtj

    constants = cmtj.constants.PhysicalConstants
    names = ("gyromagnetic_ratio", "magnetic_permeability", "hbar", "elementary_charge")
    saved = [getattr(constants, name)() for name in names]
    try:
        for name, value in zip(names, (GAMMA0, MU0, HBAR, ELEMENTARY_CHARGE), strict=True):
            getattr(constants, f"set_{name}")(value)
        yield
    finally:
        for name, value in zip(names, saved, strict=True):
            getattr(constants, f"set_{name}")(value)


def cmtj_junction(device: MTJOscillator, current: float | tuple[float, float],
                  tensor: np.ndarray | None = None):
    """The device as a one-layer cmtj Junction (translation: module docstring).

    ``current``: J (A/m^2), or (J, ramp) for a linear ramp 0 -> J over ``ramp`` s, then J.
    ``tensor``: the demagnetising tensor (default :func:`demag_tensor`)."""
    import cmtj

    if device.eps_prime != 0.0:
        raise ValueError("cmtj has no constant field-like torque eps' (its field-like term "
                         "carries eta(m)): only eps_prime = 0 translates")
    if device.oersted_field:
        raise ValueError("cmtj's layer has no Oersted field of the current: oersted_field=False")
    tensor = demag_tensor(device) if tensor is None else np.asarray(tensor)
    rows = [cmtj.CVector(*(float(v) for v in row)) for row in tensor]
    m0 = cmtj.CVector(*(float(v) for v in initial_direction(device)))
    axis = np.asarray(device.anisotropy_axis, dtype=float)
    axis /= np.linalg.norm(axis)
    layer = cmtj.Layer.createSTTLayer(
        "free", m0, cmtj.CVector(*(float(v) for v in axis)), MU0 * device.Ms,
        device.thickness, device.area, rows, damping=device.alpha,
        SlonczewskiSpacerLayerParameter=device.Lambda,
        beta=device.alpha,  # the alpha m x T part of the Gilbert-form torque (docstring)
        spinPolarisation=device.P)
    polarizer = np.asarray(device.polarizer, dtype=float)
    layer.setReferenceLayer(cmtj.CVector(*(float(v) for v in polarizer / np.linalg.norm(
        polarizer))))
    junction = cmtj.Junction([layer])
    junction.setLayerAnisotropyDriver("free", cmtj.constantDriver(device.anisotropy_K))
    if any(device.bias_field):
        junction.setLayerExternalFieldDriver("free", cmtj.AxialDriver(
            *(float(v) for v in device.bias_field)))
    if isinstance(current, tuple):
        target, ramp = current
        driver = cmtj.trapezoidDriver(0.0, float(target), 0.0, float(ramp), 1.0)  # 1 s steady
    else:
        driver = cmtj.constantDriver(float(current))
    junction.setLayerCurrentDriver("free", driver)
    return junction


def run_cmtj(device: MTJOscillator, current: float | tuple[float, float], duration: float,
             sampling: float = SAMPLING, tensor: np.ndarray | None = None,
             step: float = CMTJ_STEP) -> tuple[np.ndarray, np.ndarray]:
    """cmtj's (t, m): times (s) and m of shape (3, n_t); ``current`` as in
    :func:`cmtj_junction`."""
    every = int(round(sampling / step))
    if not math.isclose(every * step, sampling, rel_tol=1e-9):
        raise ValueError(f"sampling {sampling} s is not a multiple of the step {step} s")
    steps = int(round(duration / step))
    with suite_constants():
        junction = cmtj_junction(device, current, tensor)
        # cmtj truncates total/step and write/step to integers: half a step more keeps them
        junction.runSimulation((steps + 0.5) * step, step, (every + 0.5) * step)
    log = junction.getLog()
    t = np.asarray(log["time"]) + step  # the state logged at i*step is after step i
    if t.size > 1 and not math.isclose(t[1] - t[0], sampling, rel_tol=1e-6):
        raise RuntimeError(f"cmtj logged every {t[1] - t[0]} s, not {sampling} s")
    return t, np.array([log[f"free_m{c}"] for c in "xyz"])


def run_builtin(device: MTJOscillator, current: float | tuple[float, float], duration: float,
                sampling: float = SAMPLING,
                tolerance: float = TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """The built-in engine's (t, <m>) (m of shape (3, n_t)); ``current`` as in
    :func:`cmtj_junction` (a ramp is a :class:`~micromag.drives.CurrentWaveform`)."""
    from micromag.drives import CurrentWaveform
    from micromag.engines import RunSpec, get_engine

    if isinstance(current, tuple):
        target, ramp = current
        spec = RunSpec(current_density=target, duration=duration, sampling_interval=sampling,
                       tolerance=tolerance, record_core=False,
                       drives=(CurrentWaveform(values=(0.0, target), step=ramp),))
    else:
        spec = RunSpec(current_density=current, duration=duration, sampling_interval=sampling,
                       tolerance=tolerance, record_core=False)
    ds = get_engine("builtin").run(device, spec)
    return ds.time.values, np.array([ds[f"m{c}"].values[0] for c in "xyz"])


RUNNERS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "builtin": run_builtin, "cmtj": run_cmtj}


# --- measurements ----------------------------------------------------------------------------
def turns(m: np.ndarray) -> np.ndarray:
    """Unwrapped azimuth of (m_x, m_y) in turns (positive: counter-clockwise seen from +z)."""
    return np.unwrap(np.arctan2(m[1], m[0])) / (2 * math.pi)


def precession(t: np.ndarray, m: np.ndarray, settled: float = SETTLED) -> dict[str, float]:
    """Signed frequency (Hz, > 0 counter-clockwise seen from +z) and <m_z> of the last
    ``settled`` seconds. The frequency counts whole turns of the azimuth between its first and
    last integer crossings (linear interpolation between samples), so an orbit whose angular
    speed varies along it (H_k) is not biased by a partial turn."""
    keep = t >= t[-1] - settled
    n = turns(m[:, keep])
    n = n - n[0]
    sign = 1.0 if n[-1] > 0 else -1.0
    n = sign * n
    if not np.all(np.diff(n) > 0):
        raise RuntimeError("the azimuth is not monotonic: no steady precession about z")
    whole = np.arange(1, math.floor(n[-1]) + 1)
    if whole.size < 3:
        raise RuntimeError(f"only {n[-1]:.1f} turns in {settled} s: no steady precession")
    crossings = np.interp(whole, n, t[keep])
    frequency = sign * (whole[-1] - whole[0]) / (crossings[-1] - crossings[0])
    return {"frequency": float(frequency), "mz": float(m[2, keep].mean()),
            "mz_spread": float(np.ptp(m[2, keep]))}


def final_state(m: np.ndarray) -> str:
    """Where a run ends: "along z" (the in-plane part of m below ``ALONG_Z`` over the last
    twentieth of the run: m has aligned with +z, above J_c2), else "precession" (the azimuth
    of (m_x, m_y) turns at least once in the last quarter) or "in-plane" (a static state: the
    azimuth does not turn)."""
    if np.hypot(m[0], m[1])[-max(1, m.shape[1] // 20):].max() < ALONG_Z:
        return "along z"
    n = turns(m[:, 3 * m.shape[1] // 4:])
    return "precession" if abs(n[-1] - n[0]) >= 1.0 else "in-plane"


def leaves_plane(m: np.ndarray) -> bool:
    """Whether the run ends out of the static in-plane state (precessing or along z)."""
    return final_state(m) != "in-plane"


def bisect(grows: Callable[[float], bool], low: float, high: float,
           resolution: float) -> tuple[float, float, int]:
    """(low, high, runs): the threshold of ``grows`` bracketed to ``high/low - 1 <=
    resolution``; ``grows(low)`` must be False and ``grows(high)`` True (checked)."""
    if grows(low) or not grows(high):
        raise RuntimeError(f"[{low:.4g}, {high:.4g}] A/m^2 does not bracket the threshold")
    runs = 2
    while high / low - 1 > resolution:
        mid = math.sqrt(low * high)
        if grows(mid):
            high = mid
        else:
            low = mid
        runs += 1
    return low, high, runs


def ramp_threshold(engine: str, device: MTJOscillator, low: float, high: float,
                   resolution: float, ramp: float = RAMP, hold: float = HOLD, **kwargs):
    """J_c1 bracket of the ramp protocol (J ramped 0 -> J over ``ramp``, held ``hold``)."""
    def grows(current: float) -> bool:
        _, m = RUNNERS[engine](device, (current, ramp), ramp + hold, 10e-12, **kwargs)
        return leaves_plane(m)

    return bisect(grows, low, high, resolution)


def step_threshold(engine: str, device: MTJOscillator, low: float, high: float,
                   resolution: float, duration: float = 20e-9, **kwargs):
    """J_step bracket: J switched on at t = 0 from the tilted easy axis."""
    def grows(current: float) -> bool:
        _, m = RUNNERS[engine](device, current, duration, 10e-12, **kwargs)
        return leaves_plane(m)

    return bisect(grows, low, high, resolution)


# --- analytic macrospin ----------------------------------------------------------------------
def stt_field_per_current(device: MTJOscillator) -> float:
    """b/J = hbar / (mu0 e t Ms) ((A/m) per (A/m^2))."""
    return HBAR / (MU0 * ELEMENTARY_CHARGE * device.thickness * device.Ms)


def anisotropy_field(device: MTJOscillator) -> float:
    """H_k = 2 K / (mu0 Ms) (A/m)."""
    return 2 * device.anisotropy_K / (MU0 * device.Ms)


def epsilon(device: MTJOscillator, mz: float) -> float:
    """Slonczewski's eps at m.m_p = mz."""
    lam2 = device.Lambda**2
    return device.P * lam2 / ((lam2 + 1) + (lam2 - 1) * mz)


def analytic_jc1(device: MTJOscillator, tensor: np.ndarray | None = None) -> float:
    """The fold of the static in-plane state, (H_k,eff / 2) / (eps(0) b/J), with H_k,eff =
    H_k + (N_yy - N_xx) Ms (the shape's in-plane anisotropy; 0 for the square)
    (= K e t (L^2 + 1) / (hbar P L^2) for the square). Exact for the macrospin with the easy
    axis x, the polarizer z, no field."""
    n = demag_tensor(device) if tensor is None else tensor
    hk = anisotropy_field(device) + (n[1, 1] - n[0, 0]) * device.Ms
    return hk / 2 / (epsilon(device, 0.0) * stt_field_per_current(device))


def analytic_jc2(device: MTJOscillator, tensor: np.ndarray | None = None) -> float:
    """Where m = +z becomes stable: b eps(1) J = alpha [(N_zz - (N_xx + N_yy)/2) Ms + H_k/2]
    (the trace of the linearised LLG at m = z; exact for the macrospin)."""
    n = demag_tensor(device) if tensor is None else tensor
    stiffness = (n[2, 2] - (n[0, 0] + n[1, 1]) / 2) * device.Ms + anisotropy_field(device) / 2
    return device.alpha * stiffness / (epsilon(device, 1.0) * stt_field_per_current(device))


def analytic_precession(device: MTJOscillator, current: float,
                        tensor: np.ndarray | None = None) -> dict[str, float]:
    """m_z from the energy balance alpha (N_zz - N_xx) Ms m_z = b eps(m_z) J and f =
    (gamma0 / 2 pi) (N_zz - N_xx) Ms m_z (|f|; both neglect H_k: estimates)."""
    n = demag_tensor(device) if tensor is None else tensor
    h_d = (n[2, 2] - n[0, 0]) * device.Ms
    drive = stt_field_per_current(device) * current
    lam2 = device.Lambda**2
    # alpha h_d m ((L^2 + 1) + (L^2 - 1) m) = P L^2 drive
    a, b, c = device.alpha * h_d * (lam2 - 1), device.alpha * h_d * (lam2 + 1), \
        -device.P * lam2 * drive
    mz = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    return {"mz": mz, "frequency": device.gamma0 / (2 * math.pi) * h_d * mz}


def extrapolate_jc2(points: list[tuple[float, float]]) -> float:
    """The zero of the straight line through (J, 1 - <m_z>) (least squares)."""
    j, y = np.array(points).T
    slope, intercept = np.polyfit(j, y, 1)
    return float(-intercept / slope)


# --- the benchmark ---------------------------------------------------------------------------
def rel(a: float, b: float) -> float:
    return a / b - 1


def compare_frequencies(device, currents, log, tensor=None, engines=("builtin", "cmtj")):
    rows = []
    for current in currents:
        row = {"J": current}
        for engine in engines:
            started = time.perf_counter()
            kwargs = {"tensor": tensor} if engine == "cmtj" and tensor is not None else {}
            t, m = RUNNERS[engine](device, current, RUN, **kwargs)
            row[engine] = {**precession(t, m), "wall_s": time.perf_counter() - started}
        row["analytic"] = analytic_precession(device, current, tensor)
        rows.append(row)
        log(format_row(row, engines))
    return rows


def format_row(row, engines) -> str:
    parts = [f"J={row['J']:.3e}"]
    for engine in engines:
        parts.append(f"{engine}: f={abs(row[engine]['frequency']) / 1e9:9.5f} GHz "
                     f"mz={row[engine]['mz']:.5f}")
    if len(engines) == 2:
        a, b = (row[e] for e in engines)
        parts.append(f"f ratio-1={rel(a['frequency'], b['frequency']):+.2e}")
    parts.append(f"analytic f={row['analytic']['frequency'] / 1e9:.3f} GHz "
                 f"mz={row['analytic']['mz']:.4f}")
    return "  ".join(parts)


def bracket_both(name: str, finder: Callable, device: MTJOscillator, low: float, high: float,
                 resolution: float, log: Callable, reference: float | None = None) -> dict:
    """A threshold bracketed by ``finder`` (ramp_threshold or step_threshold) in both codes:
    {engine: {low, high, runs, wall_s}, "rel_difference": builtin/cmtj - 1 of the middles}."""
    out, middles = {}, []
    for engine in ("builtin", "cmtj"):
        t0 = time.perf_counter()
        lo, hi, runs = finder(engine, device, low, high, resolution)
        wall = time.perf_counter() - t0
        out[engine] = {"low": lo, "high": hi, "runs": runs, "wall_s": wall}
        middles.append(math.sqrt(lo * hi))
        versus = "" if reference is None else \
            f"; /analytic - 1 = {rel(middles[-1], reference):+.2e}"
        log(f"{engine:8s} {name} in [{lo:.5e}, {hi:.5e}] ({runs} runs, {wall:.1f} s){versus}")
    out["rel_difference"] = rel(*middles)
    log(f"{name} builtin/cmtj - 1 = {out['rel_difference']:+.2e}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="three currents, coarser thresholds, no resolved meshes")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    import cmtj

    from multiscale.store import versions, write_json

    name = "mtj_cmtj_quick" if args.quick else "mtj_cmtj"
    out = args.out or ROOT / "benchmarks" / "results" / name
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    results: dict = {
        "date": datetime.date.today().isoformat(), "quick": args.quick,
        "versions": versions(cmtj=cmtj.__version__), "machine": platform.node(),
        "cpus": os.cpu_count(), "load_average_start": os.getloadavg(),
        "settings": {"free_layer": FREE_LAYER, "macrospin_cell": MACROSPIN_CELL,
                     "cmtj_step": CMTJ_STEP, "builtin_tolerance": TOLERANCE,
                     "sampling": SAMPLING, "run": RUN, "settled": SETTLED, "ramp": RAMP,
                     "hold": HOLD, "c2_fractions": C2_FRACTIONS, "c2_run": C2_RUN},
        "translation": {
            "Ms": "cmtj Ms [T] = mu0 Ms [A/m]",
            "demag": "cmtj demagTensor = the builtin cell's Newell tensor (rows)",
            "anisotropy": "setLayerAnisotropyDriver(K [J/m^3]), anis = easy axis",
            "current": "setLayerCurrentDriver(J [A/m^2]); positive J drives m towards p in "
                       "both codes",
            "polarizer": "setReferenceLayer(CVector(m_p)) (fixed reference)",
            "P, Lambda": "spinPolarisation = P, SlonczewskiSpacerLayerParameter = Lambda",
            "beta": "beta = alpha: cmtj's LL-form m x p term is the alpha m x T part of the "
                    "suite's Gilbert-form Slonczewski torque (eps' = 0)",
            "constants": "cmtj.constants.PhysicalConstants set to the suite's gamma0, mu0, "
                         "hbar, e",
            "integrator": f"cmtj RK4 at {CMTJ_STEP} s; builtin RKF45 at tolerance "
                          f"{TOLERANCE}"}}

    def log(line: str) -> None:
        print(line, flush=True)

    device = free_layer()
    tensor = demag_tensor(device)
    b = stt_field_per_current(device)
    log(f"load {os.getloadavg()}  cmtj {cmtj.__version__}  ({os.cpu_count()} cores)")
    log(f"one cell {device.cell}: N = diag({tensor[0, 0]:.6f}, {tensor[1, 1]:.6f}, "
        f"{tensor[2, 2]:.6f}); H_k = {anisotropy_field(device):.1f} A/m; b/J = {b:.5e} "
        "(A/m)/(A/m^2)")
    jc1, jc2 = analytic_jc1(device, tensor), analytic_jc2(device, tensor)
    results["analytic"] = {"demag_tensor": tensor, "Jc1": jc1, "Jc2": jc2,
                           "stt_field_per_current": b, "H_k": anisotropy_field(device)}
    log(f"analytic: J_c1 (fold of the in-plane state) = {jc1:.5e}, J_c2 (m = z stable) = "
        f"{jc2:.5e} A/m^2")

    # 1. f(J)
    log(f"\n1. steady precession, f(J) and <m_z> (last {SETTLED * 1e9:.0f} ns of "
        f"{RUN * 1e9:.0f} ns)")
    rows = compare_frequencies(device, QUICK_CURRENTS if args.quick else CURRENTS, log,
                               tensor)
    results["frequencies"] = rows
    f_err = [rel(r["builtin"]["frequency"], r["cmtj"]["frequency"]) for r in rows]
    mz_err = [r["builtin"]["mz"] - r["cmtj"]["mz"] for r in rows]
    an_err = [rel(abs(r["cmtj"]["frequency"]), r["analytic"]["frequency"]) for r in rows]
    log(f"max |f_builtin/f_cmtj - 1| = {max(map(abs, f_err)):.2e}; max |dm_z| = "
        f"{max(map(abs, mz_err)):.2e}; cmtj/analytic f - 1 in [{min(an_err):+.3f}, "
        f"{max(an_err):+.3f}]")
    results["max_rel_frequency_difference"] = max(map(abs, f_err))

    # 2. J_c1 by the ramp protocol
    resolution = 1e-3 if args.quick else 1e-4
    log(f"\n2. J_c1: ramp 0 -> J over {RAMP * 1e9:.0f} ns, hold {HOLD * 1e9:.0f} ns, bisection "
        f"to {resolution:g}")
    results["Jc1"] = {"analytic": jc1, "resolution": resolution,
                      **bracket_both("J_c1", ramp_threshold, device, 0.97 * jc1, 1.01 * jc1,
                                     resolution, log, reference=jc1)}

    # 3. J_step
    log("\n3. J_step: J switched on at t = 0 from the easy axis tilted 0.01 rad, 20 ns")
    results["Jstep"] = {"resolution": resolution,
                        **bracket_both("J_step", step_threshold, device, 0.6 * jc1,
                                       0.95 * jc1, resolution, log)}

    # 4. J_c2
    log(f"\n4. J_c2: 1 - <m_z> at {C2_FRACTIONS} x analytic J_c2 ({C2_RUN * 1e9:.0f} ns runs), "
        "extrapolated to 0")
    results["Jc2"] = {"analytic": jc2}
    for engine in ("builtin", "cmtj"):
        points = []
        t0 = time.perf_counter()
        for fraction in C2_FRACTIONS:
            t, m = RUNNERS[engine](device, fraction * jc2, C2_RUN, 10e-12)
            keep = t >= t[-1] - C2_SETTLED
            points.append((fraction * jc2, float(1 - m[2, keep].mean())))
        value = extrapolate_jc2(points)
        results["Jc2"][engine] = {"points": points, "extrapolated": value,
                                  "wall_s": time.perf_counter() - t0}
        log(f"{engine:8s} 1 - m_z = {[f'{p[1]:.5f}' for p in points]} -> J_c2 = {value:.5e} "
            f"(/analytic - 1 = {rel(value, jc2):+.2e}, {time.perf_counter() - t0:.1f} s)")
    results["Jc2"]["rel_difference"] = rel(results["Jc2"]["builtin"]["extrapolated"],
                                           results["Jc2"]["cmtj"]["extrapolated"])
    log(f"J_c2 builtin/cmtj - 1 = {results['Jc2']['rel_difference']:+.2e}")

    # 5. resolved meshes
    if not args.quick:
        results["meshes"] = []
        for label, overrides in MESHES:
            mesh_device = free_layer(**overrides)
            mesh_tensor = demag_tensor(mesh_device)
            m_jc1, m_jc2 = analytic_jc1(mesh_device, mesh_tensor), analytic_jc2(
                mesh_device, mesh_tensor)
            entry = {"label": label, "mesh_n": [int(v) for v in mesh_device.mesh.n],
                     "cells": int(mesh_device.magnetic_volume_mask.sum()),
                     "demag_tensor": mesh_tensor, "macrospin_Jc1": m_jc1,
                     "macrospin_Jc2": m_jc2}
            log(f"\n5. {label} ({entry['cells']} cells): <N> = diag("
                f"{mesh_tensor[0, 0]:.5f}, {mesh_tensor[1, 1]:.5f}, {mesh_tensor[2, 2]:.5f}); "
                f"macrospin J_c1 = {m_jc1:.4e}, J_c2 = {m_jc2:.4e}")
            if m_jc1 < m_jc2:
                currents = [j for j in CURRENTS[::3] if 1.05 * m_jc1 < j < 0.97 * m_jc2]
                entry["frequencies"] = compare_frequencies(mesh_device, currents, log,
                                                           mesh_tensor)
            else:
                log("no precession window for the macrospin: J_c1 > J_c2, past J_c1 m goes "
                    "to +z")
            t0 = time.perf_counter()
            low, high, runs = ramp_threshold("builtin", mesh_device, 0.9 * m_jc1,
                                             1.15 * m_jc1, MESH_RESOLUTION, MESH_RAMP,
                                             MESH_HOLD)
            _, m = run_builtin(mesh_device, (high, MESH_RAMP), MESH_RAMP + MESH_HOLD, 10e-12)
            entry["Jc1_builtin"] = {"low": low, "high": high, "runs": runs,
                                    "state_above": final_state(m),
                                    "wall_s": time.perf_counter() - t0}
            log(f"builtin ramp J_c1 in [{low:.4e}, {high:.4e}] ({runs} runs, "
                f"{time.perf_counter() - t0:.0f} s): /macrospin - 1 = "
                f"{rel(math.sqrt(low * high), m_jc1):+.3f}; above it: {final_state(m)}")
            results["meshes"].append(entry)

    results["wall_s"] = time.time() - started
    log(f"\nwall time {results['wall_s']:.0f} s")
    write_json(results, out / "results.json")
    log(f"wrote {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
