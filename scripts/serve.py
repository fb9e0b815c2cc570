#!/usr/bin/env python3
"""Serves the demo over http: browsers refuse to instantiate wasm loaded from file:// URLs.

By default www/ is the site root and the repository's pkg/ appears at /pkg/, so the page imports
the generated package as ./pkg/dropout_topk.js without copying it. Text, scripts, wasm and weights
go out gzip-compressed to a browser that asks for it (a precompressed FILE.gz beside a file is
sent as it is, as static hosts do with `make dist`'s folder), or as its brotli twin FILE.br when
there is one (dist/) and the browser takes brotli.

Usage: scripts/serve.py [port] [--quiet] [--dir FOLDER] [--base /sub/path/] [--csp] [--cors]
  --dir FOLDER   serve FOLDER as it is (e.g. dist/, which already holds pkg/)
  --base PATH    the site lives under PATH, as on a course site or GitHub Pages; other paths 404
  --csp          send the strict Content-Security-Policy an embedding site may use (see docs/embedding.md)
  --cors         let pages of any origin load the files, as a CDN does (Access-Control-Allow-Origin: *)
"""
import gzip
import http.server
import io
import os
import sys
from functools import partial

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The policy the demo must work under: nothing but its own files, wasm compilation allowed.
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'"


def option(name, default=None):
    """The value after `name` on the command line, or `default`."""
    if name in sys.argv:
        i = sys.argv.index(name)
        if i + 1 < len(sys.argv):
            return sys.argv[i + 1]
    return default


FOLDER = option("--dir")
# What is worth compressing: everything the page loads but the favicon.
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".wasm", ".q8", ".txt", ".json", ".svg", ".ts"}
# Compressed bodies by path and modification time, so each file is compressed once.
COMPRESSED = {}


def twin(path, suffix):
    """The bytes of `path`'s precompressed twin (FILE.gz, FILE.br, as `make dist` writes them) when it
    is as new as the file, else None."""
    name = path + suffix
    if os.path.isfile(name) and os.path.getmtime(name) >= os.path.getmtime(path):
        with open(name, "rb") as f:
            return f.read()
    return None


def gzipped(path):
    """The gzip bytes of `path`: its precompressed twin when that is as new, else made (and kept)."""
    body = twin(path, ".gz")
    if body is not None:
        return body
    key = (path, os.path.getmtime(path))
    if key not in COMPRESSED:
        with open(path, "rb") as f:
            COMPRESSED[key] = gzip.compress(f.read(), compresslevel=9, mtime=0)
    return COMPRESSED[key]


BASE = "/" + option("--base", "/").strip("/")
BASE = BASE if BASE == "/" else BASE + "/"


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript"}

    def translate_path(self, path):
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(BASE) and clean + "/" != BASE:
            return os.path.join(ROOT, "does-not-exist")
        clean = "/" + clean[len(BASE):]
        if FOLDER is None and (clean == "/pkg" or clean.startswith("/pkg/")):
            return os.path.join(ROOT, "pkg", os.path.normpath(clean[len("/pkg"):]).lstrip("/"))
        return super().translate_path(clean)

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")  # a folder's page, compressed like any other
        accepted = self.headers.get("Accept-Encoding", "")
        if not (os.path.isfile(path) and os.path.splitext(path)[1] in COMPRESSIBLE):
            return super().send_head()
        # A brotli twin when there is one (dist/), else gzip, made here if need be.
        body = twin(path, ".br") if "br" in accepted else None
        encoding = "br"
        if body is None and "gzip" in accepted:
            body, encoding = gzipped(path), "gzip"
        if body is None:
            return super().send_head()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        # Always the files on disk: a rebuilt pkg/ is picked up on reload.
        self.send_header("Cache-Control", "no-cache")
        if "--csp" in sys.argv:
            self.send_header("Content-Security-Policy", CSP)
        if "--cors" in sys.argv:
            self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *args):
        if "--quiet" not in sys.argv:
            super().log_message(*args)


def main():
    values = {option(name) for name in ("--dir", "--base")}
    ports = [a for a in sys.argv[1:] if not a.startswith("--") and a not in values]
    port = int(ports[0]) if ports else 8000
    folder = os.path.abspath(FOLDER) if FOLDER else os.path.join(ROOT, "www")
    handler = partial(Handler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    print(f"Serving the demo at http://127.0.0.1:{port}{BASE}  (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
