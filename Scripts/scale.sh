#!/usr/bin/env bash
# The scale run of issue 13 (docs/performance.md, "Scale: Ali-CCP-sized logs"):
# a synthetic log in the processed Ali-CCP layout at the public set's rates,
# then the time and peak memory of ingesting it (parse + column cache), the
# cache's size, and one training epoch of each model in MODELS with train-egean.
#
#   make scale                                   # ROWS=5000000 MODELS=ESMM THREADS=2
#   ROWS=1000000 MODELS=ESMM,EGEAN+PVDR Scripts/scale.sh
#
# Release build; the files go to SCALE_DIR (default .build/scale, kept so a
# second run reuses them: delete it to regenerate). Not part of make test.
set -euo pipefail

ROWS=${ROWS:-5000000}
MODELS=${MODELS:-ESMM}
THREADS=${THREADS:-2}
SWIFT=${SWIFT:-swift}
cd "$(dirname "$0")/.."
DIR=${SCALE_DIR:-.build/scale}/rows-$ROWS
$SWIFT build -c release --product cvr >/dev/null
$SWIFT build -c release --product train-egean >/dev/null
BIN=$($SWIFT build -c release --show-bin-path)
mkdir -p "$DIR"

# "Elapsed (wall clock) time" and "Maximum resident set size" of GNU time -v.
measure() { # NAME LOG COMMAND...
  local name=$1 log=$2; shift 2
  /usr/bin/time -v "$@" >"$log.out" 2>"$log"
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  printf '%-34s wall %10s  peak RSS %8.1f MB\n' "$name" "$wall" "$(echo "$rss / 1024" | bc -l)"
}

if [ ! -f "$DIR/train.csv" ]; then
  measure "generate ($ROWS rows)" "$DIR/generate.log" "$BIN/cvr" data generate --world ali-ccp-scale --rows "$ROWS" --seed 1 --out "$DIR"
  cat "$DIR/generate.log.out"
fi
printf '%-34s %s bytes\n' "train.csv" "$(stat -c %s "$DIR/train.csv")"
rm -rf "$DIR/.cvrcache"
measure "ingest: parse + write cache" "$DIR/ingest.log" "$BIN/cvr" data inspect --data "$DIR/train.csv" --schema "$DIR/schema.yaml"
printf '%-34s %s bytes\n' "column cache" "$(stat -c %s "$DIR/.cvrcache/train.csv.cvrcols")"
measure "ingest: from the cache" "$DIR/cached.log" "$BIN/cvr" data inspect --data "$DIR/train.csv" --schema "$DIR/schema.yaml"

IFS=',' read -ra list <<<"$MODELS"
for model in "${list[@]}"; do
  out="$DIR/run-$(echo "$model" | tr '+/ ' '---')"
  measure "train-egean $model, 1 epoch" "$out.log" "$BIN/train-egean" --format ali-ccp --data "$DIR/train.csv" \
    --test-data "$DIR/test.csv" --models "$model" --ablations none --seeds 1 --epochs 1 --threads "$THREADS" \
    --out "$out" --overwrite --quiet
  grep -o '"samples_per_second": [0-9.]*\|"seconds": [0-9.]*' "$out/timings.json" | tr '\n' ' '
  echo
done
