"""``multiscale classify``: vowel recognition by synchronization of coupled oscillators."""

import argparse
import functools

HELP = ("train the DC currents of coupled spin-torque oscillators to recognise vowels by "
        "synchronization (Romera et al. 2018); cross-validated over speakers")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", metavar="CONFIG", help="TOML config (see examples/vowels.toml)")
    parser.add_argument("--model", metavar="JSON",
                        help="AutoOscillator JSON (one record, or a list of one per "
                        "oscillator); default: literature-like vortex oscillators")
    parser.add_argument("--window", metavar=("LO", "HI"), nargs=2, type=float,
                        help="with --model: the device's current window (A) in which it "
                        "oscillates; the config's frequency plan (written for the default "
                        "oscillators) is then mapped onto the device as `multiscale run` does")
    parser.add_argument("--out", metavar="DIR", default="classify",
                        help="output folder (default: ./classify)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    import numpy as np
    from tqdm import tqdm

    from multiscale import datasets
    from multiscale.cli import print_figures
    from multiscale.config import load_toml, to_dict
    from multiscale.errors import InputError
    from multiscale.store import record_run, write_dataset, write_figure, write_json
    from network import experiment, figures, vowels
    from network.baselines import run_baselines
    from network.learning import OnlineRule

    config = load_toml(args.config, config_class())
    models = None
    if args.model is not None:
        path = Path(args.model)
        if not path.is_file():
            raise InputError(f"--model = {args.model!r}: no such file")
        models = _read_models(path, config.network.n_oscillators)
    if args.window is not None:
        if models is None or len(models) != 1:
            raise InputError(f"--window = {args.window!r}: needs --model with one "
                             "AutoOscillator record (the device whose window it is)")
        from multiscale.pipeline import adapt_plan

        config, plan = adapt_plan(config, models[0], tuple(args.window))
        print(f"plan mapped onto the device: currents {plan['current_range_A'][0]:.4g} to "
              f"{plan['current_range_A'][1]:.4g} A tune it over "
              f"{plan['frequency_range_Hz'][0]:.6g} to {plan['frequency_range_Hz'][1]:.6g} Hz "
              f"({plan['branch']} branch)")
    data = datasets.hillenbrand(config.task.data or None)
    try:
        samples = vowels.vowel_samples(data, config.task.vowels, config.task.group)
        network = build_network(config, models)
        folds = vowels.speaker_folds(samples.speaker, config.task.folds, config.task.seed)
        rule = OnlineRule(rate_toward=config.learning.rate_toward,
                          rate_away=config.learning.rate_away, margin=config.learning.margin,
                          toward=config.learning.toward,
                          current_min=network.current_range[0],
                          current_max=network.current_range[1])
    except ValueError as error:
        raise InputError(str(error)) from None
    run_folds = config.task.run_folds or list(range(config.task.folds))
    bad = [k for k in run_folds if not 0 <= k < config.task.folds]
    if bad:
        raise InputError(f"task.run_folds = {run_folds!r}: folds must be in "
                         f"[0, {config.task.folds - 1}]")
    out = Path(args.out)
    inputs = {"kind": "classify", "config": to_dict(config),
              "models": [o.to_dict() for o in network.oscillators]}
    with record_run(out, inputs, seed=config.task.seed, engine="network") as record:
        total = sum(int(np.sum(folds != k)) for k in run_folds) * config.learning.epochs
        with tqdm(total=total, desc="training", unit="sample", leave=False) as bar:
            results = experiment.cross_validate(
                network, samples, folds, run_folds=run_folds, epochs=config.learning.epochs,
                rule=rule, decay=config.learning.decay, batch_size=config.learning.batch_size,
                seed=config.task.seed, progress=bar.update)
        train_acc = float(np.mean([r.train_accuracy for r in results]))
        test_acc = float(np.mean([r.test_accuracy for r in results]))
        ds = experiment.results_dataset(network, samples, folds, results, to_dict(config))
        write_dataset(ds, out / "results.nc")

        # figures: response map of the first fold's network, confusion, training, baselines
        first = results[0]
        f_a, f_b, grid = vowels.response_map(network, first.currents,
                                             config.output.response_map_grid,
                                             seed=config.task.seed)
        training = samples.subset(first.train_index)
        free = [float(o.frequency(i)) for o, i in zip(network.oscillators, first.currents,
                                                       strict=True)]
        from network.encoding import encode

        fig = figures.plot_response_map(f_a, f_b, grid, samples.classes,
                                        encode(training.features, network.maps),
                                        training.label, free)
        write_figure(fig, out / "response_map.png")
        labels = samples.label[np.concatenate([r.test_index for r in results])]
        matrix = experiment.confusion_matrix(
            labels, np.concatenate([r.predicted for r in results]), len(samples.classes))
        write_figure(figures.plot_confusion(matrix, samples.classes), out / "confusion.png")
        write_figure(figures.plot_training([r.history for r in results]), out / "training.png")
        summary = {
            "classes": list(samples.classes),
            "folds": {str(r.fold): {"train": r.train_accuracy, "test": r.test_accuracy,
                                    "currents_A": r.currents.tolist()} for r in results},
            "accuracy_train": train_acc,
            "accuracy_test": test_acc,
            "confusion_test": matrix.tolist(),
            "fold_seed": config.task.seed,
        }
        if config.output.baselines:
            base = run_baselines(samples.features, samples.label, folds,
                                 seed=config.task.seed, test_folds=run_folds)
            summary["baselines"] = [
                {"model": b.name, "parameters": b.parameters, "test": b.mean_test,
                 "train": b.mean_train, "fold_test": list(b.test_accuracy)} for b in base]
            spread = float(np.std([r.test_accuracy for r in results]))
            fig = figures.plot_baselines(base, len(network.oscillators), test_acc, spread)
            write_figure(fig, out / "baselines.png")
            print(f"{'model':24s} {'params':>6s} {'train':>6s} {'test':>6s}")
            print(f"{'oscillator network':24s} {len(network.oscillators):6d} "
                  f"{train_acc:6.3f} {test_acc:6.3f}")
            for b in base:
                print(f"{b.name:24s} {b.parameters:6d} {b.mean_train:6.3f} {b.mean_test:6.3f}")
        write_json(summary, out / "summary.json")
        for r in results:
            print(f"fold {r.fold}: train {r.train_accuracy:.3f} test {r.test_accuracy:.3f}")
        record.note(accuracy_train=train_acc, accuracy_test=test_acc,
                    files=["results.nc", "summary.json", "response_map.png", "confusion.png",
                           "training.png"] + (["baselines.png"] if config.output.baselines
                                              else []))
    print_figures(accuracy_train=round(train_acc, 4), accuracy_test=round(test_acc, 4))
    return 0


def _read_models(path, n_oscillators: int):
    """AutoOscillator records from a JSON file: one (copied) or a list of ``n``."""
    import json

    from compact.model import AutoOscillator
    from multiscale.errors import InputError

    try:
        data = json.loads(path.read_text())
        if isinstance(data, list):
            models = [AutoOscillator.from_dict(d) for d in data]
        else:
            models = [AutoOscillator.from_dict(data)]
    except (ValueError, TypeError) as error:
        raise InputError(f"--model = {str(path)!r}: not an AutoOscillator JSON ({error})") from None
    if len(models) not in (1, n_oscillators):
        raise InputError(f"--model = {str(path)!r}: {len(models)} records; give 1 or "
                         f"network.n_oscillators = {n_oscillators}")
    return models


@functools.cache
def config_class():
    """The config schema (built on first use, so that ``multiscale --help`` stays fast).

    Defaults are the documented design of :mod:`network.vowels`.
    """
    from dataclasses import dataclass

    from multiscale.config import fail, spec
    from network.vowels import VOWELS_7

    @dataclass(frozen=True)
    class Task:
        vowels: list[str] = spec(list(VOWELS_7), help="Hillenbrand vowel codes, in label order")
        group: str = spec("w", choices=("m", "w", "b", "g"), help="speaker group")
        folds: int = spec(5, ge=2, help="speaker-independent folds")
        run_folds: list[int] = spec([], help="folds to train and test; [] = all")
        seed: int = spec(0, ge=0, help="seed of the fold split, training order and noise")
        data: str = spec("", help="Hillenbrand data folder or file; '' = the default search")

    @dataclass(frozen=True)
    class Network:
        n_oscillators: int = spec(4, ge=1, help="oscillators")
        spread: float = spec(0.01, ge=0, lt=0.2, help="device variability of f0 (rel. std)")
        device_seed: int = spec(0, ge=0, help="seed of the device variability")
        temperature: float = spec(300.0, unit="K", ge=0, help="temperature of thermal noise")
        coupling_strength: float = spec(3e5, unit="1/s", ge=0, help="electrical coupling Ω")
        coupling_phase: float = spec(0.0, unit="rad", help="coupling phase β")
        source_amplitude: list[float] = spec([1.6e7, 1.15e7], unit="1/s", gt=0,
                                             help="F of sources A and B")
        f1_range: list[float] = spec([300.0, 1200.0], unit="Hz", gt=0, help="F1 mapped ...")
        f1_band: list[float] = spec([351e6, 359.5e6], unit="Hz", gt=0, help="... onto f_A")
        f2_range: list[float] = spec([700.0, 3100.0], unit="Hz", gt=0, help="F2 mapped ...")
        f2_band: list[float] = spec([330e6, 347e6], unit="Hz", gt=0, help="... onto f_B")
        current_range: list[float] = spec([3e-3, 9e-3], unit="A", gt=0,
                                          help="allowed DC currents")

        def __post_init__(self):
            for name in ("source_amplitude", "f1_range", "f1_band", "f2_range", "f2_band",
                         "current_range"):
                value = getattr(self, name)
                if len(value) != 2 or (name != "source_amplitude" and value[1] <= value[0]):
                    fail(f"network.{name}", value, "must be two numbers"
                         + ("" if name == "source_amplitude" else ", increasing"))

    @dataclass(frozen=True)
    class Simulation:
        duration: float = spec(1.5e-6, unit="s", gt=0, help="length of each run")
        readout_window: float = spec(1.0e-6, unit="s", gt=0, help="averaging window (end)")
        step: float = spec(0.5e-9, unit="s", gt=0, le=2e-9, help="integration step")
        tolerance: float = spec(0.2e6, unit="Hz", gt=0, help="lock: |f_osc - f_source| <= this")
        max_slip: float = spec(1.0, gt=0, help="lock: phase-difference range < this (cycles)")

        def __post_init__(self):
            if self.readout_window > self.duration:
                fail("simulation.readout_window", self.readout_window,
                     f"must be <= simulation.duration = {self.duration} s")

    @dataclass(frozen=True)
    class Learning:
        epochs: int = spec(6, ge=1, help="passes over the training set")
        rate_toward: float = spec(0.3, gt=0, le=1, help="η of a missed lock")
        rate_away: float = spec(0.3, gt=0, le=1, help="η of an unwanted lock")
        margin: float = spec(0.1, ge=0, lt=1, help="relative margin to the locking edge")
        toward: str = spec("edge", choices=("edge", "center"), help="form of the toward step")
        decay: float = spec(1.0, ge=0, help="rates scale as 1/(1 + decay·epoch)")
        batch_size: int = spec(8, ge=1, help="samples simulated per batch; 1 = strictly online")

    @dataclass(frozen=True)
    class Output:
        response_map_grid: int = spec(60, ge=4, le=400, help="grid points per axis")
        baselines: bool = spec(True, help="run the scikit-learn baselines")

    @dataclass(frozen=True)
    class ClassifyConfig:
        task: Task = spec(Task())
        network: Network = spec(Network())
        simulation: Simulation = spec(Simulation())
        learning: Learning = spec(Learning())
        output: Output = spec(Output())
        patterns: dict[str, list[str]] = spec(
            {}, help="class -> list of patterns; {} = the default table")

    return ClassifyConfig


def build_network(config, models=None):
    """The :class:`network.vowels.SyncNetwork` of a config (ValueError on bad values)."""
    import numpy as np

    from network.encoding import LinearMap
    from network.readout import PatternTable, default_table
    from network.simulator import electrical_coupling
    from network.vowels import SyncNetwork, default_oscillators

    net = config.network
    if models is None:
        oscillators = default_oscillators(net.n_oscillators, spread=net.spread,
                                          seed=net.device_seed, temperature=net.temperature)
    elif len(models) == 1:  # one calibrated device, copied with the configured variability
        from dataclasses import replace

        rng = np.random.default_rng(net.device_seed)
        oscillators = tuple(
            replace(models[0], f0=models[0].f0 * (1 + net.spread * rng.standard_normal()),
                    I_th=models[0].I_th * (1 + 3 * net.spread * rng.standard_normal()),
                    temperature=net.temperature)
            for _ in range(net.n_oscillators))
    else:
        oscillators = tuple(models)
    if config.patterns:
        patterns = {k: ([v] if isinstance(v, str) else list(v))
                    for k, v in config.patterns.items()}
        table = PatternTable(tuple(config.task.vowels), patterns, net.n_oscillators, 2)
    else:
        if net.n_oscillators != 4:
            raise ValueError(f"network.n_oscillators = {net.n_oscillators}: the default "
                             "pattern table is for 4; give [patterns] for other sizes")
        table = default_table(tuple(config.task.vowels))
    lo, hi = net.current_range
    # sorted: f(I) may rise or fall with current (df_dI and N of either sign)
    reach = [sorted((float(o.frequency(lo)), float(o.frequency(hi)))) for o in oscillators]
    low, high = max(r[0] for r in reach), min(r[1] for r in reach)
    for name in ("f1_band", "f2_band"):
        band = getattr(net, name)
        if band[0] < low or band[1] > high:
            raise ValueError(
                f"network.{name} = {band}: outside the frequencies every oscillator reaches "
                f"with network.current_range = {net.current_range} A ({low:.4g}–{high:.4g} "
                "Hz); set the bands (and current_range) for these devices, or give "
                "classify --window LO HI (A) to map the plan onto a --model device"
            )
    sim = config.simulation
    return SyncNetwork(
        oscillators=tuple(oscillators),
        maps=(LinearMap(tuple(net.f1_range), tuple(net.f1_band)),
              LinearMap(tuple(net.f2_range), tuple(net.f2_band))),
        source_amplitude=tuple(net.source_amplitude),
        coupling=electrical_coupling(len(oscillators), net.coupling_strength,
                                     net.coupling_phase),
        table=table, duration=sim.duration, readout_window=sim.readout_window,
        step=sim.step, tolerance=sim.tolerance, max_slip=sim.max_slip,
        current_range=(lo, hi),
    )
