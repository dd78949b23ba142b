#!/usr/bin/env bash
# End-to-end throughput of `stancemap run` (words/s, articles/s, the entity pass alone, peak RSS) and, beside it
# in the same run, the entity pass of Python transformers (`pipeline("token-classification", batch_size=32)`) on
# the same entity model (`stancemap export hf`) with the same threads. Appends a row per side to
# bench/results/pipeline.csv with the machine description.
#
# Usage: bench/pipeline.sh [--tier fast|accurate] [--precision P] [--corpus DIR] [--articles N] [--threads N]
#                          [--no-python]
#   --precision stancemap's --precision (default auto: bf16 on a CPU with AMX, fp32 on other CPUs; int8 for the
#               quantised encoders); the implementation column names what the models ran in (run.json), and "auto"
#               where auto chose it
#   --corpus    a folder of .txt articles (default ../shared/data/news/bbc/politics: 417 articles, 189,307 words)
#   --articles  only the first N .txt files of the corpus, in sorted path order (copied to a temporary folder):
#               run it with 200 and 2000 on ../shared/data/news/bbc to see that peak RSS stays flat
#   --no-python the stancemap side only
# Needs: target/release/stancemap (cargo build --release), scripts/setup.sh done; the Python side builds
# bench/.venv on first use (bench/python_encoders.sh --setup-only).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TIER=fast
CORPUS="$(cd "$ROOT/.." && pwd)/shared/data/news/bbc/politics"
ARTICLES=""
THREADS=2
PRECISION=auto
PYTHON_SIDE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --tier) TIER="$2"; shift 2 ;;
    --corpus) CORPUS="$2"; shift 2 ;;
    --articles) ARTICLES="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --precision) PRECISION="$2"; shift 2 ;;
    --no-python) PYTHON_SIDE=0; shift ;;
    *) echo "pipeline.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$TIER" in fast|accurate) ;; *) echo "pipeline.sh: --tier fast or accurate" >&2; exit 2 ;; esac

BIN="$ROOT/target/release/stancemap"
[ -x "$BIN" ] || { echo "pipeline.sh: build first: cargo build --release" >&2; exit 1; }
[ -d "$CORPUS" ] || { echo "pipeline.sh: no corpus folder $CORPUS" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if [ -n "$ARTICLES" ]; then
  mkdir -p "$WORK/corpus"
  find "$CORPUS" -name '*.txt' -not -path '*/.*' | sort > "$WORK/files"
  head -n "$ARTICLES" "$WORK/files" | while read -r f; do
    rel="${f#"$CORPUS"/}"
    cp "$f" "$WORK/corpus/${rel//\//_}"
  done
  CORPUS="$WORK/corpus"
fi
RESULTS="$ROOT/bench/results/pipeline.csv"
MACHINE="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores)"
NER="$ROOT/models/ner-$TIER"
STANCE="$ROOT/models/stance-$TIER"
# The tier's attribution tagger where it is installed (a second encoder pass over every paragraph), else none.
ATTRIBUTION=(--no-attribution)
[ -f "$ROOT/models/attribution-$TIER/card.json" ] && ATTRIBUTION=(--attribution-model "$ROOT/models/attribution-$TIER")

# Peak RSS (MB) and wall seconds of a command, from the kernel's accounting of the finished child.
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True)
print(round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1), round(time.perf_counter() - start, 3))
PY
}

echo "pipeline.sh: stancemap run, $TIER tier, $PRECISION precision, $THREADS threads, $CORPUS" >&2
read -r RSS WALL < <(measure "$BIN" run "$CORPUS" --out "$WORK/out" --threads "$THREADS" -q --model "$NER" \
  --stance-model "$STANCE" --precision "$PRECISION" "${ATTRIBUTION[@]}")
python3 - "$WORK/out/run.json" "$RESULTS" "$TIER" "$CORPUS" "$THREADS" "$RSS" "$WALL" "$MACHINE" "$PRECISION" \
  "$WORK/stancemap.json" <<'PY'
import csv, datetime, json, os, sys
run_json, results, tier, corpus, threads, rss, wall, machine, precision, summary = sys.argv[1:]
m = json.load(open(run_json))
c, t = m["counts"], m["timings"]
row = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "implementation": "stancemap-" + m["stancemap_version"] + " " + m["models"]["entities"]["precision"]
    + (" (auto)" if precision == "auto" else ""),
    "tier": tier, "what": "run (entities + stance)",
    "corpus": corpus, "articles": c["articles"], "words": c["words"], "threads": threads,
    "seconds": round(t["total_s"], 2), "words_per_s": round(c["words"] / t["total_s"], 1),
    "articles_per_s": round(c["articles"] / t["total_s"], 2),
    "entity_words_per_s": round(c["words"] / max(t["entities_s"], 1e-9), 1),
    "peak_rss_mb": rss, "machine": machine,
}
new = not os.path.exists(results)
with open(results, "a", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(row))
    if new:
        w.writeheader()
    w.writerow(row)
print(json.dumps(row))
json.dump(row, open(summary, "w"))
print(f"stage seconds: entities {t['entities_s']:.1f}, attribution {t.get('attribution_s', 0):.1f}, issues {t.get('issues_s', 0):.1f}, actors+questions {t['actors_s']:.1f}, stance {t['stance_s']:.1f}, wall {wall}", file=sys.stderr)
PY

if [ "$PYTHON_SIDE" = 1 ]; then
  "$ROOT/bench/python_encoders.sh" --setup-only
  "$BIN" export hf --model "$NER" --out "$WORK/ner-hf" > /dev/null
  echo "pipeline.sh: Python transformers token-classification on the same model, $THREADS threads" >&2
  "$ROOT/bench/.venv/bin/python" "$ROOT/bench/python_entities.py" --model "$WORK/ner-hf" --corpus "$CORPUS" \
    --threads "$THREADS" > "$WORK/python.json"
  python3 - "$WORK/python.json" "$RESULTS" "$TIER" "$CORPUS" "$THREADS" "$MACHINE" <<'PY'
import csv, datetime, json, sys
path, results, tier, corpus, threads, machine = sys.argv[1:]
p = json.load(open(path))
row = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "implementation": "python-transformers-token-classification (torch " + p["torch"] + ")", "tier": tier,
    "what": "entities (pipeline, batch_size=32, paragraphs)", "corpus": corpus, "articles": p["articles"],
    "words": p["words"], "threads": threads, "seconds": p["seconds"], "words_per_s": p["words_per_s"],
    "articles_per_s": round(p["articles"] / p["seconds"], 2), "entity_words_per_s": p["words_per_s"],
    "peak_rss_mb": p["peak_rss_mb"], "machine": machine,
}
with open(results, "a", newline="") as f:
    csv.DictWriter(f, fieldnames=list(row)).writerow(row)
print(json.dumps(row))
PY
  python3 - "$WORK/stancemap.json" "$WORK/python.json" <<'PY'
import json, sys
ours, python = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"ratios to Python's entity pass: end to end {ours['words_per_s'] / python['words_per_s']:.2f}x, "
      f"entity pass {ours['entity_words_per_s'] / python['words_per_s']:.2f}x")
PY
fi
