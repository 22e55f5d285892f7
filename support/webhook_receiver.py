"""A webhook receiver on 127.0.0.1 for a generated project's tasks (tasks.deliver_webhook): the deploy
rehearsal delivers to it, the benchmarks time the deliveries. It answers 204, or 503 while ``failing``,
and records every request with the time it arrived."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WebhookReceiver:
    """The receiver of the project's webhook on 127.0.0.1: answers 204, or 503 while ``failing``; records all."""

    def __init__(self) -> None:
        self.failing = False
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = 503 if receiver.failing else 204
                headers = {name.lower(): value for name, value in self.headers.items()}
                arrived = time.monotonic()
                receiver.requests.append({"headers": headers, "body": body, "answered": status, "arrived": arrived})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def delivered(self) -> list[str]:
        """The Webhook-Id of each delivery the receiver took."""
        return [request["headers"]["webhook-id"] for request in self.requests if request["answered"] == 204]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
