#!/usr/bin/env bash
# Builds dist/: the whole demo as one self-contained folder of static files (pages, scripts,
# styles, the wasm package, the text and the weights). Every URL inside is relative, so the
# folder works when copied to any static host, at its root or under a sub-path.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f pkg/ndarray/dropout_topk_bg.wasm ] || scripts/build-pkg.sh
rm -rf dist
mkdir -p dist/pkg/ndarray
cp -r www/. dist/
# The two backends' modules (flex at pkg/, ndarray at pkg/ndarray/), without the npm extras.
for dir in pkg pkg/ndarray; do
  cp "$dir/dropout_topk.js" "$dir/dropout_topk_bg.wasm" "dist/$dir/"
done
# Nothing in the folder may point outside it.
if grep -rEn "(src|href)=\"(/|https?:)" dist --include='*.html'; then
  echo "dist: absolute URLs found above" >&2
  exit 1
fi
# The folder is also the npm package (`npm pack dist/`): a CDN serving it makes the element a
# one-line embed on any site. Its version is the crate's; the gzip twins stay out (CDNs compress).
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
cat > dist/package.json <<EOF
{
  "name": "dropout-topk",
  "version": "$version",
  "description": "A tiny transformer in the browser that shows dropout (training randomness) and top-k sampling (inference randomness) side by side: an iframe page, a <dropout-topk> element and a notebook widget.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "browser": "component.js",
  "exports": { ".": "./component.js", "./widget.js": "./widget.js", "./*": "./*" },
  "files": ["**/*", "!**/*.gz"],
  "keywords": ["dropout", "top-k", "sampling", "transformer", "webassembly", "web-component", "anywidget", "teaching"]
}
EOF
# A gzip twin of every file worth compressing, for static hosts that send precompressed files
# (nginx gzip_static, Netlify, most CDNs); the page itself never asks for them by name.
find dist -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.wasm' -o -name '*.bpk' \
  -o -name '*.txt' -o -name '*.svg' \) -exec gzip -9 -k -n {} +
echo "dist: $(find dist -type f ! -name '*.gz' | wc -l) files (and a .gz twin of $(find dist -name '*.gz' | wc -l)), $(du -sk dist | cut -f1) KB"
