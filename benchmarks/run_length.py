"""How long must the default chain's runs be? Its calibration from records cut at 40-100 ns
against the calibration from records run until they are steady.

Near threshold a vortex orbit settles slowly (the power relaxation rate Γ_p = Γ_G (ζ - 1)
vanishes at threshold): on the default chain's device the three lowest currents need 157-382 ns
to be steady to 1e-3 in power, while the upper three are steady after 32-89 ns. This script
sweeps the former default chain's device (examples/chain_vortex_perpendicular.toml) over
its six currents with
the built-in engine, each run ending once steady (at most ``--duration``, 500 ns by default),
then fits the auto-oscillator model (the chain's calibration: vortex mode, df_dI fitted)

- to the settled records, the reference;
- to the same records cut at each cap T (a run capped at T is that record's first T: the runs
  are deterministic, T = 0, and start from the same relaxed state).

Printed per cap: the powers p(I), each fitted parameter's shift from the reference in units
of the reference fit's standard error, and the simulated ns the sweep would take. The last
line: ``cap_ns=<T> max_shift_in_stderr=<...>`` for every cap.

Usage: ``python benchmarks/run_length.py [--out DIR] [--duration S]`` (989 simulated ns, the
longest run 382 ns: 10 minutes measured on two cores shared with other work; the store in
``--out`` makes a rerun take seconds).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

PARAMETERS = ("f0", "I_th", "gamma_g", "N", "df_dI")
CAPS_NS = (40, 50, 60, 70, 80, 100)


#: the device measured: the default chain's until 2026-12-07 (a perpendicular-polarizer vortex)
CONFIG = Path(__file__).resolve().parents[1] / "examples" / "chain_vortex_perpendicular.toml"

def settled_sweep(out: Path, duration: float):
    """The default chain's sweep with runs of at most ``duration`` ending once steady."""
    import dataclasses

    from multiscale.schemas import load_chain_config
    from multiscale.sweep import run_sweep

    config = load_chain_config(CONFIG)
    settings = dataclasses.replace(config.sweep, duration=duration, stop_when_steady=True)
    result = run_sweep(config.device, settings, out=out / "sweep", store_root=out / "store")
    return result.dataset


def fit(timeseries):
    from compact.estimator import AutoOscillatorFit

    return AutoOscillatorFit(mode="vortex", fit_df_dI=True).fit(timeseries)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="benchmarks/results/run_length")
    parser.add_argument("--duration", type=float, default=500e-9)
    args = parser.parse_args(argv)
    out = Path(args.out)
    print("load:", open("/proc/loadavg").read().strip(), f"({os.cpu_count()} cores)")
    timeseries = settled_sweep(out, args.duration)
    time = timeseries["time"].values
    dt = float(time[1] - time[0])
    lengths = np.isfinite(timeseries["mx"].values).sum(axis=1) * dt
    reference = fit(timeseries)
    print("settled runs (ns):", [round(x * 1e9, 1) for x in lengths])
    print("reference p:", np.round(reference.calibration_["power"].values, 4).tolist())
    for name in PARAMETERS:
        print(f"    {name} = {getattr(reference.model_, name):.5g} "
              f"± {reference.stderr_[name]:.2g}")
    summary = []
    for cap in CAPS_NS:
        cut = timeseries.sel(time=time <= time[0] + cap * 1e-9 + dt / 2)
        capped = fit(cut)
        shifts = {name: (getattr(capped.model_, name) - getattr(reference.model_, name))
                  / reference.stderr_[name] for name in PARAMETERS}
        simulated = float(np.sum(np.minimum(lengths, cap * 1e-9))) * 1e9
        print(f"cap {cap:3d} ns: sweep {simulated:.0f} simulated ns; p = "
              f"{np.round(capped.calibration_['power'].values, 3).tolist()}; shift/stderr "
              + " ".join(f"{k} {v:+.2f}" for k, v in shifts.items()))
        summary.append(f"{cap}:{max(abs(v) for v in shifts.values()):.2f}")
    print("cap_ns:max_shift_in_stderr " + " ".join(summary))


if __name__ == "__main__":
    main()
