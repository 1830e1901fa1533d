#!/usr/bin/env bash
# Keep a copy of every epoch's model of a running `rin train --out RUN` (the checkpoint holds only
# the last one), for scripts/average-weights.ts. Polls RUN/checkpoint/state.json; a copy is kept
# only when its weights.bin has the sha256 that state.json names (so never half of two epochs).
# Stops when no `rin train ... --out RUN` process is left (after a last look), or on Ctrl-C.
# Usage: bash scripts/snapshot-epochs.sh RUN OUT     then OUT/e1, OUT/e2, ... are model directories
set -euo pipefail
RUN=${1:?usage: snapshot-epochs.sh RUN OUT}
OUT=${2:?usage: snapshot-epochs.sh RUN OUT}
CK=$RUN/checkpoint
mkdir -p "$OUT"
field() { node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(process.argv[2]==="sha"?s.files.weightsSha256:s.epoch)' "$CK/state.json" "$1"; }
while :; do
  if [ -f "$CK/state.json" ]; then
    e=$(field epoch)
    if [ ! -d "$OUT/e$e" ]; then
      rm -rf "$OUT/.e$e"
      cp -r "$CK/model" "$OUT/.e$e"
      if [ "$(sha256sum < "$OUT/.e$e/weights.bin" | cut -d' ' -f1)" = "$(field sha)" ] && [ "$(field epoch)" = "$e" ]; then
        mv "$OUT/.e$e" "$OUT/e$e" && echo "epoch $e → $OUT/e$e"
      else
        rm -rf "$OUT/.e$e" # caught mid-write: the next poll tries again
      fi
    fi
  fi
  [ -n "${last:-}" ] && exit 0
  pgrep -f -- "train .*--out $RUN( |\$)" > /dev/null || last=1 # one more look, then stop
  sleep 20
done
