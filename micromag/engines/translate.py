"""Device + run spec -> :class:`~micromag.engines.problem.Problem`, term by term.

The device (``micromag.devices``) describes the physics in Ubermag's language
(:class:`micromagneticmodel.System` on a :mod:`discretisedfield` mesh) plus the Oersted term
that Ubermag lacks; the run spec adds the temperature. Every term goes through its translator
(:mod:`micromag.engines.terms`), so every engine reads the same numbers and a term an engine
cannot do is detected in one place, never dropped.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .problem import Problem
from .runspec import RunSpec
from .terms.base import Context, field_array
from .terms.registry import translator_for
from .terms.suite import ThermalField

__all__ = ["build_problem", "required_terms", "suite_terms"]


def suite_terms(oersted: Any, spec: RunSpec) -> list[Any]:
    """The suite's terms of a run besides the System's: the Oersted field of a non-zero
    current (``oersted`` an OerstedField or None) and the thermal field."""
    terms: list[Any] = []
    if oersted is not None and spec.reference_current_density != 0.0:
        terms.append(oersted)
    terms.append(ThermalField(float(spec.temperature), spec.seed))
    return terms


def _all_terms(system: Any, oersted: Any, spec: RunSpec) -> list[Any]:
    return [*system.energy, *system.dynamics, *suite_terms(oersted, spec)]


def required_terms(system: Any, oersted: Any, spec: RunSpec) -> frozenset[str]:
    """Capability names that running ``system`` with ``spec`` needs.

    Raises :class:`~micromag.engines.errors.UnsupportedTerm` (engine ``"any"``) for terms no
    engine of the suite knows, e.g. DMI or cubic anisotropy.
    """
    needed: set[str] = set()
    for term in _all_terms(system, oersted, spec):
        needed |= translator_for(term).needs(term)
    return frozenset(needed)


def build_problem(device: Any, spec: RunSpec, *, system: Any = None) -> Problem:
    """Translate ``device.system(spec.current_density)`` and the suite's terms into a Problem.

    Parameters
    ----------
    device
        A device of :mod:`micromag.devices`: ``system(current_density)``, ``oersted``
        (an ``OerstedField`` or None), ``initial_magnetisation()``.
    spec
        The run spec; its ``initial_state`` replaces the device's initial state if given.
    system
        A ready ``micromagneticmodel.System`` to use instead of ``device.system(J)``
        (e.g. ``device.relax_system()``).
    """
    if system is None:
        system = device.system(spec.current_density, drives=spec.drives)
    mesh = system.m.mesh
    n = tuple(int(v) for v in mesh.n)
    shape3 = (*n, 3)
    Ms = field_array(system.m.norm, (*n, 1))[..., 0]
    if spec.initial_state is not None:
        m0 = field_array(spec.initial_state, shape3)
    else:
        m0 = field_array(system.m, shape3)
    norm = np.linalg.norm(m0, axis=-1, keepdims=True)
    m0 = np.where((Ms[..., None] > 0) & (norm > 0), m0 / np.where(norm > 0, norm, 1), 0.0)
    if np.any((Ms > 0) & (norm[..., 0] == 0)):
        raise ValueError("initial_state: zero magnetisation inside the magnet")

    context = Context(device=device, spec=spec, mesh=mesh, Ms=Ms)
    part: dict[str, Any] = {}
    needed: set[str] = set()
    for term in _all_terms(system, getattr(device, "oersted", None), spec):
        translator = translator_for(term)
        needed |= translator.needs(term)
        translator.fill(term, context, part)
    if "gamma0" not in part or "alpha" not in part:
        raise ValueError("the system's dynamics needs mm.Precession and mm.Damping")
    if spec.field_drive() is not None and part.get("zeeman_drive") is None:
        raise ValueError("RunSpec.drives has an RFField that the System does not carry: build "
                         "the System with device.system(spec.current_density, "
                         "drives=spec.drives)")
    part.setdefault("current_profile", spec.current_signal())
    return Problem(
        n=n,
        cell=tuple(float(v) for v in mesh.cell),
        origin=tuple(float(v) for v in mesh.region.pmin),
        Ms=Ms,
        current_density=spec.reference_current_density,
        m0=m0,
        terms=frozenset(needed),
        **part,
    )
