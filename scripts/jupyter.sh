#!/usr/bin/env bash
# Installs JupyterLab and anywidget from PyPI into target/jupyter-venv, so the tests can open the
# widget snippet of docs/embedding.md in a real notebook (tests/e2e/jupyter.spec.mjs). The versions are pinned:
# the widget's front end runs inside JupyterLab's widget manager, and a test of it is only
# repeatable against the same one. Skipped when the pinned versions are already there.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=target/jupyter-venv
# JupyterLab brings the kernel (ipykernel); ipywidgets brings the widget manager JupyterLab loads
# as an extension, and anywidget's own extension loads a widget's `_esm` module.
PINS=(
  "jupyterlab==4.6.6"
  "anywidget==0.11.0"
  "ipywidgets==8.1.9"
)

installed() {
  local frozen pin
  frozen=$("$VENV/bin/python" -m pip freeze 2>/dev/null) || return 1
  for pin in "${PINS[@]}"; do
    grep -qix "$pin" <<<"$frozen" || return 1
  done
}

if [ ! -x "$VENV/bin/python" ]; then
  # Debian's python3 makes a venv only with its python3-venv package (ensurepip).
  if ! python3 -c 'import ensurepip' 2>/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
  fi
  python3 -m venv "$VENV"
fi
# The venv lies inside this repository, whose package.json makes every .js file below it an ES
# module; JupyterLab runs its bundled yarn.js (CommonJS) with Node when it starts, so the venv
# says which kind its own files are.
[ -f "$VENV/package.json" ] || echo '{ "type": "commonjs" }' >"$VENV/package.json"
if ! installed; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
fi
"$VENV/bin/python" -c 'import anywidget, jupyterlab; print(f"jupyter: JupyterLab {jupyterlab.__version__}, anywidget {anywidget.__version__}")'
