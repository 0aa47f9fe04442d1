"""compact: the auto-oscillator model of a spin-torque oscillator and its calibration.

``AutoOscillator`` is the parameter record (Slavin & Tiberkevich 2009) and
:mod:`compact.rates` the model's rates, written once for numpy and numba; ``simulate`` and
``sweep`` integrate it into the suite's time-series schema; ``observables``,
``fit_calibration`` and the estimator ``AutoOscillatorFit`` calibrate it from any Dataset of
that schema. ``import compact.accessor`` registers the ``ds.stno`` accessor.
"""

from compact.estimator import AutoOscillatorFit
from compact.fit import fit_calibration, model_from_calibration
from compact.model import UNITS, AutoOscillator
from compact.observables import observables
from compact.simulate import simulate, sweep

__all__ = [
    "AutoOscillator",
    "UNITS",
    "simulate",
    "sweep",
    "observables",
    "fit_calibration",
    "model_from_calibration",
    "AutoOscillatorFit",
]
