#!/usr/bin/env bash
# Python side of the encoder benchmark: sets up bench/.venv with torch 2.4.0 + transformers 4.46.3 from PyPI
# (once; later runs reuse it) and runs bench/python_encoders.py with the given arguments.
#
# Usage: bench/python_encoders.sh [python_encoders.py options]     e.g. --iters 10
#        bench/python_encoders.sh --setup-only                     only build the venv
#        PYTHON=python3.11 bench/python_encoders.sh ...            pick the interpreter for the venv
#
# PyPI's torch 2.4.0 wheel for Linux x86_64 is the CUDA build; it runs on CPU, but its libraries are linked
# against the CUDA runtime libraries (libcudart, libcublas, libcudnn, ...), so `import torch` needs those to be
# present. Instead of letting pip pull every nvidia-* package plus triton (~2.8 GB download), torch is installed
# with --no-deps together with its pure-Python dependencies and only the nvidia-* wheels that its shared
# libraries actually link against (found with ldd on torch/lib/*.so). cuda-nvrtc and cusolver are loaded lazily
# and triton is only for torch.compile on GPU, so they are left out. pip's closing "torch requires ..., which
# is not installed" notice about them is expected.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/bench/.venv"
STAMP="$VENV/.stancemap-bench-installed"

say() { echo "python_encoders.sh: $*" >&2; }
die() { echo "python_encoders.sh: error: $*" >&2; exit 1; }

TORCH_PKGS=(
  torch==2.4.0
  nvidia-cuda-runtime-cu12==12.1.105
  nvidia-cuda-cupti-cu12==12.1.105
  nvidia-nvtx-cu12==12.1.105
  nvidia-cublas-cu12==12.1.3.1
  nvidia-cudnn-cu12==9.1.0.70
  nvidia-cufft-cu12==11.0.2.54
  nvidia-curand-cu12==10.3.2.106
  nvidia-cusparse-cu12==12.1.0.106
  nvidia-nccl-cu12==2.20.5
  nvidia-nvjitlink-cu12==12.1.105
)
# torch's own pure-Python requirements, numpy (for torch <-> numpy interop), and transformers with its deps.
PY_PKGS=(filelock "typing-extensions>=4.8.0" sympy networkx jinja2 fsspec numpy transformers==4.46.3)
SPEC="${TORCH_PKGS[*]} | ${PY_PKGS[*]}"

SETUP_ONLY=0
if [[ "${1:-}" == "--setup-only" ]]; then SETUP_ONLY=1; shift; fi

[[ "$(uname -s)" == Linux && "$(uname -m)" == x86_64 ]] \
  || die "this script pins the Linux x86_64 wheels of torch 2.4.0; on $(uname -s)/$(uname -m) install torch==2.4.0 and transformers==4.46.3 yourself and run bench/python_encoders.py"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$SPEC" && -x "$VENV/bin/python" ]]; then
  : # already set up
else
  if [[ ! -x "$VENV/bin/python" ]]; then
    PYTHON="${PYTHON:-python3}"
    command -v "$PYTHON" >/dev/null || die "'$PYTHON' not found; install Python 3.8-3.12 or set PYTHON=/path/to/python3"
    "$PYTHON" -c 'import sys; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 12) else 1)' \
      || die "torch 2.4.0 has wheels for Python 3.8-3.12 only; '$PYTHON' is $("$PYTHON" -V 2>&1); set PYTHON=python3.X"
    say "creating venv $VENV with $("$PYTHON" -V 2>&1)"
    "$PYTHON" -m venv "$VENV" \
      || die "'$PYTHON -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv); remove $VENV and re-run"
  fi
  PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
  say "installing torch 2.4.0 (CPU use of the PyPI CUDA wheel, without triton/nvrtc/cusolver; ~2.5 GB download, ~4 GB on disk) into $VENV"
  "${PIP[@]}" install --no-deps "${TORCH_PKGS[@]}" \
    || die "pip could not install torch==2.4.0 and its CUDA runtime libraries; check that PyPI is reachable and re-run"
  say "installing transformers 4.46.3 and the pure-Python dependencies"
  "${PIP[@]}" install "${PY_PKGS[@]}" \
    || die "pip could not install transformers==4.46.3; check that PyPI is reachable and re-run"
  "$VENV/bin/python" -c 'import torch, transformers; torch.ones(2, 2) @ torch.ones(2, 2); print("torch", torch.__version__, "transformers", transformers.__version__)' \
    || die "the venv was built but 'import torch, transformers' fails (see above); delete $VENV and re-run"
  echo "$SPEC" > "$STAMP"
  say "venv ready"
fi

[[ "$SETUP_ONLY" == 1 ]] && exit 0
exec "$VENV/bin/python" "$ROOT/bench/python_encoders.py" "$@"
