"""Time-dependent drives of a device: RF current, sampled current waveform, RF field.

A run is driven by a DC current density J_dc (``RunSpec.current_density``) plus any of

- :class:`RFCurrent`: J(t) = J_dc + J_rf cos(2 pi f t + phi) through the pillar; the
  Slonczewski torque and the Oersted field both follow J(t);
- :class:`CurrentWaveform`: J(t) sampled every ``step`` (linear interpolation between samples,
  the last value held after the end), replacing J_dc: reservoir inputs and current steps;
- :class:`RFField`: H(t) = H_rf u cos(2 pi f t + phi), uniform or the field of a
  :class:`StripLine` above the pillar (H_rf is then the in-plane field at the pillar axis).

:func:`current_signal` turns J_dc and the current drives into one :class:`CurrentSignal`
a(t) = J(t) / J_ref, the multiplier that Ubermag's ``mm.Slonczewski(J=J_ref, func=a, dt=...)``
carries (:meth:`micromag.devices.VortexSTNO.system`); an RF field becomes a second, named
``mm.Zeeman`` with Ubermag's ``func='sin'`` profile and a spatial field. Every engine reads them
through :mod:`micromag.engines.terms`. This module depends on numpy only (the magnum.np worker
process imports it).

Units: A/m^2 (current density), A/m (field), Hz, rad, s, m.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "CurrentSignal",
    "CurrentWaveform",
    "RFCurrent",
    "RFField",
    "StripLine",
    "current_signal",
    "drive_from_dict",
    "field_drive",
]


def _bad(owner: str, key: str, value: Any, allowed: str) -> ValueError:
    return ValueError(f"{owner}.{key} = {value!r}: must be {allowed}")


def _finite(owner: str, key: str, value: Any, allowed: str = "a finite number") -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _bad(owner, key, value, allowed) from None
    if not math.isfinite(number):
        raise _bad(owner, key, value, allowed)
    return number


def _check_tone(owner: str, amplitude: float, frequency: float, phase: float) -> None:
    _finite(owner, "amplitude", amplitude)
    if not (_finite(owner, "frequency", frequency, "> 0 Hz") > 0):
        raise _bad(owner, "frequency", frequency, "> 0 Hz")
    _finite(owner, "phase", phase, "a finite angle (rad)")


@dataclass(frozen=True)
class RFCurrent:
    """RF current density J_rf cos(2 pi f t + phi) added to the DC current density.

    Parameters
    ----------
    amplitude : float
        J_rf (A/m^2); the RF current is I_rf = J_rf * device.area (A).
    frequency : float
        f (Hz).
    phase : float
        phi (rad).
    """

    amplitude: float
    frequency: float
    phase: float = 0.0
    kind = "rf_current"

    def __post_init__(self) -> None:
        _check_tone("RFCurrent", self.amplitude, self.frequency, self.phase)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "amplitude": float(self.amplitude),
                "frequency": float(self.frequency), "phase": float(self.phase)}


@dataclass(frozen=True)
class CurrentWaveform:
    """A sampled current density J(t) (A/m^2), replacing the DC current density.

    J(start + k step) = ``values[k]``, linear interpolation between samples; before ``start``
    the first value, after the last sample the last value.

    Parameters
    ----------
    values : sequence of float
        J (A/m^2) at the samples; at least two.
    step : float
        Sampling step (s).
    start : float
        Time of the first sample (s).
    """

    values: tuple[float, ...]
    step: float
    start: float = 0.0
    kind = "current_waveform"

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=float).ravel()
        if values.size < 2 or not np.all(np.isfinite(values)):
            raise _bad("CurrentWaveform", "values", f"<{values.size} values>",
                       "at least two finite current densities (A/m^2)")
        object.__setattr__(self, "values", tuple(float(v) for v in values))
        if not (_finite("CurrentWaveform", "step", self.step, "> 0 s") > 0):
            raise _bad("CurrentWaveform", "step", self.step, "> 0 s")
        _finite("CurrentWaveform", "start", self.start, "a finite time (s)")

    @classmethod
    def step_function(cls, before: float, after: float, at: float,
                      rise_time: float = 1e-12) -> CurrentWaveform:
        """A current step from ``before`` to ``after`` (A/m^2) at time ``at`` (s), rising
        linearly over ``rise_time`` (s)."""
        return cls(values=(before, after), step=rise_time, start=at)

    def __call__(self, t: float) -> float:
        """J(t) (A/m^2)."""
        k = (t - self.start) / self.step
        values = self.values
        if k <= 0:
            return values[0]
        if k >= len(values) - 1:
            return values[-1]
        i = int(k)
        return values[i] + (k - i) * (values[i + 1] - values[i])

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": list(self.values), "step": float(self.step),
                "start": float(self.start)}


@dataclass(frozen=True)
class StripLine:
    """A thin, wide strip line above the pillar, its current I across the direction u.

    Model: an infinitely long current sheet of width ``width`` (surface current K = I/w) in a
    plane at ``height`` above the free layer's mid-plane, centred over the pillar axis,
    carrying I along u x z so that its field below the strip points along +u. At a point
    displaced by s along u in the free layer (Biot-Savart of the sheet):

        H_u(s) = K/(2 pi) [atan((s + w/2)/h) - atan((s - w/2)/h)]
        H_z(s) = K/(4 pi) ln[((s + w/2)^2 + h^2) / ((s - w/2)^2 + h^2)]

    so H_u(0) = (I/(pi w)) atan(w/(2h)), -> I/(2w) for h << w. The return path is far away.
    """

    width: float
    height: float

    def __post_init__(self) -> None:
        for key in ("width", "height"):
            value = getattr(self, key)
            if not (_finite("StripLine", key, value, "> 0 m") > 0):
                raise _bad("StripLine", key, value, "> 0 m")

    def field_per_ampere(self) -> float:
        """In-plane field at the pillar axis per ampere of strip current (A/m per A)."""
        return math.atan(self.width / (2 * self.height)) / (math.pi * self.width)

    def pattern(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(H_u, H_z) at displacements ``s`` (m) along u, normalised to H_u(0) = 1."""
        half, h = self.width / 2, self.height
        s = np.asarray(s, dtype=float)
        along = np.arctan((s + half) / h) - np.arctan((s - half) / h)
        normal = 0.5 * np.log(((s + half) ** 2 + h * h) / ((s - half) ** 2 + h * h))
        centre = 2 * math.atan(half / h)
        return along / centre, normal / centre

    def to_dict(self) -> dict[str, Any]:
        return {"width": float(self.width), "height": float(self.height)}


@dataclass(frozen=True)
class RFField:
    """RF magnetic field H_rf u cos(2 pi f t + phi).

    Parameters
    ----------
    amplitude : float
        H_rf (A/m): the field along u, uniform, or at the pillar axis for a strip line.
    frequency, phase : float
        f (Hz), phi (rad).
    direction : (3,)
        u; for a strip line it must lie in the film plane (z = 0).
    strip_line : StripLine, optional
        None: a uniform field.
    """

    amplitude: float
    frequency: float
    phase: float = 0.0
    direction: tuple[float, float, float] = (1.0, 0.0, 0.0)
    strip_line: StripLine | None = None
    kind = "rf_field"

    def __post_init__(self) -> None:
        _check_tone("RFField", self.amplitude, self.frequency, self.phase)
        u = np.asarray(self.direction, dtype=float).ravel()
        if u.shape != (3,) or not np.all(np.isfinite(u)) or math.hypot(*u) == 0:
            raise _bad("RFField", "direction", self.direction, "a non-zero 3-vector")
        norm = math.hypot(*u)  # not np.linalg.norm: its squares overflow beyond ~1e154
        if abs(norm - 1.0) > 1e-12:  # a unit vector is kept as given: to_dict round-trips
            u = u / norm
        if self.strip_line is not None and abs(u[2]) > 1e-12:
            raise _bad("RFField", "direction", self.direction,
                       "in the film plane (z = 0) for a strip line")
        object.__setattr__(self, "direction", tuple(float(v) for v in u))

    def field(self, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Peak field H_rf times the spatial pattern at the cell centres (A/m),
        ``(nx, ny, nz, 3)`` from 1-D coordinates measured from the pillar axis."""
        shape = (x.size, y.size, z.size)
        u = np.asarray(self.direction)
        out = np.zeros((*shape, 3))
        if self.strip_line is None:
            out[...] = self.amplitude * u
            return out
        s = x[:, None, None] * u[0] + y[None, :, None] * u[1] + 0.0 * z[None, None, :]
        along, normal = self.strip_line.pattern(s)
        out[...] = self.amplitude * along[..., None] * u
        out[..., 2] += self.amplitude * normal
        return out

    def t0(self) -> float:
        """Ubermag's shift t0 (s) of func='sin': cos(2 pi f t + phi) = sin(2 pi f (t - t0))."""
        return -(self.phase + math.pi / 2) / (2 * math.pi * self.frequency)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "amplitude": float(self.amplitude),
                "frequency": float(self.frequency), "phase": float(self.phase),
                "direction": list(self.direction),
                "strip_line": None if self.strip_line is None else self.strip_line.to_dict()}


@dataclass(frozen=True)
class CurrentSignal:
    """J(t) = J_ref a(t): a DC part, an optional RF tone and an optional sampled waveform.

    Called with t (s) it returns the dimensionless multiplier a(t) of ``reference`` (A/m^2),
    the form Ubermag's ``mm.Slonczewski(J, func, dt)`` takes; :meth:`current_density` gives
    J(t) itself.
    """

    dc: float = 0.0
    rf: RFCurrent | None = None
    waveform: CurrentWaveform | None = None

    @property
    def reference(self) -> float:
        """J_ref (A/m^2): J_dc, or for a waveform/RF-only signal its largest |J|; never 0."""
        if self.waveform is None and self.dc != 0.0:
            return float(self.dc)
        base = max(abs(v) for v in self.waveform.values) if self.waveform else 0.0
        return float(max(base, abs(self.rf.amplitude) if self.rf else 0.0) or 1.0)

    def current_density(self, t: float) -> float:
        """J(t) (A/m^2)."""
        j = self.waveform(t) if self.waveform is not None else self.dc
        if self.rf is not None:
            j += self.rf.amplitude * math.cos(2 * math.pi * self.rf.frequency * t
                                              + self.rf.phase)
        return j

    def __call__(self, t: float) -> float:
        return self.current_density(t) / self.reference

    def derivative(self, t: float) -> float:
        """da/dt (1/s) of the multiplier a(t) = J(t)/J_ref.

        The waveform's slope is that of the segment that starts at or before t (the right
        derivative at a sample), 0 before the first and after the last sample.
        """
        dj = 0.0
        if self.waveform is not None:
            w = self.waveform
            k = (t - w.start) / w.step
            if 0 <= k < len(w.values) - 1:
                i = int(k)
                dj = (w.values[i + 1] - w.values[i]) / w.step
        if self.rf is not None:
            omega = 2 * math.pi * self.rf.frequency
            dj -= self.rf.amplitude * omega * math.sin(omega * t + self.rf.phase)
        return dj / self.reference

    def sample_step(self) -> float:
        """A step (s) at which a sample-and-hold engine reproduces the signal: 1/100 of the RF
        period, or the waveform step, at most 1 ps."""
        steps = [1e-12]
        if self.rf is not None:
            steps.append(0.01 / self.rf.frequency)
        if self.waveform is not None:
            steps.append(self.waveform.step)
        return min(steps)

    def to_dict(self) -> dict[str, Any]:
        return {"dc": float(self.dc), "rf": None if self.rf is None else self.rf.to_dict(),
                "waveform": None if self.waveform is None else self.waveform.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CurrentSignal:
        rf, waveform = data.get("rf"), data.get("waveform")
        return cls(dc=float(data.get("dc", 0.0)),
                   rf=None if rf is None else drive_from_dict(rf),
                   waveform=None if waveform is None else drive_from_dict(waveform))

    def _tcl_body(self, derivative: bool) -> list[str]:
        """Tcl lines setting ``j`` = J(t) (and ``dj`` = dJ/dt) from ``$total_time``, the same
        arithmetic in the same order as :meth:`current_density` and :meth:`derivative`."""
        lines = []
        if self.waveform is not None:
            w = self.waveform
            values = " ".join(repr(v) for v in w.values)
            lines += [f"  set values {{ {values} }}",
                      f"  set k [expr {{($total_time - {w.start!r}) / {w.step!r}}}]",
                      "  set last [expr {[llength $values] - 1}]",
                      "  if {$k <= 0} { set j [lindex $values 0]"
                      " } elseif {$k >= $last} { set j [lindex $values $last]"
                      " } else { set i [expr {int($k)}]; set a [lindex $values $i];"
                      " set b [lindex $values [expr {$i + 1}]];"
                      " set j [expr {$a + ($k - $i) * ($b - $a)}] }"]
            if derivative:
                lines += ["  set dj 0.0",
                          "  if {$k >= 0 && $k < $last} { set i [expr {int($k)}];"
                          " set dj [expr {([lindex $values [expr {$i + 1}]]"
                          f" - [lindex $values $i]) / {w.step!r}}}] }}"]
        else:
            lines.append(f"  set j {float(self.dc)!r}")
            if derivative:
                lines.append("  set dj 0.0")
        if self.rf is not None:
            rf = self.rf
            lines.append(f"  set j [expr {{$j + {rf.amplitude!r} * cos(6.283185307179586 * "
                         f"{rf.frequency!r} * $total_time + {rf.phase!r})}}]")
            if derivative:
                lines += [f"  set omega [expr {{6.283185307179586 * {rf.frequency!r}}}]",
                          f"  set dj [expr {{$dj - {rf.amplitude!r} * $omega * "
                          f"sin($omega * $total_time + {rf.phase!r})}}]"]
        return lines

    def tcl_proc(self, name: str) -> str:
        """A Tcl procedure ``name total_time`` returning a(t) exactly (OOMMF's J_profile)."""
        ref = repr(self.reference)
        lines = [f"proc {name} {{ total_time }} {{", *self._tcl_body(derivative=False),
                 f"  return [expr {{$j / {ref}}}]", "}", ""]
        return "\n".join(lines)

    def tcl_transform_proc(self, name: str) -> str:
        """A Tcl procedure ``name total_time`` returning ``a a a da da da``: a(t) and da/dt
        (1/s) exactly, the script of an ``Oxs_TransformZeeman`` of type ``diagonal`` that
        scales a field (the Oersted field at J_ref) by a(t)."""
        ref = repr(self.reference)
        lines = [f"proc {name} {{ total_time }} {{", *self._tcl_body(derivative=True),
                 f"  set a [expr {{$j / {ref}}}]", f"  set da [expr {{$dj / {ref}}}]",
                 "  return [list $a $a $a $da $da $da]", "}", ""]
        return "\n".join(lines)


def current_signal(current_density: float, drives: tuple[Any, ...] = ()) -> CurrentSignal | None:
    """J_dc plus the current drives among ``drives`` as one signal; None if J is constant."""
    rf = [d for d in drives if isinstance(d, RFCurrent)]
    waveforms = [d for d in drives if isinstance(d, CurrentWaveform)]
    for name, found in (("RFCurrent", rf), ("CurrentWaveform", waveforms)):
        if len(found) > 1:
            raise ValueError(f"drives: {len(found)} {name} drives; at most one is allowed "
                             "(sum the tones into one waveform)")
    if not rf and not waveforms:
        return None
    return CurrentSignal(dc=float(current_density), rf=rf[0] if rf else None,
                         waveform=waveforms[0] if waveforms else None)


def field_drive(drives: tuple[Any, ...] = ()) -> RFField | None:
    """The RF field among ``drives`` (at most one), or None."""
    fields = [d for d in drives if isinstance(d, RFField)]
    if len(fields) > 1:
        raise ValueError(f"drives: {len(fields)} RFField drives; at most one is allowed")
    return fields[0] if fields else None


_KINDS = {"rf_current": RFCurrent, "current_waveform": CurrentWaveform, "rf_field": RFField}


def drive_from_dict(data: dict[str, Any]) -> RFCurrent | CurrentWaveform | RFField:
    """A drive from its :meth:`to_dict` form (``kind`` names it)."""
    data = dict(data)
    kind = data.pop("kind", None)
    if kind not in _KINDS:
        raise ValueError(f"drive kind = {kind!r}: allowed are {', '.join(sorted(_KINDS))}")
    if kind == "rf_field" and data.get("strip_line") is not None:
        data["strip_line"] = StripLine(**data["strip_line"])
    if kind == "rf_field" and "direction" in data:
        data["direction"] = tuple(data["direction"])
    if kind == "current_waveform":
        data["values"] = tuple(data["values"])
    try:
        return _KINDS[kind](**data)
    except TypeError as error:
        raise ValueError(f"drive of kind {kind!r}: {error}") from None
