#!/usr/bin/env bash
# One GPU call that trains both tiers (see scripts/gpu/train_stance.py, teach.py and soup.py):
#   A. the accurate tier: MPNet with LoRA rank 16 (the shipped format, under 25 MB), beside three fully fine-tuned
#      MPNet models used only as teachers (their deltas are too big to ship);
#   T. the fully fine-tuned ones label every training row and the silver set (an ensemble teacher: mean logits);
#   B. the fast tier: three MiniLM students distilled from that teacher (gold labels and teacher logits mixed by
#      --alpha; the silver rows from the teacher alone), then their weights averaged into one model (a uniform
#      "model soup", soup.py).
# The shipped models: stance-accurate is the run acc_lora_lr5e-4_ep3 (2026-11-27, one H200, with the stage A of
# that day); stance-fast is soup_fast (2026-11-27, one H100, A_DEADLINE=140 B_DEADLINE=190: stages A and T about
# 255 s together, stage A without the LoRA run, and A_DEADLINE stopped acc_full_n2_lr3e-5_ep3 after two of its
# three epochs; stage B 229 s with the first two runs among others; the third run came from a second call that
# reused the teacher logits). Their cards' `reproduce` says the same.
#
# How it was run through the device tool (64 MiB per call, a machine that stays warm 30 s between calls): move
# the tracked models/ner-* and models/stance-* folders aside; four calls carrying .gpu/x1 .. .gpu/x4 that each copy
# their part to /tmp/keep/; then one call carrying .gpu/base .gpu/enc-minilm .gpu/enc-mpnet .gpu/mpnet that runs
#   cat /tmp/keep/mpnet16.part.[0-3] > .gpu/mpnet/model.safetensors && bash scripts/gpu/accurate_distill.sh
# (about 8 minutes); put the models back.
# Keeps in $OUT the best accurate model (by dev selection score), the uniform fast soup and the greedy one,
# results.json (every run's per-epoch dev scores and card, and the soup's card), log.txt and teacher.safetensors
# (the teacher's logits: carried back in a later call with TEACHER_LOGITS=FILE, the script skips stages A and T
# and runs only B).
# Here: write a model's card from results.json (`card`) beside its files, scripts/gpu/join_parts.py joins a fast
# model's halves; then `stancemap calibrate stance`.
#
# Expects .gpu/ as scripts/gpu/prepare.sh builds it: base/ (MiniLM, fp16), mpnet/ (MPNet, fp16), enc-minilm/ and
# enc-mpnet/ (the stance sets and silver_bbc as each base's token ids, gzipped, with contract.json). A_DEADLINE and B_DEADLINE (seconds) stop each stage's runs after the
# epoch that passes them. STUDENT_SEEDS="13 1 2" trains each student recipe once per seed and STUDENT_EPOCHS=8
# gives them all 8 epochs (a longer, "patient" distillation); e.g. stage B alone, three students of 8 epochs
# (about 8 minutes on one H100 at the 2026-11-27 speed; six would not fit one 600 s call):
#   TEACHER_LOGITS=.gpu/teacher.safetensors STUDENT_EPOCHS=8 B_LIMIT=540 B_DEADLINE=480 bash ...
set -uo pipefail
OUT="${OUT:-gpu-out}"
RUNS_DIR="${RUNS_DIR:-/tmp/stance-gpu}"
mkdir -p "$OUT" "$RUNS_DIR"
DA="${DATA_MPNET:-.gpu/enc-mpnet}"     # the sets as MPNet's token ids (scripts/gpu/prepare.sh)
DF="${DATA_MINILM:-.gpu/enc-minilm}"  # and as MiniLM's
MPNET="${MPNET:-.gpu/mpnet}"
REST="semeval_train ibm_train basil_train"
files() {  # files DIR NAME[@WEIGHT]...: the encoded files of the sets
  local dir="$1"; shift
  for spec in "$@"; do
    case "$spec" in *@*) echo -n "$dir/${spec%@*}.ids.jsonl.gz@${spec#*@} " ;; *) echo -n "$dir/$spec.ids.jsonl.gz " ;; esac
  done
}
MIX_ACC="$(files $DA newsmtsc_train pstance_train@0.25 hcq_train@0.1 $REST)"
MIX_ACC_N2="$(files $DA newsmtsc_train@2 pstance_train@0.25 hcq_train@0.1 $REST)"
MIX_FAST_N2="$(files $DF newsmtsc_train@2 pstance_train@0.35 hcq_train@0.2 $REST)"
SILVER="$DF/silver_bbc.ids.jsonl.gz"
DEV_SETS="newsmtsc_dev pstance_val semeval_val basil_dev"
ACC="python3 scripts/gpu/train_stance.py --base $MPNET --bf16 --dev $(files $DA $DEV_SETS) --deadline ${A_DEADLINE:-200}"
FAST="python3 scripts/gpu/train_stance.py --base .gpu/base --bf16 --split-output --dev $(files $DF $DEV_SETS) --deadline ${B_DEADLINE:-0}"

stage() {  # stage NAME LIMIT: runs the commands in the array RUNS at once, each logged to $RUNS_DIR/<run>.log
  local start; start=$(date +%s)
  for name in "${!RUNS[@]}"; do
    # shellcheck disable=SC2086
    timeout "$2" ${RUNS[$name]} ${EXTRA:-} --out "$RUNS_DIR/$name" > "$RUNS_DIR/$name.log" 2>&1 &
  done
  wait
  echo "stage $1: $(( $(date +%s) - start )) s"
  for name in "${!RUNS[@]}"; do echo "== $name"; grep -v "^train:" "$RUNS_DIR/$name.log" | tail -8; done
}

nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
if [ -n "${TEACHER_LOGITS:-}" ]; then
  # Stage B alone, from the teacher logits an earlier call brought back (stage A's models are not needed).
  cp "$TEACHER_LOGITS" "$RUNS_DIR/teacher.safetensors" || exit 1
else
  declare -A RUNS=(
    [acc_lora_lr5e-4_ep3]="$ACC --lora-rank 16 --lr 5e-4 --epochs 3 --train $MIX_ACC"
    [acc_full_lr3e-5_ep3]="$ACC --lr 3e-5 --epochs 3 --train $MIX_ACC"
    [acc_full_lr3e-5_ep3_seed2]="$ACC --lr 3e-5 --epochs 3 --seed 2 --train $MIX_ACC"
    [acc_full_n2_lr3e-5_ep3]="$ACC --lr 3e-5 --epochs 3 --train $MIX_ACC_N2"
  )
  stage accurate "${A_LIMIT:-300}"

  TEACHERS=""
  for run in "$RUNS_DIR"/acc_full_*/; do
    [ -f "$run/scores.json" ] && TEACHERS="$TEACHERS $MPNET:${run%/}:$DA"
  done
  echo "teachers: $TEACHERS"
  # shellcheck disable=SC2086
  timeout "${T_LIMIT:-120}" python3 scripts/gpu/teach.py --bf16 --model $TEACHERS --out "$RUNS_DIR/teacher.safetensors" \
    --dev $DEV_SETS --files newsmtsc_train pstance_train hcq_train $REST silver_bbc \
    2>&1 | tee "$RUNS_DIR/teacher.log"
fi

TEACHER="--teacher-logits $RUNS_DIR/teacher.safetensors"
unset RUNS
declare -A RUNS=()
# The three student recipes, once per seed in STUDENT_SEEDS (default 13, the shipped runs; other seeds add
# _seed<N> to the run names); STUDENT_EPOCHS sets every recipe's epochs (default: 4, 3, 4 as shipped).
for seed in ${STUDENT_SEEDS:-13}; do
  tag=""
  [ "$seed" = 13 ] || tag="_seed$seed"
  e4="${STUDENT_EPOCHS:-4}" e3="${STUDENT_EPOCHS:-3}"
  RUNS[fast_a01_s1_bs64_lr3e-4_ep$e4$tag]="$FAST $TEACHER --seed $seed --alpha 0.1 --lr 3e-4 --batch-size 64 --epochs $e4 --train $MIX_FAST_N2 $SILVER"
  RUNS[fast_a0_s05_ep$e3$tag]="$FAST $TEACHER --seed $seed --alpha 0 --lr 1.5e-4 --epochs $e3 --train $MIX_FAST_N2 $SILVER@0.5"
  RUNS[fast_a0_s1_bs64_lr3e-4_ep$e4$tag]="$FAST $TEACHER --seed $seed --alpha 0 --lr 3e-4 --batch-size 64 --epochs $e4 --train $MIX_FAST_N2 $SILVER"
done
stage fast "${B_LIMIT:-260}"
INGREDIENTS=()
for run in "$RUNS_DIR"/fast_*/; do
  [ -f "$run/scores.json" ] && INGREDIENTS+=("${run%/}")
done
# Two soups of the same students: the uniform one (what ships today) and the greedy one (soup.py --greedy).
python3 scripts/gpu/soup.py --split-output --out "$RUNS_DIR/soup_fast" "${INGREDIENTS[@]}"
timeout "${G_LIMIT:-120}" python3 scripts/gpu/soup.py --split-output --greedy --base .gpu/base --dev $(files $DF $DEV_SETS) \
  --out "$RUNS_DIR/soup_fast_greedy" "${INGREDIENTS[@]}"

python3 scripts/gpu/collect_runs.py "$RUNS_DIR" "$OUT/results.json"
python3 - "$OUT" "$RUNS_DIR" <<'PY'
import json, os, shutil, sys
out, runs = sys.argv[1], sys.argv[2]
results = json.load(open(os.path.join(out, "results.json")))
sel = lambda n: results[n]["best"]["selection"]
lora = [n for n in results if n.startswith("acc_lora")]
fast = [n for n in results if n.startswith("fast_")]
# At most 8 files come back: results.json, log.txt and teacher.safetensors, then these five (about 57 MB): the
# accurate model, the uniform soup and the greedy soup (which holds the best single student at least).
wanted = [("acc", max(lora, key=sel))] if lora else []
wanted += [("fast", "soup_fast")] if os.path.isdir(os.path.join(runs, "soup_fast")) else []
wanted += [("fast_greedy", "soup_fast_greedy")] if os.path.isdir(os.path.join(runs, "soup_fast_greedy")) else []
for tag, name in wanted:
    for f in sorted(os.listdir(os.path.join(runs, name))):
        if f.startswith("model"):
            shutil.copy(os.path.join(runs, name, f), os.path.join(out, "%s.%s.%s" % (tag, name, f)))
    print(tag, name, "selection %.4f" % sel(name) if "best" in results[name] else "")
PY
cp "$RUNS_DIR/teacher.safetensors" "$OUT/" 2>/dev/null
cat "$RUNS_DIR"/*.log > "$OUT/log.txt"
ls -la "$OUT"
