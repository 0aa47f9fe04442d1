"""magnum.np engine (optional extra ``magnumnp``, GPL-3.0, PyTorch on CPU or GPU).

magnum.np is driven the way Ubermag drives an external engine: the inputs are written to a run
folder (``problem.npz`` arrays, ``spec.json`` scalars), a separate Python process runs
:mod:`micromag.engines.magnumnp_worker` with one torch thread, and the outputs
(``output.npz``, ``info.json``, ``worker.log``) are read back. A separate process is needed
because importing magnum.np changes torch's global state, renames the process and may call
``exit()``.

Translation: Exchange -> ExchangeField, Demag -> DemagField, the static uniform Zeeman field
-> ExternalField; the time-dependent Zeeman term (an RF field, uniform or spatial:
``Problem.zeeman_time_H``) -> an ExternalField of a function of ``state.t`` with Ubermag's
sin/sinc profile (f, t0); UniaxialAnisotropy -> UniaxialAnisotropyField; Slonczewski ->
SpinTorqueSlonczewski (same OOMMF form, d = the one-cell free-layer thickness); the suite's
Oersted term -> a spatially varying ExternalField; temperature -> ThermalField with a
stochastic Heun step. A time-dependent current (Slonczewski ``func`` =
:class:`micromag.drives.CurrentSignal`: RF current, current waveform) crosses into the worker as
``CurrentSignal.to_dict()`` and is rebuilt there: the material's J becomes J_ref a(t), a
function of the state, and the Oersted field is multiplied by the same a(t), both exact at every
stage of the integrator. A Python callable (Zeeman or Slonczewski ``func`` of any other kind)
cannot cross into the worker process, so capabilities "zeeman_func" and "slonczewski_func" are
not declared. magnum.np's constants (gamma, mu_0, hbar, e, kb) are set to Ubermag's
(:mod:`micromag.constants`), gamma to the device's gamma0.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from ..constants import BOLTZMANN, ELEMENTARY_CHARGE, HBAR, MU0
from ..drives import CurrentSignal
from . import capabilities as caps
from .base import Engine
from .errors import RunFailed
from .problem import Problem
from .runspec import RunSpec
from .timeseries import timeseries_dataset

__all__ = ["MagnumNPEngine"]

# magnum.np's names of the constants (magnumnp.common.constants), set to Ubermag's values;
# "gamma" is the device's gamma0, set per run
_CONSTANTS = {"mu_0": MU0, "hbar": HBAR, "e": ELEMENTARY_CHARGE, "kb": BOLTZMANN}


class MagnumNPEngine(Engine):
    """Run devices with magnum.np in a separate process.

    Parameters
    ----------
    workdir
        Folder for the run folders; None: a temporary folder removed after each run.
    threads
        torch threads of the worker (1: one core per dask worker).
    relax_maxiter, relax_dm_tol
        Relaxation: at most this many 10 ps steps of alpha = 1 LLG, until max |dm/dt|/gamma
        falls below ``relax_dm_tol`` (A/m).
    timeout
        Seconds before the worker is killed (None: no limit).
    compile
        Let magnum.np use ``torch.compile``; None: only for meshes of >= 65536 cells (on small
        meshes on a CPU the compilation costs more than it saves).
    """

    name = "magnumnp"
    capabilities = caps.CAPABILITIES - {caps.ZEEMAN_FUNC, caps.SLONCZEWSKI_FUNC}

    def __init__(self, workdir: str | Path | None = None, threads: int = 1,
                 relax_maxiter: int = 2000, relax_dm_tol: float = 10.0,
                 timeout: float | None = None, compile: bool | None = None) -> None:
        self.workdir = None if workdir is None else Path(workdir)
        self.threads = threads
        self.relax_maxiter = relax_maxiter
        self.relax_dm_tol = relax_dm_tol
        self.timeout = timeout
        self.compile = compile

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        for module in ("torch", "magnumnp"):
            if importlib.util.find_spec(module) is None:
                return False, (f"python package {module!r} is not installed "
                               "(pip install 'stno-multiscale[magnumnp]')")
        return True, f"magnumnp {version('magnumnp')}, torch {version('torch')} installed"

    @classmethod
    def import_check(cls, timeout: float = 120.0) -> tuple[bool, str]:
        """Import magnum.np in a separate process (it changes torch's global state), as a
        run would; (importable, why not or its version). Takes a few seconds."""
        ok, why = cls.availability()
        if not ok:
            return ok, why
        code = "import magnumnp, torch; print(torch.__version__)"
        try:
            result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                    text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return False, f"importing magnumnp took longer than {timeout:g} s"
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no message"])[-1]
            return False, f"importing magnumnp in a subprocess failed: {last}"
        return True, f"imports in a subprocess (magnumnp {version('magnumnp')}, " \
                     f"torch {result.stdout.strip()})"

    def version(self) -> str:
        return version("magnumnp")

    # ------------------------------------------------------------------------------------------
    def _execute(self, problem: Problem, settings: dict[str, Any],
                 extra_arrays: dict[str, np.ndarray] | None = None) -> tuple[dict, dict, Path]:
        """Write inputs, run the worker, return (outputs, info, run folder)."""
        self.require_available()
        if self.workdir is None:
            run_dir = Path(tempfile.mkdtemp(prefix="magnumnp-"))
        else:
            self.workdir.mkdir(parents=True, exist_ok=True)
            run_dir = Path(tempfile.mkdtemp(prefix=f"{settings['mode']}-", dir=self.workdir))
        arrays = {"n": np.array(problem.n), "cell": np.array(problem.cell),
                  "origin": np.array(problem.origin), "Ms": problem.Ms, "m0": problem.m0}
        if problem.zeeman_H is not None:
            arrays["zeeman_H"] = problem.zeeman_H
        if problem.zeeman_time_H is not None:
            arrays["zeeman_time_H"] = problem.zeeman_time_H
        if problem.oersted_H is not None:
            arrays["oersted_H"] = problem.oersted_H
        arrays.update(extra_arrays or {})
        np.savez(run_dir / "problem.npz", **arrays)
        stt = problem.slonczewski
        drive = problem.zeeman_drive  # sin/sinc only: a callable is refused by check()
        profile = problem.current_profile
        if profile is not None and not isinstance(profile, CurrentSignal):
            raise RunFailed("magnum.np takes a time-dependent current only as a "
                            "micromag.drives.CurrentSignal (capability 'slonczewski_time')")
        spec = {
            "alpha": problem.alpha,
            "exchange_A": problem.exchange_A,
            "demag": problem.demag,
            "anisotropy_K": problem.anisotropy_K,
            "anisotropy_u": None if problem.anisotropy_u is None else list(problem.anisotropy_u),
            "zeeman_drive": None if drive is None else drive.to_dict(),
            "current_signal": None if profile is None else profile.to_dict(),
            "slonczewski": None if stt is None else {**stt, "mp": list(stt["mp"])},
            "temperature": problem.temperature,
            "seed": problem.seed,
            "constants": {**_CONSTANTS, "gamma": problem.gamma0},
            "threads": self.threads,
            **settings,
        }
        (run_dir / "spec.json").write_text(json.dumps(spec, indent=1))
        env = dict(os.environ, OMP_NUM_THREADS=str(self.threads),
                   MKL_NUM_THREADS=str(self.threads),
                   CUDA_DEVICE=os.environ.get("CUDA_DEVICE", "-1"))
        use_compile = self.compile if self.compile is not None else problem.Ms.size >= 65536
        if not use_compile:
            env["TORCH_COMPILE_DISABLE"] = "1"
        try:
            with open(run_dir / "worker.log", "w") as log:
                completed = subprocess.run(
                    [sys.executable, "-m", "micromag.engines.magnumnp_worker", str(run_dir)],
                    stdout=log, stderr=subprocess.STDOUT, env=env, timeout=self.timeout,
                    check=False)
        except subprocess.TimeoutExpired as exc:
            raise RunFailed(f"magnum.np worker exceeded {self.timeout} s; see {run_dir}") from exc
        info_path = run_dir / "info.json"
        info = json.loads(info_path.read_text()) if info_path.exists() else {}
        output_path = run_dir / "output.npz"
        outputs = dict(np.load(output_path)) if output_path.exists() else {}
        if completed.returncode != 0 or info.get("status") != "success":
            tail = (run_dir / "worker.log").read_text()[-2000:]
            reason = info.get("error") or f"worker exit status {completed.returncode}"
            if self.workdir is None:
                shutil.rmtree(run_dir, ignore_errors=True)
            raise RunFailed(f"magnum.np run failed: {reason}\n{tail}")
        if self.workdir is None:
            shutil.rmtree(run_dir, ignore_errors=True)
        return outputs, info, run_dir

    def relax(self, device: Any) -> np.ndarray:
        """Relax ``device.relax_system()`` with alpha = 1 LLG; unit m ``(nx, ny, nz, 3)``."""
        problem = self.check(device, RunSpec(), system=device.relax_system())
        outputs, info, _ = self._execute(problem, {
            "mode": "relax", "tolerance": 1e-5,
            "relax_maxiter": self.relax_maxiter, "relax_dm_tol": self.relax_dm_tol})
        return outputs["m_final"]

    def run(self, device: Any, spec: RunSpec, *, progress: Any = None) -> Any:
        """One current: see :meth:`Engine.run` (runs in another process: ``progress`` is not
        called)."""
        problem = self.check(device, spec)
        outputs, info, run_dir = self._execute(problem, {
            "mode": "run", "tolerance": spec.tolerance,
            "sampling_interval": spec.sampling_interval, "n_samples": spec.n_samples,
            "thermal_time_step": spec.thermal_time_step})
        core = None
        if getattr(device, "kind", "") == "vortex" and spec.record_core:
            core = (outputs["core_x"], outputs["core_y"])
        return timeseries_dataset(
            device, problem, spec, engine=self.name, engine_version=self.version(),
            time=outputs["time"], m_average=outputs["m_average"], core=core,
            final_state=outputs["m_final"] if spec.record_final else None,
            extra_attrs={"wall_s": float(info.get("wall_s", np.nan)),
                         "steps": int(info.get("steps", -1)),
                         "torch_version": str(info.get("torch_version", ""))})
