"""``multiscale sweep CONFIG``: relax a device once, then one micromagnetic run per current."""

from __future__ import annotations

import argparse

from micromag.engines.registry import ENGINE_NAMES

HELP = "run a micromagnetic device over a list of currents into DIR/timeseries.nc"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", help="TOML file with [device] and [sweep] tables")
    parser.add_argument("--engine", choices=ENGINE_NAMES,
                        help="engine (default: sweep.engine of the config)")
    parser.add_argument("--out", metavar="DIR", default="sweep",
                        help="output folder (default: ./sweep)")
    parser.add_argument("--store", metavar="DIR",
                        help="provenance store shared between sweeps (default: DIR/store)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="an existing dask scheduler (default: a local cluster)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from multiscale.cli import print_figures
    from multiscale.sweep import load_sweep_config, run_sweep

    device, settings = load_sweep_config(args.config)
    result = run_sweep(device, settings, engine=args.engine, out=args.out,
                       store_root=args.store, scheduler=args.scheduler,
                       progress=not args.quiet)
    for J, error in sorted(result.failed.items()):
        print(f"failed: current_density={J:.6g} A/m^2: {error}")
    for J in result.core_lost:  # kept in the Dataset; no steady orbit there
        print(f"core lost: current_density={J:.6g} A/m^2: the vortex core left the disk")
    for J in result.core_reversed:  # kept in the Dataset; past the upper window edge
        print(f"core reversed: current_density={J:.6g} A/m^2: the vortex core ended with the "
              "polarity opposite to device.core_polarity (past the window's upper edge)")
    print_figures(currents=len(settings.current_densities), computed=result.computed,
                  reused=result.reused, failed=len(result.failed),
                  core_lost=len(result.core_lost), core_reversed=len(result.core_reversed),
                  wall_s=result.wall_s,
                  out=f"{args.out}/timeseries.nc")
    return 0 if not result.failed else 1
