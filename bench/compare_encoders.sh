#!/usr/bin/env bash
# Encoder throughput, Rust (stancemap bench encoders) and Python (transformers 4.46.3) side by side on this
# machine: ROUNDS alternating rounds, so that a noisy neighbour hurts both sides alike. Results are appended to
# bench/results/encoders.csv; compare medians per implementation.
#
# Usage: bench/compare_encoders.sh [ROUNDS=3] [ITERS=20] [THREADS=2]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS="${1:-3}"; ITERS="${2:-20}"; THREADS="${3:-2}"
cargo build --release --quiet
bench/python_encoders.sh --setup-only
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round/$ROUNDS" >&2
  target/release/stancemap --threads "$THREADS" bench encoders --iters "$ITERS"
  cargo run --release --quiet --example bench_rust_bert -- --threads "$THREADS" --iters "$ITERS"
  bench/python_encoders.sh --iters "$ITERS" --threads "$THREADS"
done
echo "== medians (tokens/s) over the rows just written" >&2
python3 - "$ROUNDS" <<'PY'
import csv, statistics, sys
rounds = int(sys.argv[1])
rows = list(csv.DictReader(open("bench/results/encoders.csv")))
latest = {}
for r in reversed(rows):
    key = (r["implementation"], r["encoder"])
    latest.setdefault(key, [])
    if len(latest[key]) < rounds:
        latest[key].append(float(r["tokens_per_s"]))
for (impl, enc), values in sorted(latest.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    if impl.startswith(("rust-", "python-")):
        print(f"{enc:20} {impl:40} median {statistics.median(values):8.0f}  ({', '.join(f'{v:.0f}' for v in values)})")
PY
