#!/usr/bin/env bash
# Generalization to entities never seen in training: train on the entity-disjoint re-split of
# WebNLG (scripts/entity-disjoint-split.ts; no dev subject or object occurs in train) and score
# dev and wild-dev. PRESET=paper gives the old recipe (the settings of scripts/webnlg-exact.sh),
# PRESET=default the default recipe (the settings of scripts/webnlg-exact-default.sh).
# Usage: PRESET=default bash scripts/webnlg-disjoint.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${PRESET:-default}
OUT=${1:-runs/webnlg-disjoint-$PRESET}
DATA=${DATA:-../shared/data}
SPLIT=.data/webnlg-disjoint
[ -f "$SPLIT/dev_triples.json.gz" ] || node --import tsx scripts/entity-disjoint-split.ts --out "$SPLIT"
if [ "$PRESET" = paper ]; then
  EXTRA=(--embeddings "$DATA/embeddings/glove.6B.100d.subset.txt.gz" --extra-words 6000)
else
  EXTRA=()
fi
node bin/rin.js train --overwrite --preset "$PRESET" --train "$SPLIT/train_triples.json.gz" --dev "$SPLIT/dev_triples.json.gz" "${EXTRA[@]}" \
  --self-pairs --epochs "${EPOCHS:-30}" --patience "${PATIENCE:-6}" --seed "${SEED:-3}" --out "$OUT" --no-progress
node bin/rin.js eval --model "$OUT/model" --data "$SPLIT/dev_triples.json.gz" --seen-from "$SPLIT/train_triples.json.gz" --no-progress
node bin/rin.js eval --model "$OUT/model" --data "$DATA/wild-dev/dev.json.gz" --seen-from "$SPLIT/train_triples.json.gz" --no-progress
