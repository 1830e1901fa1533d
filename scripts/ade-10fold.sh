#!/usr/bin/env bash
# ADE, 10-fold cross-validation (the standard folds of ../shared/data/ade-spert): for each fold,
# 10% of its training part is held out for early stopping, RIN is trained on the rest, and the
# fold's test part is scored (entity F1, strict relation F1). Two folds run at a time (one per core).
# PRESET=paper (the default here: the figures of the old recipe, GloVe subset) or PRESET=default
# (the default recipe, model/presets.ts); FOLDS="0 1" runs some folds only; FLAGS="..." adds rin
# train flags, and TAG=NAME then names the table docs/ade-10fold-PRESET-NAME.md.
# Usage: bash scripts/ade-10fold.sh [OUT]     (about 1.5 hours on a 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/ade}
DATA=${DATA:-../shared/data}
EPOCHS=${EPOCHS:-15}  # the figures of docs/accuracy.md; dev curves are flat from about epoch 10
PRESET=${PRESET:-paper}
FOLDS=(${FOLDS:-0 1 2 3 4 5 6 7 8 9})
if [ "$PRESET" = paper ]; then VECTORS=(--embeddings "$DATA/embeddings/glove.6B.100d.subset.txt.gz"); else VECTORS=(); fi
mkdir -p "$OUT"
fold() {
  local k=$1 dir="$OUT/fold-$1"
  mkdir -p "$dir"
  cp "$DATA/ade-spert/ade_types.json" "$dir/ade_types.json"
  node --import tsx scripts/split-dev.ts "$DATA/ade-spert/ade_split_${k}_train.json.gz" "$dir/ade_train.json" "$dir/ade_dev.json" 0.1 "$((k + 1))" > "$dir/split.log"
  echo "$(date -u +%H:%M:%S) start fold $k"
  node bin/rin.js train --overwrite --preset "$PRESET" --train "$dir/ade_train.json" --dev "$dir/ade_dev.json" --out "$dir" \
    "${VECTORS[@]}" ${FLAGS:-} --epochs "$EPOCHS" --patience 5 --seed 1 --no-progress > "$dir/train.log" 2>&1 \
    || { echo "fold $k failed, see $dir/train.log"; return 1; }
  node bin/rin.js eval --model "$dir/model" --data "$DATA/ade-spert/ade_split_${k}_test.json.gz" --json --no-progress > "$dir/test-scores.json" 2> "$dir/eval.log"
  echo "$(date -u +%H:%M:%S) done  fold $k: $(tail -n 1 "$dir/train.log")"
}
# Two queues, one per core: the even and the odd positions of FOLDS.
( for i in "${!FOLDS[@]}"; do [ $((i % 2)) = 0 ] && fold "${FOLDS[$i]}"; done; true ) &
( for i in "${!FOLDS[@]}"; do [ $((i % 2)) = 1 ] && fold "${FOLDS[$i]}"; done; true ) &
wait
# The paper recipe's table is docs/ade-10fold.md; other presets write docs/ade-10fold-PRESET.md.
DOC=docs/ade-10fold; [ "$PRESET" = paper ] || DOC="docs/ade-10fold-$PRESET"; [ -z "${TAG:-}" ] || DOC="$DOC-$TAG"
node --import tsx scripts/summarize-folds.ts "$OUT" "$DOC"
