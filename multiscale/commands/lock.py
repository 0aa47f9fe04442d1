"""``multiscale lock CONFIG``: micromagnetic injection locking, Δ_lock(amplitude) and κ."""

from __future__ import annotations

import argparse

HELP = ("drive a micromagnetic device with an RF field or current over a grid of drive "
        "frequencies and amplitudes: locking plateau, Δ_lock, and (with --model) the input "
        "coupling κ written into the compact model")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", help="TOML file with [device] and [lock] tables")
    parser.add_argument("--model", metavar="MODEL.json",
                        help="calibrated compact model: fit κ from the smallest amplitude "
                             "and write DIR/model.json with it")
    parser.add_argument("--out", metavar="DIR", default="lock",
                        help="output folder (default: ./lock)")
    parser.add_argument("--store", metavar="DIR",
                        help="provenance store shared with other runs (default: DIR/store)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="an existing dask scheduler (default: a local cluster)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from multiscale.cli import print_figures
    from multiscale.coupling_calibration import calibrate_coupling
    from multiscale.errors import InputError
    from multiscale.lock import load_lock_config, run_locking
    from multiscale.store import write_json

    model = None
    if args.model is not None:
        from compact.model import AutoOscillator

        try:
            model = AutoOscillator.from_json(Path(args.model))
        except OSError as error:
            raise InputError(f"--model = {args.model!r}: cannot be read "
                             f"({error.strerror})") from None
        except ValueError as error:
            raise InputError(f"--model = {args.model!r}: {error}") from None
    device, settings = load_lock_config(args.config)
    result = run_locking(device, settings, out=args.out, store_root=args.store,
                         scheduler=args.scheduler, progress=not args.quiet)
    for label, error in sorted(result.failed.items()):
        print(f"failed: {label}: {error}")
    ds = result.dataset
    for i, J in enumerate(ds.current_density.values):
        for j, a in enumerate(ds.amplitude.values):
            print(f"J={J:.4g} A/m^2 amplitude={a:g} {ds.attrs['amplitude_units']}: "
                  f"half_width={ds.half_width.values[i, j] / 1e6:.3f} "
                  f"+- {ds.half_width_error.values[i, j] / 1e6:.3f} MHz")
    figures = {"runs_computed": result.computed, "runs_reused": result.reused,
               "failed": len(result.failed)}
    if model is not None:
        try:
            coupling = calibrate_coupling(ds, model)
        except ValueError as error:
            print(f"no κ: {error}")
        else:
            out = Path(args.out)
            coupling["model"].to_json(out / "model.json")
            write_json({k: v for k, v in coupling.items() if k != "model"},
                       out / "coupling.json")
            figures[coupling["name"]] = coupling["kappa"]
            figures[coupling["name"] + "_error"] = coupling["kappa_error"]
            figures["lock_rel_err_max"] = max(
                (abs(p["rel_err"]) for p in coupling["predictions"] if not p["fitting_point"]),
                default=float("nan"))
    print_figures(**figures, wall_s=result.wall_s, out=f"{args.out}/locking.nc")
    return 0 if not result.failed else 1
