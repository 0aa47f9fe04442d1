"""micromag.drives: validation, the waveform, the strip line's field, phases, the signal."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from micromag.drives import (
    CurrentSignal,
    CurrentWaveform,
    RFCurrent,
    RFField,
    StripLine,
    current_signal,
    drive_from_dict,
    field_drive,
)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: RFCurrent(amplitude=1e10, frequency=0.0), "RFCurrent.frequency = 0.0: must be > 0 Hz"),
    (lambda: RFCurrent(amplitude=math.nan, frequency=1e9), "RFCurrent.amplitude = nan"),
    (lambda: RFCurrent(amplitude=1e10, frequency=1e9, phase="x"), "RFCurrent.phase = 'x'"),
    (lambda: RFField(amplitude=1e3, frequency=-1e9), "RFField.frequency = -1000000000.0"),
    (lambda: RFField(amplitude=1e3, frequency=1e9, direction=(0, 0, 0)),
     r"RFField.direction = \(0, 0, 0\): must be a non-zero 3-vector"),
    (lambda: RFField(amplitude=1e3, frequency=1e9, direction=(0, 0, 1),
                     strip_line=StripLine(100e-9, 30e-9)),
     r"RFField.direction = \(0, 0, 1\): must be in the film plane"),
    (lambda: CurrentWaveform(values=(1e10,), step=1e-12), "CurrentWaveform.values = '<1 values>'"),
    (lambda: CurrentWaveform(values=(1e10, math.inf), step=1e-12), "CurrentWaveform.values"),
    (lambda: CurrentWaveform(values=(1e10, 2e10), step=-1e-12),
     "CurrentWaveform.step = -1e-12: must be > 0 s"),
    (lambda: CurrentWaveform(values=(1e10, 2e10), step=1e-12, start=math.inf),
     "CurrentWaveform.start = inf"),
    (lambda: StripLine(width=0.0, height=30e-9), "StripLine.width = 0.0: must be > 0 m"),
    (lambda: StripLine(width=1e-7, height=-1.0), "StripLine.height = -1.0"),
    (lambda: drive_from_dict({"kind": "laser"}), "drive kind = 'laser': allowed are"),
    (lambda: drive_from_dict({"kind": "rf_current", "amplitude": 1.0, "frequency": 1e9,
                              "colour": "red"}), "drive of kind 'rf_current'.*colour"),
])
def test_validation_errors_name_the_key_and_the_value(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_at_most_one_drive_of_each_kind():
    with pytest.raises(ValueError, match="2 RFCurrent drives"):
        current_signal(1e10, (RFCurrent(1e9, 1e9), RFCurrent(2e9, 2e9)))
    with pytest.raises(ValueError, match="2 RFField drives"):
        field_drive((RFField(1e3, 1e9), RFField(1e3, 2e9)))
    assert current_signal(1e10, (RFField(1e3, 1e9),)) is None
    assert field_drive((RFCurrent(1e9, 1e9),)) is None


def test_waveform_interpolates_linearly_and_holds_its_ends():
    w = CurrentWaveform(values=(1.0, 3.0, -1.0), step=2e-9, start=1e-9)
    assert w(0.0) == 1.0 and w(1e-9) == 1.0  # before the start: the first value
    assert w(2e-9) == pytest.approx(2.0, rel=1e-12)
    assert w(3e-9) == pytest.approx(3.0, rel=1e-12)
    assert w(4.5e-9) == pytest.approx(0.0, abs=1e-12)
    assert w(5e-9) == -1.0 and w(1.0) == -1.0  # after the last sample: the last value
    step = CurrentWaveform.step_function(1e10, 3e10, at=0.5e-9, rise_time=10e-12)
    assert step(0.4e-9) == 1e10 and step(0.6e-9) == 3e10
    assert step(0.505e-9) == pytest.approx(2e10, rel=1e-9)
    assert isinstance(w.values, tuple) and w.values == (1.0, 3.0, -1.0)


def test_strip_line_limits():
    wide = StripLine(width=10e-6, height=10e-9)  # h << w: the field of an infinite sheet
    assert wide.field_per_ampere() == pytest.approx(1 / (2 * wide.width), rel=1e-2)
    line = StripLine(width=200e-9, height=50e-9)
    assert line.field_per_ampere() == pytest.approx(
        math.atan(line.width / (2 * line.height)) / (math.pi * line.width), rel=1e-14)
    along, normal = line.pattern(np.array([0.0, 30e-9, -30e-9]))
    assert along[0] == 1.0 and normal[0] == 0.0  # by symmetry H_z = 0 on the axis
    assert along[1] == pytest.approx(along[2], rel=1e-14)  # H_u even, H_z odd in s
    assert normal[1] == pytest.approx(-normal[2], rel=1e-14) and normal[1] > 0


def _sheet_field(point, u, width, height, current):
    """Biot-Savart of the sheet: wires at x' u + height z (|x'| < w/2), each carrying
    (I/w) dx' along u x z; H at ``point`` (A/m), numerically."""
    direction = np.cross(u, (0.0, 0.0, 1.0))
    k = current / width

    def component(i):
        def integrand(xp):
            r = np.asarray(point) - (xp * np.asarray(u) + np.array([0.0, 0.0, height]))
            r = r - np.dot(r, direction) * direction  # distance to the infinite wire
            return (k / (2 * math.pi) * np.cross(direction, r) / np.dot(r, r))[i]
        return quad(integrand, -width / 2, width / 2, epsabs=1e-9, epsrel=1e-11, limit=200)[0]

    return np.array([component(i) for i in range(3)])


def test_strip_line_field_matches_a_biot_savart_integral():
    line = StripLine(width=150e-9, height=40e-9)
    u = np.array([0.6, 0.8, 0.0])
    current = 2e-3  # A
    rf = RFField(amplitude=current * line.field_per_ampere(), frequency=1e9,
                 direction=tuple(u), strip_line=line)
    x = np.array([-50e-9, 0.0, 35e-9])
    y = np.array([-20e-9, 0.0, 45e-9])
    z = np.array([0.0])
    field = rf.field(x, y, z)
    assert field.shape == (3, 3, 1, 3)
    for i, j in [(0, 0), (1, 1), (2, 2), (0, 2), (2, 0)]:
        expected = _sheet_field((x[i], y[j], 0.0), u, line.width, line.height, current)
        np.testing.assert_allclose(field[i, j, 0], expected, rtol=1e-9,
                                   atol=1e-9 * np.abs(expected).max())
    assert field[1, 1, 0] == pytest.approx(rf.amplitude * u, rel=1e-12)  # H_rf on the axis
    uniform = RFField(amplitude=5e2, frequency=1e9, direction=(0, 2, 0)).field(x, y, z)
    np.testing.assert_array_equal(uniform, np.broadcast_to([0.0, 5e2, 0.0], uniform.shape))


@pytest.mark.parametrize("phase", [0.0, 0.7, -2.5, math.pi])
def test_rf_field_t0_reproduces_the_phase(phase):
    rf = RFField(amplitude=1e3, frequency=1.7e9, phase=phase)
    t = np.linspace(0, 3e-9, 41)
    np.testing.assert_allclose(np.sin(2 * np.pi * rf.frequency * (t - rf.t0())),
                               np.cos(2 * np.pi * rf.frequency * t + phase), atol=1e-12)


def test_current_signal_reference_and_current_density():
    rf = RFCurrent(amplitude=2e10, frequency=1e9, phase=0.5)
    wave = CurrentWaveform(values=(1e10, -4e10, 3e10), step=1e-9)
    dc = current_signal(5e10, (rf,))
    assert dc.reference == 5e10
    only_rf = current_signal(0.0, (rf,))
    assert only_rf.reference == 2e10
    waveform = current_signal(5e10, (wave, rf))  # the waveform replaces J_dc
    assert waveform.reference == 4e10
    assert CurrentSignal().reference == 1.0  # never 0
    for t in (0.0, 0.3e-9, 1.5e-9, 2.7e-9):
        tone = 2e10 * math.cos(2 * math.pi * 1e9 * t + 0.5)
        assert dc.current_density(t) == pytest.approx(5e10 + tone, rel=1e-14)
        assert dc(t) == pytest.approx((5e10 + tone) / 5e10, rel=1e-14)
        assert only_rf(t) * only_rf.reference == pytest.approx(tone, rel=1e-12)
        assert waveform.current_density(t) == pytest.approx(wave(t) + tone, rel=1e-14)
        # da/dt against a central difference (away from the waveform's samples)
        h = 1e-15
        for signal in (dc, waveform):
            numeric = (signal(t + 0.1e-9 + h) - signal(t + 0.1e-9 - h)) / (2 * h)
            assert signal.derivative(t + 0.1e-9) == pytest.approx(numeric, rel=1e-5)
    assert dc.sample_step() == 1e-12
    assert current_signal(5e10, (RFCurrent(1e9, 1e12),)).sample_step() == pytest.approx(1e-14)


def test_drive_from_dict_round_trip():
    drives = [RFCurrent(amplitude=2e10, frequency=1e9, phase=0.5),
              CurrentWaveform(values=(1e10, -4e10, 3e10), step=1e-9, start=0.2e-9),
              RFField(amplitude=1e3, frequency=2e9, phase=-0.3, direction=(0, 1, 0)),
              RFField(amplitude=1e3, frequency=2e9, direction=(1, 1, 0),
                      strip_line=StripLine(width=1e-7, height=3e-8))]
    for drive in drives:
        back = drive_from_dict(drive.to_dict())
        assert back == drive and type(back) is type(drive)
    signal = current_signal(5e10, tuple(drives[:2]))
    assert CurrentSignal.from_dict(signal.to_dict()) == signal
    import json

    assert CurrentSignal.from_dict(json.loads(json.dumps(signal.to_dict()))) == signal
