"""A recorded-replay HTTP server: the platforms' recorded answers, served on 127.0.0.1.

Scans point their configurable API hosts at it (X base URL, praw's oauth_url and reddit_url,
feed URLs), so the real poller code runs offline: in the demo and in the tests. Each recorded
interaction is answered once, in order, to the first request it matches; a request nothing
matches gets a 404 and is remembered, so a test can fail on it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit


@dataclass
class Interaction:
    """One recorded request (what must match) and the response to send."""

    method: str
    path: str
    match: dict[str, str] = field(default_factory=dict)  # query parameters that must be equal
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None  # dict/list: sent as JSON; str: sent as is
    delay_s: float = 0.0  # wait before answering (to record a timeout)
    repeat: bool = False  # answer every matching request (lookups whose order does not matter)
    played: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Interaction:
        request, response = data["request"], data.get("response", {})
        return cls(
            method=request.get("method", "GET").upper(),
            path=request["path"],
            match={k: str(v) for k, v in (request.get("match") or {}).items()},
            status=int(response.get("status", 200)),
            headers=dict(response.get("headers") or {}),
            body=response.get("body"),
            delay_s=float(response.get("delay_s", 0.0)),
            repeat=bool(data.get("repeat", False)),
        )

    def matches(self, method: str, path: str, params: dict[str, str]) -> bool:
        if (
            (self.played and not self.repeat)
            or method != self.method
            or path.rstrip("/") != self.path.rstrip("/")
        ):
            return False
        return all(params.get(k) == v for k, v in self.match.items())


def load_recording(path: Path) -> list[Interaction]:
    """The interactions in a recording file ({"interactions": [...]})."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Interaction.from_json(item) for item in data["interactions"]]


class ReplayServer:
    """Serve interactions on an ephemeral port of 127.0.0.1 from a background thread."""

    def __init__(self, interactions: list[Interaction]) -> None:
        self.interactions = interactions
        self.unmatched: list[str] = []
        self.received: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        # an AF_INET server: typeshed's address type also allows the bytes of AF_UNIX
        host, port = cast(tuple[str, int], self._server.server_address[:2])
        return f"http://{host}:{port}"

    def start(self) -> ReplayServer:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                replay._answer(self)

            def do_POST(self) -> None:  # noqa: N802
                replay._answer(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # the replay is silent; tests read `received` instead

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def unplayed(self) -> list[Interaction]:
        """Recorded interactions no request used."""
        return [i for i in self.interactions if not i.played]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        if length:
            form = handler.rfile.read(length).decode("utf-8", "replace")
            params.update({k: v[-1] for k, v in parse_qs(form).items()})
        with self._lock:
            self.received.append(
                dict(
                    method=handler.command,
                    path=parts.path,
                    params=params,
                    headers=dict(handler.headers),
                )
            )
            found = next(
                (i for i in self.interactions if i.matches(handler.command, parts.path, params)),
                None,
            )
            if found is not None:
                found.played = True
            else:
                self.unmatched.append(f"{handler.command} {handler.path}")
        if found is None:
            self._send(
                handler, 404, {"Content-Type": "application/json"}, {"error": "no recording"}
            )
            return
        if found.delay_s:
            time.sleep(found.delay_s)
        self._send(handler, found.status, found.headers, found.body)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: Any
    ) -> None:
        if isinstance(body, (dict, list)):
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        else:
            payload = (body or "").encode("utf-8")
        try:
            handler.send_response(status)
            for name, value in headers.items():
                if name.lower() != "content-length":
                    handler.send_header(name, str(value))
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a recorded timeout): nothing left to send
