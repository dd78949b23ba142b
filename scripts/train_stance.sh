#!/usr/bin/env bash
# Reproduces the shipped stance models: imports the public stance sets from ../shared/data/stance into canonical
# JSONL (in $DATA, default .cache/stance-data) and trains one tier.
#
#   scripts/train_stance.sh fast      # models/stance-fast: all-MiniLM-L6-v2, full fine-tuning, 3 epochs
#   scripts/train_stance.sh accurate  # models/stance-accurate: all-mpnet-base-v2, LoRA rank 16, 2 epochs
#
# Extra arguments go to `stancemap train stance` (e.g. --resume to continue an interrupted run, --stop-after N).
# Training sets and weights (examples seen per epoch): NewsMTSC train x1, P-Stance train x0.35 (fast) / x0.25
# (accurate), SemEval-2016 train x1, IBM claim stance train x1, COVID-HCQ train x0.2 / x0.1, BASIL 2010-2015 x1.
# Dev (best epoch and temperature): NewsMTSC hf_mt_dev, P-Stance val, SemEval-2016 val, BASIL 2016-2017.
set -euo pipefail
cd "$(dirname "$0")/.."
tier="${1:?usage: scripts/train_stance.sh fast|accurate [train stance options]}"
shift
DATA="${DATA:-.cache/stance-data}"
mkdir -p "$DATA"
cargo build --release --quiet
bin=target/release/stancemap

scripts/import_stance_sets.sh "$DATA"

case "$tier" in
    fast) encoder=minilm; epochs=3; pstance=0.35; hcq=0.2 ;;
    accurate) encoder=mpnet; epochs=2; pstance=0.25; hcq=0.1 ;;
    *) echo "unknown tier $tier (fast or accurate)" >&2; exit 2 ;;
esac
"$bin" --threads "${THREADS:-2}" train stance --encoder "$encoder" --epochs "$epochs" --out "models/stance-$tier" \
    --train "$DATA/newsmtsc_train.jsonl" "$DATA/pstance_train.jsonl@$pstance" "$DATA/semeval_train.jsonl" \
    "$DATA/ibm_train.jsonl" "$DATA/hcq_train.jsonl@$hcq" "$DATA/basil_train.jsonl" \
    --dev "$DATA/newsmtsc_dev.jsonl" "$DATA/pstance_val.jsonl" "$DATA/semeval_val.jsonl" "$DATA/basil_dev.jsonl" \
    "$@"
