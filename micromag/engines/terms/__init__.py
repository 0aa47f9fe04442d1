"""One small translator per term: Ubermag's energy and dynamics terms and the suite's own.

Each translator (:class:`~micromag.engines.terms.base.Translator`) says which Ubermag class it
takes (matched with ``isinstance``, so subclasses of Ubermag terms are accepted), which
capabilities it needs (:mod:`micromag.engines.capabilities`) and fills its part of the
:class:`~micromag.engines.problem.Problem`. The registry is
:mod:`micromag.engines.terms.registry`; a term without a translator raises
:class:`~micromag.engines.errors.UnsupportedTerm` naming it.

Adding a term: one translator class (here) registered with
:func:`~micromag.engines.terms.registry.register`, a Problem field, and its kernel in the
engines that declare the new capability.

- :mod:`.energy`: Exchange, Demag, Zeeman, UniaxialAnisotropy
- :mod:`.dynamics`: Precession, Damping, Slonczewski
- :mod:`.suite`: the Oersted field of the drive current and the thermal field
"""
