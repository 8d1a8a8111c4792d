"""The acceptance figures of issue 14 from bench JSON files (our `bench` and the
PyTorch reference scripts' --json), as medians over runs, per label.

Each figure comes from records of one run: frac_of_k1 is the bench's own (a
kernel's GFLOP/s over K1's in the same process); M1's fraction of its compute
limit is samples/s × 21.16 MFLOP (WORKLOADS.md: a training step's matrix-product
flops per sample) over K1's GFLOP/s at the same thread count in the same run.
Ratios to PyTorch pair run i of ours with run i of torch (run side by side).

Usage: python3 Scripts/bench_ratios.py --label after --ours a1.json a2.json ... \
           [--torch t1.json ...] [--label before --ours b1.json ... [--torch ...]]
Prints one markdown table with a column per label.
"""
import argparse
import json
import statistics

M1_TRAIN_FLOPS = 21.16e6  # per sample, WORKLOADS.md M1 (forward + backward products)

parser = argparse.ArgumentParser()
parser.add_argument("--label", action="append", required=True)
parser.add_argument("--ours", action="append", nargs="+", required=True)
parser.add_argument("--torch", action="append", nargs="*", default=[])
args = parser.parse_args()


def load(paths):
    return [json.load(open(p)) for p in paths]


def find(run, name, threads):
    for r in run:
        if r["name"] == name and r["threads"] == threads:
            return r
    return None


def figures(runs, torch_runs):
    """{figure name: [value per run]}"""
    out = {}

    def add(key, value):
        if value is not None:
            out.setdefault(key, []).append(value)

    for i, run in enumerate(runs):
        for t in (1, 2):
            k1 = find(run, "K1", t)
            for name in ("K2", "K3", "K5", "K5-backward"):
                r = find(run, name, t)
                add(f"{name} / K1, {t} thread(s)", r and r.get("frac_of_k1"))
            k4, k4ref = find(run, "K4", t), find(run, "K4-openblas", t)
            if t == 2 and k4 and k4ref:
                add("K4 speed / plain threaded OpenBLAS, 2 threads", k4ref["median_s"] / k4["median_s"])
            for name in ("M1-train", "M1-infer", "M3-train", "M3-infer"):
                r = find(run, name, t)
                add(f"{name} samples/s, {t} thread(s)", r and r.get("samples_per_s"))
                if name == "M1-train" and r and k1 and k1.get("gflops"):
                    add(f"M1-train / compute limit (K1 / 21.16 MFLOP), {t} thread(s)",
                        r["samples_per_s"] * M1_TRAIN_FLOPS / (k1["gflops"] * 1e9))
                if i < len(torch_runs) and r:
                    ref = find(torch_runs[i], name, t)
                    if ref and ref.get("samples_per_s"):
                        add(f"{name} ours / PyTorch, {t} thread(s)", r["samples_per_s"] / ref["samples_per_s"])
    return out


labels = args.label
tables = []
for j, label in enumerate(labels):
    ours = load(args.ours[j])
    # --torch files: one list per label, each torch file may hold M1 and/or M3 rows; merge by run index.
    torch_paths = args.torch[j] if j < len(args.torch) else []
    torch_runs = []
    for k, run in enumerate(load(torch_paths)):
        index = k % max(1, len(ours))
        while len(torch_runs) <= index:
            torch_runs.append([])
        torch_runs[index] += run
    tables.append(figures(ours, torch_runs))

keys = []
for table in tables:
    for key in table:
        if key not in keys:
            keys.append(key)
flavour = {r.get("vector_level") or "?" for j in range(len(labels)) for run in load(args.ours[j]) for r in run}
core = {r["openblas"].split("core=")[-1] for j in range(len(labels)) for run in load(args.ours[j]) for r in run}
print(f"vector level(s): {', '.join(sorted(flavour))}; OpenBLAS core(s): {', '.join(sorted(core))}")
print("| figure | " + " | ".join(f"{l} (median, range, runs)" for l in labels) + " |")
print("|---|" + "---|" * len(labels))
for key in keys:
    cells = []
    for table in tables:
        values = table.get(key)
        if not values:
            cells.append("–")
            continue
        fmt = ".0f" if "samples/s" in key else ".2f"
        cells.append(f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}–{format(max(values), fmt)}, {len(values)})")
    print(f"| {key} | " + " | ".join(cells) + " |")
