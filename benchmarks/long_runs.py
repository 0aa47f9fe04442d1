"""Long runs of one device with the built-in engine and magnum.np, side by side (issue 6).

A measurement done once and recorded in ``docs/vortex_windows.md``; not a test. The device of
a sweep config (``[device]`` table) is relaxed once by the built-in engine in its
``relax_field`` (core off centre); from that same state each engine runs every current for
``--duration`` at T = 0, single-threaded, with the same adaptive-step tolerance (atol = rtol),
sampling the mean magnetisation <m>. magnum.np runs in a child process, through the same
translation as ``benchmarks/micromag_engines.py``.

Per current and engine it reports, from the <m> trace:

- the gyration frequency over the last 20 ns (FFT peak refined by a sinusoid fit of <m_x>);
- the in-plane amplitude |<m_xy>| averaged over the last 20 ns (for a vortex it grows with the
  core's orbit radius);
- the first time after 2 ns that |<m_xy>| exceeds 0.8 (the core has left the disk: an
  expelled core leaves a C- or quasi-uniform state).

and prints a table with the relative differences, then saves the traces (npz) and one JSON
line per current in ``--out``.

Usage::

    python benchmarks/long_runs.py examples/vortex_calibration.toml --currents 8e10 1e11 \
        --duration 150e-9 --out runs/
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from micromag_engines import gyration_frequency, magnumnp_arrays, run_magnumnp  # noqa: E402

EXPELLED_INPLANE = 0.8  #: |<m_xy>| above this: the vortex core has left the disk
SETTLE_START = 2e-9  #: s; the expulsion test starts after the release of the relax field


def summarise(t: np.ndarray, m: np.ndarray) -> dict:
    """Frequency, amplitude and expulsion time of one <m> trace (t in s, m of shape (n, 3))."""
    inplane = np.hypot(m[:, 0], m[:, 1])
    # the relaxed start may itself lie above the threshold (core pushed out by relax_field)
    out_of_disk = np.flatnonzero((inplane > EXPELLED_INPLANE) & (t > SETTLE_START))
    summary = {
        "expelled_at_s": float(t[out_of_disk[0]]) if out_of_disk.size else None,
        "max_inplane": float(inplane[t > SETTLE_START].max()),
    }
    end = t[-1] if not out_of_disk.size else t[out_of_disk[0]]
    last = (t >= end - 20e-9) & (t <= end)
    if out_of_disk.size or last.sum() < 20:
        summary.update(frequency_Hz=float("nan"), inplane_last20ns=float("nan"))
    else:
        summary.update(frequency_Hz=float(gyration_frequency(t[last], m[last, 0])),
                       inplane_last20ns=float(inplane[last].mean()))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("config", help="sweep config TOML with a [device] table")
    parser.add_argument("--currents", type=float, nargs="+", required=True, help="J (A/m^2)")
    parser.add_argument("--duration", type=float, default=150e-9, help="s per run")
    parser.add_argument("--sampling", type=float, default=50e-12, help="s between samples")
    parser.add_argument("--tolerance", type=float, default=1e-5, help="atol = rtol")
    parser.add_argument("--out", type=Path, required=True, help="folder for traces and records")
    parser.add_argument("--skip-magnumnp", action="store_true", help="built-in engine only")
    parser.add_argument("--from-traces", action="store_true",
                        help="do not run: summarise the traces already saved in --out")
    args = parser.parse_args(argv)
    if args.from_traces:
        for j in args.currents:
            d = np.load(args.out / f"{Path(args.config).stem}_J{j:.3g}.npz")
            print(f"J={j:.3g} A/m^2", {name: summarise(d[f"{name}_time"], d[f"{name}_m"])
                                       for name in ("builtin", "magnumnp")
                                       if f"{name}_time" in d.files}, flush=True)
        return 0

    from micromag.engines import RunSpec, build_problem, get_engine
    from micromag.engines.builtin import simulation_from_problem
    from multiscale.sweep import load_sweep_config

    args.out.mkdir(parents=True, exist_ok=True)
    device, _ = load_sweep_config(args.config)
    relaxed_path = args.out / (Path(args.config).stem + "_relaxed.npy")
    if relaxed_path.is_file():
        relaxed = np.load(relaxed_path)
    else:
        relaxed = get_engine("builtin").relax(device)
        np.save(relaxed_path, relaxed)
    print(f"# {args.config}: {args.duration * 1e9:g} ns per current, tolerance "
          f"{args.tolerance:g}, load {os.getloadavg()[0]:.1f}", flush=True)

    for j in args.currents:
        spec = RunSpec(current_density=j, initial_state=relaxed)
        problem = build_problem(device, spec)
        sim = simulation_from_problem(problem, spec, workers=1)
        start = time.process_time()
        traj = sim.run(np.moveaxis(problem.m0, -1, 0), args.duration, args.sampling,
                       tolerance=args.tolerance)
        builtin_cpu = time.process_time() - start
        t_b, m_b = traj.time, traj.m
        record = {"config": args.config, "J_A_per_m2": j, "duration_s": args.duration,
                  "tolerance": args.tolerance,
                  "builtin": {**summarise(t_b, m_b), "cpu_s": builtin_cpu}}
        arrays = {"builtin_time": t_b, "builtin_m": m_b}
        if not args.skip_magnumnp:
            magnum = run_magnumnp(magnumnp_arrays(problem, args.tolerance, 0.0, args.duration,
                                                  args.sampling))
            if magnum is not None:
                # magnum.np's samples start one interval in; both start from the same m0
                t_m = np.concatenate([[0.0], magnum["time"]])
                m_m = np.concatenate([m_b[:1], magnum["m"]])
                record["magnumnp"] = {**summarise(t_m, m_m), "cpu_s": float(magnum["cpu"]),
                                      "version": str(magnum["version"])}
                arrays.update(magnumnp_time=t_m, magnumnp_m=m_m)
        np.savez(args.out / f"{Path(args.config).stem}_J{j:.3g}.npz", **arrays)
        with (args.out / "records.jsonl").open("a") as handle:
            handle.write(json.dumps(record) + "\n")
        line = [f"J={j:.3g} A/m^2"]
        for name in ("builtin", "magnumnp"):
            if name in record:
                r = record[name]
                exp = r["expelled_at_s"]
                line.append(f"{name}: f={r['frequency_Hz'] / 1e9:.5f} GHz "
                            f"|<m_xy>|={r['inplane_last20ns']:.4f} "
                            f"expelled_at={'-' if exp is None else f'{exp * 1e9:.2f} ns'} "
                            f"cpu={r['cpu_s']:.0f} s")
        if "magnumnp" in record and np.isfinite(record["magnumnp"]["frequency_Hz"]):
            fb, fm = record["builtin"]["frequency_Hz"], record["magnumnp"]["frequency_Hz"]
            line.append(f"freq_rel_diff={abs(fb - fm) / fm:.3g}")
        print("  ".join(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
