#!/usr/bin/env bash
# Installs what this project needs and a fresh machine lacks; each step is skipped when done.
#   scripts/setup.sh build   the wasm32 target and wasm-bindgen-cli at the crate's pinned version
#   scripts/setup.sh test    the above, plus the three browser engines the tests drive (Chromium
#                            with chromedriver, Firefox ESR, WebKitGTK's MiniBrowser with its
#                            WebDriver), a virtual display for WebKit, a CJK font, the npm packages, and
#                            for the embedding tests mdBook (pinned, built by cargo); the
#                            notebook tools come with the wheel (scripts/notebook.sh, run by
#                            scripts/test.sh once `make dist` has built it)
set -euo pipefail
cd "$(dirname "$0")/.."

# The CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')

build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    # No --locked: the CLI's own lockfile pins crates this registry mirror does not carry.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

# Debian packages and a file each one installs.
TEST_PACKAGES=(
  "chromium:/usr/bin/chromium"
  "chromium-driver:/usr/bin/chromedriver"
  "firefox-esr:/usr/bin/firefox-esr"
  "webkit2gtk-driver:/usr/bin/WebKitWebDriver"
  "xvfb:/usr/bin/xvfb-run"
  "xauth:/usr/bin/xauth"
  # Chinese, Japanese and Korean glyphs for the pages and screenshots in those languages: one font
  # of 1.6 MB (5 MB installed) covers all three (fonts-noto-cjk would be 57 MB).
  "fonts-wqy-microhei:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
)

test_tools() {
  local missing=() entry
  for entry in "${TEST_PACKAGES[@]}"; do
    [ -e "${entry#*:}" ] || missing+=("${entry%%:*}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
  # Exactly the committed lockfile; the drivers use Debian's browsers, none downloads its own.
  if [ ! -d node_modules/@playwright/test ] || [ ! -d node_modules/selenium-webdriver ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
  # mdBook for the book the embedding tests build (scripts/hosts.sh): pinned, into target/tools.
  scripts/hosts.sh tools
}

case "${1:-build}" in
  build) build_tools ;;
  test) build_tools; test_tools ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
