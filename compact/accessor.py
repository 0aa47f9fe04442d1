"""The ``ds.stno`` xarray accessor; importing this module registers it.

>>> import compact.accessor  # noqa: F401
>>> calibration = timeseries.stno.fit()        # doctest: +SKIP
"""

from __future__ import annotations

import xarray as xr

from compact.fit import fit_calibration, model_from_calibration
from compact.model import AutoOscillator
from compact.observables import complex_amplitude, observables
from compact.resistance import with_resistance

__all__ = ["StnoAccessor"]


@xr.register_dataset_accessor("stno")
class StnoAccessor:
    """Oscillator analysis of a time-series or calibration Dataset."""

    def __init__(self, ds: xr.Dataset) -> None:
        self._ds = ds

    def amplitude(self, mode: str | None = None) -> xr.DataArray:
        """Complex amplitude c(current, time); see :func:`compact.observables.complex_amplitude`."""
        return complex_amplitude(self._ds, mode)

    def observables(self, **options) -> xr.Dataset:
        """Calibration observables; options of :func:`compact.observables.observables`."""
        return observables(self._ds, **options)

    def fit(self, *, fit_df_dI: bool = True, mode_energy: float | None = None,
            **options) -> xr.Dataset:
        """Calibration Dataset with the fitted model (``attrs["model"]``), errors, residuals.

        Works on a time-series Dataset (observables are extracted first with ``options``) or
        on a calibration Dataset of observables.
        """
        calibration = (with_resistance(observables(self._ds, **options), self._ds)
                       if "time" in self._ds.dims else self._ds)
        return fit_calibration(calibration, fit_df_dI=fit_df_dI, mode_energy=mode_energy)

    def model(self) -> AutoOscillator:
        """The fitted model of a calibration Dataset."""
        return model_from_calibration(self._ds)
