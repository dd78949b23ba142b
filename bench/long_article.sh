#!/usr/bin/env bash
# How the cost of one article grows with its length: one article of ordinary prose (the sample corpus's .txt
# articles, their paragraphs repeated) of each size, run alone, with each stage's seconds from run.json (entities,
# actors and questions, stance) and the total. A linear pipeline costs 2x for twice the length.
#
# Usage: bench/long_article.sh [--sizes "50 100 200 400"] [--threads N]
#   --sizes    article sizes in KB (default 50 100 200 400); sizes over 1000 KB raise --max-article-bytes
# Needs: target/release/stancemap (cargo build --release) and scripts/setup.sh done. Run it with nothing else
# running.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="50 100 200 400"
THREADS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    *) echo "long_article.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
BIN="$ROOT/target/release/stancemap"
[ -x "$BIN" ] || { echo "long_article.sh: build first: cargo build --release" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "size_kb,total_s,entities_s,actors_s,stance_s,mentions,evidence"
for size in $SIZES; do
  mkdir -p "$WORK/$size"
  python3 - "$ROOT/corpus" "$size" "$WORK/$size/long.txt" <<'PY'
import pathlib, sys
corpus, size, out = pathlib.Path(sys.argv[1]), int(sys.argv[2]) * 1000, sys.argv[3]
paragraphs = []
for path in sorted(corpus.glob("*.txt")):
    text = path.read_text(encoding="utf-8")
    body = text.split("\n\n", 1)[1] if text.startswith("title:") else text
    paragraphs += [p.strip() for p in body.split("\n\n") if p.strip()]
article, i = ["title: A long article"], 0
while sum(len(p.encode()) + 2 for p in article) < size:
    article.append(paragraphs[i % len(paragraphs)])
    i += 1
pathlib.Path(out).write_text("\n\n".join(article) + "\n", encoding="utf-8")
PY
  "$BIN" --threads "$THREADS" run "$WORK/$size/long.txt" --out "$WORK/$size/out" -q \
    --max-article-bytes $(( size * 1000 + 100000 )) 2>/dev/null
  python3 - "$WORK/$size/out/run.json" "$size" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
t, c = run["timings"], run["counts"]
print(f'{sys.argv[2]},{t["total_s"]:.1f},{t["entities_s"]:.1f},{t["actors_s"]:.1f},{t["stance_s"]:.1f},{c.get("mentions", "")},{c.get("evidence", "")}')
PY
done
