#!/usr/bin/env bash
# How the cost of one article grows with its length: one article of ordinary prose (the sample corpus's .txt
# articles, their paragraphs repeated) of each size, run alone, with each stage's seconds from run.json (entities,
# actors and questions, stance), the total and the peak resident memory of the run (MB, from /usr/bin/time). A
# linear pipeline costs 2x for twice the length.
#
# Usage: bench/long_article.sh [--sizes "50 100 200 400"] [--threads N] [--precision P]
#   --sizes      article sizes in KB (default 50 100 200 400); sizes over 1000 KB raise --max-article-bytes
#   --precision  stancemap's --precision (default auto: bf16 on a CPU with AMX, else fp32; int8 halves the models' time)
# Needs: target/release/stancemap (cargo build --release), scripts/setup.sh done and GNU time (/usr/bin/time, the
# Debian package "time"). Run it with nothing else running.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="50 100 200 400"
THREADS=2
PRECISION=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --precision) PRECISION="$2"; shift 2 ;;
    *) echo "long_article.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
BIN="$ROOT/target/release/stancemap"
[ -x "$BIN" ] || { echo "long_article.sh: build first: cargo build --release" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "long_article.sh: needs GNU time: apt-get install time" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "size_kb,total_s,entities_s,actors_s,stance_s,peak_rss_mb,mentions,evidence"
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
article = ["title: A long article"]
length = len(article[0].encode()) + 2
while length < size:
    paragraph = paragraphs[(len(article) - 1) % len(paragraphs)]
    article.append(paragraph)
    length += len(paragraph.encode()) + 2
pathlib.Path(out).write_text("\n\n".join(article) + "\n", encoding="utf-8")
PY
  /usr/bin/time -f %M -o "$WORK/$size/peak_kb" "$BIN" --threads "$THREADS" --precision "$PRECISION" run "$WORK/$size/long.txt" \
    --out "$WORK/$size/out" -q --max-article-bytes $(( size * 1000 + 100000 )) 2>/dev/null
  python3 - "$WORK/$size/out/run.json" "$size" "$WORK/$size/peak_kb" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
t, c = run["timings"], run["counts"]
peak_mb = int(open(sys.argv[3]).read().split()[-1]) / 1024
print(f'{sys.argv[2]},{t["total_s"]:.1f},{t["entities_s"]:.1f},{t["actors_s"]:.1f},{t["stance_s"]:.1f},{peak_mb:.0f},{c.get("mentions", "")},{c.get("evidence", "")}')
PY
done
