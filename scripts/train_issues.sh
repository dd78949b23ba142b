#!/usr/bin/env bash
# Builds models/issues-fast (README, "Issue tagger"): a MiniLM span tagger for issue targets, trained on every place
# an issue row of SEESAW train's articles annotated by hand (gold/seesaw_train_hand.csv) names its target, the epoch
# chosen on SEESAW valid's (gold/seesaw_valid_hand.csv), through scripts/import_hand_gold.sh. About 10 minutes on 2
# cores. SEESAW is CC BY-NC-SA 4.0, and so is a model trained on it. (Adding the issue rows of the PolNeAR articles,
# gold/polnear_train_hand.csv, lowered article F1: README, "Issue tagger".)
#
#   scripts/train_issues.sh [OUT]      # default .cache/train/issues-fast
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.cache/train/issues-fast}"
DIR="${DIR:-.cache/hand-data}"
cargo build --release --quiet
scripts/import_hand_gold.sh "$DIR"
target/release/stancemap --threads "${THREADS:-2}" train ner --encoder minilm --epochs 4 --lr 2e-4 --precision bf16 \
    --train "$DIR/seesaw_train.conll" --dev "$DIR/seesaw_valid.conll" --out "$out"
echo "the issue tagger: $out"
