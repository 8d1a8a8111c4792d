#!/usr/bin/env bash
# The second half of `make bench`: the committed PyTorch references of M1 and M3
# (Scripts/reference/) right after our bench, then each model's ratio to them and
# M1's fraction of its compute limit from K1 of our run (Scripts/bench_ratios.py).
# Without torch (Scripts/torch-env.sh cannot make it) it says so and stops, exit 0.
set -uo pipefail
cd "$(dirname "$0")/.."
json=${BENCH_JSON:-.build/bench.json}
if [ -n "${BENCH_ONLY:-}" ] && [[ "$BENCH_ONLY" != M* ]]; then exit 0; fi
python=$(./Scripts/torch-env.sh) || { echo "bench: PyTorch reference skipped (no torch: see the line above)"; exit 0; }
torch_files=()
if [ -z "${BENCH_ONLY:-}" ] || [[ "$BENCH_ONLY" == M1* ]]; then
  "$python" Scripts/reference/bench_metacvr_torch.py --workloads M1-train M1-infer --json "$json.torch-m1.json" \
    && torch_files+=("$json.torch-m1.json") || echo "bench: the PyTorch M1 reference failed"
fi
if [ -z "${BENCH_ONLY:-}" ] || [[ "$BENCH_ONLY" == M3* ]]; then
  "$python" Scripts/reference/bench_egean_torch.py --adam fused --json "$json.torch-m3.json" \
    && torch_files+=("$json.torch-m3.json") || echo "bench: the PyTorch M3 reference failed"
fi
python3 Scripts/bench_ratios.py --label "this run" --ours "$json" --torch "${torch_files[@]}"
