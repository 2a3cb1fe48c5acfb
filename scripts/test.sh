#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (`npm test`): installs what the tests need on a fresh
# Debian machine, builds, lints, then runs unit tests, kernel protocol/conformance tests through
# jupyter_client, the tutorial notebooks through the real kernel, and the JupyterLab browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }

step "Debian packages"
bash scripts/install-debian-packages.sh

step "npm packages"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step "build"
rm -rf dist
npm run build

step "lint (eslint, prettier)"
npx eslint .
npx prettier --check .

step "unit tests (node --test)"
mapfile -t unit_tests < <(find dist -name '*.test.js' | sort)
# With the Node flags the kernelspec gets (relaxed SIMD on Node 20: the fused GEMM path; the matmul tests
# cover the other paths too).
read -ra node_flags < <(node --input-type=module -e \
  'import { kernelNodeFlags } from "./dist/kernel/install.js"; console.log(kernelNodeFlags().join(" "))')
node "${node_flags[@]}" --test --test-concurrency=2 "${unit_tests[@]}"

step "kernel tests through jupyter_client (pytest)"
rm -rf .jaclab-test
node bin/jaclab.js install --prefix "$root/.jaclab-test" --name jaclab-test >/dev/null
export JUPYTER_PATH="$root/.jaclab-test/share/jupyter"
export JACLAB_KERNEL_NAME=jaclab-test
export JACLAB_HISTORY_DIR="$root/.jaclab-test/history"
/usr/bin/python3 -m pytest test/python scripts/tutorials -q -p no:cacheprovider

step "JupyterLab in a browser"
bash scripts/setup-jupyterlab.sh
node --test dist/test/browser/jupyterlab.browser.js dist/test/browser/widgets.browser.js dist/test/browser/new-user.browser.js

step "documentation site (TypeDoc with validation as errors, nbconvert) in a browser"
node dist/docs/build-site.js
node --test dist/docs/site.browser.js

step "done"
