#!/usr/bin/env bash
# Runs every test layer in order and prints how many tests each ran. Fails when a layer fails
# or runs no test. Expects the tools from `scripts/setup.sh test` (make test runs both).
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TERM_COLOR=never
log=$(mktemp -d)
summary=()

# run NAME COMMAND...: runs a layer, keeps its output, stops everything if it fails.
run() {
  local name=$1; shift
  echo "=== $name: $*"
  if ! "$@" 2>&1 | tee "$log/$name.txt"; then
    echo "FAILED: $name" >&2
    exit 1
  fi
}

# count NAME: the number of tests a layer's output reports as passed; a layer with none fails.
count() {
  local name=$1 n
  case $name in
    playwright) n=$(sed -n 's/^ *\([0-9][0-9]*\) passed.*/\1/p' "$log/$name.txt" | tail -n 1) ;;
    unit | firefox | webkit) n=$(sed -n 's/^ℹ pass \([0-9][0-9]*\)$/\1/p' "$log/$name.txt" | tail -n 1) ;;
    *) n=$(awk '/^test result: ok\./ { s += $4 } END { print s + 0 }' "$log/$name.txt") ;;
  esac
  n=${n:-0}
  if [ "$n" -eq 0 ]; then
    echo "FAILED: $name ran no test" >&2
    exit 1
  fi
  summary+=("$(printf '%-22s %5d tests passed' "$name" "$n")")
}

run fmt cargo fmt --check
summary+=("$(printf '%-22s %11s' fmt clean)")
run clippy-native cargo clippy --all-targets --release -- -D warnings
summary+=("$(printf '%-22s %11s' clippy-native clean)")
run clippy-wasm32 cargo clippy --all-targets --target wasm32-unknown-unknown --profile wasm -- -D warnings
summary+=("$(printf '%-22s %11s' clippy-wasm32 clean)")

run native cargo test --release
count native

# Release without LTO: the test build differs in features from pkg anyway, and links faster.
run wasm-chromium cargo test --target wasm32-unknown-unknown --release --test web
count wasm-chromium

run pkg scripts/build-pkg.sh
# The front end's view models in Node, fed by the real core (the wasm package just built).
run unit node --test --test-reporter=spec tests/unit/
count unit
run dist scripts/dist.sh
# The wheel dist.sh wrote, installed into a fresh venv with JupyterLab and marimo (jupyter.spec.mjs, marimo.spec.mjs).
run notebook scripts/notebook.sh
summary+=("$(printf '%-22s %11s' notebook-venv installed)")
# The mdBook and reveal.js snippets of docs/embedding.md in the real tools (tests/e2e/hosts.spec.mjs).
run hosts scripts/hosts.sh
summary+=("$(printf '%-22s %11s' hosts built)")
run playwright npx playwright test --config tests/e2e/playwright.config.mjs --reporter=list
count playwright

# The served page in the two other engines learners use (tests/engines): Firefox ESR over
# WebDriver BiDi, WebKitGTK over WebDriver on a virtual display.
run firefox node --test --test-reporter=spec tests/engines/firefox.test.mjs
count firefox
run webkit xvfb-run -a node --test --test-reporter=spec tests/engines/webkit.test.mjs
count webkit

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
