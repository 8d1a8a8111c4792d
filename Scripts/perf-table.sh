#!/usr/bin/env bash
# The before/after table of issue 14's acceptance figures (docs/performance.md):
# builds the release `bench` of two revisions, runs them alternately RUNS times
# (default 3) on K2, K3, K4, K5, M1 and M3 at 1 and 2 threads (the PyTorch
# references beside them when torch can be had, Scripts/torch-env.sh), and prints
# medians over the runs with their ranges (Scripts/bench_ratios.py).
#
#   Scripts/perf-table.sh                   # BEFORE=main AFTER=HEAD RUNS=3
#   BEFORE=da0b2b0 AFTER=i14-rest RUNS=3 Scripts/perf-table.sh
#   TORCH=0 Scripts/perf-table.sh           # without the PyTorch runs
#
# Run it on a quiet machine: only ratios taken in one process (frac_of_k1) and
# figures of runs taken side by side compare; the rates move with other load.
# Takes about 2 release builds plus RUNS × 2 × (6 bench groups + torch) runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${BEFORE:-main}
AFTER=${AFTER:-HEAD}
RUNS=${RUNS:-3}
GROUPS_TO_RUN=${GROUPS_TO_RUN:-K2 K3 K4 K5 M1 M3}
SWIFT=${SWIFT:-swift}
root=.build/perf-table
out=$root/out-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$out"

build() {  # revision -> path of its release bench
  local rev=$1 sha dir
  sha=$(git rev-parse --short "$rev")
  dir=$root/src-$sha
  if [ ! -d "$dir" ]; then git worktree add --detach "$dir" "$sha" >&2; fi
  "$SWIFT" build -c release --product bench --package-path "$dir" >&2
  echo "$dir/.build/release/bench"
}

./Scripts/install-deps.sh
before_bin=$(build "$BEFORE")
after_bin=$(build "$AFTER")
python=""
if [ "${TORCH:-1}" != 0 ]; then python=$(./Scripts/torch-env.sh || true); fi
[ -n "$python" ] || echo "perf-table: no torch, the PyTorch ratios are left out" >&2

for i in $(seq 1 "$RUNS"); do
  for label in before after; do
    bin=$before_bin
    [ "$label" = after ] && bin=$after_bin
    for group in $GROUPS_TO_RUN; do
      echo "perf-table: run $i $label $group" >&2
      BENCH_ONLY=$group BENCH_JSON="$out/$label-$group-$i.json" "$bin" >"$out/$label-$group-$i.log"
    done
    # The torch reference right after each of our runs (it does not change between revisions).
    if [ -n "$python" ]; then
      "$python" Scripts/reference/bench_metacvr_torch.py --workloads M1-train M1-infer --json "$out/$label-torch-m1-$i.json" \
        >"$out/$label-torch-m1-$i.log" 2>&1 || echo "perf-table: torch M1 failed (see $out)" >&2
      "$python" Scripts/reference/bench_egean_torch.py --adam fused --json "$out/$label-torch-m3-$i.json" \
        >"$out/$label-torch-m3-$i.log" 2>&1 || echo "perf-table: torch M3 failed (see $out)" >&2
    fi
  done
done

args=()
for label in before after; do
  args+=(--label "$label ($( [ $label = before ] && echo "$BEFORE" || echo "$AFTER"))")
  # One merged file per run: every group's records of run i.
  files=()
  for i in $(seq 1 "$RUNS"); do
    python3 -c 'import json,sys; print(json.dumps([r for p in sys.argv[2:] for r in json.load(open(p))]))' x \
      "$out/$label"-K*-"$i".json "$out/$label"-M*-"$i".json >"$out/$label-run-$i.json"
    files+=("$out/$label-run-$i.json")
  done
  args+=(--ours "${files[@]}")
  torch_files=("$out/$label"-torch-*.json)
  if [ -e "${torch_files[0]}" ]; then args+=(--torch "${torch_files[@]}"); else args+=(--torch); fi
done
python3 Scripts/bench_ratios.py "${args[@]}" | tee "$out/table.md"
echo "perf-table: raw files and table.md in $out" >&2
