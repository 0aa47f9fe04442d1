"""``multiscale reservoir``: one spin-torque oscillator as a time-multiplexed reservoir."""

import argparse

HELP = ("one spin-torque oscillator as a time-multiplexed reservoir (Torrejon et al. 2017): "
        "sine/square waveforms or spoken digits (FSDD), beside a linear readout and an ESN")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", metavar="CONFIG",
                        help="TOML config (see examples/reservoir_digits.toml)")
    parser.add_argument("--model", metavar="JSON",
                        help="AutoOscillator JSON from `multiscale calibrate`; default: a "
                        "literature-like vortex oscillator")
    parser.add_argument("--out", metavar="DIR", default="reservoir",
                        help="output folder (default: ./reservoir)")


def fsdd_features(config, out, progress=True):
    """Preprocessed FSDD frames, their table; cached in ``out/features-<hash>.npz``."""
    import hashlib
    import json
    from pathlib import Path

    import numpy as np
    from tqdm import tqdm

    from multiscale import datasets
    from network.preprocessing import featurize

    task = config.task
    table = datasets.fsdd(task.data or None)
    table = table[table["index"] < task.max_index]
    if task.speakers:
        unknown = sorted(set(task.speakers) - set(table["speaker"]))
        if unknown:
            from multiscale.errors import InputError

            raise InputError(f"task.speakers = {task.speakers!r}: unknown {unknown}; "
                             f"allowed {sorted(set(table['speaker']))}")
        table = table[table["speaker"].isin(task.speakers)]
    table = table.reset_index(drop=True)
    options = ({"n_mfcc": task.n_features} if task.preprocessing == "mfcc"
               else {"n_channels": task.n_features})
    key = json.dumps({"files": [Path(p).name for p in table["path"]],
                      "method": task.preprocessing, "n_frames": task.n_frames, **options},
                     sort_keys=True)
    cache = Path(out) / f"features-{hashlib.sha256(key.encode()).hexdigest()[:16]}.npz"
    if cache.is_file():
        return np.load(cache)["frames"], table
    signals, rates = [], []
    for path in tqdm(table["path"], desc="reading FSDD", unit="file", disable=not progress,
                     leave=False):
        rate, samples = datasets.read_wav(path)
        signals.append(samples)
        rates.append(rate)
    frames = featurize(signals, rates, task.preprocessing, n_frames=task.n_frames, **options)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(f".{cache.stem}.tmp.npz")
    np.savez(tmp, frames=frames)
    tmp.replace(cache)
    return frames, table


def run(args: argparse.Namespace) -> int:
    import dataclasses
    from pathlib import Path

    from tqdm import tqdm

    from compact.model import AutoOscillator
    from multiscale.cli import print_figures
    from multiscale.config import load_toml, to_dict
    from multiscale.errors import InputError
    from multiscale.schemas import ReservoirConfig
    from multiscale.store import drawn, output_folder, record_run, write_dataset
    from network.esn import EchoStateNetwork
    from network.reservoir import vortex_oscillator
    from network.reservoir_experiment import (
        build_reservoir,
        plot_results,
        run_digits,
        run_waveform,
    )

    config = load_toml(args.config, ReservoirConfig)
    res = config.reservoir
    if args.model is not None:
        path = Path(args.model)
        if not path.is_file():
            raise InputError(f"--model = {args.model!r}: no such file")
        try:
            model = AutoOscillator.from_json(path)
        except (ValueError, TypeError) as error:
            raise InputError(f"--model = {args.model!r}: {error}") from None
        model = dataclasses.replace(model, temperature=res.temperature)
    else:
        model = vortex_oscillator(res.temperature)
    try:
        reservoir = build_reservoir(model, res.n_nodes, res.theta_over_relaxation, res.bias,
                                    res.amplitude, res.mask, res.mask_seed, res.noise_seed)
    except ValueError as error:
        raise InputError(f"reservoir: {error}") from None
    esn = EchoStateNetwork(res.n_nodes, config.esn.spectral_radius, config.esn.leak,
                           config.esn.input_scale, seed=config.esn.seed)
    out = output_folder(args.out)
    inputs = {"kind": "reservoir", "config": to_dict(config), "model": model.to_dict()}
    with record_run(out, inputs, seed=res.mask_seed, engine="network") as record:
        if config.task.kind == "waveform":
            ds = run_waveform(reservoir, esn, config.task.n_periods, config.task.train_fraction,
                              seed=config.task.seed)
            names = ["sine", "square"]
        else:
            frames, table = fsdd_features(config, out)
            ds = run_digits(frames, table["digit"].values, table["speaker"].values,
                            (table["split"] == "test").values, reservoir, esn,
                            split=config.task.split, n_segments=config.task.n_segments,
                            progress=lambda folds: tqdm(folds, desc="folds", unit="fold",
                                                        leave=False))
            names = None
        ds.attrs["config"] = str(to_dict(config))
        write_dataset(ds, out / "results.nc")
        warning = drawn(lambda: plot_results(ds, out / "results.png", class_names=names),
                        "results.png")
        figures = {"accuracy_test": ds.attrs["accuracy_test"],
                   "accuracy_linear_only": ds.attrs["accuracy_linear_only"],
                   "accuracy_esn": ds.attrs["accuracy_esn"]}
        record.note(figures=figures, theta_s=reservoir.theta,
                    relaxation_time_s=reservoir.relaxation_time, n_nodes=reservoir.n_nodes,
                    files=["results.nc"] + ([] if warning else ["results.png"]),
                    figure_warnings=[warning] if warning else [])
    print(f"{config.task.kind} ({config.task.split if config.task.kind == 'fsdd' else 'points'}"
          f", {ds.sizes['sample']} test samples): θ = {reservoir.theta * 1e9:.3g} ns "
          f"= {res.theta_over_relaxation:g} τ_p, τ_p = {reservoir.relaxation_time * 1e9:.3g} ns, "
          f"{reservoir.n_nodes} nodes, T = {model.temperature:g} K")
    print(f"wrote {out / 'results.nc'}, {out / 'results.png'}, {out / 'info.json'}")
    print_figures(**figures)
    return 0
