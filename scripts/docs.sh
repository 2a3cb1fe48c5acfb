#!/usr/bin/env bash
# `npm run docs`: builds the documentation site in site/ (docs/build-site.ts): the API reference (TypeDoc,
# whose validation fails the build on any undocumented export), the tutorials rendered with their stored
# outputs (nbconvert), and site/index.html. Open site/index.html in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-debian-packages.sh
npm run build --silent
node dist/docs/build-site.js
