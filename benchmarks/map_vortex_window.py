"""Map the steady-orbit window (J_c1, J_c2) of a vortex STNO with the built-in engine.

A measurement done once and recorded in ``docs/vortex_windows.md`` (issue 3, PHYSICS.md
section 6); not a test. The device of a sweep config (``[device]`` table) is relaxed once
with the built-in engine (in its ``relax_field``, so that the core starts off centre), then
each current is run from that state in chunks of ``--chunk`` seconds; a run stops early when
the core is expelled (no core found, or the core closer than 1.5 cells to the edge), its
polarity reverses, or it has
decayed to the centre (radius < 2 nm).

Per run it prints one line and appends one JSON record to ``--record``: J (A/m^2), simulated
duration (s), outcome, final orbit radius (m, mean over the last 20 ns), steady-state
frequency (Hz, slope of the unwrapped core phase over the last 20 ns), radius drift over the
last 30 ns (relative, from a straight-line fit of r(t)) and the expulsion time (s).

Outcomes: ``expelled``; ``switched`` (the core polarity reversed: the orbit then decays, the
other end of the window); ``decays`` (drift < -2 %, or decayed to the centre); ``growing``
(drift > +2 %: inconclusive, needs a longer run); ``steady`` (|drift| <= 2 %).

Usage::

    NUMBA_NUM_THREADS=1 python benchmarks/map_vortex_window.py examples/vortex_calibration.toml \
        --currents 4e10 6e10 --duration 150e-9
    ... --bisect-c1 LO HI --steps 3   # LO decays, HI steady
    ... --bisect-c2 LO HI --steps 3   # LO steady, HI expelled
"""

from __future__ import annotations

import os

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DRIFT_LIMIT = 0.02  #: relative radius drift over the last 30 ns that still counts as steady
DECAYED_RADIUS = 2e-9  #: m; below this the orbit has collapsed to the centre


def relaxed_state(device, engine, cache: Path) -> np.ndarray:
    """The relaxed magnetisation (nx, ny, nz, 3), cached in ``cache`` (npy)."""
    if cache.is_file():
        return np.load(cache)
    m = engine.relax(device)
    np.save(cache, m)
    return m


def analyse(t: np.ndarray, cx: np.ndarray, cy: np.ndarray) -> dict:
    """Final radius, frequency and drift of a core trajectory (SI units)."""
    r = np.hypot(cx, cy)
    t_end = t[-1]
    last20 = t >= t_end - 20e-9
    last30 = t >= t_end - 30e-9
    phase = np.unwrap(np.arctan2(cy[last20], cx[last20]))
    frequency = abs(np.polyfit(t[last20], phase, 1)[0]) / (2 * np.pi)
    radius = float(np.mean(r[last20]))
    slope = np.polyfit(t[last30], r[last30], 1)[0]
    drift = float(slope * min(30e-9, t_end) / max(radius, 1e-12))
    return {"radius_m": radius, "frequency_Hz": float(frequency), "drift_30ns": drift}


def run_current(device, engine, m0: np.ndarray, current_density: float, duration: float,
                chunk: float, sampling: float) -> dict:
    """Run one current from ``m0``; classify the orbit."""
    from micromag.engines import RunSpec, core_position
    from micromag.engines.builtin.engine import simulation_from_problem

    spec = RunSpec(current_density=current_density, duration=chunk,
                   sampling_interval=sampling, initial_state=m0)
    problem = engine.check(device, spec)
    sim = simulation_from_problem(problem, spec, workers=1, method=engine.method)
    x, y, _ = problem.coordinates()
    edge = device.radius - 1.5 * device.cell_size
    m = np.ascontiguousarray(np.moveaxis(problem.m0, -1, 0))
    times, xs, ys, polarity = [0.0], [], [], []

    def core(mz):
        """Core position; the sign of the extreme m_z (core polarity) is kept aside."""
        polarity.append(np.sign(mz.flat[np.argmax(np.abs(mz))]))
        return core_position(mz, x, y)

    first = True
    t0 = 0.0
    expelled_at = switched_at = None
    start = time.perf_counter()
    while t0 < duration - 1e-15:
        traj = sim.run(m, chunk, sampling, tolerance=spec.tolerance, record_core=True,
                       core_function=core)
        m = traj.final
        if not np.all(np.isfinite(traj.m)):
            raise RuntimeError(f"J = {current_density:g}: magnetisation became NaN")
        sl = slice(0 if first else 1, None)
        xs.extend(traj.core[sl, 0])
        ys.extend(traj.core[sl, 1])
        times.extend(t0 + traj.time[1:])
        first = False
        t0 += chunk
        r = np.hypot(traj.core[:, 0], traj.core[:, 1])
        lost = ~np.isfinite(r) | (r > edge)
        signs = np.asarray(polarity[-len(traj.time):])
        flipped = signs != device.core_polarity
        if len(signs) != len(traj.time):
            flipped = np.zeros(len(traj.time), dtype=bool)
        # Whichever comes first: at expulsion the extreme m_z jumps to the edge (a spurious
        # polarity flip), so an edge contact before the flip is an expulsion.
        if lost.any() and (not flipped.any() or np.argmax(lost) <= np.argmax(flipped)):
            expelled_at = float(t0 - chunk + traj.time[np.argmax(lost)])
            break
        if flipped.any():
            switched_at = float(t0 - chunk + traj.time[np.argmax(flipped)])
            break
        if np.all(r[-int(round(2e-9 / sampling)):] < DECAYED_RADIUS):
            break
    t = np.asarray(times)
    cx, cy = np.asarray(xs), np.asarray(ys)
    record = {"J_A_per_m2": current_density, "duration_s": float(t[-1]),
              "wall_s": time.perf_counter() - start, "expelled_at_s": expelled_at,
              "switched_at_s": switched_at}
    if switched_at is not None:
        r = np.hypot(cx, cy)
        record.update(outcome="switched", radius_m=float("nan"), frequency_Hz=float("nan"),
                      drift_30ns=float("nan"), max_radius_m=float(np.nanmax(r)))
        return record
    if expelled_at is not None:
        good = np.isfinite(cx) & (np.hypot(cx, cy) <= edge)
        record.update(outcome="expelled", radius_m=float("nan"), frequency_Hz=float("nan"),
                      drift_30ns=float("nan"),
                      max_radius_m=float(np.nanmax(np.hypot(cx[good], cy[good]))))
        return record
    record.update(analyse(t, cx, cy))
    record["max_radius_m"] = float(np.max(np.hypot(cx, cy)))
    if record["radius_m"] < DECAYED_RADIUS or record["drift_30ns"] < -DRIFT_LIMIT:
        record["outcome"] = "decays"
    elif record["drift_30ns"] > DRIFT_LIMIT:
        record["outcome"] = "growing"
    else:
        record["outcome"] = "steady"
    return record


def report(record: dict, out: Path | None) -> None:
    """Print one line and append the JSON record."""
    exp, sw = record["expelled_at_s"], record["switched_at_s"]
    print(f"J={record['J_A_per_m2']:.4g} A/m^2  T={record['duration_s'] * 1e9:.1f} ns  "
          f"{record['outcome']:8s} r={record['radius_m'] * 1e9:.2f} nm  "
          f"f={record['frequency_Hz'] / 1e9:.4f} GHz  drift30={record['drift_30ns'] * 100:+.2f} %  "
          f"rmax={record['max_radius_m'] * 1e9:.1f} nm  "
          f"expelled_at={'-' if exp is None else f'{exp * 1e9:.1f} ns'}  "
          f"switched_at={'-' if sw is None else f'{sw * 1e9:.1f} ns'}  "
          f"wall={record['wall_s']:.0f} s", flush=True)
    if out is not None:
        with out.open("a") as handle:
            handle.write(json.dumps(record) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("config", help="sweep config TOML with a [device] table")
    parser.add_argument("--currents", type=float, nargs="*", default=[], help="J (A/m^2)")
    parser.add_argument("--bisect-c1", type=float, nargs=2, metavar=("DECAYS", "STEADY"))
    parser.add_argument("--bisect-c2", type=float, nargs=2, metavar=("STEADY", "EXPELLED"))
    parser.add_argument("--steps", type=int, default=3, help="bisection steps per edge")
    parser.add_argument("--duration", type=float, default=150e-9, help="s per run (max)")
    parser.add_argument("--chunk", type=float, default=10e-9, help="s between checks")
    parser.add_argument("--sampling", type=float, default=50e-12, help="s between samples")
    parser.add_argument("--record", type=Path, default=None, help="JSON-lines output")
    args = parser.parse_args(argv)

    from micromag.engines import get_engine
    from multiscale.sweep import load_sweep_config

    device, _ = load_sweep_config(args.config)
    engine = get_engine("builtin")
    cache = Path("/tmp") / (Path(args.config).stem + "_relaxed.npy")
    m0 = relaxed_state(device, engine, cache)
    print(f"# {args.config}: d={device.diameter:g} m, L={device.thickness:g} m, "
          f"relaxed state {cache}", flush=True)

    def run(j: float) -> dict:
        record = run_current(device, engine, m0, j, args.duration, args.chunk, args.sampling)
        record["config"] = args.config
        report(record, args.record)
        return record

    for j in args.currents:
        run(j)
    if args.bisect_c1:
        low, high = args.bisect_c1
        for _ in range(args.steps):
            mid = 0.5 * (low + high)
            outcome = run(mid)["outcome"]
            if outcome == "decays":
                low = mid
            else:
                high = mid
        print(f"# J_c1 in [{low:.4g}, {high:.4g}] A/m^2", flush=True)
    if args.bisect_c2:
        low, high = args.bisect_c2
        for _ in range(args.steps):
            mid = 0.5 * (low + high)
            outcome = run(mid)["outcome"]
            if outcome in ("expelled", "switched", "growing"):
                high = mid
            else:
                low = mid
        print(f"# J_c2 in [{low:.4g}, {high:.4g}] A/m^2", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
