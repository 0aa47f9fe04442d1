"""magnum.np worker: ``python -m micromag.engines.magnumnp_worker RUN_DIR``.

Runs in its own process because importing magnum.np changes torch's global defaults (float64,
default device, a fixed seed), renames the process and may call ``exit()``. It reads
``RUN_DIR/problem.npz`` and ``RUN_DIR/spec.json`` written by
:class:`micromag.engines.magnumnp.MagnumNPEngine`, integrates, and writes
``RUN_DIR/output.npz`` (time, m_average, core_x, core_y, m_final) and ``RUN_DIR/info.json``
(status, wall time, steps, versions). Keep this module free of suite-wide imports other than
numpy, :mod:`micromag.drives` (numpy only) and :mod:`micromag.engines.timeseries` (no
discretisedfield).

Time dependence: the RF field is ``zeeman_time_H`` (A/m, per cell) times Ubermag's sin/sinc
profile ``spec["zeeman_drive"]`` of ``state.t``, beside the static uniform ``zeeman_H``; a
time-dependent current is ``spec["current_signal"]`` (a
:meth:`micromag.drives.CurrentSignal.to_dict`), rebuilt here: the material's J and the Oersted
field (at J_ref) are multiplied by a(t) = J(t)/J_ref at every stage time of the integrator.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np


def _write_json(obj: dict, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(obj, indent=1))
    os.replace(tmp, path)


def _wave(drive: dict):
    """a(t) of a sin/sinc Drive in its JSON form ``{"wave", "f", "t0"}``."""
    omega, t0, kind = 2 * math.pi * float(drive["f"]), float(drive["t0"]), drive["wave"]
    if kind == "sin":
        return lambda t: math.sin(omega * (t - t0))
    if kind == "sinc":
        return lambda t: 1.0 if t == t0 else math.sin(omega * (t - t0)) / (omega * (t - t0))
    raise ValueError(f"zeeman_drive wave = {kind!r}: allowed are 'sin', 'sinc'")


def main(run_dir: str) -> int:
    """Run the problem in ``run_dir``; exit status 0 on success, 1 on a failed run."""
    run_dir = Path(run_dir)
    spec = json.loads((run_dir / "spec.json").read_text())
    data = dict(np.load(run_dir / "problem.npz"))
    started = time.time()
    info = {"status": "running", "mode": spec["mode"], "started": started}
    _write_json(info, run_dir / "info.json")

    os.environ.setdefault("CUDA_DEVICE", "-1")
    import torch

    torch.set_num_threads(int(spec.get("threads", 1)))
    import magnumnp as mn
    from magnumnp.common import constants

    from micromag.engines.timeseries import core_position

    # one set of constants across engines: Ubermag's (PHYSICS.md)
    for name, value in spec["constants"].items():
        setattr(constants, name, value)
    if spec.get("seed") is not None:
        torch.manual_seed(int(spec["seed"]))

    n = tuple(int(v) for v in data["n"])
    cell = tuple(float(v) for v in data["cell"])
    origin = tuple(float(v) for v in data["origin"])
    mesh = mn.Mesh(n, cell, origin=origin)
    state = mn.State(mesh)
    Ms = torch.tensor(data["Ms"][..., None])
    material = {"Ms": Ms, "alpha": float(spec["alpha"])}
    terms = []
    if spec.get("exchange_A") is not None:
        material["A"] = float(spec["exchange_A"])
        terms.append(mn.ExchangeField())
    if spec.get("demag"):
        terms.append(mn.DemagField())
    if spec.get("anisotropy_K") is not None:
        material["Ku"] = float(spec["anisotropy_K"])
        material["Ku_axis"] = torch.tensor(spec["anisotropy_u"])
        terms.append(mn.UniaxialAnisotropyField())
    if "zeeman_H" in data:  # static, uniform (3,)
        terms.append(mn.ExternalField(torch.tensor(data["zeeman_H"])))
    if "zeeman_time_H" in data:  # H(r) a(t), Ubermag's sin/sinc profile
        H_rf = torch.tensor(data["zeeman_time_H"])
        wave = _wave(spec["zeeman_drive"])
        terms.append(mn.ExternalField(lambda st: H_rf * wave(float(st.t))))
    signal = spec.get("current_signal")
    profile = None
    if signal is not None:
        from micromag.drives import CurrentSignal

        profile = CurrentSignal.from_dict(signal)
    if "oersted_H" in data:  # at J_ref, scaled by a(t)
        H_oe = torch.tensor(data["oersted_H"])
        if profile is None:
            terms.append(mn.ExternalField(H_oe))
        else:
            terms.append(mn.ExternalField(lambda st: H_oe * profile(float(st.t))))
    stt = spec.get("slonczewski")
    if stt is not None:
        J_ref = float(stt["J"])
        if profile is None:
            current = J_ref
        else:  # a tensor of the mesh's shape, so that magnum.np need not cast it every call
            J_field = state.Constant([J_ref])

            def current(st):
                return J_field * profile(float(st.t))
        material.update({"J": current, "mp": torch.tensor(stt["mp"]),
                         "P": float(stt["P"]), "Lambda": float(stt["Lambda"]),
                         "epsilon_prime": float(stt["eps_prime"]),
                         "d": float(cell[2])})  # free layer one cell thick (checked)
        terms.append(mn.SpinTorqueSlonczewski())
    temperature = float(spec.get("temperature", 0.0))
    if temperature > 0:
        state.T = temperature
        terms.append(mn.ThermalField())
    state.material = material
    state.m = torch.tensor(data["m0"])

    magnetic = torch.tensor(data["Ms"] > 0)
    n_magnetic = int(magnetic.sum())
    x = origin[0] + (np.arange(n[0]) + 0.5) * cell[0]
    y = origin[1] + (np.arange(n[1]) + 0.5) * cell[1]
    llg = mn.LLGSolver(terms, atol=float(spec["tolerance"]), rtol=float(spec["tolerance"]))

    status, error = "success", ""
    if spec["mode"] == "relax":
        converged = llg.relax(state, maxiter=int(spec["relax_maxiter"]),
                              dm_tol=float(spec["relax_dm_tol"]), dt=1e-11)
        info["relax_converged"] = bool(converged)
        np.savez(run_dir / "output.npz", m_final=state.m.detach().cpu().numpy())
    else:
        interval = float(spec["sampling_interval"])
        n_samples = int(spec["n_samples"])
        m_average = np.full((n_samples, 3), np.nan)
        mz_layers = np.full((n_samples, n[0], n[1]), np.nan)
        heun_dt = float(spec["thermal_time_step"])

        def record(k: int) -> bool:
            m = state.m.detach()
            m_average[k] = (m[magnetic].sum(dim=0) / n_magnetic).cpu().numpy()
            mz_layers[k] = m[..., 2].mean(dim=2).cpu().numpy()
            return bool(np.isfinite(m_average[k]).all())

        record(0)
        for k in range(1, n_samples):
            t_target = k * interval
            if temperature > 0:  # stochastic Heun (Stratonovich), fixed step
                while float(state.t) < t_target - 1e-3 * heun_dt:
                    dt = min(heun_dt, t_target - float(state.t))
                    state._dt = dt
                    t0, m0 = state.t, state.m
                    k1 = llg.dm(t0, m0, state)
                    k2 = llg.dm(t0 + dt, m0 + dt * k1, state)
                    m1 = m0 + 0.5 * dt * (k1 + k2)
                    m1 = m1 / torch.linalg.norm(m1, dim=-1, keepdim=True).clamp_min(1e-300)
                    state.m = torch.where(magnetic[..., None], m1, torch.zeros_like(m1))
                    state.t = t0 + dt
                    state._step += 1
            else:
                llg.step(state, t_target - float(state.t))
            if not record(k):
                status, error = "failed", f"magnetisation became NaN at t = {t_target:.4g} s"
                break
        core_x, core_y = core_position(mz_layers, x, y)
        np.savez(run_dir / "output.npz", time=np.arange(n_samples) * interval,
                 m_average=m_average, core_x=core_x, core_y=core_y,
                 m_final=state.m.detach().cpu().numpy())
    info.update({"status": status, "error": error, "wall_s": time.time() - started,
                 "steps": int(state._step), "magnumnp_version": mn.__version__,
                 "torch_version": torch.__version__})
    _write_json(info, run_dir / "info.json")
    return 0 if status == "success" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
