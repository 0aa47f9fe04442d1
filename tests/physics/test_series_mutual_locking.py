"""Two vortex oscillators in series with a load lock as the circuit's K predicts: a short
version of benchmarks/mutual_locking.py (docs/mutual_locking.md) on the crossed analyzer,
against the compact model that benchmark calibrated (stored in data/)."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

from compact.locking import fit_mutual
from compact.model import AutoOscillator
from compact.observables import complex_amplitude
from micromag.engines.builtin.engine import BuiltinEngine
from micromag.engines.builtin.series import run_series, turned
from micromag.engines.runspec import RunSpec
from multiscale.schemas import load_chain_config
from network.circuit import coupling_matrix
from network.simulator import simulate

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = json.loads((Path(__file__).parent / "data" /
                        "circuit_vortex_crossed_model.json").read_text())
J0, LOAD, DT = 1.8e11, 50.0, 50e-12  # A/m^2, Ω, s
FREE, PAIR, SETTLE = 50e-9, 40e-9, 5e-9  # s


@pytest.mark.slow
def test_two_devices_in_series_lock_as_the_circuit_predicts():
    """Two copies of one steady orbit a quarter period apart (either way) in series with 50 Ω:
    the phase difference moves towards anti-phase at the rate Adler's equation gives with
    the circuit's K. The benchmark (six 100 ns pairs) measured the micromagnetic half-width
    1.15 times the compact one (1.65 ± 0.04 against 1.44 MHz, docs/mutual_locking.md); these
    40 ns runs read it higher (1.79 ± 0.10 MHz, 1.25 times: short runs overweight the fast
    start of the pull). The ratio must stay between 1.0 (the compact model under-predicts in
    every run made) and 1.5 (1.25 + 3 standard errors of this fit), and both pairs lock
    anti-phase."""
    device = load_chain_config(ROOT / "examples" / "circuit_vortex.toml").device
    device = dataclasses.replace(device, reference=(0.0, math.sqrt(3) / 2, 0.5))
    engine = BuiltinEngine()
    relaxed = engine.relax(device)
    free = engine.run(device, RunSpec(current_density=J0, duration=FREE, sampling_interval=DT,
                                      initial_state=relaxed, record_final=True))
    state = free.m_final.values[0]
    current = J0 * device.area
    model = AutoOscillator.from_dict(REFERENCE["model"])
    k = coupling_matrix([current] * 2, [model.resistance] * 2,
                        [model.resistance_coefficient] * 2,
                        [model.input_coupling("rf_current")] * 2, LOAD)
    start = int(round(SETTLE / DT))
    smoothing = round(1 / (float(model.frequency(current)) * DT))
    micromag, compact = [], []
    for quarter_turns in (1, 3):
        pair = run_series([device, device], current, PAIR, DT, load_resistance=LOAD,
                          initial_states=[state, turned(state, quarter_turns)])
        c1, c2 = (complex_amplitude(ds, "vortex").values[0] for ds in pair.datasets)
        micromag.append((c1[start:], c2[start:], 0.0))
        response = simulate([model, model], [current] * 2, np.zeros((1, 0)), np.zeros(0),
                            coupling=k, duration=PAIR, readout_window=PAIR - SETTLE,
                            step=0.01e-9, trace_interval=DT, pairs=False,
                            initial_phase=[-np.angle(c1[0]), -np.angle(c2[0])])
        phi = response.trace_phase[0]  # -arg c, from t = DT on
        compact.append((np.exp(-1j * phi[0])[start - 1:], np.exp(-1j * phi[1])[start - 1:], 0.0))
    measured = fit_mutual(micromag, DT, smoothing)
    predicted = fit_mutual(compact, DT, smoothing)
    assert predicted.half_width == pytest.approx(REFERENCE["compact_half_width_Hz"], rel=0.1)
    assert 1.0 < measured.half_width / predicted.half_width < 1.5
    for fit in (measured, predicted):
        assert abs(np.angle(np.exp(1j * (fit.phase - math.pi)))) < 0.4  # anti-phase
