"""Markdown table of `make bench` JSON files: the median over runs of each
run's median, per (kernel, threads), with the range of frac_of_k1 over runs.
Memory-bound kernels (K6, K7) show GB/s and rows/s instead of GFLOP/s.

Usage: python3 Scripts/bench_table.py run1.json run2.json run3.json
"""
import json
import statistics
import sys

runs = [json.load(open(path)) for path in sys.argv[1:]]
# M1/M2 rows (samples/s) have their own table: Scripts/bench_metacvr_table.py.
keys = [(r["name"], r["threads"]) for r in runs[0] if not r.get("samples_per_s")]


def median(rows, field):
    values = [r[field] for r in rows if r.get(field) is not None]
    return statistics.median(values) if values else None


def show(value, fmt):
    return "–" if value is None else format(value, fmt)


print(f"| kernel | threads | shape | median ms | GFLOP/s | frac_of_k1 | frac range over {len(runs)} runs | GB/s | rows/s |")
print("|---|---|---|---|---|---|---|---|---|")
for name, threads in sorted(keys, key=lambda k: (k[1], keys.index(k))):
    rows = [r for run in runs for r in run if r["name"] == name and r["threads"] == threads]
    fracs = [r["frac_of_k1"] for r in rows if r.get("frac_of_k1") is not None]
    spread = f"{min(fracs):.2f}–{max(fracs):.2f}" if fracs else "–"
    print(f"| {name} | {threads} | {rows[0]['shape']} | {1000 * median(rows, 'median_s'):.3f} "
          f"| {show(median(rows, 'gflops'), '.1f')} | {show(median(rows, 'frac_of_k1'), '.2f')} | {spread} "
          f"| {show(median(rows, 'gb_per_s'), '.2f')} | {show(median(rows, 'rows_per_s'), '.3g')} |")
