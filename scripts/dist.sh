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
# The sample texts' sources are for the repository's readers, not the host's (mdBook would render it).
rm -f dist/corpus/README.md
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
# one-line embed on any site. Its version is the crate's; the gzip and brotli twins stay out (CDNs compress).
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
  "files": ["**/*", "!**/*.gz", "!**/*.br", "!scorm/**", "!python/**"],
  "keywords": ["dropout", "top-k", "sampling", "transformer", "webassembly", "web-component", "anywidget", "teaching"]
}
EOF
# A gzip twin of every file worth compressing, for static hosts that send precompressed files
# (nginx gzip_static, Netlify, most CDNs); the page itself never asks for them by name.
# A brotli twin beside it (FILE.br) for hosts that send brotli (nginx brotli_static, Caddy's
# precompressed, most CDNs): about a fifth smaller again for the wasm.
find dist -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.wasm' -o -name '*.q8' \
  -o -name '*.txt' -o -name '*.svg' \) -exec gzip -9 -k -n {} +
find dist -type f -name '*.gz' | sed 's/\.gz$//' | node -e '
  const { readFileSync, writeFileSync } = require("node:fs");
  const { brotliCompressSync, constants: z } = require("node:zlib");
  for (const file of readFileSync(0, "utf8").split("\n").filter(Boolean)) {
    const data = readFileSync(file);
    writeFileSync(`${file}.br`, brotliCompressSync(data, { params: {
      [z.BROTLI_PARAM_QUALITY]: 11, [z.BROTLI_PARAM_LGWIN]: 24, [z.BROTLI_PARAM_SIZE_HINT]: data.length } }));
  }'
echo "dist: $(find dist -type f ! -name '*.gz' ! -name '*.br' | wc -l) files (and .gz and .br twins of $(find dist -name '*.br' | wc -l)), $(du -sk dist | cut -f1) KB"

# The Python package (python/, docs/embedding.md "Jupyter and marimo"): the widget's one-file module
# with every file inside it, then the wheel, built by hatchling (PEP 517, from PyPI) into
# dist/python/. Its version is the crate's.
[ -d node_modules/esbuild ] || npm ci --no-audit --no-fund
node scripts/widget-bundle.mjs
python3 -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir dist/python python/
wheel=$(ls dist/python/dropout_topk-*.whl)
python3 - "$wheel" <<'PY'
import os, sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as zf:
    contents = ", ".join(f"{i.filename.split('/')[-1]} {i.file_size // 1024} KB" for i in zf.infolist() if i.filename.startswith("dropout_topk/"))
print(f"dist: {path}, {os.path.getsize(path) // 1024} KB ({contents})")
PY

# The learning check as a SCORM 1.2 package for an LMS (docs/scorm.md): scorm.html as the one SCO,
# with every file it loads (the check's modules, the texts, the flex backend, the weights and
# index.html, whose markup the check is taken from) and the full page its links open. Left out:
# the other pages and entries, the ndarray backend, the npm file, the wheel and the twins. Names in
# order and fixed timestamps, so the same files give the same zip.
python3 - <<'PY'
import os, re, zipfile
from xml.sax.saxutils import escape, quoteattr

LEFT_OUT = {"package.json", "embed.html", "embed.js", "component.js", "widget.js"}
files = sorted(
    rel for rel in (os.path.relpath(os.path.join(d, f), "dist").replace(os.sep, "/")
                    for d, _, names in os.walk("dist") for f in names)
    if not rel.endswith((".gz", ".br")) and rel not in LEFT_OUT
    and not rel.startswith(("pkg/ndarray/", "scorm/", "python/")))
for needed in ("scorm.html", "scorm.js", "index.html", "model.q8", "pkg/dropout_topk.js", "pkg/dropout_topk_bg.wasm"):
    assert needed in files, f"dist/{needed} is missing"
# The pass mark is scorm.js's MASTERY_SCORE (a share), written here in percent.
source = open("www/scorm.js", encoding="utf-8").read()
mastery = float(re.search(r"^export const MASTERY_SCORE = ([0-9.]+);", source, re.M).group(1))
mastery = f"{mastery * 100:g}"
manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="dropout-topk-check" version="1.2"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="dropout-topk">
    <organization identifier="dropout-topk">
      <title>Dropout and top-k: two kinds of randomness</title>
      <item identifier="check" identifierref="check-sco" isvisible="true">
        <title>Learning check</title>
        <adlcp:masteryscore>{mastery}</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="check-sco" type="webcontent" adlcp:scormtype="sco" href="scorm.html">
{chr(10).join(f'      <file href={quoteattr(f)}/>' for f in files)}
    </resource>
  </resources>
</manifest>
"""
os.makedirs("dist/scorm", exist_ok=True)
target = "dist/scorm/dropout-topk-check-scorm12.zip"
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
    for name in ["imsmanifest.xml", *files]:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        if name == "imsmanifest.xml":
            zf.writestr(info, manifest.encode("utf-8"), compresslevel=9)
        else:
            with open(os.path.join("dist", name), "rb") as f:
                zf.writestr(info, f.read(), compresslevel=9)
print(f"dist: {target}, {len(files) + 1} files, {os.path.getsize(target) // 1024} KB (mastery score {mastery})")
PY
