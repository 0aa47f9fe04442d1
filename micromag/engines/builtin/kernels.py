"""Numba kernels of the built-in engine: effective field and LLG right-hand side in one pass.

Arrays are C-contiguous float64 with the vector component first, shape (3, nx, ny, nz).
Cells with Ms = 0 are vacuum: their m is 0 and their dm/dt is 0. Compiled with fastmath off
so that a run is bit-for-bit reproducible.
"""

from __future__ import annotations

import numba
import numpy as np

JIT = dict(cache=True, fastmath=False, nogil=True)


@numba.njit(inline="always", **JIT)
def _local_field(m, i, j, k, hd, hext, a_dyn, hdyn, j_now, hoe, hth, exch, hk, axis):
    """Effective field (A/m) at one cell except the thermal part, plus the thermal part."""
    nx, ny, nz = m.shape[1], m.shape[2], m.shape[3]
    mx, my, mz = m[0, i, j, k], m[1, i, j, k], m[2, i, j, k]
    hx = hd[0, i, j, k] + hext[0, i, j, k]
    hy = hd[1, i, j, k] + hext[1, i, j, k]
    hz = hd[2, i, j, k] + hext[2, i, j, k]
    if a_dyn != 0.0:
        hx += a_dyn * hdyn[0, i, j, k]
        hy += a_dyn * hdyn[1, i, j, k]
        hz += a_dyn * hdyn[2, i, j, k]
    if j_now != 0.0:
        hx += j_now * hoe[0, i, j, k]
        hy += j_now * hoe[1, i, j, k]
        hz += j_now * hoe[2, i, j, k]
    hx += hth[0, i, j, k]
    hy += hth[1, i, j, k]
    hz += hth[2, i, j, k]
    # exchange: exch[d] couples to the neighbour in direction d (0 where absent or vacuum)
    if i > 0:
        c = exch[0, i, j, k]
        hx += c * (m[0, i - 1, j, k] - mx)
        hy += c * (m[1, i - 1, j, k] - my)
        hz += c * (m[2, i - 1, j, k] - mz)
    if i < nx - 1:
        c = exch[1, i, j, k]
        hx += c * (m[0, i + 1, j, k] - mx)
        hy += c * (m[1, i + 1, j, k] - my)
        hz += c * (m[2, i + 1, j, k] - mz)
    if j > 0:
        c = exch[2, i, j, k]
        hx += c * (m[0, i, j - 1, k] - mx)
        hy += c * (m[1, i, j - 1, k] - my)
        hz += c * (m[2, i, j - 1, k] - mz)
    if j < ny - 1:
        c = exch[3, i, j, k]
        hx += c * (m[0, i, j + 1, k] - mx)
        hy += c * (m[1, i, j + 1, k] - my)
        hz += c * (m[2, i, j + 1, k] - mz)
    if k > 0:
        c = exch[4, i, j, k]
        hx += c * (m[0, i, j, k - 1] - mx)
        hy += c * (m[1, i, j, k - 1] - my)
        hz += c * (m[2, i, j, k - 1] - mz)
    if k < nz - 1:
        c = exch[5, i, j, k]
        hx += c * (m[0, i, j, k + 1] - mx)
        hy += c * (m[1, i, j, k + 1] - my)
        hz += c * (m[2, i, j, k + 1] - mz)
    # uniaxial anisotropy, H = 2 K1 / (mu0 Ms) (m . u) u
    h = hk[i, j, k]
    if h != 0.0:
        proj = h * (mx * axis[0] + my * axis[1] + mz * axis[2])
        hx += proj * axis[0]
        hy += proj * axis[1]
        hz += proj * axis[2]
    return hx, hy, hz


@numba.njit(**JIT)
def effective_field(m, hd, hext, a_dyn, hdyn, j_now, hoe, hth, exch, hk, axis, ms, out):
    """Total effective field (A/m) into ``out``; zero in vacuum."""
    nx, ny, nz = m.shape[1], m.shape[2], m.shape[3]
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                if ms[i, j, k] == 0.0:
                    out[0, i, j, k] = 0.0
                    out[1, i, j, k] = 0.0
                    out[2, i, j, k] = 0.0
                    continue
                hx, hy, hz = _local_field(m, i, j, k, hd, hext, a_dyn, hdyn, j_now, hoe, hth,
                                          exch, hk, axis)
                out[0, i, j, k] = hx
                out[1, i, j, k] = hy
                out[2, i, j, k] = hz


@numba.njit(**JIT)
def llg_rhs(m, hd, hext, a_dyn, hdyn, j_now, hoe, hth, exch, hk, axis, ms, alpha, gamma0,
            stt, polarizer, lam2, pol, eps_prime, precession, out):
    """dm/dt (1/s) of the Landau-Lifshitz form of LLG with the Slonczewski torque.

    Gilbert form: dm/dt = -g m x H + alpha m x dm/dt + T with
    T = g b J eps m x (mp x m) - g b J eps' m x mp, where ``stt`` holds
    g b = gamma0 hbar / (mu0 e t Ms) per cell and eps = P L^2 / ((L^2+1) + (L^2-1) m.mp).
    Solved for dm/dt: (A + alpha m x A) / (1 + alpha^2) with A = -g m x H + T.
    """
    nx, ny, nz = m.shape[1], m.shape[2], m.shape[3]
    px, py, pz = polarizer[0], polarizer[1], polarizer[2]
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                if ms[i, j, k] == 0.0:
                    out[0, i, j, k] = 0.0
                    out[1, i, j, k] = 0.0
                    out[2, i, j, k] = 0.0
                    continue
                hx, hy, hz = _local_field(m, i, j, k, hd, hext, a_dyn, hdyn, j_now, hoe, hth,
                                          exch, hk, axis)
                mx, my, mz = m[0, i, j, k], m[1, i, j, k], m[2, i, j, k]
                # A = -gamma0 m x H (precession)
                ax = -gamma0 * (my * hz - mz * hy)
                ay = -gamma0 * (mz * hx - mx * hz)
                az = -gamma0 * (mx * hy - my * hx)
                a_l = alpha[i, j, k]
                if not precession:
                    # pure damping: dm/dt = -g alpha/(1+alpha^2) m x (m x H)
                    cx = my * hz - mz * hy
                    cy = mz * hx - mx * hz
                    cz = mx * hy - my * hx
                    ax = 0.0
                    ay = 0.0
                    az = 0.0
                    bx = my * cz - mz * cy
                    by = mz * cx - mx * cz
                    bz = mx * cy - my * cx
                    f = -gamma0 * a_l / (1.0 + a_l * a_l)
                    out[0, i, j, k] = f * bx
                    out[1, i, j, k] = f * by
                    out[2, i, j, k] = f * bz
                    continue
                beta = stt[i, j, k] * j_now
                if beta != 0.0:
                    mdotp = mx * px + my * py + mz * pz
                    eps = pol * lam2 / ((lam2 + 1.0) + (lam2 - 1.0) * mdotp)
                    # m x mp
                    qx = my * pz - mz * py
                    qy = mz * px - mx * pz
                    qz = mx * py - my * px
                    # m x (mp x m) = -m x (m x mp)
                    tx = -(my * qz - mz * qy)
                    ty = -(mz * qx - mx * qz)
                    tz = -(mx * qy - my * qx)
                    ax += beta * (eps * tx - eps_prime * qx)
                    ay += beta * (eps * ty - eps_prime * qy)
                    az += beta * (eps * tz - eps_prime * qz)
                f = 1.0 / (1.0 + a_l * a_l)
                out[0, i, j, k] = f * (ax + a_l * (my * az - mz * ay))
                out[1, i, j, k] = f * (ay + a_l * (mz * ax - mx * az))
                out[2, i, j, k] = f * (az + a_l * (mx * ay - my * ax))


@numba.njit(**JIT)
def combine(out, base, dt, ks, coeffs, nk):
    """out = base + dt * sum_{s < nk} coeffs[s] ks[s] (flat arrays, streamed row by row)."""
    n = base.shape[0]
    for p in range(n):
        out[p] = base[p]
    for s in range(nk):
        c = dt * coeffs[s]
        if c != 0.0:
            row = ks[s]
            for p in range(n):
                out[p] += c * row[p]


@numba.njit(**JIT)
def error_norm(base, dt, ks, err_coeffs, tolerance, work):
    """max_p |dt sum_s e_s k_s| / (tol + tol |base|) (mixed absolute/relative, as magnum.np)."""
    n = base.shape[0]
    for p in range(n):
        work[p] = 0.0
    for s in range(ks.shape[0]):
        c = dt * err_coeffs[s]
        if c != 0.0:
            row = ks[s]
            for p in range(n):
                work[p] += c * row[p]
    worst = 0.0
    for p in range(n):
        e = abs(work[p]) / (tolerance + tolerance * abs(base[p]))
        if e > worst:
            worst = e
    return worst


@numba.njit(**JIT)
def normalize(m, ms):
    """Set |m| = 1 in magnetic cells and m = 0 in vacuum, in place."""
    nx, ny, nz = ms.shape
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                if ms[i, j, k] == 0.0:
                    m[0, i, j, k] = 0.0
                    m[1, i, j, k] = 0.0
                    m[2, i, j, k] = 0.0
                else:
                    norm = np.sqrt(m[0, i, j, k] ** 2 + m[1, i, j, k] ** 2 + m[2, i, j, k] ** 2)
                    m[0, i, j, k] /= norm
                    m[1, i, j, k] /= norm
                    m[2, i, j, k] /= norm


@numba.njit(**JIT)
def hermite(out, y0, f0, y1, f1, h, theta):
    """Cubic Hermite interpolation between two steps (flat arrays), out of y(t0 + theta h)."""
    t2 = theta * theta
    t3 = t2 * theta
    h00 = 2.0 * t3 - 3.0 * t2 + 1.0
    h10 = (t3 - 2.0 * t2 + theta) * h
    h01 = -2.0 * t3 + 3.0 * t2
    h11 = (t3 - t2) * h
    for p in range(y0.shape[0]):
        out[p] = h00 * y0[p] + h10 * f0[p] + h01 * y1[p] + h11 * f1[p]


@numba.njit(**JIT)
def max_torque(m, heff, ms):
    """max |m x H| (A/m) over magnetic cells."""
    worst = 0.0
    nx, ny, nz = ms.shape
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                if ms[i, j, k] == 0.0:
                    continue
                mx, my, mz = m[0, i, j, k], m[1, i, j, k], m[2, i, j, k]
                hx, hy, hz = heff[0, i, j, k], heff[1, i, j, k], heff[2, i, j, k]
                t = (my * hz - mz * hy) ** 2 + (mz * hx - mx * hz) ** 2 + (mx * hy - my * hx) ** 2
                if t > worst:
                    worst = t
    return np.sqrt(worst)


@numba.njit(**JIT)
def vortex_core(mz_layer, weight, x, y, window):
    """Vortex core position (m) from the layer-averaged m_z.

    The core is the centroid of (p m_z)^2, p the sign of the extreme m_z, over magnetic cells
    with p m_z > 0 within ``window`` cells of the extreme. Returns (nan, nan) without a core.
    """
    nx, ny = mz_layer.shape
    best = 0.0
    bi = -1
    bj = -1
    for i in range(nx):
        for j in range(ny):
            if weight[i, j] > 0.0 and abs(mz_layer[i, j]) > best:
                best = abs(mz_layer[i, j])
                bi = i
                bj = j
    if bi < 0 or best < 0.1:
        return np.nan, np.nan
    p = 1.0 if mz_layer[bi, bj] > 0.0 else -1.0
    sx = 0.0
    sy = 0.0
    sw = 0.0
    for i in range(max(0, bi - window), min(nx, bi + window + 1)):
        for j in range(max(0, bj - window), min(ny, bj + window + 1)):
            v = p * mz_layer[i, j]
            if weight[i, j] > 0.0 and v > 0.0:
                w = v * v
                sx += w * x[i]
                sy += w * y[j]
                sw += w
    return sx / sw, sy / sw


@numba.njit(**JIT)
def demag_multiply(mhat, spectra, full, hhat):
    """hhat = -N mhat in Fourier space; spectra in the order xx, yy, zz, xy, xz, yz.

    ``mhat``/``hhat`` are (3, ...) and ``spectra`` (6, ...) with the same trailing shape;
    without z coupling (one layer) the xz and yz parts are skipped.
    """
    a_all = mhat.reshape(3, -1)
    h_all = hhat.reshape(3, -1)
    s_all = spectra.reshape(6, -1)
    n = a_all.shape[1]
    for p in range(n):
        a = a_all[0, p]
        b = a_all[1, p]
        c = a_all[2, p]
        nxy = s_all[3, p]
        if full:
            nxz = s_all[4, p]
            nyz = s_all[5, p]
            h_all[0, p] = -(s_all[0, p] * a + nxy * b + nxz * c)
            h_all[1, p] = -(nxy * a + s_all[1, p] * b + nyz * c)
            h_all[2, p] = -(nxz * a + nyz * b + s_all[2, p] * c)
        else:
            h_all[0, p] = -(s_all[0, p] * a + nxy * b)
            h_all[1, p] = -(nxy * a + s_all[1, p] * b)
            h_all[2, p] = -(s_all[2, p] * c)


@numba.njit(**JIT)
def scale_magnetisation(m, ms, out):
    """out = Ms m (A/m)."""
    nx, ny, nz = ms.shape
    for c in range(3):
        for i in range(nx):
            for j in range(ny):
                for k in range(nz):
                    out[c, i, j, k] = ms[i, j, k] * m[c, i, j, k]


@numba.njit(**JIT)
def mean_and_layer(m, ms, mean, mz_layer):
    """Ms-weighted mean of m over magnetic cells into ``mean`` and the z-average of m_z."""
    nx, ny, nz = ms.shape
    sw = 0.0
    sx = 0.0
    sy = 0.0
    sz = 0.0
    for i in range(nx):
        for j in range(ny):
            lw = 0.0
            lz = 0.0
            for k in range(nz):
                w = ms[i, j, k]
                if w == 0.0:
                    continue
                norm = np.sqrt(m[0, i, j, k] ** 2 + m[1, i, j, k] ** 2 + m[2, i, j, k] ** 2)
                w_n = w / norm
                sx += w_n * m[0, i, j, k]
                sy += w_n * m[1, i, j, k]
                sz += w_n * m[2, i, j, k]
                sw += w
                lz += w_n * m[2, i, j, k]
                lw += w
            mz_layer[i, j] = lz / lw if lw > 0.0 else 0.0
    mean[0] = sx / sw
    mean[1] = sy / sw
    mean[2] = sz / sw
