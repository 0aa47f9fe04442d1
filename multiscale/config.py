"""Typed, frozen configs read from TOML.

A config is a frozen dataclass whose fields are declared with :func:`spec`, which carries the
unit and the allowed range of each value. :func:`parse` builds it from a mapping (a TOML table),
recursing into nested dataclasses, and rejects unknown keys, wrong types, missing keys and
values outside their range with an :class:`~multiscale.errors.InputError` that names the key,
the value and what is allowed. Cross-field checks go in ``__post_init__`` through :func:`fail`.

Example
-------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Material:
...     Ms: float = spec(8e5, unit="A/m", gt=0, help="saturation magnetisation")
>>> parse(Material, {"Ms": -1.0}, where="material")
Traceback (most recent call last):
...
multiscale.errors.InputError: material.Ms = -1.0: must be > 0 (A/m)
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from multiscale.errors import InputError

T = TypeVar("T")

__all__ = ["spec", "parse", "read_toml", "load_toml", "fail", "to_dict", "InputError",
           "CHAIN_SECTIONS", "MAX_TEMPERATURE"]

#: the tables of a chain config (``multiscale run``); a sweep or lock config may hold them too
CHAIN_SECTIONS = ("device", "sweep", "calibration", "plan", "lock", "circuit", "classify")

#: the hottest a device may be in any config (K): above the Curie temperature of every
#: ferromagnet (Co: 1388 K) no device oscillates, and 1e300 K ends in NaN
MAX_TEMPERATURE = 1500.0


def spec(
    default: Any = dataclasses.MISSING,
    *,
    unit: str | None = None,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    choices: typing.Iterable[Any] | None = None,
    help: str = "",
) -> Any:
    """A dataclass field with a unit and the checks :func:`parse` applies.

    Parameters
    ----------
    default
        Default value; omit for a required key. Lists are copied per instance.
    unit
        SI unit shown in messages and docs.
    gt, ge, lt, le
        Bounds (strict / inclusive) for numbers, applied element-wise to lists.
    choices
        Allowed values.
    help
        One line for documentation.
    """
    metadata = {
        "unit": unit,
        "gt": gt,
        "ge": ge,
        "lt": lt,
        "le": le,
        "choices": tuple(choices) if choices is not None else None,
        "help": help,
    }
    if isinstance(default, list | dict):
        value = default
        return dataclasses.field(
            default_factory=lambda: type(value)(value), metadata=metadata
        )
    return dataclasses.field(default=default, metadata=metadata)


def fail(key: str, value: Any, allowed: str) -> typing.NoReturn:
    """Raise the standard message ``key = value: allowed``."""
    raise InputError(f"{key} = {value!r}: {allowed}")


def read_toml(path: str | Path) -> dict:
    """The tables of a TOML file; InputError when it is missing, a folder, unreadable, not
    UTF-8 text or not valid TOML."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"config file {str(path)!r} is a directory; give a TOML file")
    if not path.is_file():
        raise InputError(f"config file {str(path)!r} does not exist")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"config file {str(path)!r} is not UTF-8 text (TOML files are UTF-8): "
                         f"byte {error.object[error.start]:#04x} at position {error.start}"
                         ) from None
    except OSError as error:
        raise InputError(f"config file {str(path)!r} cannot be read ({error.strerror or error})"
                         ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"config file {str(path)!r} is not valid TOML: {error}") from None


def load_toml(path: str | Path, cls: type[T], where: str = "") -> T:
    """Read a TOML file into the dataclass ``cls``."""
    return parse(cls, read_toml(path), where=where)


def parse(cls: type[T], mapping: Any, where: str = "") -> T:
    """Build the frozen dataclass ``cls`` from ``mapping``, checking every key.

    ``where`` is the dotted path of ``mapping`` in the whole config, used in messages.
    """
    if not isinstance(mapping, dict):
        fail(where or cls.__name__, mapping, f"must be a table of {cls.__name__} keys")
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(mapping) - set(fields))
    if unknown:
        key = _join(where, unknown[0])
        fail(key, mapping[unknown[0]], f"unknown key; allowed keys here: {sorted(fields)}")
    values = {}
    for name, field in fields.items():
        key = _join(where, name)
        if name not in mapping:
            required = field.default is dataclasses.MISSING
            if required and field.default_factory is dataclasses.MISSING:
                raise InputError(f"{key}: required key is missing ({_describe(field)})")
            continue
        value = _coerce(hints[name], mapping[name], key)
        _check(field, value, key)
        values[name] = value
    try:
        return cls(**values)
    except InputError:
        raise
    except (ValueError, TypeError) as error:  # domain validation in __post_init__
        raise InputError(f"{where or cls.__name__}: {error}") from None


def to_dict(config: Any) -> Any:
    """The plain-data form of a config (for hashing and info.json)."""
    if dataclasses.is_dataclass(config):
        return {f.name: to_dict(getattr(config, f.name)) for f in dataclasses.fields(config)}
    if isinstance(config, list | tuple):
        return [to_dict(item) for item in config]
    if isinstance(config, dict):
        return {str(k): to_dict(v) for k, v in config.items()}
    return config


# ---------------------------------------------------------------------------- internals
def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _describe(field: dataclasses.Field) -> str:
    meta = field.metadata
    parts = [meta.get("help") or field.name]
    if meta.get("unit"):
        parts.append(f"in {meta['unit']}")
    return ", ".join(parts)


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(tp))
    if origin in (list, tuple):
        args = get_args(tp)
        if _fixed_length(tp):
            return f"a list of {len(args)} items, each {_type_name(args[0])}"
        return f"a list of {_type_name(args[0])}" if args else "a list"
    if origin is dict:
        return "a table"
    if tp is type(None):
        return "nothing"
    if tp is float:
        return "a number"
    if tp is int:
        return "an integer"
    if tp is str:
        return "a string"
    if tp is bool:
        return "true or false"
    if dataclasses.is_dataclass(tp):
        return f"a table of {tp.__name__} keys"
    return getattr(tp, "__name__", str(tp))


def _fixed_length(tp: Any) -> bool:
    """A tuple type of a fixed number of items (``tuple[float, float, float]``)."""
    args = get_args(tp)
    return get_origin(tp) is tuple and bool(args) and args[-1] is not Ellipsis


def _coerce(tp: Any, value: Any, key: str) -> Any:
    if tp is Any:
        return value
    if tp is dict:
        tp = dict[str, Any]
    elif tp is list:
        tp = list[Any]
    origin = get_origin(tp)
    if origin is Literal:
        if value in get_args(tp) and not isinstance(value, bool):
            return value
        fail(key, value, f"must be {_type_name(tp)}")
    if origin in (typing.Union, types.UnionType):
        for arg in get_args(tp):
            if arg is type(None):
                continue
            try:
                return _coerce(arg, value, key)
            except InputError:
                pass
        fail(key, value, f"must be {_type_name(tp)}")
    if origin in (list, tuple):
        if not isinstance(value, list) or (_fixed_length(tp) and len(value) != len(get_args(tp))):
            fail(key, value, f"must be {_type_name(tp)}")
        args = get_args(tp)
        item_type = args[0] if args else Any
        items = [_coerce(item_type, item, f"{key}[{i}]") for i, item in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            fail(key, value, "must be a table")
        return dict(value)
    if dataclasses.is_dataclass(tp):
        return parse(tp, value, where=key)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            fail(key, value, "must be a number")
        if not math.isfinite(value):
            fail(key, value, "must be finite")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            fail(key, value, "must be an integer")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            fail(key, value, "must be true or false")
        return value
    if tp is str:
        if not isinstance(value, str):
            fail(key, value, "must be a string")
        return value
    if tp is Path:
        if not isinstance(value, str):
            fail(key, value, "must be a path string")
        return Path(value)
    raise TypeError(f"config type {tp!r} of {key} is not supported")


def _check(field: dataclasses.Field, value: Any, key: str) -> None:
    meta = field.metadata
    if not meta:
        return
    unit = f" ({meta['unit']})" if meta.get("unit") else ""
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        fail(key, value, f"must be one of {list(choices)}")
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        if not isinstance(item, int | float) or isinstance(item, bool):
            continue
        for bound, test, word in (
            ("gt", lambda x, b: x > b, ">"),
            ("ge", lambda x, b: x >= b, ">="),
            ("lt", lambda x, b: x < b, "<"),
            ("le", lambda x, b: x <= b, "<="),
        ):
            limit = meta.get(bound)
            if limit is not None and not test(item, limit):
                fail(key, value, f"must be {word} {limit:g}{unit}")
