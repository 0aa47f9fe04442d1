"""OOMMF's translation of the drives, checked on the MIF text without running OOMMF.

The Tcl procedures that the MIF carries (the evolver's J_profile, the Oersted field's
Oxs_TransformZeeman script) are evaluated with Python's Tcl interpreter and compared with
:class:`micromag.drives.CurrentSignal`.
"""

from __future__ import annotations

import re

import pytest

from micromag.devices import VortexSTNO
from micromag.drives import CurrentWaveform, RFCurrent, RFField, StripLine, current_signal
from micromag.engines import RunSpec
from micromag.engines.oommf import CURRENT_PROC, OERSTED_PROC, OOMMFEngine

pytest.importorskip("oommfc")

DEVICE = VortexSTNO(diameter=40e-9, thickness=5e-9, cell_size=5e-9)
J_DC = 5e10
SIGNALS = {
    "rf_tone": (RFCurrent(amplitude=2e10, frequency=1.1e9, phase=0.3),),
    "waveform": (CurrentWaveform(values=(1e10, 6e10, -2e10, 4e10), step=0.3e-9, start=0.1e-9),),
    "waveform_and_tone": (CurrentWaveform(values=(1e10, 6e10, -2e10), step=0.25e-9),
                          RFCurrent(amplitude=1e10, frequency=2.3e9, phase=-1.0)),
}
TIMES = (0.0, 0.05e-9, 0.1e-9, 0.25e-9, 0.4e-9, 0.55e-9, 0.77e-9, 1.3e-9, 3e-9)


def _mif(tmp_path, spec: RunSpec, device=DEVICE) -> str:
    return OOMMFEngine().write_mif(device, spec, tmp_path).read_text()


def _proc(mif: str, name: str) -> str:
    """The text of ``proc name`` in the MIF."""
    found = re.search(rf"^proc {name} \{{ total_time \}} \{{\n.*?^\}}$", mif, re.M | re.S)
    assert found, f"no proc {name} in the MIF"
    return found.group(0)


def _tcl():
    try:
        import tkinter

        return tkinter.Tcl()
    except Exception as error:  # noqa: BLE001 - no Tcl in this Python: say why
        pytest.skip(f"Python's Tcl interpreter (tkinter) is not usable here: {error}")


@pytest.mark.parametrize("case", sorted(SIGNALS))
def test_current_signal_becomes_exact_tcl(case, tmp_path):
    """J_profile and the Oersted TransformZeeman script give a(t), da/dt of the
    CurrentSignal to 1e-12 relative (no sampling); no oommfc TimeFunction table."""
    drives = SIGNALS[case]
    spec = RunSpec(current_density=J_DC, duration=0.1e-9, sampling_interval=10e-12,
                   drives=drives)
    signal = current_signal(J_DC, drives)
    mif = _mif(tmp_path, spec)
    assert "proc TimeFunction " not in mif  # oommfc's sampled table of func is not used
    assert f"J_profile {CURRENT_PROC}" in mif and "J_profile_args total_time" in mif
    assert f"J {signal.reference}" in mif
    zeeman = re.search(r"Specify Oxs_TransformZeeman:oersted \{\n(.*?)\n\}", mif, re.S)
    assert zeeman, "no Oxs_TransformZeeman:oersted"
    for line in (f"script {OERSTED_PROC}", "type diagonal", "script_args total_time",
                 "field oersted_H"):
        assert line in zeeman.group(1)
    assert "Oxs_FixedZeeman" not in mif  # the Oersted field is not in a static term
    tcl = _tcl()
    tcl.eval(_proc(mif, CURRENT_PROC))
    tcl.eval(_proc(mif, OERSTED_PROC))
    for t in TIMES:
        a = float(tcl.eval(f"{CURRENT_PROC} {t!r}"))
        assert a == pytest.approx(signal(t), rel=1e-12, abs=1e-15), t
        values = [float(v) for v in tcl.eval(f"{OERSTED_PROC} {t!r}").split()]
        assert len(values) == 6
        for value in values[:3]:
            assert value == pytest.approx(signal(t), rel=1e-12, abs=1e-15), t
        for value in values[3:]:
            assert value == pytest.approx(signal.derivative(t), rel=1e-12, abs=1e-3), t


def test_rf_field_is_oommfcs_transform_zeeman_beside_the_static_field(tmp_path):
    """An RF field (strip line) is oommfc's sin TransformZeeman of a spatial field; a DC
    current's Oersted field joins the static bias in one FixedZeeman."""
    device = VortexSTNO(diameter=40e-9, thickness=5e-9, cell_size=5e-9,
                        bias_field=(0.0, 0.0, 1e4))
    rf = RFField(amplitude=1e3, frequency=1e9, phase=0.4,
                 strip_line=StripLine(width=100e-9, height=30e-9))
    spec = RunSpec(current_density=J_DC, duration=0.1e-9, sampling_interval=10e-12,
                   drives=(rf,))
    mif = _mif(tmp_path, spec, device)
    assert "Specify Oxs_TransformZeeman:rf_field {" in mif and "field rf_field_H" in mif
    assert f"set tt [expr {{ $total_time - {rf.t0()} }}]" in mif
    assert "Specify Oxs_FixedZeeman:zeeman {" in mif
    assert "oersted" not in mif and "J_profile" not in mif
    assert "Oxs_SpinXferEvolve:evolver" in mif and f"J {J_DC}" in mif


def test_constant_current_keeps_the_static_oersted_field(tmp_path):
    spec = RunSpec(current_density=J_DC, duration=0.1e-9, sampling_interval=10e-12)
    mif = _mif(tmp_path, spec)
    assert "Specify Oxs_FixedZeeman:oersted {" in mif
    assert "TransformZeeman" not in mif and "J_profile" not in mif


def test_thermal_run_mif_is_seeded(tmp_path):
    spec = RunSpec(current_density=J_DC, duration=0.1e-9, sampling_interval=10e-12,
                   temperature=300.0, seed=11, thermal_time_step=1e-12,
                   drives=SIGNALS["rf_tone"])
    mif = _mif(tmp_path, spec)
    assert mif.startswith("# MIF 2.2\n\nRandomSeed 11\n")
    assert "Xf_ThermSpinXferEvolve:evolver" in mif and f"J_profile {CURRENT_PROC}" in mif
