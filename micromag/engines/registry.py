"""The engines by name, imported only when asked for (this module imports nothing heavy, so
that ``multiscale --help`` may list the names).

Each entry is "module:ClassName": ``micromag.engines.builtin`` exports ``BuiltinEngine``,
``micromag.engines.magnumnp`` ``MagnumNPEngine``, ``micromag.engines.oommf`` ``OOMMFEngine``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .base import Engine

__all__ = ["ENGINE_NAMES", "get_engine"]

#: Registered engines, imported lazily: name -> "module:ClassName".
_REGISTRY = {
    "builtin": "micromag.engines.builtin:BuiltinEngine",
    "magnumnp": "micromag.engines.magnumnp:MagnumNPEngine",
    "oommf": "micromag.engines.oommf:OOMMFEngine",
}

#: The engine names, the default ("builtin") first.
ENGINE_NAMES = tuple(_REGISTRY)


def get_engine(name: str) -> Engine:
    """An engine instance by name: one of :data:`ENGINE_NAMES`."""
    if name not in _REGISTRY:
        raise ValueError(f"engine = {name!r}: allowed are {', '.join(ENGINE_NAMES)}")
    module_name, class_name = _REGISTRY[name].split(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)()
