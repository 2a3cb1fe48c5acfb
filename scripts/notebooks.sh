#!/usr/bin/env bash
# `npm run notebooks`: executes every tutorial (notebooks/NN-*.ipynb) through the jaclab kernel with nbclient
# and writes the outputs back in place (scripts/tutorials). The kernel is this checkout's build, installed as
# a kernelspec into .jaclab-notebooks/ (so no other installed jaclab can be picked up). Arguments go to the
# writer: tutorial names to run only those, --refresh-timings to store fresh timings, or `check` first to
# only report what would change (npm run notebooks -- check).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/install-debian-packages.sh
npm run build --silent
prefix="$root/.jaclab-notebooks"
node bin/jaclab.js install --prefix "$prefix" --name jaclab-tutorials >/dev/null
command=write
if [ "${1:-}" = check ] || [ "${1:-}" = write ]; then
  command=$1
  shift
fi
JUPYTER_PATH="$prefix/share/jupyter" JACLAB_KERNEL_NAME=jaclab-tutorials PYTHONPATH="$root/scripts" \
  /usr/bin/python3 -m tutorials "$command" "$@"
