#!/usr/bin/env bash
# Prints the path of a python3 that can import torch and numpy, for the PyTorch
# reference scripts: python3 itself when it can, else a venv under .build/torchenv
# made on first use with `pip install --find-links /opt/wheels torch numpy`.
# Prints nothing and exits 1 (saying why on stderr) when neither works.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! command -v python3 >/dev/null 2>&1; then echo "torch-env: no python3" >&2; exit 1; fi
if python3 -c 'import torch, numpy' >/dev/null 2>&1; then command -v python3; exit 0; fi
venv=.build/torchenv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import torch, numpy' >/dev/null 2>&1; then
  echo "torch-env: making $venv (pip install --find-links /opt/wheels torch numpy)" >&2
  python3 -m venv "$venv" >&2 || { echo "torch-env: python3 -m venv failed" >&2; exit 1; }
  "$venv/bin/pip" install -q --find-links /opt/wheels torch numpy >&2 \
    || { echo "torch-env: pip could not install torch and numpy" >&2; exit 1; }
fi
"$venv/bin/python" -c 'import torch, numpy' >/dev/null 2>&1 || { echo "torch-env: torch still not importable" >&2; exit 1; }
echo "$PWD/$venv/bin/python"
