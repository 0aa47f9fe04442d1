"""One spin-torque oscillator as a time-multiplexed reservoir (Torrejon et al., Nature 547, 428
(2017); PHYSICS.md section 4).

Protocol
--------
Each input frame ``u`` (a vector of ``n_inputs`` standardised features) is multiplied by a fixed
random mask ``M`` (``n_nodes × n_inputs``, drawn once from ``mask_seed``). The ``n_nodes`` values
``M u`` are applied one after the other, each for a time θ, as the current through the device::

    I(t) = I_b + ΔI · (M u)_i        for  t in [(k n_nodes + i) θ, (k n_nodes + i + 1) θ)

and the oscillator power ``p = |c|²`` sampled at the end of every θ step is the state of virtual
neuron ``i`` for frame ``k``. Successive frames follow without a pause; every sample (a sequence
of frames, e.g. one utterance) starts from the stationary state at the bias.

Physics
-------
The Slavin–Tiberkevich auto-oscillator (PHYSICS.md section 2). Only the power enters the
readout, and neither the frequency ω(p, I) nor the phase acts back on it, so the integrator works
in the frame rotating with the oscillator (ω dropped), which leaves |c| exactly as in the lab
frame::

    dc/dt = [σ I(t) (1 - p) - Γ_G (1 + Q p)] c + ξ(t),   ⟨ξ ξ*⟩ = 2 D δ(t - t'),

i.e. ``dp/dt = 2 p [-Γ_G (1 + Q p) + σ I (1 - p)]`` plus thermal noise, with the rates and the
diffusion D of :mod:`compact.rates` (D at the stationary power of the instantaneous current),
as in :mod:`compact.simulate`, whose numerics (exponential Heun, one complex Gaussian increment
per step) are reused here. The kernel is compiled with numba and runs the samples in parallel
(``prange``), each with its own noise seed, so results do not depend on the thread count.

Choice of θ
-----------
Power deviations relax at ``2 Γ_p = 2 Γ_G (ζ_b - 1)`` (PHYSICS.md section 2), i.e. with the time
``τ_p = 1 / (2 Γ_p)``. For θ ≪ τ_p a virtual node cannot follow its own input: it is a low-pass
mix of the previous nodes (memory, little nonlinearity, small signal). For θ ≫ τ_p every node
reaches the stationary power of its own current: a strong static nonlinearity ``p0(I)`` and no
memory at all. The suite's default θ = 0.3 τ_p (11 ns for the default vortex at ζ_b = 1.5)
sits where each node still sees a few of its predecessors and reaches a good part of its own
response. :func:`memory_capacity` measures the trade-off; with 10 nodes at 300 K the memory of
past frames, Σ_{d≥1} MC_d, is 0.15 at θ = 0.03 τ_p, 0.8 at 0.3 τ_p, 0.2 at 3 τ_p and 0.01 at
10 τ_p.
Memory across frames needs the whole frame, ``n_nodes θ``, to last no more than a few τ_p; the
sine/square task, which needs the previous point, therefore uses 64 nodes with θ = τ_p / 16
and an input swinging the current through threshold (a strong nonlinearity). Thermal noise of
a free-running vortex at 300 K (k_B T / λ ≈ 2×10⁻³) hides that memory trace: the task then
drops from 100 % (T = 0) to ~83 %, the limitation Marković et al. (APL 114, 012409 (2019))
lifted by phase-locking the oscillator to cut its noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numba
import numpy as np

from compact import rates
from compact.model import AutoOscillator

__all__ = [
    "TimeMultiplexedReservoir",
    "vortex_oscillator",
    "VORTEX_MODE_ENERGY",
    "relaxation_time",
    "memory_capacity",
]

#: Largest product (fastest linear rate × internal step) of the automatic step choice; the
#: exponential integrator is exact for a frozen rate, so 0.1 keeps the error of the p-dependent
#: rate below ~1e-3 of a step (cf. ``compact.simulate``, which uses 0.05).
_RATE_STEP = 0.1

#: Thiele mode energy λ (J) of :func:`vortex_oscillator`: the suite's reference vortex device
#: (PHYSICS.md section 6; ``micromag.devices.VortexSTNO()``: permalloy disk, Ms = 8.0×10⁵ A/m,
#: L = 10 nm thick, R = 100 nm radius) gyrating at f = 250 MHz, λ = π Ms L ω R² / γ
#: (= ½ G ω R², G = 2π Ms L / γ the gyrovector), evaluated with the rounded γ = 1.76×10¹¹
#: rad/(s T). ``VortexSTNO.thiele_mode_energy(250e6)`` uses γ0/μ0 = 1.76086×10¹¹ and gives a
#: value 4.9×10⁻⁴ smaller; this value is kept so that the reservoir figures printed so far stay.
VORTEX_MODE_ENERGY = 2.24309190933849e-18


def vortex_oscillator(temperature: float = 300.0) -> AutoOscillator:
    """A literature-like vortex spin-torque oscillator (starting values, PHYSICS.md section 6).

    Permalloy-like disk, 10 nm thick, ~200 nm diameter, α = 0.01:

    - ``f0`` = 250 MHz (free gyration of such disks is 0.2–0.45 GHz);
    - ``gamma_g`` = α ω_G η with the vortex damping factor η = ½ ln(R / 2 l_ex) + 5/8 ≈ 1.7
      (Khvalkovskiy et al., PRB 80, 140401 (2009)): 0.01 · 2π · 250 MHz · 1.7 ≈ 2.7×10⁷ 1/s;
    - ``Q`` = 2 (published network models), ``I_th`` = 4 mA;
    - ``N`` = 100 MHz and ``df_dI`` = 10 MHz/mA (Oersted confinement); neither affects the power;
    - ``mode_energy`` λ = κ R² / 2 with the gyrotropic stiffness κ = G ω_G,
      G = 2π M_s L / γ = 2.9×10⁻¹³ kg/s, R = 100 nm: :data:`VORTEX_MODE_ENERGY`
      ≈ 2.2×10⁻¹⁸ J, so k_B T / λ ≈ 2×10⁻³ at 300 K.

    Parameters
    ----------
    temperature : float
        Temperature (K) for the thermal noise.
    """
    gyration = 2 * math.pi * 250e6
    return AutoOscillator(
        f0=250e6,
        N=100e6,
        df_dI=1e10,
        gamma_g=0.01 * gyration * 1.7,
        Q=2.0,
        I_th=4e-3,
        mode_energy=VORTEX_MODE_ENERGY,
        temperature=temperature,
    )


def relaxation_time(model: AutoOscillator, bias_current: float) -> float:
    """Power relaxation time τ_p = 1 / (2 Γ_p) at the bias (s); inf at or below threshold."""
    rate = float(model.relaxation_rate(bias_current))
    return 1.0 / (2.0 * rate) if np.isfinite(rate) and rate > 0 else math.inf


@numba.njit(cache=True, parallel=True)
def _power_trace(current, substeps, h, gamma_g, q, i_th, temperature, mode_energy, c0, seeds):
    """Power at the end of every θ step for piecewise-constant currents.

    Parameters
    ----------
    current : (n_samples, n_steps) float array, A, held over each θ step
    substeps : internal steps per θ step, h = θ / substeps (s)
    c0 : initial amplitude (real, >= 0); seeds : (n_samples,) int64 noise seeds
    """
    n_samples, n_steps = current.shape
    out = np.empty((n_samples, n_steps))
    for s in numba.prange(n_samples):
        np.random.seed(seeds[s])
        c = complex(c0, 0.0)
        for k in range(n_steps):
            current_k = current[s, k]
            p_stat = rates.stationary_power(current_k, q, i_th)
            noise_std = math.sqrt(
                rates.thermal_diffusion(p_stat, gamma_g, q, temperature, mode_energy) * h
            )
            for _ in range(substeps):
                dw = 0j
                if noise_std > 0.0:
                    dw = noise_std * complex(np.random.standard_normal(),
                                             np.random.standard_normal())
                # net growth rate of c, Γ₋ - Γ₊ (1/s)
                g0 = rates.net_gain(c.real * c.real + c.imag * c.imag, current_k, gamma_g, q,
                                    i_th)
                pred = math.exp(g0 * h) * c + dw
                g1 = rates.net_gain(pred.real * pred.real + pred.imag * pred.imag, current_k,
                                    gamma_g, q, i_th)
                c = math.exp(0.5 * (g0 + g1) * h) * c + dw
            out[s, k] = c.real * c.real + c.imag * c.imag
    return out


@dataclass(frozen=True)
class TimeMultiplexedReservoir:
    """A single auto-oscillator driven through a random input mask.

    Parameters
    ----------
    model : AutoOscillator
        The device; its ``temperature`` sets the thermal noise.
    n_nodes : int
        Virtual neurons per input frame.
    theta : float
        Duration of one virtual node (s).
    bias_current : float
        DC bias I_b (A), same sign as ``model.I_th``.
    input_current : float
        Current per unit of masked input ΔI (A).
    mask_seed : int
        Seed of the input mask.
    noise_seed : int
        Seed of the thermal noise; sample ``s`` uses the stream ``(noise_seed, s)``.
    mask : {"uniform", "binary"}
        Mask entries uniform in [-1, 1] or ±1, scaled by √(3 / n_inputs) (uniform) or
        1 / √n_inputs (binary) so that ``M u`` has unit variance for unit-variance inputs.
    substeps : int
        Internal integration steps per θ; 0 chooses them from the fastest rate.
    """

    model: AutoOscillator
    n_nodes: int
    theta: float
    bias_current: float
    input_current: float
    mask_seed: int = 0
    noise_seed: int = 1
    mask: str = "uniform"
    substeps: int = 0
    _masks: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.n_nodes < 1:
            raise ValueError(f"n_nodes = {self.n_nodes!r}: must be >= 1")
        if not self.theta > 0:
            raise ValueError(f"theta = {self.theta!r}: must be > 0 s")
        if self.bias_current / self.model.I_th <= 1:
            raise ValueError(
                f"bias_current = {self.bias_current!r} A: must exceed the threshold "
                f"I_th = {self.model.I_th!r} A (same sign) so that the oscillator runs"
            )
        if self.mask not in ("uniform", "binary"):
            raise ValueError(f"mask = {self.mask!r}: allowed 'uniform', 'binary'")
        if self.substeps < 0:
            raise ValueError(f"substeps = {self.substeps!r}: must be >= 0 (0 = automatic)")

    @property
    def relaxation_time(self) -> float:
        """τ_p = 1 / (2 Γ_p) at the bias (s)."""
        return relaxation_time(self.model, self.bias_current)

    def input_mask(self, n_inputs: int) -> np.ndarray:
        """The fixed mask, shape ``(n_nodes, n_inputs)`` (dimensionless)."""
        if n_inputs not in self._masks:
            rng = np.random.default_rng(self.mask_seed)
            if self.mask == "binary":
                values = rng.choice([-1.0, 1.0], size=(self.n_nodes, n_inputs))
                values /= math.sqrt(n_inputs)
            else:
                values = rng.uniform(-1.0, 1.0, size=(self.n_nodes, n_inputs))
                values *= math.sqrt(3.0 / n_inputs)
            self._masks[n_inputs] = values
        return self._masks[n_inputs]

    def currents(self, frames: np.ndarray) -> np.ndarray:
        """Current of every θ step, shape ``(n_samples, n_frames * n_nodes)`` (A)."""
        frames = as_frames(frames)
        drive = np.einsum("sfi,ni->sfn", frames, self.input_mask(frames.shape[2]))
        return self.bias_current + self.input_current * drive.reshape(frames.shape[0], -1)

    def _substeps(self, current: np.ndarray) -> int:
        if self.substeps:
            return int(self.substeps)
        m = self.model
        largest = np.max(np.abs(current)) if current.size else abs(self.bias_current)
        fastest = m.gamma_g * (1 + m.Q) + abs(m.sigma) * largest
        return max(1, math.ceil(self.theta * fastest / _RATE_STEP))

    def transform(self, frames: np.ndarray) -> np.ndarray:
        """Virtual-neuron states: power at the end of every θ step.

        Parameters
        ----------
        frames : array, shape ``(n_samples, n_frames, n_inputs)`` or ``(n_frames, n_inputs)``
            Standardised input features.

        Returns
        -------
        numpy.ndarray, shape ``(n_samples, n_frames, n_nodes)``
            Oscillator power p (dimensionless).
        """
        frames = as_frames(frames)
        current = np.ascontiguousarray(self.currents(frames))
        m = self.model
        substeps = self._substeps(current)
        seeds = np.array(
            [np.random.SeedSequence([self.noise_seed, s]).generate_state(1)[0]
             for s in range(frames.shape[0])],
            dtype=np.int64,
        ) if m.temperature > 0 else np.zeros(frames.shape[0], dtype=np.int64)
        p_bias = float(m.stationary_power(self.bias_current))
        power = _power_trace(
            current, substeps, self.theta / substeps, m.gamma_g, m.Q, m.I_th,
            m.temperature, m.mode_energy, math.sqrt(p_bias), seeds,
        )
        return power.reshape(frames.shape[0], frames.shape[1], self.n_nodes)


def as_frames(frames) -> np.ndarray:
    """Input frames as a finite float array of shape (n_samples, n_frames, n_inputs)."""
    frames = np.asarray(frames, dtype=float)
    if frames.ndim == 2:
        frames = frames[None]
    if frames.ndim != 3:
        raise ValueError(
            f"frames: expected shape (n_samples, n_frames, n_inputs); got {frames.shape}"
        )
    if not np.all(np.isfinite(frames)):
        raise ValueError("frames: contain NaN or infinite values")
    return frames


def memory_capacity(
    transform,
    n_steps: int = 2000,
    max_delay: int = 10,
    washout: int = 50,
    seed: int = 0,
) -> np.ndarray:
    """Linear memory capacity (Jaeger 2002) of a reservoir, per delay.

    A scalar input ``u_k``, i.i.d. uniform in [-√3, √3] (unit variance), drives the reservoir
    one frame per step. For each delay ``d`` a ridge readout (regularisation by leave-one-out
    cross-validation on the first half) is trained to recall ``u_{k-d}`` from the states of
    frame ``k``; ``MC_d`` is its squared correlation on the second half, which is ~0 (a few
    1/n_test) for a reservoir with no memory of that delay.

    Parameters
    ----------
    transform : callable
        ``frames (1, n_steps, 1) -> states (1, n_steps, n_nodes)``, e.g. the ``transform``
        method of :class:`TimeMultiplexedReservoir` or of the echo-state network.
    n_steps, max_delay, washout : int
        Sequence length, largest delay, initial steps dropped.
    seed : int
        Seed of the input sequence.

    Returns
    -------
    numpy.ndarray, shape ``(max_delay + 1,)``
        ``MC_d`` for d = 0 … max_delay; the memory capacity is ``MC[1:].sum()``.
    """
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(seed)
    u = rng.uniform(-math.sqrt(3), math.sqrt(3), size=n_steps)
    states = np.asarray(transform(u[None, :, None]))[0]
    half = washout + (n_steps - washout) // 2
    capacity = np.zeros(max_delay + 1)
    for d in range(max_delay + 1):
        x, y = states[washout:], u[washout - d:n_steps - d]
        split = half - washout
        readout = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-6, 3, 19)))
        readout.fit(x[:split], y[:split])
        predicted = readout.predict(x[split:])
        r = np.corrcoef(predicted, y[split:])[0, 1]
        capacity[d] = 0.0 if not np.isfinite(r) else r * r
    return capacity
