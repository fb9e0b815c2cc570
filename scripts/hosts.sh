#!/usr/bin/env bash
# Builds, from dist/, the host pages of the embedding guide's snippets (docs/embedding.md) in the real tools, for the
# end-to-end tests (tests/e2e/hosts.spec.mjs):
#   target/hosts/deck/   a reveal.js deck (from npm) with the `revealjs` snippet's two slides
#   target/hosts/book/   an mdBook book with the `mdbook` snippet in a chapter one folder down,
#                        built by `mdbook build` into target/hosts/book/book/
#   target/hosts/site/   a plain HTML course page with the `iframe` and `component` snippets
# Each has dist/ copied next to the page as dropout-topk/, as docs/embedding.md says.
#   scripts/hosts.sh         installs mdBook if needed, then builds both
#   scripts/hosts.sh tools   only installs mdBook: the pinned version, into target/tools
set -euo pipefail
cd "$(dirname "$0")/.."

MDBOOK_VERSION=0.4.52
TOOLS=target/tools
MDBOOK=$TOOLS/bin/mdbook
OUT=target/hosts

# mdBook at exactly the pinned version, skipped when it is there. Without its default features
# (serve, watch, search) it compiles 81 crates instead of 201 and builds the same book, less the
# search box.
install_mdbook() {
  if [ "$("$MDBOOK" --version 2>/dev/null)" != "mdbook v$MDBOOK_VERSION" ]; then
    cargo install mdbook --version "$MDBOOK_VERSION" --locked --no-default-features --root "$TOOLS"
  fi
}

# snippet NAME: the code of docs/embedding.md's snippet NAME, the fenced block right after the line
# `<!-- snippet: NAME -->` (as tests/e2e/readme-snippets.mjs reads it).
snippet() {
  local code
  code=$(awk -v mark="<!-- snippet: $1 -->" '
    state == 2 && /^```/ { closed = 1; exit }
    state == 2 { print; next }
    state == 1 { if (/^```/) { state = 2; next } exit }
    $0 == mark { state = 1 }
    END { exit !closed }' docs/embedding.md) || { echo "hosts: docs/embedding.md has no snippet \"$1\"" >&2; exit 1; }
  printf '%s\n' "$code"
}

# copy_dist DEST: a fresh copy of dist/ at DEST.
copy_dist() {
  rm -rf "$1"
  mkdir -p "$(dirname "$1")"
  cp -r dist "$1"
}

# page_head TITLE: a host page's opening lines, up to the end of its <head> contents (the icon is
# the demo's, so the page asks for nothing the folder lacks).
page_head() {
  cat <<HTML
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$1</title>
<link rel="icon" href="dropout-topk/favicon.svg" type="image/svg+xml">
HTML
}

build_deck() {
  local deck=$OUT/deck reveal=node_modules/reveal.js/dist
  [ -f "$reveal/reveal.js" ] || { echo "hosts: no $reveal/reveal.js: run scripts/setup.sh test" >&2; exit 1; }
  rm -rf "$deck"
  mkdir -p "$deck/reveal/theme"
  cp "$reveal/reset.css" "$reveal/reveal.css" "$reveal/reveal.js" "$deck/reveal/"
  cp "$reveal/theme/white.css" "$deck/reveal/theme/"
  copy_dist "$deck/dropout-topk"
  {
    page_head 'Two kinds of randomness'
    cat <<'HTML'
<link rel="stylesheet" href="reveal/reset.css">
<link rel="stylesheet" href="reveal/reveal.css">
<link rel="stylesheet" href="reveal/theme/white.css">
</head>
<body>
<div class="reveal">
<div class="slides">
<section><h2>Two kinds of randomness</h2><p>Top-k sampling and dropout</p></section>
HTML
    snippet revealjs
    cat <<'HTML'
<section><h2>Questions?</h2></section>
</div>
</div>
<script src="reveal/reveal.js"></script>
<script>Reveal.initialize();</script>
</body>
</html>
HTML
  } > "$deck/index.html"
}

build_book() {
  local book=$OUT/book
  rm -rf "$book"
  mkdir -p "$book/src/sampling"
  copy_dist "$book/src/dropout-topk"
  cat > "$book/book.toml" <<'TOML'
[book]
title = "Two kinds of randomness"
language = "en"
src = "src"

[build]
create-missing = false
TOML
  cat > "$book/src/SUMMARY.md" <<'MD'
# Summary

[Introduction](intro.md)

- [Sampling](sampling/demo.md)
MD
  cat > "$book/src/intro.md" <<'MD'
# Introduction

A language model picks each next character at random, and trains with dropout, another kind of
randomness. The next chapter lets you try both.
MD
  {
    cat <<'MD'
# Sampling

Move k to see which characters stay in the draw, then take a training step with dropout.

MD
    snippet mdbook
  } > "$book/src/sampling/demo.md"
  "$MDBOOK" build "$book"
}

build_site() {
  local site=$OUT/site
  rm -rf "$site"
  mkdir -p "$site"
  copy_dist "$site/dropout-topk"
  {
    page_head 'Week 3: sampling'
    cat <<'HTML'
</head>
<body>
<h1>Week 3: sampling</h1>
<p>An iframe:</p>
HTML
    snippet iframe
    echo '<p>Two elements:</p>'
    snippet component
    echo '</body>'
    echo '</html>'
  } > "$site/index.html"
}

case "${1:-all}" in
  tools) install_mdbook ;;
  all)
    [ -f dist/embed.html ] || { echo "hosts: no dist/: run scripts/dist.sh first" >&2; exit 1; }
    install_mdbook
    build_deck
    build_book
    build_site
    echo "hosts: $OUT/deck/index.html, $OUT/book/book/sampling/demo.html, $OUT/site/index.html"
    ;;
  *) echo "usage: $0 [tools]" >&2; exit 2 ;;
esac
