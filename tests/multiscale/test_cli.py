"""The CLI itself: lazy start-up, version, doctor's truthfulness."""

import os
import subprocess
import sys

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
