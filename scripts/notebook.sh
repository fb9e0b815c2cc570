#!/usr/bin/env bash
# Makes target/notebook-venv afresh: the package from the wheel `make dist` wrote
# (dist/python/dropout_topk-*.whl), with JupyterLab, ipywidgets, anywidget, marimo and Jupyter Book
# from PyPI, so the notebook tests (tests/e2e/jupyter.spec.mjs, marimo.spec.mjs,
# jupyter-book.spec.mjs) run the package as a user who types `pip install` has it. The tools are
# pinned: the widget's front end runs inside their widget managers, and a test of it is only
# repeatable against the same ones. pip's cache makes every run after the first quick.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=target/notebook-venv
PINS=(
  "jupyterlab==4.6.6"
  "ipywidgets==8.1.9"
  "anywidget==0.11.0"
  "marimo==0.25.2"
  "jupyter-book==2.1.7"
)

shopt -s nullglob
wheels=(dist/python/dropout_topk-*.whl)
if [ ${#wheels[@]} -ne 1 ]; then
  echo "notebook: expected one wheel in dist/python/, found ${#wheels[@]} (run make dist)" >&2
  exit 1
fi

# Debian's python3 makes a venv only with its python3-venv package (ensurepip).
if ! python3 -c 'import ensurepip' 2>/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
fi
rm -rf "$VENV"
python3 -m venv "$VENV"
# The venv lies inside this repository, whose package.json makes every .js file below it an ES
# module; JupyterLab runs its bundled yarn.js (CommonJS) with Node when it starts, so the venv
# says which kind its own files are.
echo '{ "type": "commonjs" }' >"$VENV/package.json"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${wheels[0]}" "${PINS[@]}"
"$VENV/bin/python" - <<'PY'
import anywidget, dropout_topk, jupyterlab, marimo
from importlib.metadata import version
print(f"notebook: dropout-topk {dropout_topk.__version__} from its wheel, JupyterLab {jupyterlab.__version__}, "
      f"anywidget {anywidget.__version__}, marimo {marimo.__version__}, Jupyter Book {version('jupyter-book')}")
PY
