"""`multiscale classify` with fitted encoding, learned patterns, transfer, --save and --load."""

import json

import pytest
import xarray as xr

from multiscale import datasets
from multiscale.cli import main

pytestmark = pytest.mark.skipif(datasets.data_root() is None,
                                reason="MULTISCALE_DATA is not set (tests/conftest.py)")

QUICK = ("[network]\nencoding = 'quantile'\n"
         "[learning]\nassignment = 'learned'\nepochs = 1\nrounds = 1\nsplits = [[1, 3]]\n"
         "[output]\nresponse_map_grid = 6\nbaselines = false\n")


def _figures(capsys) -> dict:
    last = capsys.readouterr().out.strip().splitlines()[-1]
    return {k: float(v) for k, v in (item.split("=") for item in last.split())}


def test_learned_patterns_within_a_group_men(tmp_path, capsys):
    """One fold of men with patterns learned from the training fold (no hand table): one
    round of training already gives ~0.6-0.8 against chance 1/7."""
    config = tmp_path / "men.toml"
    config.write_text("[task]\ngroup = 'men'\nrun_folds = [1]\n" + QUICK)
    out = tmp_path / "out"
    assert main(["classify", str(config), "--out", str(out)]) == 0
    figures = _figures(capsys)
    assert figures["accuracy_test"] > 0.45
    summary = json.loads((out / "summary.json").read_text())
    fold = summary["folds"]["1"]
    assert sum(len(p) for p in fold["patterns"].values()) >= 5  # learned, one per cell seen
    ds = xr.load_dataset(out / "results.nc")
    assert "fold_patterns" in ds.attrs and ds.feature.attrs["kind"] == "hz"


def test_transfer_women_to_men_with_lobanov_then_saved_and_loaded(tmp_path, capsys):
    """Train on every woman, test on the men, with Lobanov-normalised formants; the trained
    classifier, saved, gives the same men's accuracy when loaded and tested again."""
    config = tmp_path / "transfer.toml"
    config.write_text("[task]\ngroup = 'w'\nfeatures = 'lobanov'\n"
                      "test_sets = ['hillenbrand:m']\n"
                      + QUICK.replace("baselines = false", "baselines = true"))
    out, state = tmp_path / "out", tmp_path / "state.json"
    assert main(["classify", str(config), "--out", str(out), "--save", str(state)]) == 0
    printed = capsys.readouterr().out
    figures = dict(item.split("=") for item in printed.strip().splitlines()[-1].split())
    assert "transfer hillenbrand:w -> hillenbrand:m" in printed
    assert float(figures["accuracy_test"]) > 0.45
    table = xr.load_dataset(out / "transfer.nc")
    assert table.accuracy.sel(test_set="hillenbrand:m",
                              model="oscillator network") == pytest.approx(
        float(figures["accuracy_test"]), abs=1e-4)
    assert float(table.accuracy.sel(test_set="hillenbrand:m", model="QDA")) > 0.8
    saved = json.loads(state.read_text())
    assert saved["metadata"]["features"] == "lobanov" and saved["fitted"]["currents_A"]
    assert main(["classify", str(config), "--load", str(state), "--test",
                 "hillenbrand:m"]) == 0
    again = _figures(capsys)
    assert again["accuracy_test"] == pytest.approx(float(figures["accuracy_test"]), abs=1e-4)
    assert again["accuracy_train"] == pytest.approx(float(figures["accuracy_train"]), abs=1e-4)


@pytest.mark.parametrize("body, key", [
    ("[task]\nfeatures = 'lobanov'\n", "network.encoding = 'fixed'"),
    ("[task]\ngroup = 'kids'\n", "task.group = 'kids'"),
    ("[task]\ntest_sets = ['timit:w']\n", "task.test_sets"),
    ("[task]\ntest_sets = ['peterson_barney:w']\nvowels = ['iy', 'ei']\n"
     "[learning]\nassignment = 'learned'\n", "task.test_sets = 'peterson_barney:w'"),
    ("[learning]\nassignment = 'learned'\nsplits = [[2, 3]]\n", "learning.splits"),
])
def test_bad_task_is_refused_naming_the_key(tmp_path, capsys, body, key):
    config = tmp_path / "bad.toml"
    config.write_text(body)
    assert main(["classify", str(config), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert key in err and "Traceback" not in err, err


def test_load_and_test_errors_exit_2(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text("")
    assert main(["classify", str(config), "--test", "hillenbrand:m"]) == 2
    assert "--test" in capsys.readouterr().err
    (tmp_path / "junk.json").write_text("{}")
    assert main(["classify", str(config), "--load", str(tmp_path / "junk.json")]) == 2
    assert "--load" in capsys.readouterr().err
    assert main(["classify", str(config), "--load", str(tmp_path / "missing.json")]) == 2
    assert "--load" in capsys.readouterr().err


def test_learned_folds_keep_the_task_label_order(tmp_path):
    """A fitted classifier lists its classes sorted (ah, iy, uw); the stage maps its
    predictions back to the task's order (uw, iy, ah). Three far-apart vowels are ~perfectly
    separable, so a wrong mapping would show as an accuracy near chance."""
    from multiscale.schemas import parse_classify
    from multiscale.vowel_stage import classify_stage

    config = parse_classify({
        "task": {"run_folds": [1], "vowels": ["uw", "iy", "ah"]},
        "network": {"encoding": "quantile"},
        "learning": {"assignment": "learned", "epochs": 1, "rounds": 1, "splits": [[1, 3]]},
        "output": {"response_map_grid": 6, "baselines": False}}, where="")
    result = classify_stage(config, out=tmp_path)
    assert result.results[0].network.table.classes == ("ah", "iy", "uw")
    assert result.accuracy_test > 0.9
    assert result.confusion[0, 0] > 0.9 * result.confusion[0].sum()  # uw predicted as uw
