"""Markdown table of M1/M2 (WORKLOADS.md): ours (`make bench` JSON files) against
the PyTorch reference (Scripts/reference/bench_metacvr_torch.py --json files)
run on the same machine: the median over runs of each run's samples/s, the
ratio of those medians, and the peak resident memory.

Usage: python3 Scripts/bench_metacvr_table.py --ours a.json b.json --torch t1.json t2.json
"""
import argparse
import json
import statistics

parser = argparse.ArgumentParser()
parser.add_argument("--ours", nargs="+", required=True)
parser.add_argument("--torch", nargs="+", required=True)
args = parser.parse_args()
ours = [r for path in args.ours for r in json.load(open(path)) if r.get("samples_per_s")]
torch = [r for path in args.torch for r in json.load(open(path))]


def pick(rows, name, threads, field):
    values = [r[field] for r in rows if r["name"] == name and r["threads"] == threads and r.get(field)]
    return (statistics.median(values), len(values)) if values else (None, 0)


print("| workload | threads | ours samples/s | PyTorch samples/s | ours / PyTorch | runs (ours, PyTorch) "
      "| ours peak MiB | PyTorch peak MiB |")
print("|---|---|---|---|---|---|---|---|")
for name in ["M1-train", "M1-infer", "M2-train"]:
    for threads in [1, 2]:
        (a, na), (b, nb) = pick(ours, name, threads, "samples_per_s"), pick(torch, name, threads, "samples_per_s")
        pa, pb = pick(ours, name, threads, "peak_rss_mib")[0], pick(torch, name, threads, "peak_rss_mib")[0]
        ratio = f"{a / b:.2f}" if a and b else "–"
        fmt = lambda v, f: "–" if v is None else format(v, f)
        print(f"| {name} | {threads} | {fmt(a, '.0f')} | {fmt(b, '.0f')} | {ratio} | {na}, {nb} "
              f"| {fmt(pa, '.0f')} | {fmt(pb, '.0f')} |")
