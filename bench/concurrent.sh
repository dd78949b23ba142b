#!/usr/bin/env bash
# Two runs at once on one machine against one run alone: `stancemap run` on a corpus, timed alone and as two
# simultaneous runs, first as stancemap starts itself (its idle OpenMP threads spin 10,000 turns before they
# sleep, see src/model/threads.rs), then with libgomp's own default (GOMP_SPINCOUNT=300000: what every run did
# before), then with threads that never spin (OMP_WAIT_POLICY=PASSIVE). Prints the seconds of each and the ratios.
#
# Usage: bench/concurrent.sh [--corpus DIR] [--threads N] [--repeats K]
#   --corpus   default: the sample corpus (corpus/)
#   --threads  passed to each run (default: stancemap's own, one per core)
#   --repeats  how many times each measurement is taken; the median is printed (default 3)
# Needs: target/release/stancemap (cargo build --release) and scripts/setup.sh done. Run it with nothing else
# running: on 2 cores a second process slows both far more than 2x.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="$ROOT/corpus"
THREADS=()
REPEATS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) CORPUS="$2"; shift 2 ;;
    --threads) THREADS=(--threads "$2"); shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    *) echo "concurrent.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
BIN="$ROOT/target/release/stancemap"
[ -x "$BIN" ] || { echo "concurrent.sh: build first: cargo build --release" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
# One run, timed; prints its seconds.
one() {
  local out="$WORK/out-$RANDOM-$1" start
  start=$(now)
  "$BIN" "${THREADS[@]}" run "$CORPUS" --out "$out" -q >/dev/null 2>"$out.err" || { cat "$out.err" >&2; exit 1; }
  python3 -c "print(f'{$(now) - $start:.2f}')"
  rm -rf "$out"
}
# Two runs started together; prints the slower one's seconds.
pair() {
  one a > "$WORK/a.t" & one b > "$WORK/b.t" & wait
  python3 -c "print(max(float(open('$WORK/a.t').read()), float(open('$WORK/b.t').read())))"
}
median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }
measure() {
  local what=$1 runs=()
  for _ in $(seq "$REPEATS"); do runs+=("$($what)"); done
  median "${runs[@]}"
}

echo "corpus $CORPUS, threads ${THREADS[*]:-default}, median of $REPEATS; $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for setting in "spin 10,000 (stancemap's default)" "spin 300,000 (libgomp's default)" "no spin (passive)"; do
  unset GOMP_SPINCOUNT OMP_WAIT_POLICY
  case "$setting" in
    "spin 300,000"*) export GOMP_SPINCOUNT=300000 ;;
    "no spin"*) export OMP_WAIT_POLICY=PASSIVE ;;
  esac
  alone=$(measure "one x")
  both=$(measure pair)
  ratio=$(python3 -c "print(f'{$both / $alone:.2f}')")
  echo "$setting: alone ${alone} s, two at once ${both} s each (slower of the two), ratio ${ratio}x"
done
