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
    parser.add_argument("--save", metavar="JSON",
                        help="also save a classifier trained on every token of the task "
                        "(config, maps, patterns, currents, models, seeds) as JSON")
    parser.add_argument("--load", metavar="JSON",
                        help="evaluate a classifier saved by --save instead of training one")
    parser.add_argument("--test", metavar="CORPUS:GROUP", nargs="+",
                        help="with --load: the sets to test on (e.g. hillenbrand:m "
                        "peterson_barney:children); default the config's task.test_sets, "
                        "else its own task set")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from multiscale.cli import print_figures
    from multiscale.config import to_dict
    from multiscale.errors import InputError
    from multiscale.schemas import load_classify, with_plan
    from multiscale.store import output_folder, record_run
    from multiscale.vowel_stage import classify_stage, network_for, vowel_task

    config = load_classify(args.config)
    if args.test is not None and args.load is None:
        raise InputError(f"--test = {args.test!r}: needs --load (a saved classifier); to "
                         "train and test on other sets give task.test_sets in the config")
    if args.load is not None:
        return _evaluate_saved(args, config)
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
    if config.task.test_sets:
        from multiscale.vowel_transfer import test_sets

        test_sets(config)  # each transfer set readable, with the task's vowels
    out = output_folder(args.out)
    if args.save is not None:
        output_folder(Path(args.save).parent or ".", "--save")
    inputs = {"kind": "classify", "config": to_dict(config),
              "models": [o.to_dict() for o in network.oscillators]}
    if config.task.test_sets:
        return _transfer(args, config, models, out, inputs)
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
    if args.save is not None:
        import numpy as np

        from multiscale.vowel_transfer import train_classifier

        classifier, training = train_classifier(config, models)
        _save(classifier, args.save, config, classifier.score(
            training.features, np.asarray(training.classes)[training.label]))
    print_figures(accuracy_train=round(result.accuracy_train, 4),
                  accuracy_test=round(result.accuracy_test, 4))
    return 0


def _save(classifier, path, config, accuracy_train: float) -> None:
    """Save a trained classifier with what a later --load needs to feed it."""
    from multiscale.store import versions

    classifier.save(path, metadata={
        "vowels": list(config.task.vowels), "features": config.task.features,
        "trained_on": f"{config.task.corpus}:{config.task.group}", "seed": config.task.seed,
        "accuracy_train": float(accuracy_train), "versions": versions()})
    print(f"trained classifier saved to {path}")


def _transfer(args, config, models, out, inputs) -> int:
    """Train on the task's set, test on task.test_sets (multiscale.vowel_transfer)."""
    from multiscale.cli import print_figures
    from multiscale.store import record_run
    from multiscale.vowel_transfer import transfer_stage

    with record_run(out, inputs, seed=config.task.seed, engine="network") as record:
        result = transfer_stage(config, models, out)
        record.note(**result.summary(), files=["transfer.nc", "summary.json"])
    names = list(result.baselines)
    print(f"{'test set':28s} {'network':>8s} " + " ".join(f"{n[:10]:>10s}" for n in names))
    for s in result.test_sets:
        print(f"{s:28s} {result.accuracy[s]:8.3f} "
              + " ".join(f"{result.baselines[n][s]:10.3f}" for n in names))
    for s in result.test_sets:
        print(f"transfer {config.task.corpus}:{config.task.group} -> {s}: "
              f"accuracy {result.accuracy[s]:.4f}")
    if args.save is not None:
        _save(result.classifier, args.save, config, result.accuracy_train)
    print_figures(accuracy_train=round(result.accuracy_train, 4),
                  accuracy_test=round(result.accuracy_test, 4))
    return 0


def _evaluate_saved(args, config) -> int:
    """--load: the saved classifier on --test sets (or the config's), no training."""
    import numpy as np

    from multiscale.cli import print_figures
    from multiscale.vowel_transfer import evaluate_saved

    sets = args.test or config.task.test_sets or [f"{config.task.corpus}:{config.task.group}"]
    accuracy, meta = evaluate_saved(args.load, sets, config.task.data)
    for name, value in accuracy.items():
        print(f"{meta['trained_on']} -> {name}: accuracy {value:.4f}")
    print_figures(accuracy_train=round(meta["accuracy_train"], 4),
                  accuracy_test=round(float(np.mean(list(accuracy.values()))), 4))
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
