"""``multiscale run [CONFIG]``: the whole chain, micromagnetics to vowel accuracy."""

from __future__ import annotations

import argparse
import json
import sys

from micromag.engines.registry import ENGINE_NAMES

HELP = ("run the whole chain (micromagnetic sweep -> calibration -> vowel network) and write "
        "a report; no CONFIG: the embedded default device")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", nargs="?", metavar="CONFIG",
                        help="TOML chain config (see examples/chain_small.toml); default: the "
                             "embedded multiscale/defaults/chain.toml")
    parser.add_argument("--out", metavar="DIR", default="run",
                        help="output folder (default: ./run); report.md is the place to start")
    parser.add_argument("--engine", choices=ENGINE_NAMES,
                        help="micromagnetic engine (default: sweep.engine of the config)")
    parser.add_argument("--store", metavar="DIR",
                        help="provenance store shared between runs (default: DIR/store)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="dask scheduler for the sweep (default: a local cluster)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    from multiscale.cli import print_figures
    from multiscale.pipeline import load_chain_config, run_chain

    config = load_chain_config(args.config)
    result = run_chain(config, out=args.out, engine=args.engine, store_root=args.store,
                       scheduler=args.scheduler, progress=not args.quiet)
    for name, stage in result.stages.items():
        state = "found in the store" if stage["reused"] else "computed"
        print(f"{name:12s} {state:18s} {stage['wall_s']:8.1f} s  {stage['folder']}")
    for text in json.loads(result.calibration.attrs.get("warnings", "[]")):
        print(f"warning: calibration: {text}", file=sys.stderr)
    print(f"report: {result.out / 'report.md'}")
    figures = result.figures
    print_figures(wall_s=round(figures["wall_s"], 2), f0_Hz=figures["f0_Hz"],
                  I_th_A=figures["I_th_A"], accuracy_test=round(figures["accuracy_test"], 4))
    return 0
