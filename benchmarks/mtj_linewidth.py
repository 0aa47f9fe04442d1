"""Thermal linewidth of an MTJ oscillator: micromagnetics at T > 0 against the compact formula.

Issue 16, point 3. Steps, all with the built-in engine:

1. the config's sweep at T = 0 (its currents; runs kept in the store under ``--out``),
   calibrated into the auto-oscillator model (f0, N, Γ_G, Q, I_th, df_dI);
2. the mode energy λ of the free layer from its physics, not fitted:
   :meth:`micromag.devices.MTJOscillator.uniform_mode_energy` (λ = 2 μ0 Ms V 2π f0 / γ0);
3. runs at ``--temperature`` (stochastic Heun, ``--seed``) at each of ``--currents`` for
   ``--duration``; their linewidth is the FWHM of a Lorentzian fitted to the Welch spectrum
   of the complex amplitude (:func:`compact.observables.lorentzian_linewidth`);
4. two compact predictions at the same currents: the Lorentzian formula
   Δf = Γ₊(p0) k_B T (1 + ν²) / (2π λ p0) (:meth:`compact.model.AutoOscillator.linewidth`),
   which holds while the line is narrower than the power relaxation rate (2π Δf ≪ Γ_p), and
   the width of the line in every regime of ν (:func:`compact.lineshape.generation_linewidth`,
   Kim, Tiberkevich & Slavin 2008), which becomes a Gaussian when 2π Δf ≫ Γ_p.

The measured width is given twice: the Lorentzian fit of the observables, and the full width
at half maximum read straight off the Welch spectrum (the honest figure for a line that is not
Lorentzian). Ends with ``linewidth_rel_err=<largest |relative error|>`` of the direct width
against the every-regime prediction.

Usage::

    NUMBA_NUM_THREADS=1 python benchmarks/mtj_linewidth.py examples/mtj_perpendicular.toml \
        --currents=-1.0e11,-1.2e11 --duration 200e-9 --out /tmp/lw \
        --record benchmarks/results/mtj_linewidth_perpendicular.json
"""

from __future__ import annotations

import os

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


#: Welch segments of the direct half-maximum width: the record in this many pieces
SEGMENTS = 8
#: the Welch spectrum is smoothed over this fraction of the line's width before its half
#: maximum is read (a broad line's bins scatter by ~25 %: its top would be one noisy bin)
SMOOTHING = 0.05


def _full_width_at_half_maximum(freqs, psd) -> float:
    k = int(np.argmax(psd))
    half = psd[k] / 2
    right = k + int(np.argmax(psd[k:] < half))
    left = k - int(np.argmax(psd[k::-1] < half))
    f_right = np.interp(half, [psd[right], psd[right - 1]], [freqs[right], freqs[right - 1]])
    f_left = np.interp(half, [psd[left], psd[left + 1]], [freqs[left], freqs[left + 1]])
    return float(f_right - f_left)


def half_maximum_width(ds) -> float:
    """Full width at half maximum (Hz) of the Welch spectrum of one current's complex
    amplitude (uniform mapping, after its transient): SEGMENTS segments, then a moving average
    over SMOOTHING of a first, coarsely smoothed, width; crossings interpolated between bins."""
    from scipy.ndimage import uniform_filter1d
    from scipy.signal import welch

    from compact.observables import complex_amplitude

    c = complex_amplitude(ds, "uniform").values[0]
    c = c[np.isfinite(c)]
    c = c[c.size // 10:]  # the ring-up
    dt = float(ds.time.values[1] - ds.time.values[0])
    freqs, psd = welch(np.conj(c), fs=1 / dt, window="hann", nperseg=c.size // SEGMENTS,
                       return_onesided=False, detrend=False, scaling="density")
    order = np.argsort(freqs)
    freqs, psd = freqs[order], psd[order]
    bin_width = float(freqs[1] - freqs[0])
    rough = _full_width_at_half_maximum(freqs, uniform_filter1d(psd, 64, mode="wrap"))
    bins = max(1, int(round(SMOOTHING * rough / bin_width)))
    return _full_width_at_half_maximum(freqs, uniform_filter1d(psd, bins, mode="wrap"))


def main(argv=None) -> int:
    import compact.accessor  # noqa: F401
    from compact import rates
    from compact.observables import observables
    from multiscale.sweep import load_sweep_config, run_sweep

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config")
    parser.add_argument("--currents", required=True, help="comma-separated, A/m^2")
    parser.add_argument("--duration", type=float, default=200e-9, help="s at T > 0")
    parser.add_argument("--temperature", type=float, default=300.0, help="K")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-step", type=float, default=1e-13, help="s, stochastic Heun")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--macrospin", action="store_true",
                        help="the free layer as ONE cell: a square of the pillar's area and "
                             "thickness (same volume and current), no spin waves")
    parser.add_argument("--out", default="mtj_linewidth")
    parser.add_argument("--record", help="JSON file for the results")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    device, settings = load_sweep_config(args.config)
    if args.macrospin:
        device = device.macrospin()
    settings = dataclasses.replace(settings, workers=args.workers)
    cold = run_sweep(device, settings, out=Path(args.out) / "T0", progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calibration = cold.dataset.stno.fit()
    model = calibration.stno.model()
    lam = device.uniform_mode_energy(model.f0)
    model = dataclasses.replace(model, temperature=args.temperature, mode_energy=lam)

    currents = tuple(sorted(float(v) for v in args.currents.split(",")))
    hot_settings = dataclasses.replace(
        settings, current_densities=currents, duration=args.duration,
        temperature=args.temperature, seed=args.seed, thermal_time_step=args.time_step,
        stop_when_steady=False)
    hot = run_sweep(device, hot_settings, out=Path(args.out) / "hot", progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obs = observables(hot.dataset, mode="uniform")

    print(f"model at T = 0: f0 {model.f0 / 1e9:.4f} GHz, N {model.N / 1e9:.3f} GHz, "
          f"Gamma_G {model.gamma_g:.3e} 1/s, Q {model.Q:.3g}, I_th {model.I_th * 1e3:.4f} mA; "
          f"lambda = 2 mu0 Ms V 2pi f0/gamma0 = {lam:.3e} J (k_B T/lambda = "
          f"{rates.BOLTZMANN * args.temperature / lam:.2e})")
    print("| J (A/m^2) | I (mA) | p0 model | p measured | nu | Gamma_p (1/s) | "
          "df Lorentz fit (MHz) | df half max (MHz) | df formula (MHz) | "
          "df every regime (MHz) | rel. err |")
    print("|" + "---|" * 11)
    rows, errors = [], []
    for i, J in enumerate(hot.dataset.current_density.values):
        current = float(hot.dataset.current.values[i])
        fitted = float(obs.linewidth.values[i])
        measured = half_maximum_width(hot.dataset.isel(current=[i]))
        formula = float(model.linewidth(current))
        p0 = float(model.stationary_power(current))
        nu = float(model.nonlinearity(current))
        gamma_p = float(model.relaxation_rate(current))
        predicted = model.generation_linewidth(current)
        error = measured / predicted - 1
        errors.append(error)
        rows.append({"current_density": float(J), "current": current, "p0_model": p0,
                     "power_measured": float(obs.power.values[i]), "nu": nu,
                     "gamma_p": gamma_p, "linewidth_lorentzian_fit": fitted,
                     "linewidth_half_maximum": measured, "linewidth_formula": formula,
                     "linewidth_every_regime": predicted, "rel_err": error,
                     "frequency_measured": float(obs.frequency.values[i])})
        print(f"| {J:.3g} | {current * 1e3:.4f} | {p0:.3f} | {obs.power.values[i]:.3f} | "
              f"{nu:.3g} | {gamma_p:.3g} | {fitted / 1e6:.1f} | {measured / 1e6:.1f} | "
              f"{formula / 1e6:.4g} | {predicted / 1e6:.1f} | {error:+.2f} |")
    wall = time.perf_counter() - started
    worst = max(errors, key=lambda e: abs(e) if math.isfinite(e) else math.inf)
    if args.record:
        Path(args.record).write_text(json.dumps({
            "config": args.config, "macrospin": args.macrospin, "device": device.to_dict(),
            "date": time.strftime("%Y-%m-%d"), "wall_s": wall,
            "temperature": args.temperature, "seed": args.seed, "duration": args.duration,
            "time_step": args.time_step, "model": model.to_dict(), "mode_energy": lam,
            "runs": rows}, indent=1) + "\n")
    print(f"wall_s={wall:.0f}")
    print(f"linewidth_rel_err={worst:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
