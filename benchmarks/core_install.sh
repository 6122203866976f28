#!/usr/bin/env bash
# Size of a core install (pip install policykit, no extras) and a check that it loads the tables.
#   bash benchmarks/core_install.sh [VENV]      (default /tmp/policykit-core; the venv is made anew)
# Prints the venv's size in MB (pip and setuptools included) and the shape of the documents table.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:-/tmp/policykit-core}"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet "$here"
echo "core install: $(du -sm "$venv" | cut -f1) MB in $venv"
"$venv/bin/pip" list --format=freeze 2>/dev/null | tr '\n' ' '
echo
cd /tmp && "$venv/bin/python" -c "import policykit; d = policykit.load('documents', data='$here/data/processed'); print('documents', d.shape)"
