"""The suite's version, recorded in every Dataset micromag writes (one definition)."""

from __future__ import annotations

__all__ = ["suite_version"]


def suite_version() -> str:
    """Installed version of the suite (micromag may not import multiscale)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stno-multiscale")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"
