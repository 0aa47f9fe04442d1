"""``multiscale calibrate``: fit the auto-oscillator model to a time-series Dataset."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = ("fit the auto-oscillator model (f0, N, df_dI, gamma_g, Q, I_th) to a time-series "
        "Dataset (netCDF) of a current sweep")

MODES = ("auto-oscillator", "vortex", "uniform")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("timeseries", metavar="TIMESERIES.nc",
                        help="time-series Dataset (dims current, time; mx, my, mz or core_x, "
                             "core_y)")
    parser.add_argument("--out", metavar="DIR", default="calibrate",
                        help="output folder (default: ./calibrate)")
    parser.add_argument("--mode", choices=MODES, default=None,
                        help="mapping to the complex amplitude (default: from the Dataset)")
    parser.add_argument("--power-floor", type=float, default=1e-3, metavar="P",
                        help="smallest stationary power counted as oscillation (default 1e-3)")
    parser.add_argument("--no-df-dI", dest="fit_df_dI", action="store_false",
                        help="fix df_dI = 0 (textbook model) instead of fitting it")


def _load(path: Path):
    import xarray as xr

    from multiscale.errors import InputError

    if not path.is_file():
        raise InputError(f"TIMESERIES.nc = {str(path)!r}: no such file")
    try:
        return xr.load_dataset(path, engine="h5netcdf")
    except Exception as first:  # noqa: BLE001 - any reader failure is a bad input file
        try:
            return xr.load_dataset(path)
        except Exception:  # noqa: BLE001
            raise InputError(
                f"TIMESERIES.nc = {str(path)!r}: not a readable netCDF Dataset ({first})"
            ) from first


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run(args: argparse.Namespace) -> int:
    from compact.estimator import AutoOscillatorFit
    from multiscale.cli import print_figures
    from multiscale.errors import InputError
    from multiscale.figures import plot_calibration
    from multiscale.store import drawn, output_folder, record_run, write_dataset

    source = Path(args.timeseries)
    if not (0 < args.power_floor < 1):
        raise InputError(f"--power-floor = {args.power_floor!r}: must be > 0 and < 1 (the "
                         "power p = |c|^2 of the normalised amplitude is below 1)")
    ds = _load(source)
    seed = ds.attrs.get("seed")
    if seed is not None:
        try:
            seed = int(seed)
        except (TypeError, ValueError):
            raise InputError(f"{source}: attribute seed = {seed!r}: must be an integer (the "
                             "seed of the run that made the time series)") from None
    out = output_folder(args.out)  # after the checks: a refused input leaves no folder
    inputs = {"kind": "calibrate", "timeseries": str(source.resolve()),
              "timeseries_sha256": _sha256(source), "mode": args.mode,
              "power_floor": args.power_floor, "fit_df_dI": args.fit_df_dI}
    with record_run(out, inputs, seed=seed) as record:
        try:
            estimator = AutoOscillatorFit(mode=args.mode, power_floor=args.power_floor,
                                          fit_df_dI=args.fit_df_dI).fit(ds)
        except ValueError as error:  # the library's messages name what is wrong
            raise InputError(f"{source}: {error}") from error
        calibration = estimator.calibration_
        calibration.attrs["source_path"] = str(source.resolve())
        model = estimator.model_
        write_dataset(calibration, out / "calibration.nc")
        model.to_json(out / "model.json")
        warning = drawn(lambda: plot_calibration(calibration, out / "calibration.png"),
                        "calibration.png")
        figures = {"f0_Hz": model.f0, "N_Hz": model.N, "I_th_A": model.I_th, "Q": model.Q,
                   "gamma_g_per_s": model.gamma_g, "df_dI_Hz_per_A": model.df_dI}
        record.note(figures=figures, stderr=estimator.stderr_, warnings=estimator.warnings_,
                    files=["calibration.nc", "model.json"] + ([] if warning else
                                                              ["calibration.png"]),
                    figure_warnings=[warning] if warning else [])
    for text in estimator.warnings_:
        print(f"warning: calibration: {text}", file=sys.stderr)
    cal = calibration
    print(f"calibrated {source} ({cal.attrs['mode']} mapping): "
          f"{cal.attrs['n_oscillating']} of {cal.sizes['current']} currents oscillate")
    for name, value in figures.items():
        key = {"f0_Hz": "f0", "N_Hz": "N", "I_th_A": "I_th", "Q": "Q",
               "gamma_g_per_s": "gamma_g", "df_dI_Hz_per_A": "df_dI"}[name]
        print(f"  {name:16s} {value: .6g} ± {estimator.stderr_[key]:.2g}")
    print(f"wrote {out / 'calibration.nc'}, {out / 'model.json'}, {out / 'calibration.png'}")
    print_figures(**figures)
    return 0
