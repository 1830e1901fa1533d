#!/usr/bin/env bash
# Train the model rin ships (models/webnlg-exact-rin): RIN K=3 on WebNLG with full entity spans,
# GloVe 100-d plus the 6000 most frequent GloVe words (so raw text beyond WebNLG's words keeps
# its vectors), selected on dev exact-match F1. Then score it on dev. About 30 minutes alone on
# one core of a 2-core machine.
# Usage: bash scripts/webnlg-exact.sh [OUT]     then: cp -r OUT/model models/webnlg-exact-rin
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/webnlg-exact}
DATA=${DATA:-../shared/data}
node bin/rin.js train --train "$DATA/webnlg-exact/train_triples.json.gz" --dev "$DATA/webnlg-exact/dev_triples.json.gz" \
  --embeddings "$DATA/embeddings/glove.6B.100d.subset.txt.gz" --extra-words 6000 --self-pairs \
  --epochs 30 --patience 5 --seed 1 --out "$OUT" --no-progress
node bin/rin.js eval --model "$OUT/model" --data "$DATA/webnlg-exact/dev_triples.json.gz" --no-progress
