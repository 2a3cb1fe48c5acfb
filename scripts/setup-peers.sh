#!/usr/bin/env bash
# Prepares .venv-peers: the Python peers that benchmarks and reference-number scripts measure jaclab against
# (PyTorch CPU, JAX CPU, NumPy, SciPy, networkx). Idempotent and quick on a second run. Not needed by
# `npm test`, whose expected numbers are stored in the repository; needed by `npm run bench:*` and by the
# scripts that regenerate those numbers. Prints the venv's python on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$PWD/.venv-peers"
packages=(torch==2.13.0 jax numpy scipy networkx)
log() { printf 'setup-peers: %s\n' "$*" >&2; }

if ! { [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import sys" 2>/dev/null; }; then
  /usr/bin/python3 -c "import ensurepip, venv" 2>/dev/null || bash scripts/install-debian-packages.sh
  rm -rf "$venv"
  log "creating $venv"
  /usr/bin/python3 -m venv "$venv"
fi
stamp="$venv/.installed"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "${packages[*]}" ]; then
  log "installing ${packages[*]} (first run only; a few minutes)"
  "$venv/bin/python" -m pip install --retries 0 --quiet "${packages[@]}" 2> >(grep -v "is ignored: it is neither" >&2)
  printf '%s' "${packages[*]}" >"$stamp"
fi
echo "$venv/bin/python"
