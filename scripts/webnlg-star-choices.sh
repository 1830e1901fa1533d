#!/usr/bin/env bash
# The two design choices measured on WebNLG* dev beside scripts/webnlg-star.sh (seed 1, RIN K=3):
#   rin-k3-chunk-seed1    NER targets extended left over a POS noun phrase (--partial-ner chunk)
#                         instead of the head word alone (compare with runs/webnlg-star/rin-k3-seed1)
#   rin-k3-noself-seed1   the paper's w ≠ w' (no --self-pairs)
# Usage: bash scripts/webnlg-star-choices.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/webnlg-star-choices}
DATA=${DATA:-../shared/data}
mkdir -p "$OUT"
COMMON=(--train "$DATA/webnlg-zeng/train.json.gz" --dev "$DATA/webnlg-zeng/valid.json.gz"
        --embeddings "$DATA/embeddings/glove.6B.100d.subset.txt.gz"
        --epochs 30 --patience 5 --no-progress --seed 1)
node bin/rin.js train --overwrite --preset paper "${COMMON[@]}" --self-pairs --partial-ner chunk --out "$OUT/rin-k3-chunk-seed1" > "$OUT/rin-k3-chunk-seed1.log" 2>&1 &
node bin/rin.js train --overwrite --preset paper "${COMMON[@]}" --out "$OUT/rin-k3-noself-seed1" > "$OUT/rin-k3-noself-seed1.log" 2>&1 &
wait
node --import tsx scripts/summarize.ts "$OUT"
