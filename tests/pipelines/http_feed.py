"""A real HTTP server on 127.0.0.1 serving tasks as a paginated JSON API, misbehaving on
purpose: wrong tokens refused, 500s, 429 with Retry-After, a response slower than the
client's timeout, or 500 forever. Each request is recorded for the test to inspect."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Feed:
    def __init__(self, items: list[dict], token: str = "s3cret", page_size: int = 100):
        self.items = items
        self.token = token
        self.page_size = page_size
        self.faults: dict[int, list[str]] = {}  # page number -> faults to serve first, in order
        self.always_fail = False
        self.requests: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/nhiem-vu"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def _page(self, query: dict) -> dict:
        since = query.get("cap_nhat_tu", [None])[0]
        chosen = [i for i in self.items if since is None or i["cap_nhat_luc"] >= since]
        chosen.sort(key=lambda i: (i["cap_nhat_luc"], i["id"]))
        number = int(query.get("page", ["1"])[0])
        size = int(query.get("per_page", [self.page_size])[0])
        return {"data": chosen[(number - 1) * size: number * size],
                "meta": {"page": number, "total": len(chosen)}}

    def _handler(self):
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict | None = None, headers: dict | None = None):
                data = json.dumps(body or {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                page = int(query.get("page", ["1"])[0])
                feed.requests.append({"at": time.monotonic(), "page": page, "query": query,
                                      "auth": self.headers.get("Authorization")})
                if self.headers.get("Authorization") != f"Bearer {feed.token}":
                    return self._send(401, {"error": "unauthorized"})
                if feed.always_fail:
                    return self._send(500, {"error": "internal"})
                faults = feed.faults.get(page, [])
                fault = faults.pop(0) if faults else None
                if fault == "500":
                    return self._send(500, {"error": "internal"})
                if fault == "429":
                    return self._send(429, {"error": "slow down"}, {"Retry-After": "1"})
                if fault == "slow":
                    time.sleep(1.5)
                if fault == "garbage":
                    self.send_response(200)
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    return self.wfile.write(b"<html>oo<")
                return self._send(200, feed._page(query))

        return Handler
