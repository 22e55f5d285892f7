"""An HTTP server on 127.0.0.1 that stands in for what the function calls: AWS's APIs, a webhook receiver.

It records every request and answers each with what ``answer`` returns for it.
"""

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Answer = Callable[[dict[str, Any]], tuple[int, Any]]


class Recorder:
    """``with Recorder(answer) as server:`` server.url to call, server.requests what arrived."""

    def __init__(self, answer: Answer) -> None:
        self.requests: list[dict[str, Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def handle_one(self) -> None:
                parts = urlsplit(self.path)
                request = {
                    "method": self.command,
                    "path": parts.path,
                    "query": dict(parse_qsl(parts.query)),
                    "headers": {name.lower(): value for name, value in self.headers.items()},
                    "body": self.rfile.read(int(self.headers.get("Content-Length") or 0)),
                }
                recorder.requests.append(request)
                status, document = answer(request)
                payload = document if isinstance(document, bytes) else json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = handle_one

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # Polled often, so that closing it doesn't wait out serve_forever's default half second.
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
