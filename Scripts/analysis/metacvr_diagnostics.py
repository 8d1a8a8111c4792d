#!/usr/bin/env python3
"""Why MetaCVR does or does not beat BASE on a train-metacvr --demo run.

Reads the demo world (DIR/data/data.csv, calendar.csv) and `cvr predict` score
files of several models; prints, on D_v's clicked rows: AUC and log loss per
model, AUC per occasion, the mean prediction per occasion against the label
rate (occasion-level calibration), the AUC of the simulator's true CVR (the
ceiling), and the correlation of each model's logit with the first model's.

    swift run -c release cvr predict --checkpoint DIR/checkpoints/BASE-seed3.ckpt \
        --data DIR/data/data.csv --schema DIR/data/schema.yaml --out /tmp/pred-BASE.csv
    (the same for MetaCVR-SPDM, ...)
    python3 Scripts/analysis/metacvr_diagnostics.py DIR 56 69 BASE=/tmp/pred-BASE.csv SPDM=/tmp/pred-SPDM.csv

Needs numpy and scikit-learn; the Swift package never runs it.
"""
import csv
import sys

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score


def main():
    run, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    models = [arg.split("=", 1) for arg in sys.argv[4:]]
    rows = list(csv.DictReader(open(f"{run}/data/data.csv")))
    calendar = {r["day"]: r["occasion"] for r in csv.DictReader(open(f"{run}/data/calendar.csv"))}
    keep = [i for i, r in enumerate(rows) if first <= int(r["day"]) <= last and r["click"] == "1"]
    y = np.array([int(rows[i]["buy"]) for i in keep])
    occasion = np.array([calendar[rows[i]["day"]] for i in keep])
    names = sorted(set(occasion))
    truth = np.array([float(rows[i]["true_cvr"]) for i in keep])
    print(f"{len(keep)} clicked rows, {y.sum()} purchases; true-CVR AUC {roc_auc_score(y, truth):.4f}")
    print("label rate  " + "  ".join(f"{o} {y[occasion == o].mean():.3f}" for o in names))
    logits = {}
    for name, path in models:
        score = np.array([float(r["score"]) for r in csv.DictReader(open(path))])[keep]
        logits[name] = np.log(score / (1 - score))
        per = "  ".join(f"{o} {roc_auc_score(y[occasion == o], score[occasion == o]):.4f}" for o in names)
        mean = "  ".join(f"{o} {score[occasion == o].mean():.3f}" for o in names)
        print(f"{name}: AUC {roc_auc_score(y, score):.4f}  log loss {log_loss(y, score):.4f}")
        print(f"  AUC by occasion   {per}")
        print(f"  mean prediction   {mean}")
    reference = models[0][0]
    for name, _ in models[1:]:
        print(f"corr(logit {reference}, logit {name}) = {np.corrcoef(logits[reference], logits[name])[0, 1]:.6f}")


if __name__ == "__main__":
    main()
