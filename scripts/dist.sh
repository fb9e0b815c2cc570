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
# A gzip twin of every file worth compressing, for static hosts that send precompressed files
# (nginx gzip_static, Netlify, most CDNs); the page itself never asks for them by name.
find dist -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.wasm' -o -name '*.bpk' \
  -o -name '*.txt' -o -name '*.svg' \) -exec gzip -9 -k -n {} +
echo "dist: $(find dist -type f ! -name '*.gz' | wc -l) files (and a .gz twin of $(find dist -name '*.gz' | wc -l)), $(du -sk dist | cut -f1) KB"
