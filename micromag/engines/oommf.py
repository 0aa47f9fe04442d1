"""OOMMF engine through oommfc: the trusted reference.

OOMMF cannot be pip-installed (conda-forge has it) and refuses to run as root. This engine runs
where a user has it: the ``OOMMFTCL`` environment variable pointing to ``oommf.tcl``, or an
``oommf`` executable on the PATH; elsewhere :meth:`OOMMFEngine.availability` gives the reason.

Translation of the suite's device (what Ubermag itself cannot express):
- mm.Slonczewski -> ``Oxs_SpinXferEvolve`` (oommfc ``SpinXferEvolver``), OOMMF's own form of
  the torque; the free layer is one cell thick along z, which OOMMF takes as its thickness.
- the Oersted term -> a spatially varying Zeeman field (``Oxs_FixedZeeman`` of a vector field)
  added to the static bias field; with a time-dependent current its own Zeeman term named
  ``oersted``, an ``Oxs_TransformZeeman`` (type diagonal) of the field at J_ref whose Tcl script
  returns a(t) and da/dt (:meth:`micromag.drives.CurrentSignal.tcl_transform_proc`).
- a time-dependent current (Slonczewski ``func`` = :class:`micromag.drives.CurrentSignal`: RF
  current, current waveform) -> the evolver's ``J_profile``, a Tcl procedure that computes
  a(t) = J(t)/J_ref exactly (:meth:`~micromag.drives.CurrentSignal.tcl_proc`, passed as
  oommfc's ``tcl_strings``) instead of oommfc's table of ``func`` sampled every ``dt``.
  Any other Python callable keeps oommfc's sampling (capability "slonczewski_func").
- the RF field (a named Zeeman term with ``func='sin'``, f, t0 and a spatial field) is oommfc's
  own ``Oxs_TransformZeeman``; a Zeeman ``func`` callable is sampled by oommfc every ``dt``.
- temperature > 0 -> ``Xf_ThermSpinXferEvolve`` (oommfc ``Xf_ThermSpinXferEvolver``; without a
  current ``Xf_ThermHeunEvolve``) with ``uniform_seed`` = the run's seed and a fixed step
  ``RunSpec.thermal_time_step``; the MIF also gets ``RandomSeed seed`` (OOMMF re-seeds at
  problem reset).
- no current at T = 0 -> ``Oxs_RungeKuttaEvolve``. OOMMF's own error controls are kept
  (``RunSpec.tolerance`` is not mapped).
- relaxation -> ``Oxs_MinDriver``.
Core positions come from the magnetisation files OOMMF writes at every sample.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..drives import CurrentSignal
from . import capabilities as caps
from .base import Engine
from .drive import Drive
from .errors import RunFailed
from .problem import Problem
from .runspec import RunSpec
from .timeseries import core_position, timeseries_dataset

__all__ = ["OOMMFEngine", "oommf_availability"]

#: Tcl procedures of a time-dependent current: a(t) for the evolver's J_profile, and
#: (a, a, a, da/dt, da/dt, da/dt) for the Oersted field's Oxs_TransformZeeman
CURRENT_PROC = "CurrentProfile"
OERSTED_PROC = "OerstedProfile"


def oommf_availability() -> tuple[bool, str]:
    """(True, "") where OOMMF can run for this user, else (False, why not)."""
    if importlib.util.find_spec("oommfc") is None:
        return False, "python package 'oommfc' is not installed (pip install oommfc)"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return False, "OOMMF refuses to run as root; run as an ordinary user"
    tcl = os.environ.get("OOMMFTCL")
    if tcl:
        if not Path(tcl).is_file():
            return False, f"OOMMFTCL = {tcl!r} is not a file (it must point to oommf.tcl)"
        if shutil.which("tclsh") is None and not any(
                shutil.which(f"tclsh8.{v}") for v in range(4, 8)):
            return False, "OOMMFTCL is set but no tclsh is on the PATH"
        return True, ""
    if shutil.which("oommf"):
        return True, ""
    return False, ("OOMMF is not installed: set OOMMFTCL to the path of oommf.tcl, or put an "
                   "'oommf' executable on the PATH (conda install -c conda-forge oommf)")


def _seeded_time_driver(seed: int, **kwargs: Any) -> Any:
    """An oommfc TimeDriver whose MIF file starts with ``RandomSeed seed``.

    OOMMF re-seeds its random number generators at problem reset (after the evolver's
    ``uniform_seed`` took effect) from the MIF's RandomSeed, which defaults to the clock; a
    seeded thermal run therefore needs both.
    """
    import oommfc as oc

    class SeededTimeDriver(oc.TimeDriver):
        def write_mif(self, system: Any, dirname: str = ".", **kw: Any) -> None:
            super().write_mif(system, dirname=dirname, **kw)
            path = Path(dirname) / self._miffilename(system)  # drive folder: dirname "."
            text = path.read_text()
            path.write_text(text.replace("# MIF 2.2\n", f"# MIF 2.2\n\nRandomSeed {seed}\n", 1))

    # Ubermag records the adapter's version from the driver's module: keep it "oommfc"
    SeededTimeDriver.__module__ = oc.TimeDriver.__module__
    return SeededTimeDriver(**kwargs)


class OOMMFEngine(Engine):
    """Run devices with OOMMF through oommfc.

    Parameters
    ----------
    workdir
        Folder for OOMMF's run folders; None: a temporary folder removed after each run.
    n_threads
        OOMMF threads (1: one core per dask worker).
    """

    name = "oommf"
    capabilities = caps.CAPABILITIES

    def __init__(self, workdir: str | Path | None = None, n_threads: int = 1) -> None:
        self.workdir = None if workdir is None else Path(workdir)
        self.n_threads = n_threads

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        return oommf_availability()

    def version(self) -> str:
        from importlib.metadata import version

        text = f"oommfc {version('oommfc')}"
        if self.availability()[0]:
            try:
                import oommfc as oc

                text += f", OOMMF {oc.runner.runner.version}"
            except Exception:  # noqa: BLE001 - the version string is informative only
                pass
        return text

    # ------------------------------------------------------------------------------------------
    def _system(self, device: Any, problem: Problem, system: Any) -> Any:
        """The device's System in OOMMF's terms: the Oersted field as Zeeman, a CurrentSignal
        as Tcl code, the initial state set."""
        import discretisedfield as df
        import micromagneticmodel as mm

        mesh = system.m.mesh
        system.m = df.Field(mesh, nvdim=3, value=problem.m0,
                            norm=problem.Ms[..., None], valid="norm")
        signal = problem.current_profile
        if not isinstance(signal, CurrentSignal):
            signal = None  # constant J, or a callable that oommfc samples every dt
        if signal is not None:
            (stt,) = [t for t in system.dynamics if isinstance(t, mm.Slonczewski)]
            system.dynamics -= stt
            system.dynamics += mm.Slonczewski(
                J=stt.J, mp=stt.mp, P=stt.P, Lambda=stt.Lambda, eps_prime=stt.eps_prime,
                name=stt.name, tcl_strings={"script": signal.tcl_proc(CURRENT_PROC),
                                            "script_name": CURRENT_PROC,
                                            "script_args": "total_time"})
        if problem.oersted_H is not None:
            oersted = df.Field(mesh, nvdim=3, value=problem.oersted_H)
            static = [t for t in system.energy if isinstance(t, mm.Zeeman)
                      and Drive.from_term(t, "Zeeman") is None]
            if signal is not None:  # H_oe(t) = a(t) H_oe(J_ref)
                system.energy += mm.Zeeman(H=oersted, name="oersted", tcl_strings={
                    "script": signal.tcl_transform_proc(OERSTED_PROC),
                    "script_name": OERSTED_PROC, "script_args": "total_time",
                    "energy": "Oxs_TransformZeeman", "type": "diagonal"})
            elif static:  # one static field: the bias plus the Oersted field
                system.energy -= static[0]
                total = problem.oersted_H + problem.zeeman_H
                system.energy += mm.Zeeman(H=df.Field(mesh, nvdim=3, value=total),
                                           name=static[0].name)
            else:
                system.energy += mm.Zeeman(H=oersted, name="oersted")
        system.T = problem.temperature
        return system

    def _driver(self, spec: RunSpec, torque: bool) -> Any:
        """The TimeDriver and evolver of a run."""
        import oommfc as oc

        if spec.temperature > 0:  # fixed step of the stochastic integrator
            step = {"min_timestep": spec.thermal_time_step,
                    "max_timestep": spec.thermal_time_step, "uniform_seed": int(spec.seed)}
            evolver = (oc.Xf_ThermSpinXferEvolver(**step) if torque
                       else oc.Xf_ThermHeunEvolver(**step))
        elif torque:
            evolver = oc.SpinXferEvolver()
        else:
            evolver = oc.RungeKuttaEvolver()
        if spec.temperature > 0:
            return _seeded_time_driver(int(spec.seed), evolver=evolver)
        return oc.TimeDriver(evolver=evolver)

    def _prepare(self, device: Any, spec: RunSpec) -> tuple[Problem, Any, Any]:
        """(Problem, System in OOMMF's terms, TimeDriver) of one run."""
        problem = self.check(device, spec)
        system = self._system(device, problem,
                              device.system(spec.current_density, drives=spec.drives))
        return problem, system, self._driver(spec, problem.slonczewski is not None)

    def write_mif(self, device: Any, spec: RunSpec, dirname: str | Path) -> Path:
        """Write the MIF file (and the vector fields it reads) of a run into ``dirname``
        without running OOMMF; its path. For inspection and tests: it needs oommfc only."""
        dirname = Path(dirname)
        dirname.mkdir(parents=True, exist_ok=True)
        _, system, driver = self._prepare(device, spec)
        driver.write_mif(system, dirname=str(dirname), t=spec.duration, n=spec.n_samples - 1)
        return dirname / driver._miffilename(system)

    def _folder(self) -> Path:
        if self.workdir is None:
            return Path(tempfile.mkdtemp(prefix="oommf-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="run-", dir=self.workdir))

    def relax(self, device: Any) -> np.ndarray:
        """Minimise the energy of ``device.relax_system()`` with Oxs_MinDriver."""
        import oommfc as oc

        self.require_available()
        system = device.relax_system()
        problem = self.check(device, RunSpec(), system=system)
        system = self._system(device, problem, system)
        folder = self._folder()
        try:
            oc.MinDriver().drive(system, dirname=str(folder), n_threads=self.n_threads,
                                 verbose=0)
        except Exception as error:
            raise RunFailed(f"OOMMF relaxation failed: {error}") from error
        finally:
            if self.workdir is None:
                shutil.rmtree(folder, ignore_errors=True)
        m = np.asarray(system.m.array, dtype=float)
        norm = np.linalg.norm(m, axis=-1, keepdims=True)
        return np.where(norm > 0, m / np.where(norm > 0, norm, 1.0), 0.0)

    def run(self, device: Any, spec: RunSpec, *, progress: Any = None) -> Any:
        """One current: see :meth:`Engine.run` (runs in another process: ``progress`` is not
        called)."""
        import discretisedfield as df

        self.require_available()
        problem, system, driver = self._prepare(device, spec)
        folder = self._folder()
        n_steps = spec.n_samples - 1
        try:
            driver.drive(system, t=spec.duration, n=n_steps, dirname=str(folder),
                         n_threads=self.n_threads, verbose=0)
            table = system.table.data
            pattern = f"drive-*/{system.name}-Oxs_TimeDriver-Magnetization-*.omf"
            files = sorted((folder / system.name).glob(pattern))
            if len(table) != n_steps or len(files) != n_steps:
                raise RunFailed(f"OOMMF wrote {len(table)} table rows and {len(files)} "
                                f"magnetisation files, expected {n_steps}")
            x, y, _ = problem.coordinates()
            mz_layers = [problem.m0[..., 2].mean(axis=2)]
            final = None
            for path in files:
                field = df.Field.from_file(str(path))
                m = np.asarray(field.array, dtype=float)
                norm = np.linalg.norm(m, axis=-1)
                unit = np.where(norm[..., None] > 0, m / np.where(norm > 0, norm, 1)[..., None],
                                0.0)
                mz_layers.append(unit[..., 2].mean(axis=2))
                final = unit
        except RunFailed:
            raise
        except Exception as error:
            raise RunFailed(f"OOMMF run failed: {error}") from error
        finally:
            if self.workdir is None:
                shutil.rmtree(folder, ignore_errors=True)
        m0_average = problem.m0[problem.magnetic].mean(axis=0)
        m_average = np.vstack([m0_average, table[["mx", "my", "mz"]].to_numpy()])
        if not np.isfinite(m_average).all():
            raise RunFailed("OOMMF run diverged: NaN magnetisation")
        core = None
        if getattr(device, "kind", "") == "vortex" and spec.record_core:
            core = core_position(np.asarray(mz_layers), x, y)
        return timeseries_dataset(device, problem, spec, engine=self.name,
                                  engine_version=self.version(), time=spec.times(),
                                  m_average=m_average, core=core,
                                  final_state=final if spec.record_final else None)
