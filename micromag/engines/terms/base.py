"""The translator interface and the helpers its implementations share."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..errors import UnsupportedTerm
from ..runspec import RunSpec

__all__ = ["Context", "Translator", "UbermagTranslator", "field_array", "scalar", "set_once"]


@dataclass(frozen=True)
class Context:
    """What a translator may need besides its term."""

    device: Any  #: the device (micromag.devices)
    spec: RunSpec  #: the run spec
    mesh: Any  #: the discretisedfield mesh of the system
    Ms: np.ndarray  #: saturation magnetisation per cell (A/m), (nx, ny, nz)


class Translator(abc.ABC):
    """Translates one kind of term into its part of the Problem.

    Subclasses set ``name`` (what errors call the term) and ``capability`` (None: every engine
    can do it), and implement :meth:`matches` and :meth:`fill`.
    """

    name: ClassVar[str]
    capability: ClassVar[str | None] = None

    @abc.abstractmethod
    def matches(self, term: Any) -> bool:
        """Whether this translator takes ``term``."""

    def needs(self, term: Any) -> frozenset[str]:
        """The capabilities ``term`` needs; raises UnsupportedTerm for forms no engine does."""
        return frozenset() if self.capability is None else frozenset({self.capability})

    @abc.abstractmethod
    def fill(self, term: Any, context: Context, part: dict[str, Any]) -> None:
        """Write this term's Problem fields into ``part`` (with :func:`set_once`)."""


class UbermagTranslator(Translator):
    """A translator of a ``micromagneticmodel`` term class (and its subclasses)."""

    ubermag: ClassVar[str]  #: the class name in micromagneticmodel

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "ubermag" in cls.__dict__ and "name" not in cls.__dict__:
            cls.name = cls.ubermag

    def matches(self, term: Any) -> bool:
        import micromagneticmodel as mm

        return isinstance(term, getattr(mm, self.ubermag))


def set_once(part: dict[str, Any], name: str, **fields: Any) -> None:
    """Set Problem fields, refusing a second term of the same kind (never dropped silently)."""
    taken = sorted(set(fields) & set(part))
    if taken:
        raise UnsupportedTerm(f"a second {name} term", "any",
                              f"{taken[0]} is already set; combine them into one term")
    part.update(fields)


def scalar(value: Any, name: str) -> float:
    """One number, or UnsupportedTerm for a spatially varying parameter."""
    if not np.isscalar(value):
        raise UnsupportedTerm(name + " (spatially varying)", "any", "use one value")
    return float(value)


def field_array(value: Any, shape: tuple[int, ...]) -> np.ndarray:
    """A discretisedfield Field, array, or constant as a float array of ``shape``."""
    array = getattr(value, "array", value)
    return np.broadcast_to(np.asarray(array, dtype=float), shape).copy()


def unit(vector: Any) -> np.ndarray:
    """``vector`` normalised to length 1."""
    v = np.asarray(vector, dtype=float)
    return v / np.linalg.norm(v)
