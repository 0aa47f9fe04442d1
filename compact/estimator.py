"""A scikit-learn-style estimator of the auto-oscillator parameters from time series."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr
from sklearn.base import BaseEstimator

from compact.fit import PARAMETERS, fit_calibration, model_from_calibration
from compact.model import AutoOscillator
from compact.observables import observables
from compact.resistance import with_resistance

__all__ = ["AutoOscillatorFit"]


class AutoOscillatorFit(BaseEstimator):
    """Calibrate an :class:`~compact.model.AutoOscillator` from a time-series Dataset.

    Hyperparameters are those of :func:`compact.observables.observables` and
    :func:`compact.fit.fit_calibration`; ``fit`` returns ``self`` with the fitted attributes
    ending in ``_``.

    Parameters
    ----------
    mode : {"auto-oscillator", "vortex", "uniform"}, optional
        Mapping of the Dataset to the complex amplitude; guessed if None.
    power_floor : float
        Smallest stationary power counted as oscillation (dimensionless).
    settle_tolerance : float
        Relative band around the final power that ends the transient.
    min_steady_fraction : float
        Fraction of the record that must follow the transient.
    max_power_spread : float
        Largest std(p)/mean(p) of the steady power counted as auto-oscillation (thermal
        noise below threshold gives 1).
    fit_df_dI : bool
        Fit the linear current tuning ``df_dI``; False fixes it at 0 (textbook model).
    mode_energy : float, optional
        λ (J) to record when linewidths cannot identify it.

    Attributes
    ----------
    model_ : AutoOscillator
        The fitted model.
    stderr_ : dict
        Standard error of every parameter (units of the parameter).
    covariance_ : xarray.DataArray
        Covariance of the parameters (dims ``parameter``, ``parameter_other``).
    residuals_ : xarray.Dataset
        ``frequency_residual`` (Hz), ``power_residual`` (1), ``relaxation_rate_residual``
        (1/s) over ``current`` (data - fit).
    calibration_ : xarray.Dataset
        The calibration Dataset of DESIGN.md with the fit.
    warnings_ : list of str
        What to know before trusting the fit (:func:`compact.fit.fit_warnings`: a threshold
        extrapolated far below the currents, or poorly fixed; a power that falls as the
        current rises); empty when nothing.
    """

    def __init__(
        self,
        mode: str | None = None,
        power_floor: float = 1e-3,
        settle_tolerance: float = 0.02,
        min_steady_fraction: float = 0.2,
        max_power_spread: float = 0.5,
        fit_df_dI: bool = True,
        mode_energy: float | None = None,
    ) -> None:
        self.mode = mode
        self.power_floor = power_floor
        self.settle_tolerance = settle_tolerance
        self.min_steady_fraction = min_steady_fraction
        self.max_power_spread = max_power_spread
        self.fit_df_dI = fit_df_dI
        self.mode_energy = mode_energy

    def fit(self, ds: xr.Dataset, y=None) -> AutoOscillatorFit:
        """Fit from a time-series Dataset (dims ``current``, ``time``) or from observables."""
        if "time" in ds.dims:
            calibration = observables(
                ds, mode=self.mode, power_floor=self.power_floor,
                settle_tolerance=self.settle_tolerance,
                min_steady_fraction=self.min_steady_fraction,
                max_power_spread=self.max_power_spread,
            )
            calibration = with_resistance(calibration, ds)
        else:
            calibration = ds
        calibration = fit_calibration(calibration, fit_df_dI=self.fit_df_dI,
                                      mode_energy=self.mode_energy)
        self.calibration_ = calibration
        self.model_: AutoOscillator = model_from_calibration(calibration)
        self.stderr_ = {name: float(calibration["stderr"].sel(parameter=name))
                        for name in PARAMETERS}
        self.covariance_ = calibration["covariance"]
        self.warnings_ = json.loads(calibration.attrs.get("warnings", "[]"))
        self.residuals_ = calibration[
            ["frequency_residual", "power_residual", "relaxation_rate_residual"]
        ]
        return self

    def predict(self, current) -> np.ndarray:
        """Generated frequency f(I) of the fitted model (Hz); NaN-free, f0 side below I_th."""
        if not hasattr(self, "model_"):
            raise AttributeError("AutoOscillatorFit: call fit(ds) before predict")
        return self.model_.frequency(current)
