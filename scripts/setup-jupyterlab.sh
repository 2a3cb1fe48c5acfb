#!/usr/bin/env bash
# Prepares the project-local JupyterLab: a Python virtual environment in .venv with JupyterLab and its widget
# manager (jupyterlab_widgets) in it, and the jaclab kernelspec installed into that environment. Idempotent:
# each step is skipped when already done, so a second run takes well under a second. Used by `npm start`
# (scripts/start.sh) and by `npm test`.
# Needs the project built (dist/kernel/cli.js).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv="$root/.venv"
system_python=/usr/bin/python3
kernel_name=jaclab

log() { printf 'setup-jupyterlab: %s\n' "$*"; }

# Debian ships venv's pip bootstrap (ensurepip) in a separate package.
ensure_venv_module() {
  "$system_python" -c "import ensurepip, venv" 2>/dev/null && return 0
  log "installing python3-venv (Debian)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv
}

venv_works() { [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import sys" 2>/dev/null; }

if ! venv_works; then
  ensure_venv_module
  [ -e "$venv" ] && log "recreating a broken $venv" && rm -rf "$venv"
  log "creating the virtual environment $venv"
  "$system_python" -m venv "$venv"
fi

# The venv sits inside this "type": "module" package, so Node would load JupyterLab's bundled CommonJS
# yarn.js as an ES module and fail; a package.json at the venv's root gives its files their own scope.
[ -f "$venv/package.json" ] || printf '{ "type": "commonjs" }\n' >"$venv/package.json"

# Checked through files: importing jupyterlab to see whether it is there takes seconds.
jupyterlab_dist_info() { compgen -G "$venv/lib/python3*/site-packages/jupyterlab-*.dist-info" | head -1; }
if [ ! -x "$venv/bin/jupyter-lab" ] || [ -z "$(jupyterlab_dist_info)" ]; then
  log "installing JupyterLab into $venv (first run only; this takes a minute)"
  "$venv/bin/python" -m pip install --retries 0 --quiet jupyterlab
fi

# JupyterLab's widget manager (jupyterlab_widgets) renders the controls that jaclab's widgets open; the
# ipywidgets package brings nothing the frontend needs, so it is not installed.
widgets_dist_info() { compgen -G "$venv/lib/python3*/site-packages/jupyterlab_widgets-*.dist-info" | head -1; }
if [ -z "$(widgets_dist_info)" ]; then
  log "installing jupyterlab_widgets into $venv"
  "$venv/bin/python" -m pip install --retries 0 --quiet jupyterlab_widgets
fi

if [ ! -f "$root/dist/kernel/cli.js" ]; then
  log "dist/kernel/cli.js is missing: build the project first (npm run build)" >&2
  exit 1
fi
# Cheap (one short node process), and keeps the kernelspec pointing at this checkout's node and build.
node "$root/bin/jaclab.js" install --prefix "$venv" --name "$kernel_name" >/dev/null
version=$(basename "$(jupyterlab_dist_info)" .dist-info)
widgets_version=$(basename "$(widgets_dist_info)" .dist-info)
log "ready: JupyterLab ${version#jupyterlab-} with ${widgets_version/-/ } in $venv, kernel '$kernel_name'"
