"""A news site on 127.0.0.1 for the tests of ``rehydrate --fetch`` and ``load(texts="fetch")``.

It serves, at each path a test gives it, the answers the test gives, in order (the last one again
for every later request): a page with status 200, an error status (404, 503, ...), with headers,
optionally after a delay. It answers GET only and says 404 for any path it was not given, so a
request for the wrong URL fails the test instead of passing by chance; it records every request
(path and headers) so a test can count them and read the User-Agent.

It does NOT cover: TLS (the URLs are http://), HTTP/2, compressed or chunked bodies, redirects,
cookies, robots.txt, DNS (every URL names 127.0.0.1; a name that does not resolve is not tested,
a refused connection is: :func:`tests.release.hub_standin.refused_endpoint`), rate limits of its
own, or a body trickling in slowly (a delay holds the whole answer back).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (a timeout test) is not an error of the server


class PageServer:
    """Start with ``with PageServer() as site:``; ``site.add(path, Reply(...), ...)`` gives the page's URL."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, path: str, *replies: Reply) -> str:
        """Serve ``replies`` at ``path`` (one per request, the last one from then on); the URL."""
        with self._lock:
            self.routes[path] = list(replies)
        return self.base + path

    def page(self, path: str, html: str) -> str:
        return self.add(path, Reply(200, html.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"}))

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for seen in self.requests if seen.path == path)

    def __enter__(self) -> PageServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _next(self, path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(Seen(path, headers))
            replies = self.routes.get(path)
            if not replies:
                return Reply(404, b"not a page of this site", {"Content-Type": "text/plain"})
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                reply = server._next(self.path, {k.lower(): v for k, v in self.headers.items()})
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: Any) -> None:
                pass  # quiet: the test reads ``requests``

        return Handler
