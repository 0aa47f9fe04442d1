"""The default chain from nothing, as a new user runs it: wall time by stage, calibration, accuracy.

Each variant runs ``multiscale run CONFIG --out OUT/<variant> --quiet`` in its own process with
a fresh provenance store and an empty numba cache (``NUMBA_CACHE_DIR`` in a new folder), so
compilation counts as it does for a new user. The variants:

- ``steady``: the embedded default chain (multiscale/defaults/chain.toml, the circuit chain):
  six currents, each run ending once its orbit is steady (``sweep.stop_when_steady = true``,
  micromag.engines.SteadyState; at least 30 ns, at most 60 ns), then the lock stage;
- ``full``: the same with ``sweep.stop_when_steady = false``: six currents x 60 ns;
- ``previous``: the same with every run at most 100 ns (rather than 60 ns), ending once
  steady;
- ``perpendicular``: examples/chain_vortex_perpendicular.toml, the default chain until
  2026-12-07 (a perpendicular-polarizer vortex, no lock stage, free coupling in 1/s): the
  reference of issue 15's timing and calibration criteria. A different device: its parameters
  are not compared with ``steady``'s, only its wall time and accuracy.

Printed: per variant the wall time of the whole run and of each stage (sweep, calibration,
classify), the simulated ns of the sweep, the fitted f0, I_th, Γ_G, N, df_dI with their
standard errors, and the test accuracy; then, for ``steady`` against each other variant run, each
parameter's difference in units of that variant's standard error. The last lines::

    wall_s_<other>=<s> wall_s_steady=<s> speedup=<other/steady>
    max_param_shift_in_stderr_<other>=<max |p_steady - p_other| / stderr_other>
    accuracy_shift_<other>=<a_steady - a_other>

Usage: ``python benchmarks/chain.py [--out DIR] [--variants full perpendicular previous
steady]``. Run it
on a quiet machine (the load average is printed first); ``MULTISCALE_DATA`` must point at the
vowel data.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PARAMETERS = ("f0", "I_th", "gamma_g", "N", "df_dI")
UNITS = {"f0": "Hz", "I_th": "A", "gamma_g": "1/s", "N": "Hz", "df_dI": "Hz/A"}


def variant_config(name: str, folder: Path) -> Path | None:
    """The config file of a variant (None: the embedded default)."""
    if name == "steady":
        return None
    if name == "perpendicular":
        return Path(__file__).resolve().parents[1] / "examples" / "chain_vortex_perpendicular.toml"
    from multiscale.schemas import default_config_path

    text = default_config_path().read_text()
    marker = "stop_when_steady = true"
    if marker not in text:
        raise SystemExit("the default chain's [sweep] table changed: update benchmarks/chain.py")
    if name == "full":
        text = text.replace(marker, "stop_when_steady = false", 1)
    elif name == "previous":
        duration = "duration = 60e-9"
        if duration not in text:
            raise SystemExit("the default chain's duration changed: update benchmarks/chain.py")
        text = text.replace(duration, "duration = 100e-9", 1)
    else:
        raise SystemExit(f"unknown variant {name!r}; allowed: full, perpendicular, previous, "
                         "steady")
    path = folder / f"chain_{name}.toml"
    path.write_text(text)
    return path


def run_variant(name: str, out: Path) -> dict:
    """Run one variant from nothing; its figures."""
    folder = out / name
    if folder.exists() and any(folder.iterdir()):  # its store would make the run a rerun
        raise SystemExit(f"{folder} is not empty: give --out a new folder (from nothing)")
    config = variant_config(name, out)
    command = [sys.executable, "-m", "multiscale.cli", "run",
               *([str(config)] if config else []), "--out", str(folder), "--quiet"]
    with tempfile.TemporaryDirectory(prefix="numba_cache_") as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{name}: multiscale run failed ({done.returncode}):\n{done.stderr}")
    info = json.loads((folder / "info.json").read_text())
    stages = info["notes"]["stages"]
    calibration = folder / "calibration"
    model = json.loads((calibration / "model.json").read_text())
    stderr = json.loads(Path(stages["calibration"]["folder"], "stderr.json").read_text())
    summary = json.loads((folder / "classify" / "summary.json").read_text())
    import xarray as xr

    ts = xr.load_dataset(folder / "sweep" / "timeseries.nc", engine="h5netcdf")
    lengths = np.isfinite(ts["mx"].values).sum(axis=1) - 1
    simulated = float(np.sum(lengths) * float(ts.time[1] - ts.time[0]))
    return {"wall_s": wall, "stages": {k: v["wall_s"] for k, v in stages.items()},
            "simulated_ns": simulated * 1e9,
            "per_current_ns": [round(float(n * (ts.time[1] - ts.time[0])) * 1e9, 1)
                               for n in lengths],
            "params": {p: float(model[p]) for p in PARAMETERS},
            "stderr": {p: float(stderr["stderr"].get(p, np.nan)) for p in PARAMETERS},
            "accuracy_test": float(summary["accuracy_test"]), "last_line": done.stdout.strip()
            .splitlines()[-1]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="benchmarks/results/chain")
    parser.add_argument("--variants", nargs="+", default=["previous", "steady"])
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print("load:", open("/proc/loadavg").read().strip(), f"({os.cpu_count()} cores)")
    results = {}
    for name in args.variants:
        results[name] = result = run_variant(name, out)
        print(f"[{name}] wall {result['wall_s']:.0f} s; stages "
              + ", ".join(f"{k} {v:.0f} s" for k, v in result["stages"].items())
              + f"; sweep {result['simulated_ns']:.0f} simulated ns {result['per_current_ns']}")
        for p in PARAMETERS:
            print(f"    {p} = {result['params'][p]:.4g} ± {result['stderr'][p]:.2g} {UNITS[p]}")
        print(f"    accuracy_test = {result['accuracy_test']:.3f}")
    (out / "results.json").write_text(json.dumps(results, indent=1))
    for other in ("full", "previous"):
        if {other, "steady"} <= set(results):
            compare(results[other], results["steady"], other)
    if {"perpendicular", "steady"} <= set(results):
        other, steady = results["perpendicular"], results["steady"]
        print(f"wall_s_perpendicular={other['wall_s']:.0f} wall_s_steady={steady['wall_s']:.0f} "
              f"accuracy_perpendicular={other['accuracy_test']:.3f} "
              f"accuracy_steady={steady['accuracy_test']:.3f}")


def compare(other: dict, steady: dict, name: str) -> None:
    """Print the default (``steady``) against another variant, in that variant's stderr."""
    shifts = {p: abs(steady["params"][p] - other["params"][p]) / other["stderr"][p]
              for p in PARAMETERS}
    print(f"shift in units of the {name} run's stderr: "
          + ", ".join(f"{p} {s:.2f}" for p, s in shifts.items()))
    print(f"wall_s_{name}={other['wall_s']:.0f} wall_s_steady={steady['wall_s']:.0f} "
          f"speedup={other['wall_s'] / steady['wall_s']:.2f}")
    print(f"max_param_shift_in_stderr_{name}={max(shifts.values()):.2f} "
          f"accuracy_shift_{name}={steady['accuracy_test'] - other['accuracy_test']:+.3f}")


if __name__ == "__main__":
    main()
