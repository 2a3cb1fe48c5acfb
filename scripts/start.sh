#!/usr/bin/env bash
# `npm start`: from a fresh clone to JupyterLab on the tutorial notebooks with the jaclab kernel. Installs the
# npm packages when node_modules is missing or older than the lockfile, builds when a source is newer than the
# last build, prepares .venv (scripts/setup-jupyterlab.sh), then runs JupyterLab and prints its URL.
# Every step is skipped when already done, so the second start is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

usage() {
  cat <<'EOF'
Usage: npm start -- [--headless] [--port N]

  --headless   do not open a browser; listen on 127.0.0.1 only and print the URL (with its token)
  --port N     listen on port N (default: the first free port from 8888)
EOF
}

headless=false
port=""
while [ $# -gt 0 ]; do
  case "$1" in
    --headless) headless=true ;;
    --port)
      [ $# -ge 2 ] || { echo "start: --port needs a number" >&2; usage >&2; exit 2; }
      port="$2"
      shift
      ;;
    --port=*) port="${1#--port=}" ;;
    -h | --help) usage; exit 0 ;;
    *) echo "start: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$port" ] && ! [[ "$port" =~ ^[0-9]+$ && "$port" -ge 1 && "$port" -le 65535 ]]; then
  echo "start: --port wants a number from 1 to 65535, got '$port'" >&2
  exit 2
fi

log() { printf 'start: %s\n' "$*"; }

# The port first, so that a busy one fails before minutes of installing and building.
port_is_free() {
  node -e '
    const server = require("node:net").createServer();
    server.once("error", () => process.exit(1));
    server.listen(Number(process.argv[1]), "127.0.0.1", () => server.close(() => process.exit(0)));
  ' "$1"
}
if [ -n "$port" ]; then
  port_is_free "$port" || { echo "start: port $port is in use; pick another with --port N" >&2; exit 1; }
else
  port=8888
  while ! port_is_free "$port"; do
    port=$((port + 1))
    [ "$port" -le 8988 ] || { echo "start: no free port in 8888-8988; pass --port N" >&2; exit 1; }
  done
fi

# 1. npm packages
if [ ! -d node_modules ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
elif [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "package-lock.json changed: updating npm packages (npm install)"
  npm install --no-audit --no-fund
fi

# 2. build, when any source or setting is newer than the last build. The stamp is taken before tsc starts,
# so a file saved during the build triggers the next one.
build_stamp=dist/.build-stamp
if [ ! -f "$build_stamp" ] ||
  [ -n "$(find src kernel test bench tsconfig.json package.json -newer "$build_stamp" \
    \( -name '*.ts' -o -name '*.json' -o -name '*.png' \) -print -quit 2>/dev/null)" ]; then
  log "building (npm run build)"
  mkdir -p dist
  touch "$build_stamp.next"
  if npm run build --silent; then
    mv "$build_stamp.next" "$build_stamp"
  elif [ -f dist/kernel/cli.js ]; then
    # tsc still emits JavaScript when it reports type errors; the kernel can run, so warn and go on.
    log "warning: the build reported type errors (above); starting with what it emitted" >&2
    mv "$build_stamp.next" "$build_stamp"
  else
    log "the build failed and produced no kernel (dist/kernel/cli.js)" >&2
    exit 1
  fi
fi

# 3. the virtual environment with JupyterLab and the jaclab kernelspec
bash scripts/setup-jupyterlab.sh

# 4. JupyterLab
token=$(node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("hex"))')
host=localhost
args=(
  --ServerApp.root_dir="$root/notebooks"
  --ServerApp.port="$port"
  --ServerApp.port_retries=0
  --IdentityProvider.token="$token"
  --LabApp.default_url=/lab/tree/01-the-original-question.ipynb
  --MultiKernelManager.default_kernel_name=jaclab
)
# JupyterLab refuses to run as root (containers, fresh VMs) unless told that it is intended.
[ "$(id -u)" -eq 0 ] && args+=(--allow-root)
if $headless; then
  host=127.0.0.1
  args+=(--no-browser --ServerApp.ip=127.0.0.1)
fi
url="http://$host:$port/lab/tree/01-the-original-question.ipynb?token=$token"
printf '\n  jaclab: JupyterLab on notebooks/ at\n\n    %s\n\n  (Ctrl+C to stop)\n\n' "$url"
exec "$root/.venv/bin/jupyter" lab "${args[@]}"
