#!/usr/bin/env python3
"""Golden values of IPS, SNIPS and DR (and, plain only, naive, DR-JL, MRDR, StableDR) on one fixed array, for
Tests/CVREstimatorsTests/GoldenEstimatorTests.swift.

Reference: the Open Bandit Pipeline (obp 0.4.1 from PyPI), its estimator classes
InverseProbabilityWeighting, SelfNormalizedInverseProbabilityWeighting and
DoublyRobust, with the same formulas also written out in plain Python (written
from the papers, not from the Swift code) as a cross-check; both are printed.

`pip install obp` does not complete here (it pins PyYAML 5.4 / numpy 1.23, which do
not build on Python 3.11), so the run pasted into the test used
    pip install --no-deps --target DIR obp ; pip install --target DIR2 pandas scikit-learn
    PYTHONPATH=DIR:DIR2 Scripts/golden-estimators.py
a stand-in `torch` module (obp imports torch only for its tensor code paths and
type hints; the NumPy paths used here never touch it), and obp.ope registered by
path so that its plotting imports are skipped. Without obp the script
prints the plain-Python values only.

The missing-data problem is mapped onto a two-action bandit: action a_i = o_i
(observe or not), behaviour probability π_b(a_i) = p_i if o_i else 1 − p_i, the
evaluation policy always observes (π_e(1) = 1), reward r_i = o_i e_i and the
regression model q̂(x_i, 1) = ê_i, q̂(x_i, 0) = 0. Then OBP's importance weight is
w_i = o_i / p_i and
    IPW   = mean(w r)              = (1/N) Σ o e/p
    SNIPW = mean(w r) / mean(w)    = Σ o e/p / Σ o/p
    DR    = mean(q̂(x, π_e) + w (r − q̂(x, a))) = (1/N) Σ [ê + o (e − ê)/p].
Propensities are clipped to [0.05, 1] (CVREstimators' default) before either.
"""
import os, sys, types

OBSERVED = [1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1]
ERRORS = [0.35, 0.0, 1.20, 0.05, 0.0, 0.80, 0.0, 0.0, 2.10, 0.45, 0.0, 0.60]  # read where observed
PROPENSITIES = [0.30, 0.50, 0.08, 0.90, 0.20, 0.45, 0.03, 0.70, 0.03, 0.60, 0.15, 0.25]
IMPUTED = [0.40, 0.30, 0.90, 0.10, 0.50, 0.70, 0.20, 0.35, 1.50, 0.50, 0.25, 0.55]
FLOOR, CEILING = 0.05, 1.0


def plain():
    p = [min(max(x, FLOOR), CEILING) for x in PROPENSITIES]
    n = len(p)
    ips = sum(o * e / q for o, e, q in zip(OBSERVED, ERRORS, p)) / n
    snips = sum(o * e / q for o, e, q in zip(OBSERVED, ERRORS, p)) / sum(o / q for o, q in zip(OBSERVED, p))
    dr = sum(h + o * (e - h) / q for o, e, q, h in zip(OBSERVED, ERRORS, p, IMPUTED)) / n
    # Beyond OBP (plain only): naive, the DR-JL and MRDR imputation losses, and StableDR
    # with the intercept that meets Σ o (e − ê − δ)/p = 0.
    observed = [e for o, e in zip(OBSERVED, ERRORS) if o]
    naive = sum(observed) / len(observed)
    drjl = sum(o * (e - h) ** 2 / q for o, e, q, h in zip(OBSERVED, ERRORS, p, IMPUTED)) / n
    mrdr = sum(o * (1 - q) / q ** 2 * (e - h) ** 2 for o, e, q, h in zip(OBSERVED, ERRORS, p, IMPUTED)) / n
    delta = sum(o * (e - h) / q for o, e, q, h in zip(OBSERVED, ERRORS, p, IMPUTED)) / sum(o / q for o, q in zip(OBSERVED, p))
    stabledr = sum(h + delta for h in IMPUTED) / n
    return {"ips": ips, "snips": snips, "dr": dr, "naive": naive, "dr-jl": drjl, "mrdr": mrdr,
            "stabledr-shift": delta, "stabledr": stabledr}


def with_obp():
    try:
        import torch  # noqa: F401
    except ImportError:
        stub = types.ModuleType("torch")
        stub.Tensor = type("Tensor", (), {})
        sys.modules["torch"] = stub
    import numpy as np
    import obp
    # obp.ope's __init__ pulls in plotting (matplotlib, seaborn) for its meta class;
    # register the subpackage by path so only estimators.py and utils.py load.
    ope = types.ModuleType("obp.ope")
    ope.__path__ = [os.path.join(os.path.dirname(obp.__file__), "ope")]
    sys.modules["obp.ope"] = ope
    from obp.ope.estimators import (
        DoublyRobust, InverseProbabilityWeighting, SelfNormalizedInverseProbabilityWeighting)
    o = np.array(OBSERVED, dtype=int)
    p = np.clip(np.array(PROPENSITIES), FLOOR, CEILING)
    n = len(o)
    reward = o * np.array(ERRORS)
    pscore = np.where(o == 1, p, 1 - p)
    action_dist = np.zeros((n, 2, 1))
    action_dist[:, 1, 0] = 1.0
    q_hat = np.zeros((n, 2, 1))
    q_hat[:, 1, 0] = np.array(IMPUTED)
    args = dict(reward=reward, action=o, pscore=pscore, action_dist=action_dist)
    return {
        "ips": float(InverseProbabilityWeighting().estimate_policy_value(**args)),
        "snips": float(SelfNormalizedInverseProbabilityWeighting().estimate_policy_value(**args)),
        "dr": float(DoublyRobust().estimate_policy_value(**args, estimated_rewards_by_reg_model=q_hat)),
    }


if __name__ == "__main__":
    for name, value in plain().items():
        print(f"plain {name} {value!r}")
    try:
        values = with_obp()
    except ImportError as error:
        print(f"obp unavailable ({error}); plain values only")
    else:
        import obp
        for name, value in values.items():
            print(f"obp-{obp.__version__} {name} {value!r}")
