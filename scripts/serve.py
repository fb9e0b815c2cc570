#!/usr/bin/env python3
"""Serves the demo over http: browsers refuse to instantiate wasm loaded from file:// URLs.

www/ is the site root and the repository's pkg/ appears at /pkg/, so the page imports the
generated package as ./pkg/dropout_topk.js without copying it.
Usage: scripts/serve.py [port] [--quiet]
"""
import http.server
import os
import sys
from functools import partial

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript"}

    def translate_path(self, path):
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if clean == "/pkg" or clean.startswith("/pkg/"):
            return os.path.join(ROOT, "pkg", os.path.normpath(clean[len("/pkg"):]).lstrip("/"))
        return super().translate_path(path)

    def end_headers(self):
        # Always the files on disk: a rebuilt pkg/ is picked up on reload.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, *args):
        if "--quiet" not in sys.argv:
            super().log_message(*args)


def main():
    ports = [a for a in sys.argv[1:] if not a.startswith("--")]
    port = int(ports[0]) if ports else 8000
    handler = partial(Handler, directory=os.path.join(ROOT, "www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    print(f"Serving the demo at http://127.0.0.1:{port}/  (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
