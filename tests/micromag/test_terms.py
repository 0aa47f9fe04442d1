"""The term model: one translator per term, isinstance matching, time dependence, errors."""

from __future__ import annotations

import math
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from micromag.devices import MTJOscillator
from micromag.engines import Drive, RunSpec, UnsupportedTerm, build_problem, required_terms
from micromag.engines.builtin import BuiltinEngine, simulation_from_problem
from micromag.engines.magnumnp import MagnumNPEngine
from micromag.engines.oommf import OOMMFEngine
from micromag.engines.terms import registry


def _mtj_with(*terms):
    device = MTJOscillator(cell_size=5e-9)
    system = device.system(0.0)
    for term in terms:
        system.energy += term
    return device, system


def test_subclasses_of_ubermag_terms_are_accepted():
    import micromagneticmodel as mm

    class StiffExchange(mm.Exchange):
        """A user's subclass: translated as mm.Exchange."""

    device = MTJOscillator(cell_size=5e-9)
    system = device.system(0.0)
    system.energy -= system.energy.exchange
    system.energy += StiffExchange(A=3e-11)
    problem = build_problem(device, RunSpec(), system=system)
    assert problem.exchange_A == 3e-11
    assert "exchange" in problem.terms


def test_unknown_term_is_named_not_dropped():
    import micromagneticmodel as mm

    device, system = _mtj_with(mm.CubicAnisotropy(K=1e3, u1=(1, 0, 0), u2=(0, 1, 0)))
    with pytest.raises(UnsupportedTerm, match="'CubicAnisotropy'"):
        build_problem(device, RunSpec(), system=system)


def test_a_second_term_of_one_kind_is_refused():
    import micromagneticmodel as mm

    device, system = _mtj_with(mm.Zeeman(H=(1e4, 0, 0), name="bias"),
                               mm.Zeeman(H=(0, 1e4, 0), name="other"))
    with pytest.raises(UnsupportedTerm, match="a second Zeeman term"):
        build_problem(device, RunSpec(), system=system)


def test_zeeman_func_sin_is_the_deprecated_wave():
    import micromagneticmodel as mm

    problems = []
    for kwargs in ({"func": "sin"}, {"wave": "sin"}):
        device, system = _mtj_with(mm.Zeeman(H=(2e4, 0, 0), f=3e9, t0=1e-10, **kwargs))
        problems.append(build_problem(device, RunSpec(), system=system))
    assert problems[0].zeeman_drive == problems[1].zeeman_drive == Drive("sin", 3e9, 1e-10)
    assert problems[0].terms == problems[1].terms
    assert {"zeeman", "zeeman_time"} <= problems[0].terms
    assert "zeeman_func" not in problems[0].terms
    # every engine does a sin/sinc profile
    for engine in (BuiltinEngine(), MagnumNPEngine(), OOMMFEngine()):
        assert "zeeman_time" in engine.capabilities


def test_zeeman_func_callable_in_the_builtin_engine_refused_by_magnumnp():
    """Ubermag's func=callable (a scalar multiplier of H, with dt): the built-in engine
    evaluates it at every time; the magnum.np worker process cannot take a callable."""
    import micromagneticmodel as mm

    h0, tau = 3e4, 0.2e-9

    def decay(t):
        return math.exp(-t / tau)

    device, system = _mtj_with(mm.Zeeman(H=(0.0, h0, 0.0), func=decay, dt=1e-13))
    spec = RunSpec()
    problem = BuiltinEngine().check(device, spec, system=system)
    assert {"zeeman", "zeeman_time", "zeeman_func"} <= problem.terms
    assert problem.zeeman_drive.kind == "func" and problem.zeeman_drive.dt == 1e-13
    sim = simulation_from_problem(problem)
    m = sim.initial(np.moveaxis(problem.m0, -1, 0))
    t1, t2 = 0.05e-9, 0.31e-9
    change = sim.effective_field(m, t2) - sim.effective_field(m, t1)
    inside = sim.ms > 0
    np.testing.assert_allclose(change[1][inside], h0 * (decay(t2) - decay(t1)), rtol=1e-12)
    np.testing.assert_allclose(change[[0, 2]][:, inside], 0.0, atol=1e-9)
    with pytest.raises(UnsupportedTerm, match="'magnumnp' cannot compute the term "
                                              "'zeeman_func'.*callable"):
        MagnumNPEngine().check(device, spec, system=system)


def test_zeeman_func_callable_needs_dt_and_one_number():
    import micromagneticmodel as mm

    device, system = _mtj_with(mm.Zeeman(H=(1e4, 0, 0), func=lambda t: 1.0))
    with pytest.raises(ValueError, match="needs dt"):
        build_problem(device, RunSpec(), system=system)
    device, system = _mtj_with(mm.Zeeman(H=(1e4, 0, 0), func=lambda t: [1.0] * 9, dt=1e-13))
    with pytest.raises(UnsupportedTerm, match="9 values"):
        build_problem(device, RunSpec(), system=system)


def test_time_dependent_current_needs_its_capability():
    """A CurrentSignal needs "slonczewski_time" (every engine); any other callable
    "slonczewski_func" (not magnum.np: a callable cannot cross into its process)."""
    import micromagneticmodel as mm

    from micromag.drives import RFCurrent, current_signal
    from micromag.engines import capabilities as caps

    system = MTJOscillator(cell_size=5e-9).system(0.0)
    system.dynamics += mm.Slonczewski(J=1e10, mp=(0, 0, 1), P=0.4, Lambda=2.0,
                                      func=lambda t: 1.0, dt=1e-13)
    needed = required_terms(system, None, RunSpec())
    assert caps.SLONCZEWSKI_FUNC in needed and caps.SLONCZEWSKI_TIME not in needed
    drives = (RFCurrent(2e9, 1e9),)
    system = MTJOscillator(cell_size=5e-9).system(1e10, drives=drives)
    needed = required_terms(system, None, RunSpec(current_density=1e10, drives=drives))
    assert caps.SLONCZEWSKI_TIME in needed and caps.SLONCZEWSKI_FUNC not in needed
    stt = [t for t in system.dynamics if isinstance(t, mm.Slonczewski)][0]
    assert stt.func == current_signal(1e10, drives) and stt.J == 1e10


def test_a_new_term_is_one_translator(monkeypatch):
    """Registering a translator makes a new term known; an engine without its capability
    refuses it by name."""
    from micromag.engines.terms.base import Translator

    class Pinning:
        strength = 5.0

    class PinningTranslator(Translator):
        name = "Pinning"
        capability = "pinning"

        def matches(self, term):
            return isinstance(term, Pinning)

        def fill(self, term, context, part):
            pass

    monkeypatch.setattr(registry, "TRANSLATORS", list(registry.TRANSLATORS))
    ubermag = MTJOscillator(cell_size=5e-9).system(0.0)
    # the translators read only the two term lists
    system = SimpleNamespace(energy=[*ubermag.energy, Pinning()], dynamics=ubermag.dynamics)
    with pytest.raises(UnsupportedTerm, match="'Pinning'"):
        required_terms(system, None, RunSpec())
    registry.register(PinningTranslator())
    assert "pinning" in required_terms(system, None, RunSpec())


def test_registry_imports_nothing_heavy():
    """``multiscale --help`` lists the engine names: the registry must not import numpy."""
    code = ("import sys, micromag.engines.registry as r; "
            "print(r.ENGINE_NAMES, [m for m in ('numpy', 'micromagneticmodel') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "('builtin', 'magnumnp', 'oommf') []"


def test_no_import_circle_in_micromag():
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("micromag")
    circles = [(a, b) for a in graph.modules for b in graph.find_modules_directly_imported_by(a)
               if graph.chain_exists(importer=b, imported=a)]
    assert circles == []
