#!/usr/bin/env bash
# Builds the release wasm and generates pkg/: an ES module for the web with TypeScript
# declarations and a package.json, so the same folder is served to the page and installable by npm.
# One module per backend, so the page downloads only the one it runs: pkg/ carries flex (the
# default), pkg/ndarray/ carries ndarray (loaded when a link asks for backend=ndarray).
set -euo pipefail
cd "$(dirname "$0")/.."

build() { # feature, output folder
  cargo build --lib --target wasm32-unknown-unknown --profile wasm --no-default-features --features "$1"
  # No name section: 6% less to download; a panic still prints its Rust message (the hook).
  wasm-bindgen --target web --out-dir "$2" --typescript --remove-name-section --remove-producers-section \
    target/wasm32-unknown-unknown/wasm/dropout_topk.wasm
}
build flex pkg
build ndarray pkg/ndarray

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
cat > pkg/package.json <<JSON
{
  "name": "dropout-topk",
  "version": "$version",
  "description": "Dropout and top-k sampling on a tiny transformer, in WebAssembly.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "files": ["dropout_topk_bg.wasm", "dropout_topk.js", "dropout_topk.d.ts", "dropout_topk_bg.wasm.d.ts", "ndarray/"],
  "module": "dropout_topk.js",
  "main": "dropout_topk.js",
  "types": "dropout_topk.d.ts",
  "sideEffects": ["./snippets/*"]
}
JSON
ls -l pkg/*.wasm pkg/ndarray/*.wasm | awk '{print "pkg: " $5 " bytes of wasm"}'
