#!/usr/bin/env bash
# Installs the system libraries the package links (OpenBLAS, XGBoost, Open MPI
# for the training executables' data-parallel mode, and its mpirun for the tests)
# when pkg-config (or PATH) cannot find them. Safe to run again: it does nothing when present.
set -euo pipefail
packages=()
if ! command -v pkg-config >/dev/null 2>&1; then packages+=(pkg-config); fi
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists openblas; then
  packages+=(libopenblas-dev)
fi
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists xgboost; then
  packages+=(libxgboost-dev)
fi
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists ompi-c; then
  packages+=(libopenmpi-dev)
fi
if ! command -v mpirun >/dev/null 2>&1; then packages+=(openmpi-bin); fi
if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${packages[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
pkg-config --exists openblas xgboost ompi-c
command -v mpirun >/dev/null
