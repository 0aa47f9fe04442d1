"""A software echo-state network, the baseline beside the oscillator reservoir.

Leaky-integrator ESN (Jaeger 2001; Lukoševičius, "A practical guide to applying echo state
networks", 2012)::

    x_k = (1 - a) x_{k-1} + a tanh(W x_{k-1} + W_in u_k + b)

with a sparse random ``W`` rescaled to a given spectral radius, dense ``W_in`` and bias ``b``.
One update per input frame; the state after each frame holds ``n_nodes`` values, as many as the
virtual nodes per frame of :class:`network.reservoir.TimeMultiplexedReservoir`, so both feed the
same readout with the same number of features. The update runs batched over samples with numpy
matrix products; no compiled kernel is needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from network.reservoir import as_frames

__all__ = ["EchoStateNetwork"]


@dataclass(frozen=True)
class EchoStateNetwork:
    """Leaky echo-state network with seeded random weights.

    Parameters
    ----------
    n_nodes : int
        Reservoir size.
    spectral_radius : float
        Largest |eigenvalue| of ``W`` (< 1 for the echo-state property with a = 1).
    leak : float
        Leak rate a in (0, 1].
    input_scale : float
        Inputs weights uniform in ±input_scale·√(3 / n_inputs) (unit-variance drive per node).
    bias_scale : float
        Bias uniform in ±bias_scale.
    density : float
        Fraction of non-zero entries of ``W``.
    seed : int
        Seed of all weights.
    """

    n_nodes: int
    spectral_radius: float = 0.9
    leak: float = 1.0
    input_scale: float = 1.0
    bias_scale: float = 0.2
    density: float = 0.1
    seed: int = 0
    _weights: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.n_nodes < 1:
            raise ValueError(f"n_nodes = {self.n_nodes!r}: must be >= 1")
        if not 0 < self.leak <= 1:
            raise ValueError(f"leak = {self.leak!r}: must be in (0, 1]")
        if not self.spectral_radius >= 0:
            raise ValueError(f"spectral_radius = {self.spectral_radius!r}: must be >= 0")
        if not 0 < self.density <= 1:
            raise ValueError(f"density = {self.density!r}: must be in (0, 1]")

    def weights(self, n_inputs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(W, W_in, b)`` with shapes (n, n), (n, n_inputs), (n,)."""
        if n_inputs not in self._weights:
            rng = np.random.default_rng(self.seed)
            n = self.n_nodes
            recurrent = rng.uniform(-1, 1, size=(n, n)) * (rng.random((n, n)) < self.density)
            radius = np.max(np.abs(np.linalg.eigvals(recurrent)))
            if self.spectral_radius == 0:
                recurrent[:] = 0.0
            elif radius > 1e-12:
                recurrent *= self.spectral_radius / radius
            else:
                raise ValueError(
                    f"n_nodes = {n}, density = {self.density}: the random recurrent matrix is "
                    "nilpotent (spectral radius 0) and cannot be scaled; raise the density"
                )
            w_in = rng.uniform(-1, 1, size=(n, n_inputs)) * self.input_scale * math.sqrt(
                3.0 / n_inputs)
            bias = rng.uniform(-1, 1, size=n) * self.bias_scale
            self._weights[n_inputs] = (recurrent, w_in, bias)
        return self._weights[n_inputs]

    def transform(self, frames: np.ndarray) -> np.ndarray:
        """States after every frame.

        Parameters
        ----------
        frames : array, shape ``(n_samples, n_frames, n_inputs)`` or ``(n_frames, n_inputs)``

        Returns
        -------
        numpy.ndarray, shape ``(n_samples, n_frames, n_nodes)``
        """
        frames = as_frames(frames)
        recurrent, w_in, bias = self.weights(frames.shape[2])
        drive = np.einsum("sfi,ni->fsn", frames, w_in) + bias
        state = np.zeros((frames.shape[0], self.n_nodes))
        out = np.empty((frames.shape[1], frames.shape[0], self.n_nodes))
        for k in range(frames.shape[1]):
            state = (1 - self.leak) * state + self.leak * np.tanh(state @ recurrent.T + drive[k])
            out[k] = state
        return out.transpose(1, 0, 2)
