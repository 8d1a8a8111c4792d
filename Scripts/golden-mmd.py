#!/usr/bin/env python3
"""Golden values of the squared MMD for Tests/CVRAutogradTests/MMDTests.swift.

Written from Gretton et al. (JMLR 2012, Eq. 5: the biased estimator) and the
EVI `MMDLoss` bandwidth rule of seeds-code.md §2.5, not from the Swift code:
pairwise squared distances by an explicit double loop (no Gram-matrix trick),
σ̄ = Σ_{a≠b} ‖z_a − z_b‖² / (m² − m) over Z = [X; Y], and
    k(a, b) = Σ_q exp(−‖a − b‖² / (σ̄ s_q)),
    MMD² = mean K_XX + mean K_YY − 2 mean K_XY,
in float64. Kernels: single (s = 1) and multi-bandwidth (s = 2^(q−2), q = 0..4).
A second column uses scikit-learn's rbf_kernel (gamma = 1 / (σ̄ s)) when it is installed.

Run: python3 Scripts/golden-mmd.py   (numpy only)
"""
import numpy as np

X = np.array([[0.3, -1.2, 0.5], [1.1, 0.4, -0.7], [-0.6, 0.9, 0.2], [0.0, -0.3, 1.4]])
Y = np.array([[0.8, -0.5, 0.1], [1.5, 1.0, -0.2], [-0.1, 0.2, 0.9], [0.4, -1.0, 1.8]])


def sq_dist(a, b):
    return sum((a[k] - b[k]) ** 2 for k in range(len(a)))


def mmd2(x, y, scales):
    z = np.concatenate([x, y])
    m, n = len(z), len(x)
    d = np.array([[sq_dist(z[i], z[j]) for j in range(m)] for i in range(m)])
    sigma = d.sum() / (m * m - m)
    k = sum(np.exp(-d / (sigma * s)) for s in scales)
    return k[:n, :n].mean() + k[n:, n:].mean() - 2 * k[:n, n:].mean(), sigma


def mmd2_sklearn(x, y, scales, sigma):
    from sklearn.metrics.pairwise import rbf_kernel
    k = lambda a, b: sum(rbf_kernel(a, b, gamma=1 / (sigma * s)) for s in scales)
    return k(x, x).mean() + k(y, y).mean() - 2 * k(x, y).mean()


for name, scales in [("single", [1.0]), ("multi", [0.25, 0.5, 1.0, 2.0, 4.0])]:
    value, sigma = mmd2(X, Y, scales)
    try:
        check = "%.10f" % mmd2_sklearn(X, Y, scales, sigma)
    except ImportError:
        check = "(scikit-learn absent)"
    print("%-6s sigma=%.10f mmd2=%.10f sklearn=%s" % (name, sigma, value, check))
shifted, _ = mmd2(X, X + 1.0, [1.0])
print("single X vs X+1 mmd2=%.10f" % shifted)
