#!/usr/bin/env bash
# Train the default recipe (model/presets.ts) on WebNLG with full entity spans and score it on
# dev, overall and split by entities seen / unseen in training, and on wild-dev (entities absent
# from WebNLG). The shipped model, models/webnlg-exact-rin, is this run.
# Usage: bash scripts/webnlg-exact-default.sh [OUT]     then: cp -r OUT/model models/webnlg-exact-rin
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/webnlg-exact-default}
DATA=${DATA:-../shared/data}
TRAIN=${TRAIN:-$DATA/webnlg-exact/train_triples.json.gz}
DEV=${DEV:-$DATA/webnlg-exact/dev_triples.json.gz}
node bin/rin.js train --overwrite --train "$TRAIN" --dev "$DEV" --self-pairs \
  --epochs "${EPOCHS:-30}" --patience "${PATIENCE:-6}" --seed "${SEED:-3}" --out "$OUT" --no-progress
node bin/rin.js eval --model "$OUT/model" --data "$DEV" --seen-from "$TRAIN" --no-progress
node bin/rin.js eval --model "$OUT/model" --data "$DATA/wild-dev/dev.json.gz" --seen-from "$TRAIN" --no-progress
