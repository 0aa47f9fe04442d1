"""``multiscale classify``: vowel recognition by synchronization of coupled oscillators."""

import argparse
import math

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

    from multiscale.cli import print_figures
    from multiscale.config import to_dict
    from multiscale.errors import InputError
    from multiscale.schemas import load_classify, with_plan
    from multiscale.store import output_folder, record_run
    from multiscale.vowel_stage import classify_stage, network_for, vowel_task

    config = load_classify(args.config)
    models, polarity = None, 1
    if args.model is not None:
        path = Path(args.model)
        if not path.is_file():
            raise InputError(f"--model = {args.model!r}: no such file")
        models = _read_models(path, config.network.n_oscillators)
        models, polarity = _positive_currents(models)  # says so when it mirrors them
    mapping = None
    if args.window is not None:
        lo, hi = args.window
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise InputError(f"--window = {args.window!r}: must be two finite currents "
                             "LO < HI (A), the device's window")
        if models is None or len(models) != 1:
            raise InputError(f"--window = {args.window!r}: needs --model with one "
                             "AutoOscillator record (the device whose window it is)")
        from network.plan import PlanError, adapt_plan

        window = tuple(args.window) if polarity > 0 else (-hi, -lo)
        try:
            plan, mapping = adapt_plan(config.plan(), models[0], window,
                                       temperature=config.network.temperature)
        except PlanError as error:
            raise InputError(f"--window = {args.window!r}: {error}") from None
        config = with_plan(config, plan)
        print(f"plan mapped onto the device: currents {mapping.current_range_A[0]:.4g} to "
              f"{mapping.current_range_A[1]:.4g} A tune it over "
              f"{mapping.frequency_range_Hz[0]:.6g} to {mapping.frequency_range_Hz[1]:.6g} Hz "
              f"({mapping.branch} branch)")
    network = network_for(config, models)  # every check before anything is written
    vowel_task(config)  # the data, the folds and the size of the training
    out = output_folder(args.out)
    inputs = {"kind": "classify", "config": to_dict(config),
              "models": [o.to_dict() for o in network.oscillators]}
    with record_run(out, inputs, seed=config.task.seed, engine="network") as record:
        result = classify_stage(config, models, out, progress=True)
        record.note(accuracy_train=result.accuracy_train, accuracy_test=result.accuracy_test,
                    files=list(result.files), current_polarity=polarity,
                    plan={"adapted": False} if mapping is None
                    else {**mapping.to_dict(), "adapted": True})
    if result.baselines:
        print(f"{'model':24s} {'params':>6s} {'train':>6s} {'test':>6s}")
        print(f"{'oscillator network':24s} {len(network.oscillators):6d} "
              f"{result.accuracy_train:6.3f} {result.accuracy_test:6.3f}")
        for b in result.baselines:
            print(f"{b.name:24s} {b.parameters:6d} {b.mean_train:6.3f} {b.mean_test:6.3f}")
    for r in result.results:
        print(f"fold {r.fold}: train {r.train_accuracy:.3f} test {r.test_accuracy:.3f}")
    print_figures(accuracy_train=round(result.accuracy_train, 4),
                  accuracy_test=round(result.accuracy_test, 4))
    return 0


def _positive_currents(models):
    """The records as the network drives them (:func:`network.plan.positive_currents`): each
    mirrored when they oscillate at negative currents; thresholds of both signs are an error."""
    from multiscale.errors import InputError
    from network.plan import positive_currents

    if len({model.I_th < 0 for model in models}) > 1:
        raise InputError("--model: thresholds of both signs "
                         f"({[model.I_th for model in models]} A); one network drives its "
                         "oscillators with currents of one polarity")
    driven = [positive_currents(model) for model in models]
    polarity = driven[0][2]
    if polarity < 0:
        print("the device oscillates at negative currents: the network drives it with "
              "I' = -I (every current below is -I)")
    return [model for model, _, _ in driven], polarity


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
