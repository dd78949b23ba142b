#!/usr/bin/env bash
# Trains the SEESAW candidate fast model (not shipped yet; README, "Stance models"): the shipped fast model (the
# distilled soup of commit d9c3416; the card's `training.started_from`) trained further on the CPU on SEESAW questions (the run's own questions on
# SEESAW train, `import seesaw --out`), with the public stance sets replayed so that it keeps what it knew.
# About 40 minutes on 2 cores. SEESAW is CC BY-NC-SA 4.0, and so is a model trained on it.
#
#   scripts/train_stance_seesaw.sh [OUT]      # default .cache/train/stance-fast-seesaw
#
# Needs a git checkout (for the starting model).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.cache/train/stance-fast-seesaw}"
SEESAW="${SEESAW:-../shared/data/stance/seesaw}"
DATA="${DATA:-.cache/stance-data}"
S=.cache/seesaw
mkdir -p "$S" "$DATA"
cargo build --release --quiet
bin=target/release/stancemap
scripts/import_stance_sets.sh "$DATA"
# SEESAW questions, split by label so that the neutral ones can be sampled.
for split in train valid; do
    [ -s "$S/$split.jsonl" ] || "$bin" import seesaw "$SEESAW" --split "$split" --out "$S/$split.jsonl"
    grep -v '"label":"neutral"' "$S/$split.jsonl" > "$S/${split}_stance.jsonl"
    grep '"label":"neutral"' "$S/$split.jsonl" > "$S/${split}_neutral.jsonl"
done
# The starting model: the fast model as shipped before SEESAW.
init=.cache/train/stance-fast-d9c3416
mkdir -p "$init"
for file in card.json model.safetensors; do
    git show "d9c3416:models/stance-fast/$file" > "$init/$file"
done
"$bin" --threads "${THREADS:-2}" train stance --encoder minilm --init "$init" --epochs 2 --lr 5e-5 --out "$out" \
    --train "$S/train_stance.jsonl@3" "$S/train_neutral.jsonl@0.2" "$DATA/newsmtsc_train.jsonl@1" \
    "$DATA/pstance_train.jsonl@0.2" "$DATA/semeval_train.jsonl@0.6" "$DATA/basil_train.jsonl@1" \
    "$DATA/ibm_train.jsonl@0.3" "$DATA/hcq_train.jsonl@0.05" \
    --dev "$DATA/newsmtsc_dev.jsonl" "$DATA/pstance_val.jsonl" "$DATA/semeval_val.jsonl" "$DATA/basil_dev.jsonl" \
    "$S/valid.jsonl"
