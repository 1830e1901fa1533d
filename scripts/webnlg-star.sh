#!/usr/bin/env bash
# Reproduce the WebNLG* dev figures of docs/results.md: RIN K=3 (seeds 1-3), RIN K=1, BiLSTM_s and
# BiLSTM, in two parallel lanes (one core each), then summarise them (table + plot).
# Usage: bash scripts/webnlg-star.sh [OUT]     (about 1.5 hours on a 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/webnlg-star}
DATA=${DATA:-../shared/data}
mkdir -p "$OUT"
COMMON=(--train "$DATA/webnlg-zeng/train.json.gz" --dev "$DATA/webnlg-zeng/valid.json.gz"
        --embeddings "$DATA/embeddings/glove.6B.100d.subset.txt.gz" --self-pairs
        --epochs 30 --patience 5 --no-progress)
run() {
  local name=$1; shift
  echo "$(date -u +%H:%M:%S) start $name"
  node bin/rin.js train --overwrite --preset paper "${COMMON[@]}" --out "$OUT/$name" "$@" > "$OUT/$name.log" 2>&1 || { echo "$name failed, see $OUT/$name.log"; return 1; }
  echo "$(date -u +%H:%M:%S) done  $name: $(tail -n 1 "$OUT/$name.log")"
}
( run rin-k3-seed1 --seed 1; run rin-k1 --rounds 1; run bilstm_s --variant bilstm_s ) &
( run rin-k3-seed2 --seed 2; run rin-k3-seed3 --seed 3; run bilstm --variant bilstm ) &
wait
node --import tsx scripts/summarize.ts "$OUT"
