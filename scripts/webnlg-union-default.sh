#!/usr/bin/env bash
# Train the default recipe (model/presets.ts) on webnlg-union (scripts/webnlg-union.ts: webnlg-more
# train + the webnlg-exact train texts it lacks, 2017 merged relation names mapped to WebNLG 3.0),
# select on webnlg-more dev, then score every dev set with its seen/unseen parts against the union.
# DISJOINT=1: train and select on the entity-disjoint split of the union instead
# (scripts/entity-disjoint-split.ts --union), and score its dev and wild-dev.
# A killed run continues with RESUME=1 (rin train --resume). Extra rin train flags: FLAGS="...";
# TRAIN_FILE=F trains on F instead (dev and the seen/unseen split stay the union's).
# Usage: bash scripts/webnlg-union-default.sh [OUT]     then: cp -r OUT/model models/webnlg-union-rin
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/webnlg-union-default}
DATA=${DATA:-../shared/data}
UNION=${UNION:-.data/webnlg-union}
[ -f "$UNION/train/train.json.gz" ] || node --import tsx scripts/webnlg-union.ts --out "$UNION"
if [ -n "${DISJOINT:-}" ]; then
  SPLIT=.data/webnlg-union-disjoint
  [ -f "$SPLIT/dev_triples.json.gz" ] || node --import tsx scripts/entity-disjoint-split.ts --union --out "$SPLIT"
  TRAIN=$SPLIT/train_triples.json.gz
  DEV=$SPLIT/dev_triples.json.gz
  SCORE=("$DEV" "$UNION/wild-dev/dev.json.gz")
else
  TRAIN=$UNION/train/train.json.gz
  DEV=$DATA/webnlg-more/dev.json.gz
  SCORE=("$DEV" "$UNION/wild-dev/dev.json.gz" "$UNION/webnlg-exact-dev/dev.json.gz")
fi
SEEN=$TRAIN
TRAIN=${TRAIN_FILE:-$TRAIN} # another training file of the same texts, e.g. scripts/fuse-sentences.ts's
if [ -n "${RESUME:-}" ]; then
  node bin/rin.js train --resume --train "$TRAIN" --dev "$DEV" --out "$OUT" --no-progress
else
  # shellcheck disable=SC2086
  node bin/rin.js train --overwrite --train "$TRAIN" --dev "$DEV" --self-pairs ${FLAGS:-} \
    --epochs "${EPOCHS:-15}" --patience "${PATIENCE:-4}" --seed "${SEED:-3}" --threads "${THREADS:-1}" --out "$OUT" --no-progress
fi
for d in "${SCORE[@]}"; do
  echo "== $d"
  node bin/rin.js eval --model "$OUT/model" --data "$d" --seen-from "$SEEN" --no-progress
done
