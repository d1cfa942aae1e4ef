"""A stand-in for the Government Operation Center's receiver, on 127.0.0.1.

It keeps each message once by its Idempotency-Key, as the real one must, and answers
from a script: ``refuse`` (503), ``timeout`` (keeps the message, answers too late),
``hold`` (keeps the connection until released) or ``accept``; after the script, accepts.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, script=(), token: str = "goc-secret", late_seconds: float = 2.0):
        self.script = list(script)
        self.token = token
        self.late_seconds = late_seconds
        self.kept: list[str] = []  # idempotency keys, in the order first received
        self.bodies: dict[str, dict] = {}
        self.deliveries: list[tuple[str, str]] = []  # (key, what was answered), every request
        self.held = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/goc/indicators"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _next(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else "accept"

    def _keep(self, key: str, body: dict) -> str:
        with self._lock:
            if key not in self.bodies:
                self.kept.append(key)
                self.bodies[key] = body
                return "new"
            return "duplicate"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_):
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the sender has gone (timed out or was killed)
                    pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key", "")
                if self.headers.get("Authorization") != f"Bearer {receiver.token}":
                    receiver.deliveries.append((key, "unauthorised"))
                    return self._answer(401, {"error": "bad token"})
                action = receiver._next()
                if action == "refuse":
                    receiver.deliveries.append((key, "refused"))
                    return self._answer(503, {"error": "busy"})
                if action == "hold":
                    receiver.held.set()
                    receiver.release.wait(30)
                kept = receiver._keep(key, body)
                receiver.deliveries.append((key, f"{action}:{kept}"))
                if action == "timeout":
                    time.sleep(receiver.late_seconds)
                self._answer(200, {"receipt": f"R-{receiver.kept.index(key) + 1}", "status": kept})

        return Handler
