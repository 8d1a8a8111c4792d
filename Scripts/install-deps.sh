#!/usr/bin/env bash
# Installs the system libraries the package links (OpenBLAS, LAPACKE) when
# pkg-config cannot find them. Safe to run again: it does nothing when present.
set -euo pipefail
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openblas lapacke \
   && [ -f /usr/include/lapacke.h ]; then
  exit 0
fi
echo "install-deps: installing libopenblas-dev liblapacke-dev pkg-config" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends libopenblas-dev liblapacke-dev pkg-config >/dev/null
pkg-config --exists openblas lapacke
