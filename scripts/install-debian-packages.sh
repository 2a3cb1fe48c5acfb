#!/usr/bin/env bash
# Installs the Debian packages that the tests and the main job need, only those that are missing.
set -euo pipefail
packages=(jupyter-client python3-jupyter-kernel-test python3-nbclient python3-pytest jupyter-nbconvert python3-venv chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
