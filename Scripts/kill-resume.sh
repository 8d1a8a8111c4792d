#!/usr/bin/env bash
# Kill -9 at random points and --resume: runs a small train-metacvr job once
# uninterrupted, then again and again with SIGKILL at a random moment followed
# by --resume, until KILLS kills have landed. Every series that completes must
# write a metrics.json byte-identical to the uninterrupted run's.
#
#   make kill-resume                 # KILLS=20
#   KILLS=50 Scripts/kill-resume.sh
#
# Uses the debug build (swift build); the world is DDFWorld.small (seed 42)
# restricted to 6 weeks, one seed, 3 epochs, so a run takes seconds.
set -euo pipefail

KILLS=${KILLS:-20}
SWIFT=${SWIFT:-swift}
cd "$(dirname "$0")/.."
$SWIFT build --product train-metacvr >/dev/null
$SWIFT build --product cvr >/dev/null
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kill-resume.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# Copies, so a rebuild during the loop cannot swap the program under it.
mkdir "$WORK/bin"
cp "$($SWIFT build --show-bin-path)/train-metacvr" "$($SWIFT build --show-bin-path)/cvr" "$WORK/bin/"
BIN=$WORK/bin

"$BIN/cvr" data generate --world ddf --seed 42 --out "$WORK/data" >/dev/null
cat >"$WORK/run.yaml" <<YAML
models: [LR, BASE, XGBoost, BASE-F, MetaCVR]
dmn: [spdm]
seeds: [1]
preset: demo
train_days: "0-27"
recent_days: "14-27"
valid_days: "28-41"
training: {max_epochs: 3, patience: 3}
model_training:
  MetaCVR-SPDM: {max_epochs: 4, patience: 4}
xgboost: {rounds: 10}
YAML
args=(--config "$WORK/run.yaml" --data "$WORK/data/data.csv" --schema "$WORK/data/schema.yaml" --quiet --threads 1)

start=$(date +%s.%N)
"$BIN/train-metacvr" "${args[@]}" --out "$WORK/reference" >/dev/null 2>"$WORK/reference.log"
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "uninterrupted run: ${wall} s"

kills=0 series=0 identical=0 different=0 mode=fresh
while [ "$kills" -lt "$KILLS" ]; do
  extra=()
  case $mode in
    fresh) extra=(--overwrite) ;;
    resume) extra=(--resume) ;;
  esac
  # A random moment in (0, wall): a resumed run has less left, so some end on their own.
  delay=$(awk -v w="$wall" -v r="$RANDOM" 'BEGIN { printf "%.3f", w * r / 32768 }')
  "$BIN/train-metacvr" "${args[@]}" --out "$WORK/killed" "${extra[@]}" >/dev/null 2>>"$WORK/killed.log" &
  pid=$!
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    kills=$((kills + 1))
    echo "kill $kills at ${delay} s"
    mode=resume
    continue
  fi
  status=0
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "a run exited with status $status (see below)"; tail -5 "$WORK/killed.log"; exit 1
  fi
  series=$((series + 1))
  if cmp -s "$WORK/reference/metrics.json" "$WORK/killed/metrics.json"; then
    identical=$((identical + 1)); echo "series $series complete: metrics.json identical"
  else
    different=$((different + 1)); echo "series $series complete: metrics.json DIFFERS"
  fi
  mode=fresh
done
# Finish the last series.
if [ "$mode" = resume ]; then
  "$BIN/train-metacvr" "${args[@]}" --out "$WORK/killed" --resume >/dev/null 2>>"$WORK/killed.log"
  series=$((series + 1))
  if cmp -s "$WORK/reference/metrics.json" "$WORK/killed/metrics.json"; then
    identical=$((identical + 1)); echo "series $series complete: metrics.json identical"
  else
    different=$((different + 1)); echo "series $series complete: metrics.json DIFFERS"
  fi
fi
echo "kill-resume: $kills kills, $series completed series, $identical identical, $different different"
[ "$different" -eq 0 ]
