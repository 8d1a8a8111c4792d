"""Markdown table of `make bench` JSON files: the median over runs of each
run's median, per (kernel, threads), with the range of frac_of_k1 over runs.

Usage: python3 Scripts/bench_table.py run1.json run2.json run3.json
"""
import json
import statistics
import sys

runs = [json.load(open(path)) for path in sys.argv[1:]]
keys = [(r["name"], r["threads"]) for r in runs[0]]
print(f"| kernel | threads | shape | median ms | GFLOP/s | frac_of_k1 | frac range over {len(runs)} runs |")
print("|---|---|---|---|---|---|---|")
for name, threads in sorted(keys, key=lambda k: (k[1], keys.index(k))):
    rows = [r for run in runs for r in run if r["name"] == name and r["threads"] == threads]
    med = lambda f: statistics.median(r[f] for r in rows)
    fracs = [r["frac_of_k1"] for r in rows]
    print(f"| {name} | {threads} | {rows[0]['shape']} | {1000 * med('median_s'):.3f} | {med('gflops'):.1f} "
          f"| {med('frac_of_k1'):.2f} | {min(fracs):.2f}–{max(fracs):.2f} |")
