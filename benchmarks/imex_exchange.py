"""Does an implicit treatment of exchange pay on the reference vortex STNO? (issue 15, point 3)

The built-in engine's explicit RK 5(4) step is held at ~1.9 ps by the stiffest exchange spin
waves on 5 nm cells. This benchmark integrates the reference device (the one of
``benchmarks/micromag_engines.py``) with an implicit-explicit Runge-Kutta scheme that takes
exchange implicitly and every other term (demag, Zeeman, Oersted, anisotropy, Slonczewski
torque) explicitly: ARS(2,3,2) (Ascher, Ruuth & Spiteri, Appl. Numer. Math. 25, 151 (1997);
second order, an explicit part with the stability of a 3-stage RK3 on the imaginary axis).
Each implicit stage Y - c f_ex(Y) = b, with f_ex(m) = -g/(1+a^2) [m x H_ex + a m x (m x H_ex)],
is solved by Newton's method with the exact Jacobian of f_ex (``--linearization newton``) or
with the m x prefactor frozen at the stage's explicit predictor (``frozen``); each linear
system by unpreconditioned BiCGSTAB to a relative residual of 1e-9.

For each fixed step it prints the gyration frequency's relative difference from the engine's
adaptive RKF45 run (tolerance 1e-5, which agrees with magnum.np to 4.6e-6) over the same 5 ns,
the largest difference of <m_x>, and the CPU time against RKF45's. Results: docs/engine_speed.md.

Usage: ``python benchmarks/imex_exchange.py [--steps 2e-12 1e-12 5e-13] [--newton 1 2]
[--linearization newton|frozen]``.
"""

from __future__ import annotations

import argparse
import os
import time

import numba
import numpy as np

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from micromag_engines import gyration_frequency, reference_problem  # noqa: E402

#: ARS(2,3,2) constants
GAMMA = 1 - 1 / np.sqrt(2)
DELTA = -2 * np.sqrt(2) / 3


@numba.njit(cache=True)
def _laplacian(v, exch, nb, p):
    wx = wy = wz = 0.0
    for d in range(6):
        q, k = nb[d, p], exch[d, p]
        wx += k * (v[0, q] - v[0, p])
        wy += k * (v[1, q] - v[1, p])
        wz += k * (v[2, q] - v[2, p])
    return wx, wy, wz


@numba.njit(cache=True)
def _cross(ax, ay, az, bx, by, bz):
    return ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx


@numba.njit(cache=True)
def exchange_torque(m, exch, nb, ms, alpha, gamma0, out):
    """f_ex(m) (1/s) of flat (3, n) arrays."""
    for p in range(ms.size):
        if ms[p] == 0.0:
            out[:, p] = 0.0
            continue
        w = _laplacian(m, exch, nb, p)
        t = _cross(m[0, p], m[1, p], m[2, p], w[0], w[1], w[2])
        tt = _cross(m[0, p], m[1, p], m[2, p], t[0], t[1], t[2])
        f = -gamma0 / (1.0 + alpha[p] ** 2)
        for i in range(3):
            out[i, p] = f * (t[i] + alpha[p] * tt[i])


@numba.njit(cache=True)
def apply_operator(mstar, v, exch, nb, ms, alpha, gamma0, c, exact, out):
    """out = v - c J v: J the Jacobian of f_ex at m* (``exact``), or f_ex with its m x
    prefactor frozen at m* (v x H_ex(m*) terms dropped)."""
    for p in range(ms.size):
        if ms[p] == 0.0:
            out[:, p] = v[:, p]
            continue
        mx, my, mz = mstar[0, p], mstar[1, p], mstar[2, p]
        vx, vy, vz = v[0, p], v[1, p], v[2, p]
        u = _laplacian(v, exch, nb, p)
        prec = _cross(mx, my, mz, u[0], u[1], u[2])
        damp = _cross(mx, my, mz, prec[0], prec[1], prec[2])
        if exact:
            w = _laplacian(mstar, exch, nb, p)
            vw = _cross(vx, vy, vz, w[0], w[1], w[2])
            prec = (prec[0] + vw[0], prec[1] + vw[1], prec[2] + vw[2])
            mw = _cross(mx, my, mz, w[0], w[1], w[2])
            d1 = _cross(vx, vy, vz, mw[0], mw[1], mw[2])
            d2 = _cross(mx, my, mz, prec[0], prec[1], prec[2])
            damp = (d1[0] + d2[0], d1[1] + d2[1], d1[2] + d2[2])
        f = -gamma0 / (1.0 + alpha[p] ** 2)
        for i in range(3):
            out[i, p] = v[i, p] - c * f * (prec[i] + alpha[p] * damp[i])


@numba.njit(cache=True)
def bicgstab(mstar, b, x, exch, nb, ms, alpha, gamma0, c, exact, tol, max_iter):
    """Solve (I - c J) x = b in place; returns the iterations taken."""
    r, t = np.empty_like(b), np.empty_like(b)
    apply_operator(mstar, x, exch, nb, ms, alpha, gamma0, c, exact, t)
    r[:] = b - t
    r0, p, v, s = r.copy(), np.zeros_like(b), np.zeros_like(b), np.empty_like(b)
    b_norm = np.sqrt(np.sum(b * b))
    rho = alp = om = 1.0
    for iteration in range(max_iter):
        if np.sqrt(np.sum(r * r)) <= tol * b_norm:
            return iteration
        rho_new = np.sum(r0 * r)
        beta = rho_new / rho * alp / om
        rho = rho_new
        p[:] = r + beta * (p - om * v)
        apply_operator(mstar, p, exch, nb, ms, alpha, gamma0, c, exact, v)
        alp = rho / np.sum(r0 * v)
        s[:] = r - alp * v
        apply_operator(mstar, s, exch, nb, ms, alpha, gamma0, c, exact, t)
        om = np.sum(t * s) / np.sum(t * t)
        x += alp * p + om * s
        r[:] = s - om * t
    return max_iter


class ImexExchange:
    """ARS(2,3,2) on a :class:`~micromag.engines.builtin.solver.Simulation` at a fixed step."""

    def __init__(self, sim, linearization="newton", newton_iterations=1):
        self.sim, self.exact, self.newton_iterations = sim, linearization == "newton", \
            newton_iterations
        self.n = sim.ms.size
        self.flat = (sim.ms.reshape(self.n), sim.alpha.reshape(self.n))
        self.no_exchange = np.zeros_like(sim.exch)
        self.iterations = self.solves = 0

    def explicit_part(self, t, m, out):
        """dm/dt (1/s) of every term but exchange."""
        from micromag.engines.builtin import kernels

        s = self.sim
        hd = s.demag_field(m, s._hd)
        j = s.current(t)
        kernels.effective_field(m, hd, s.hext, s._amplitude(t), s.hdyn, j, s.hoe, s._zeros,
                                self.no_exchange, s._neighbours, s.hk, s.axis, s.ms, s._heff)
        kernels.llg_rhs(m, s._heff, s.ms, s.alpha, s.gamma0, s.stt, j, s.polarizer, s.lam2,
                        s.polarization, s.eps_prime, True, out)
        return out

    def implicit_stage(self, b, c):
        """Y with Y - c f_ex(Y) = b, from the predictor Y = b."""
        s, (ms, alpha) = self.sim, self.flat
        shape = (3, self.n)
        rhs_b, y = b.reshape(shape), b.reshape(shape).copy()
        exch = s.exch.reshape(6, self.n)
        f, jy = np.empty(shape), np.empty(shape)
        for _ in range(self.newton_iterations):
            # Newton step about y: (I - cJ) x = b + c (f(y) - J y)
            exchange_torque(y, exch, s._neighbours, ms, alpha, s.gamma0, f)
            apply_operator(y, y, exch, s._neighbours, ms, alpha, s.gamma0, c, self.exact, jy)
            x = y.copy()
            self.iterations += bicgstab(y, rhs_b + c * f + jy - y, x, exch, s._neighbours,
                                        ms, alpha, s.gamma0, c, self.exact, 1e-9, 500)
            self.solves += 1
            y = x
        return y.reshape(b.shape)

    def run(self, m, duration, step, sampling_interval):
        """(times, <m_x>) sampled every ``sampling_interval`` over ``duration`` (s)."""
        from micromag.engines.builtin import kernels

        g, h = GAMMA, step
        k1, k2e, k3e = np.zeros_like(m), np.zeros_like(m), np.zeros_like(m)
        magnetic = self.sim.magnetic
        times, mx = [0.0], [m[0][magnetic].mean()]
        every = int(round(sampling_interval / h))
        t = 0.0
        for n in range(int(round(duration / h))):
            self.explicit_part(t, m, k1)
            b2 = m + h * g * k1
            y2 = self.implicit_stage(b2, h * g)
            k2i = (y2 - b2) / (h * g)
            self.explicit_part(t + g * h, y2, k2e)
            b3 = m + h * (DELTA * k1 + (1 - DELTA) * k2e + (1 - g) * k2i)
            y3 = self.implicit_stage(b3, h * g)
            k3i = (y3 - b3) / (h * g)
            self.explicit_part(t + h, y3, k3e)
            m = m + h * ((1 - g) * (k2e + k2i) + g * (k3e + k3i))
            kernels.normalize(m, self.sim.ms)
            t += h
            if (n + 1) % every == 0:
                times.append(t)
                mx.append(m[0][magnetic].mean())
        return np.array(times), np.array(mx)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--current-density", type=float, default=2.3e10, help="J (A/m^2)")
    parser.add_argument("--duration", type=float, default=5e-9, help="compared run (s)")
    parser.add_argument("--steps", type=float, nargs="+", default=[2e-12, 1e-12, 5e-13],
                        help="fixed IMEX steps (s); each must divide the 10 ps sampling")
    parser.add_argument("--newton", type=int, nargs="+", default=[1, 2],
                        help="Newton iterations per implicit stage")
    parser.add_argument("--linearization", default="newton", choices=["newton", "frozen"])
    args = parser.parse_args(argv)

    from micromag.engines.builtin import simulation_from_problem

    _, problem, spec = reference_problem(args.current_density)
    sim = simulation_from_problem(problem, spec)
    start = sim.run(sim.initial(np.moveaxis(problem.m0, -1, 0)), 1e-9, 10e-12,
                    tolerance=1e-5).final  # the benchmark's 1 ns transient
    print(f"load average before: {os.getloadavg()}")
    cpu = time.process_time()
    reference = sim.run(start, args.duration, 10e-12, tolerance=1e-5)
    rk_cpu = time.process_time() - cpu
    f_rk = gyration_frequency(reference.time, reference.m[:, 0])
    print(f"RKF45 (tolerance 1e-5): {reference.accepted_steps} steps, "
          f"{rk_cpu / (args.duration * 1e9):.3f} s/ns, f = {f_rk / 1e9:.6f} GHz")
    imex = ImexExchange(sim, args.linearization)
    imex.run(start.copy(), 20e-12, 5e-12, 10e-12)  # compile
    for step in args.steps:
        for newton in args.newton:
            imex.newton_iterations, imex.iterations, imex.solves = newton, 0, 0
            cpu = time.process_time()
            times, mx = imex.run(start.copy(), args.duration, step, 10e-12)
            imex_cpu = time.process_time() - cpu
            f = gyration_frequency(times, mx)
            print(f"step {step * 1e12:g} ps, {args.linearization} x{newton}: "
                  f"freq_rel_diff={abs(f - f_rk) / f_rk:.2e} "
                  f"max|d<mx>|={np.max(np.abs(mx - reference.m[:len(mx), 0])):.2e} "
                  f"BiCGSTAB iterations per solve {imex.iterations / imex.solves:.1f} "
                  f"cpu_vs_rkf45={imex_cpu / rk_cpu:.2f}")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
