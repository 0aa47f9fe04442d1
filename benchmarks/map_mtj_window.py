"""Map the steady-precession window of an MTJ oscillator with the built-in engine.

A measurement done once and recorded in ``docs/mtj_windows.md`` (issue 16); not a test. The
device of a sweep config (``[device]`` table) is run at each current from its initial state
(the config's ``initial_direction`` tilted by ``initial_tilt``) through ``multiscale.sweep``
(runs are kept in the store under ``--out``, so a rerun only adds new currents), and each
record is read over its last ``TAIL`` fraction:

- the mean magnetisation <m> and its direction (the precession axis), |<m>|;
- the uniform mapping of :mod:`compact.observables`: power p = sin^2(theta/2) of the cone
  about that axis, frequency, whether it oscillates (settled, above p = 1e-3);
- the resistance R = R_P + dR (1 - m.m_ref)/2: peak-to-peak and rms of its oscillation (ohm),
  and ``P_rf`` (W), the RF power the DC current I = J * area makes from it in a matched 50 ohm
  load, (I R_rms)^2 / (4 * 50 ohm);
- the outcome: ``static`` (no oscillation, <m> within 25 deg of the start: below threshold),
  ``switched`` (no oscillation, <m> further from the start: a static state elsewhere, e.g.
  along the polarizer), ``precession`` (oscillating, |<m>| >= 0.5: a cone about <m>),
  ``large-angle`` (oscillating with |<m>| < 0.5: the orbit encloses the hard axis),
  ``not settled`` (a run with ``stop_when_steady`` that ended unsteady with p above 1e-3:
  still ringing up at the end; run it longer).

Prints a markdown table and writes ``--record`` (JSON, SI units).

Usage::

    NUMBA_NUM_THREADS=1 python benchmarks/map_mtj_window.py examples/mtj_perpendicular.toml \
        --currents=-1.2e11,-1.1e11,... --duration 40e-9 --out /tmp/map_perp \
        --record benchmarks/results/mtj_window_perpendicular.json
"""

from __future__ import annotations

import os

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TAIL = 0.3  #: fraction of each record analysed (its end)
LOAD = 50.0  #: ohm, the matched load of the RF power figure
STATIC_ANGLE = np.radians(25.0)  #: <m> within this of the start and not oscillating: static
POWER_FLOOR = 1e-3  #: the observables' default floor of an oscillation


def analyse(ds, device) -> list[dict]:
    """One record per current of a sweep Dataset (SI units)."""
    from compact.observables import observables, record_lengths

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obs = observables(ds, mode="uniform")
    start = device.initial_magnetisation().reshape(-1, 3).mean(axis=0)
    start = start / np.linalg.norm(start)
    rows = []
    for i, (J, n) in enumerate(zip(ds.current_density.values, record_lengths(ds, "uniform"),
                                   strict=True)):
        tail = slice(int(n * (1 - TAIL)), int(n))
        m = np.stack([ds[c].values[i, tail] for c in ("mx", "my", "mz")], axis=1)
        mean = m.mean(axis=0)
        size = float(np.linalg.norm(mean))
        angle = float(np.arccos(np.clip(mean @ start / max(size, 1e-300), -1, 1)))
        oscillating = bool(obs.oscillating.values[i])
        stop = json.loads(ds.attrs.get("stop_reasons", "{}")).get(f"{J:.6g}", "")
        if oscillating:
            outcome = "precession" if size >= 0.5 else "large-angle"
        elif stop.startswith("not steady") and obs.power.values[i] > POWER_FLOOR:
            outcome = "not settled"
        elif angle <= STATIC_ANGLE:
            outcome = "static"
        else:
            outcome = "switched"
        resistance = ds.resistance.values[i, tail]
        r_rms = float(np.std(resistance))
        current = float(J) * device.area
        rows.append({
            "current_density": float(J), "current": current,
            "duration": float(ds.time.values[int(n) - 1]), "outcome": outcome,
            "oscillating": oscillating, "mean_m": [float(v) for v in mean],
            "mean_m_norm": size, "angle_from_start_deg": float(np.degrees(angle)),
            "frequency": float(obs.frequency.values[i]), "power": float(obs.power.values[i]),
            "resistance_pp": float(np.ptp(resistance)), "resistance_rms": r_rms,
            "P_rf": (current * r_rms) ** 2 / (4 * LOAD),
            "stop_reason": stop,
        })
    return rows


def main(argv=None) -> int:
    from multiscale.sweep import load_sweep_config, run_sweep

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config")
    parser.add_argument("--currents", help="comma-separated, A/m^2 (default: the config's)")
    parser.add_argument("--duration", type=float, help="s (default: config)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", default="map_mtj")
    parser.add_argument("--record", help="JSON file for the results")
    args = parser.parse_args(argv)

    device, settings = load_sweep_config(args.config)
    changes = {"workers": args.workers}
    if args.currents:
        changes["current_densities"] = tuple(sorted(float(v) for v in args.currents.split(",")))
    if args.duration:
        changes["duration"] = args.duration
    settings = dataclasses.replace(settings, **changes)
    started = time.perf_counter()
    result = run_sweep(device, settings, out=args.out, progress=False)
    wall = time.perf_counter() - started
    rows = analyse(result.dataset, device)
    print(f"| J (A/m^2) | I (mA) | ran (ns) | outcome | <m> | f (GHz) | p | R_pp (ohm) "
          f"| P_rf (nW, 50 ohm) |\n|{'---|' * 9}")
    for r in rows:
        mean = ", ".join(f"{v:+.2f}" for v in r["mean_m"])
        print(f"| {r['current_density']:.3g} | {r['current'] * 1e3:.4f} | "
              f"{r['duration'] * 1e9:.0f} | {r['outcome']} | ({mean}) | "
              f"{r['frequency'] / 1e9:.3f} | {r['power']:.3f} | {r['resistance_pp']:.1f} | "
              f"{r['P_rf'] * 1e9:.2f} |")
    print(f"computed={result.computed} reused={result.reused} failed={len(result.failed)} "
          f"wall_s={wall:.1f}")
    if args.record:
        Path(args.record).write_text(json.dumps({
            "config": args.config, "device": device.to_dict(),
            "date": time.strftime("%Y-%m-%d"), "wall_s": wall, "tail_fraction": TAIL,
            "failed": {str(k): v for k, v in result.failed.items()}, "runs": rows},
            indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
