#!/usr/bin/env bash
# ADE, 10-fold cross-validation (the standard folds of ../shared/data/ade-spert): for each fold,
# 10% of its training part is held out for early stopping, RIN is trained on the rest, and the
# fold's test part is scored (entity F1, strict relation F1). Two folds run at a time (one per core).
# Usage: bash scripts/ade-10fold.sh [OUT]     (about 1.5 hours on a 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/ade}
DATA=${DATA:-../shared/data}
EPOCHS=${EPOCHS:-15}  # the README figures; dev curves are flat from about epoch 10
mkdir -p "$OUT"
fold() {
  local k=$1 dir="$OUT/fold-$1"
  mkdir -p "$dir"
  cp "$DATA/ade-spert/ade_types.json" "$dir/ade_types.json"
  node --import tsx scripts/split-dev.ts "$DATA/ade-spert/ade_split_${k}_train.json.gz" "$dir/ade_train.json" "$dir/ade_dev.json" 0.1 "$((k + 1))" > "$dir/split.log"
  echo "$(date -u +%H:%M:%S) start fold $k"
  node bin/rin.js train --preset paper --train "$dir/ade_train.json" --dev "$dir/ade_dev.json" --out "$dir" \
    --embeddings "$DATA/embeddings/glove.6B.100d.subset.txt.gz" --epochs "$EPOCHS" --patience 5 --seed 1 --no-progress > "$dir/train.log" 2>&1 \
    || { echo "fold $k failed, see $dir/train.log"; return 1; }
  node bin/rin.js eval --model "$dir/model" --data "$DATA/ade-spert/ade_split_${k}_test.json.gz" --json --no-progress > "$dir/test-scores.json" 2> "$dir/eval.log"
  echo "$(date -u +%H:%M:%S) done  fold $k: $(tail -n 1 "$dir/train.log")"
}
( for k in 0 2 4 6 8; do fold $k; done ) &
( for k in 1 3 5 7 9; do fold $k; done ) &
wait
node --import tsx scripts/summarize-folds.ts "$OUT"
