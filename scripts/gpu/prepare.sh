#!/usr/bin/env bash
# Builds .gpu/ for the scripts in scripts/gpu on a lent GPU machine. A device call carries at most 64 MiB with
# the working tree, so the bases travel in fp16 and MPNet (209 MiB in fp16) in four parts, one call each:
#   .gpu/base   MiniLM (config, tokenizer, fp16 weights)          for sweep_fast.sh and the fast tier
#   .gpu/mpnet  MPNet config and tokenizer (weights: the parts)  for accurate_distill.sh
#   .gpu/x1..x4 the four parts of MPNet's fp16 model.safetensors (cat them back in order; sha256 printed here)
#   .gpu/enc-minilm, .gpu/enc-mpnet
#               the imported stance sets and silver_bbc (scripts/gpu/silver_from_run.py over a `stancemap run` of the
#               BBC corpus, made here when missing: about 15 minutes on 2 cores) as each base's token ids, gzipped,
#               with contract.json (`stancemap encode stance`: the trainer contract, see scripts/gpu/contract.py)
# Needs the venv of bench/python_encoders.sh (--setup-only builds it), .cache/stance-data (scripts/train_stance.sh
# imports the sets there) and target/release/stancemap. Add /.gpu/ to .git/info/exclude. The tracked
# models/ner-* and models/stance-* folders must be moved aside during a call and back after (with them the tree
# is over 64 MiB).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY=bench/.venv/bin/python
mkdir -p .gpu/base .gpu/mpnet
cp models/base/all-MiniLM-L6-v2/config.json models/base/all-MiniLM-L6-v2/tokenizer.json .gpu/base/
cp models/base/all-mpnet-base-v2/config.json models/base/all-mpnet-base-v2/tokenizer.json .gpu/mpnet/
$PY - <<'PY'
from safetensors.torch import load_file, save_file
for source, target in (("models/base/all-MiniLM-L6-v2", ".gpu/base/model.safetensors"),
                       ("models/base/all-mpnet-base-v2", ".gpu/mpnet.fp16.safetensors")):
    weights = load_file(source + "/model.safetensors")
    save_file({k: v.half().contiguous() for k, v in weights.items()}, target, metadata={"format": "pt"})
PY
sha256sum .gpu/mpnet.fp16.safetensors
rm -rf .gpu/x1 .gpu/x2 .gpu/x3 .gpu/x4
split -n 4 -d -a 1 .gpu/mpnet.fp16.safetensors .gpu/mpnet16.part.
for i in 0 1 2 3; do mkdir -p ".gpu/x$((i + 1))"; mv ".gpu/mpnet16.part.$i" ".gpu/x$((i + 1))/"; done
rm .gpu/mpnet.fp16.safetensors
if [ ! -f .cache/silver_bbc8.jsonl ]; then
  [ -f .cache/bbc-run/run.json ] || target/release/stancemap run ../shared/data/news/bbc --out .cache/bbc-run -q
  $PY scripts/gpu/silver_from_run.py .cache/bbc-run --out .cache/silver_bbc8.jsonl --per-article 8
fi
mkdir -p .cache/gpu-sets
cp .cache/silver_bbc8.jsonl .cache/gpu-sets/silver_bbc.jsonl
sets=(.cache/gpu-sets/silver_bbc.jsonl)
for name in newsmtsc_train pstance_train semeval_train ibm_train hcq_train basil_train \
            newsmtsc_dev pstance_val semeval_val basil_dev; do
  sets+=(".cache/stance-data/$name.jsonl")
done
for encoder in minilm mpnet; do
  rm -rf ".gpu/enc-$encoder"
  target/release/stancemap encode stance "${sets[@]}" --encoder "$encoder" --out ".gpu/enc-$encoder"
  gzip ".gpu/enc-$encoder"/*.ids.jsonl
done
du -sh .gpu/*
