#!/usr/bin/env bash
# The fast-tier sweep run on a lent GPU (usage: sweep_fast.sh [first|mean]; see scripts/gpu/train_stance.py):
# several learning rates, epoch counts and mixes of the shipped fast-tier data, trained at once on one GPU; prints
# each run's dev scores and keeps the best two runs' models (by the trainer's selection score, and by NewsMTSC dev
# macro-F1), split in halves under 16 MB (scripts/gpu/join_parts.py joins them; then `stancemap calibrate stance`).
#
# Expects .gpu/ as scripts/gpu/prepare.sh builds it (the MiniLM base in fp16, the stance sets encoded for it).
# Writes to $OUT (or gpu-out/).
set -uo pipefail
OUT="${OUT:-gpu-out}"
RUNS_DIR="${RUNS_DIR:-/tmp/stance-sweep}"
mkdir -p "$OUT" "$RUNS_DIR"
D="${DATA:-.gpu/enc-minilm}"
MIX="$D/newsmtsc_train.ids.jsonl.gz $D/pstance_train.ids.jsonl.gz@0.35 $D/semeval_train.ids.jsonl.gz $D/ibm_train.ids.jsonl.gz $D/hcq_train.ids.jsonl.gz@0.2 $D/basil_train.ids.jsonl.gz"
MIX_N2="$D/newsmtsc_train.ids.jsonl.gz@2 $D/pstance_train.ids.jsonl.gz@0.35 $D/semeval_train.ids.jsonl.gz $D/ibm_train.ids.jsonl.gz $D/hcq_train.ids.jsonl.gz@0.2 $D/basil_train.ids.jsonl.gz"
DEV="$D/newsmtsc_dev.ids.jsonl.gz $D/pstance_val.ids.jsonl.gz $D/semeval_val.ids.jsonl.gz $D/basil_dev.ids.jsonl.gz"
declare -A RUNS
if [ "${1:-first}" = mean ]; then
  # Second round: the head on the mean of all tokens (as the sentence-transformers bases are read).
  RUNS=(
    [mean_nmtsc_only_lr5e-5_ep3]="--pooling mean --lr 5e-5 --epochs 3 --train $D/newsmtsc_train.ids.jsonl.gz"
    [mean_nmtsc_only_lr1e-4_ep5]="--pooling mean --lr 1e-4 --epochs 5 --train $D/newsmtsc_train.ids.jsonl.gz"
    [mean_lr1e-4_ep3]="--pooling mean --lr 1e-4 --epochs 3 --train $MIX"
    [mean_lr5e-5_ep5]="--pooling mean --lr 5e-5 --epochs 5 --train $MIX"
    [mean_n2_lr1e-4_ep5]="--pooling mean --lr 1e-4 --epochs 5 --train $MIX_N2"
    [n2_lr1e-4_ep5_seed2]="--seed 2 --lr 1e-4 --epochs 5 --train $MIX_N2"
  )
else
  RUNS=(
    [lr1e-4_ep3]="--lr 1e-4 --epochs 3 --train $MIX"
    [lr5e-5_ep5]="--lr 5e-5 --epochs 5 --train $MIX"
    [lr1e-4_ep6]="--lr 1e-4 --epochs 6 --train $MIX"
    [lr2e-4_ep4]="--lr 2e-4 --epochs 4 --train $MIX"
    [n2_lr1e-4_ep5]="--lr 1e-4 --epochs 5 --train $MIX_N2"
    [bs16_lr5e-5_ep4]="--lr 5e-5 --epochs 4 --batch-size 16 --train $MIX"
    [nmtsc_only_lr5e-5_ep5]="--lr 5e-5 --epochs 5 --train $D/newsmtsc_train.ids.jsonl.gz"
    [lr3e-5_ep8]="--lr 3e-5 --epochs 8 --train $MIX"
  )
fi
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
start=$(date +%s)
for name in "${!RUNS[@]}"; do
  # shellcheck disable=SC2086
  timeout "${RUN_LIMIT:-420}" python3 scripts/gpu/train_stance.py --base .gpu/base --out "$RUNS_DIR/$name" --split-output \
    --dev $DEV ${RUNS[$name]} > "$RUNS_DIR/$name.log" 2>&1 &
done
wait
echo "all runs: $(( $(date +%s) - start )) s"
for name in "${!RUNS[@]}"; do echo "== $name"; grep -v "^train:" "$RUNS_DIR/$name.log" | tail -12; done | tee "$OUT/sweep.log"
python3 scripts/gpu/collect_runs.py "$RUNS_DIR" "$OUT/sweep.json"
python3 - "$OUT" "$RUNS_DIR" <<'PY'
import json, os, shutil, sys
out, runs = sys.argv[1], sys.argv[2]
results = json.load(open(os.path.join(out, "sweep.json")))
by_selection = max(results, key=lambda n: results[n]["best"]["selection"])
by_news = max(results, key=lambda n: results[n]["best"]["per_source"]["newsmtsc"]["macro_f1"])
for tag, name in (("sel", by_selection), ("news", by_news)):
    print(tag, name, json.dumps({k: round(v["macro_f1"], 4) for k, v in results[name]["best"]["per_source"].items()}))
    if tag == "news" and name == by_selection:
        break
    for f in ("model.part1.safetensors", "model.part2.safetensors", "card.json"):
        if os.path.exists(os.path.join(runs, name, f)):
            shutil.copy(os.path.join(runs, name, f), os.path.join(out, "%s.%s" % (tag, f)))
PY
