"""Micromagnetic engines behind one interface (:mod:`micromag.engines.base`)."""

from .base import (
    CAPABILITIES,
    ENGINE_NAMES,
    Engine,
    EngineUnavailable,
    Problem,
    RunFailed,
    RunSpec,
    UnsupportedTerm,
    build_problem,
    core_position,
    get_engine,
    timeseries_dataset,
)

__all__ = [
    "CAPABILITIES",
    "ENGINE_NAMES",
    "Engine",
    "EngineUnavailable",
    "Problem",
    "RunFailed",
    "RunSpec",
    "UnsupportedTerm",
    "build_problem",
    "core_position",
    "get_engine",
    "timeseries_dataset",
]
