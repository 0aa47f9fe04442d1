"""The CLI itself: lazy start-up, version, doctor's truthfulness."""

import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("numpy", "xarray", "dask", "distributed", "matplotlib", "torch", "discretisedfield",
         "numba", "scipy")  # fmt: skip


def test_help_imports_no_heavy_library():
    """`multiscale --help` must answer at once: building the parser imports nothing heavy."""
    code = (
        "import sys\n"
        "from multiscale.cli import build_parser\n"
        "build_parser().format_help()\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_version_and_help():
    version = subprocess.run(
        [sys.executable, "-m", "multiscale.cli", "--version"], capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.startswith("multiscale ")
    helptext = subprocess.run(
        [sys.executable, "-m", "multiscale.cli", "--help"], capture_output=True, text=True
    )
    assert "doctor" in helptext.stdout


def test_doctor_tells_the_truth_about_oommf_and_data():
    env = {k: v for k, v in os.environ.items() if k != "OOMMFTCL"}
    result = subprocess.run(
        [sys.executable, "-m", "multiscale.cli", "doctor"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    oommf = next(line for line in lines if line.strip().startswith("oommf "))
    if os.geteuid() == 0:  # OOMMF refuses to run as root: doctor must say so
        assert " no " in oommf and "root" in oommf
    assert "hillenbrand1995      found" in result.stdout
    last = lines[-1]
    assert last.startswith("engines=") and "data_sets_found=3" in last


def _crash(args):
    raise RuntimeError("a bug in the suite\nsecond line of its message")


def test_an_internal_error_is_one_line_and_a_log(tmp_path, monkeypatch, capsys):
    """A bug (not bad input) gives exit 1, one line naming the exception and a log file
    holding the traceback; no bare traceback on the terminal (issue 19, point 1)."""
    import tempfile

    from multiscale import cli
    from multiscale.commands import sweep

    monkeypatch.setattr(sweep, "run", _crash)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    for folder, argv in ((out, ["sweep", "config.toml", "--out", str(out)]),  # --out exists
                         (tmp_path / "tmp", ["sweep", "config.toml", "--out",
                                             str(tmp_path / "missing")])):  # it does not
        assert cli.main(argv) == 1
        captured = capsys.readouterr()
        err = captured.err.strip().splitlines()
        assert len(err) == 1 and "Traceback" not in captured.err, captured.err
        assert err[0].startswith("multiscale sweep: internal error: RuntimeError: a bug in "
                                 "the suite second line"), err[0]
        log = Path(err[0].rsplit("traceback in ", 1)[1])
        assert log.parent == folder and log.name.startswith("multiscale-sweep-")
        text = log.read_text()
        assert "Traceback" in text and "_crash" in text and "config.toml" in text
        log.unlink()


def test_an_internal_error_of_a_command_without_out_goes_to_the_temp_folder(
        tmp_path, monkeypatch, capsys):
    import tempfile

    from multiscale import cli
    from multiscale.commands import doctor

    monkeypatch.setattr(doctor, "run", _crash)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert cli.main(["doctor"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "internal error: RuntimeError" in err[0], err
    assert [p.name.startswith("multiscale-doctor-") for p in tmp_path.iterdir()] == [True]
