"""Test-wide settings: the shared data folder, a headless plotting backend, one thread."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

# The real data sets live beside the repository (never inside it); tests use them there.
if "MULTISCALE_DATA" not in os.environ and SHARED_DATA.is_dir():
    os.environ["MULTISCALE_DATA"] = str(SHARED_DATA)
os.environ.setdefault("MPLBACKEND", "Agg")
