#!/usr/bin/env bash
# Builds .gpu/ for scripts/gpu/sweep_fast.sh on a lent GPU machine: the MiniLM base with its weights in fp16 (so
# that base and data fit the 64 MiB a device call carries) and the imported stance sets, gzipped. Needs the venv
# of bench/python_encoders.sh (--setup-only builds it) and .cache/stance-data (scripts/train_stance.sh imports
# the sets there). Add /.gpu/ to .git/info/exclude; carry ".gpu" in the call. The tracked models/ner-* and
# models/stance-* folders (66 MiB with the rest of the tree) must be moved aside during the call and back after.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
mkdir -p .gpu/base .gpu/data
cp models/base/all-MiniLM-L6-v2/config.json models/base/all-MiniLM-L6-v2/tokenizer.json .gpu/base/
bench/.venv/bin/python - <<'PY'
from safetensors.torch import load_file, save_file
weights = load_file("models/base/all-MiniLM-L6-v2/model.safetensors")
save_file({k: v.half().contiguous() for k, v in weights.items()}, ".gpu/base/model.safetensors", metadata={"format": "pt"})
PY
for name in newsmtsc_train pstance_train semeval_train ibm_train hcq_train basil_train \
            newsmtsc_dev pstance_val semeval_val basil_dev; do
  gzip -c ".cache/stance-data/$name.jsonl" > ".gpu/data/$name.jsonl.gz"
done
du -sh .gpu
