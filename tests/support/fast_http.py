"""A small HTTP/1.1 server on loopback for stubs that must keep up with the service: one asyncio loop.

Requests with keep-alive are parsed by hand (a Content-Length body, no chunked encoding) and
answered with JSON. A thread-per-connection server tops out near the rate the service sends at,
so a benchmark would measure the stub instead of the service.
"""

from __future__ import annotations

import asyncio
import json
import signal
import threading
from collections.abc import Callable
from typing import Any

MAX_REQUEST = 1 << 20
REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
Answer = tuple[int, Any, dict[str, str]]  # status, JSON payload, extra headers
Handler = Callable[[str, str, dict[str, str], bytes], Answer]  # method, target, lower-case headers, body


class LoopbackServer:
    """Serves `handler` on 127.0.0.1: in the caller's loop (`serve`) or from a daemon thread (`start`)."""

    def __init__(self, handler: Handler, port: int = 0) -> None:
        self.handler = handler
        self._port = port
        self._server: asyncio.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.connections: set[asyncio.Transport] = set()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not listening")
        return int(self._server.sockets[0].getsockname()[1])

    async def listen(self) -> asyncio.Server:
        """Listen (port 0 picks a free one) in the running loop."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Connection(self), "127.0.0.1", self._port, backlog=1024)
        return self._server

    async def serve(self, announce: Callable[[int], None]) -> None:
        """Listen, tell `announce` the port, and serve until SIGTERM or SIGINT."""
        server = await self.listen()
        announce(self.port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        async with server:
            await stop.wait()

    def start(self) -> None:
        """Listen now and serve from a daemon thread with its own event loop."""
        loop = self._loop = asyncio.new_event_loop()
        loop.run_until_complete(self.listen())
        self._thread = threading.Thread(target=loop.run_forever, name="loopback-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread's loop, close the listener and the open connections."""
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        server.close()
        for transport in list(self.connections):
            transport.close()
        loop.run_until_complete(asyncio.sleep(0))  # let the transports finish closing
        loop.close()
        self._loop, self._server, self._thread = None, None, None


class _Connection(asyncio.Protocol):
    def __init__(self, owner: LoopbackServer) -> None:
        self.owner = owner
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.owner.connections.add(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.owner.connections.discard(self.transport)
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_REQUEST:
                    self.transport.close()
                return
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            method, target, _version = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            close = headers.get("connection", "").lower() == "close"
            self._answer(*self.owner.handler(method, target, headers, body), close=close)

    def _answer(self, status: int, payload: Any, extra: dict[str, str], close: bool) -> None:
        assert self.transport is not None
        data = json.dumps(payload).encode("utf-8")
        head = (
            f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(data)}\r\n"
            + "".join(f"{name}: {value}\r\n" for name, value in extra.items())
            + f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n"
        )
        self.transport.write(head.encode("latin-1") + data)
        if close:
            self.transport.close()
