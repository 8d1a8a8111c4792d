#!/usr/bin/env python3
"""Acceptance check: `cvr evaluate` against scikit-learn on a million rows with many ties.

Generates 1e6 rows (scores rounded to 3 decimals, so about 1000 rows share each
score; labels Bernoulli(score); 200 users), writes the CSV, runs
`cvr evaluate` and compares AUC and log loss with sklearn.metrics.roc_auc_score
and log_loss, asserting |difference| <= 1e-9. PCOC and GAUC are checked against
NumPy / a per-user sklearn loop.

Scores stay in [0.001, 0.999]: scikit-learn (>= 1.3) clips probabilities at the
dtype's machine epsilon while cvr clips at 1e-15 (documented in LogLoss.swift);
inside that range neither clip acts, so the two log losses are the same number.

usage: check_auc_sklearn.py [path/to/cvr]   (default: swift run -c release cvr)
Needs numpy and scikit-learn (e.g. /tmp/torchenv/bin/python).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

ROWS = 1_000_000
USERS = 200
TOLERANCE = 1e-9


def main() -> None:
    rng = np.random.default_rng(20240601)
    scores = np.round(rng.uniform(0.001, 0.999, ROWS), 3)
    labels = (rng.uniform(size=ROWS) < scores).astype(np.int64)
    users = rng.integers(0, USERS, ROWS)

    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "scores.csv")
        with open(path, "w") as f:
            f.write("user,label,score\n")
            # "%.3f" writes exactly the rounded decimal both sides parse.
            np.savetxt(f, np.column_stack([users, labels, scores]), fmt=["u%d", "%d", "%.3f"], delimiter=",")
        scores = np.loadtxt(path, delimiter=",", skiprows=1, usecols=2)  # what cvr reads

        if len(sys.argv) > 1:
            command = [sys.argv[1]]
        else:
            command = ["swift", "run", "-c", "release", "cvr"]
        command += ["evaluate", path, "--label", "label", "--score", "score", "--user", "user",
                    "--bootstrap", "200", "--seed", "7"]
        started = time.time()
        result = subprocess.run(command, capture_output=True, text=True)
        seconds = time.time() - started
        if result.returncode != 0:
            sys.exit(f"cvr evaluate failed ({result.returncode}):\n{result.stderr}")
        report = json.loads(result.stdout)

    reference_auc = roc_auc_score(labels, scores)
    reference_logloss = log_loss(labels, scores)
    reference_pcoc = scores.sum() / labels.sum()
    weighted, kept_rows, kept = 0.0, 0, 0
    for u in range(USERS):
        mask = users == u
        if 0 < labels[mask].sum() < mask.sum():
            weighted += mask.sum() * roc_auc_score(labels[mask], scores[mask])
            kept_rows += mask.sum()
            kept += 1
    reference_gauc = weighted / kept_rows

    print(f"rows {report['rows']} (positives {report['positives']}, distinct scores {len(np.unique(scores))}); "
          f"cvr evaluate took {seconds:.2f} s")
    checks = [
        ("auc", report["auc"], reference_auc),
        ("logloss", report["logloss"], reference_logloss),
        ("pcoc", report["pcoc"], reference_pcoc),
        ("gauc", report["gauc"]["value"], reference_gauc),
    ]
    for name, ours, theirs in checks:
        print(f"{name:8s} cvr {ours:.15f}  reference {theirs:.15f}  |diff| {abs(ours - theirs):.2e}")
    b = report["bootstrap"]
    print(f"bootstrap {b['level']:.0%} AUC interval [{b['lower']:.6f}, {b['upper']:.6f}] from {b['resamples']} resamples")
    assert report["rows"] == ROWS and report["positives"] == labels.sum()
    assert report["gauc"]["users_kept"] == kept
    for name, ours, theirs in checks:
        assert abs(ours - theirs) <= TOLERANCE, f"{name}: {ours} vs {theirs}"
    assert b["lower"] <= report["auc"] <= b["upper"]
    print("OK: every |diff| <= 1e-9")


if __name__ == "__main__":
    main()
