#!/usr/bin/env bash
# Builds models/relations-fast (README, "Stance models"): the fast stance model of commit d9c3416 trained further
# on the CPU on the run's own questions on SEESAW train's articles, labelled by the rows annotated by hand
# (gold/seesaw_train_hand.csv, through `import articles --out`), with the public stance sets replayed. Not
# interpolated with the start (unlike models/stance-fast): it is the model for run's holder -> target questions,
# and gives up .04 of NewsMTSC dev for it. About 20 minutes on 2 cores (5 of them importing).
# SEESAW is CC BY-NC-SA 4.0, and so is a model trained on it.
#
#   scripts/train_relations.sh [OUT]      # default .cache/train/relations-fast
#
# Needs a git checkout (for the starting model).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.cache/train/relations-fast}"
SEESAW="${SEESAW:-../shared/data/stance/seesaw}"
DATA="${DATA:-.cache/stance-data}"
S=.cache/seesaw
mkdir -p "$S" "$DATA"
cargo build --release --quiet
bin=target/release/stancemap
scripts/import_stance_sets.sh "$DATA"
# The hand-annotated articles' questions, split by label so that the neutral ones can be weighted.
for split in train valid; do
    [ -d "$S/$split-corpus/corpus" ] || "$bin" import seesaw "$SEESAW" --split "$split" --gold "$S/$split-corpus"
    SEESAW="$SEESAW" python3 scripts/seesaw_hand_evidence.py "gold/seesaw_${split}_hand.csv" > "$S/hand_$split.csv"
    "$bin" import articles "$S/hand_$split.csv" --corpus "$S/$split-corpus/corpus" --out "$S/hand_$split.jsonl"
    grep -v '"label":"neutral"' "$S/hand_$split.jsonl" > "$S/hand_${split}_stance.jsonl"
    grep '"label":"neutral"' "$S/hand_$split.jsonl" > "$S/hand_${split}_neutral.jsonl"
done
# The starting model: the fast model as shipped before SEESAW.
init=.cache/train/stance-fast-d9c3416
mkdir -p "$init"
for file in card.json model.safetensors; do
    git show "d9c3416:models/stance-fast/$file" > "$init/$file"
done
"$bin" --threads "${THREADS:-2}" train stance --encoder minilm --init "$init" --epochs 2 --lr 5e-5 --precision bf16 \
    --out "$out" \
    --train "$S/hand_train_stance.jsonl@3" "$S/hand_train_neutral.jsonl@0.2" "$DATA/newsmtsc_train.jsonl@1" \
    "$DATA/pstance_train.jsonl@0.2" "$DATA/semeval_train.jsonl@0.6" "$DATA/basil_train.jsonl@1" \
    "$DATA/ibm_train.jsonl@0.3" "$DATA/hcq_train.jsonl@0.05" \
    --dev "$DATA/newsmtsc_dev.jsonl" "$DATA/pstance_val.jsonl" "$DATA/semeval_val.jsonl" "$DATA/basil_dev.jsonl" \
    "$S/hand_valid.jsonl"
echo "the relations model: $out"
