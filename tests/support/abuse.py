"""A raw-socket client for the abuse tests against real processes: an oversized body streamed to a server.

The client writes and reads at once (select), as an attacker's would: a server that answers
413 and closes without reading the rest is heard, not mistaken for a dropped connection.
The processes themselves, and their memory, come from tests.support.processes and tests.support.service.
"""

from __future__ import annotations

import select
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

BLOCK = 64 * 1024
_FILLER = b"x" * BLOCK  # the one block the client sends again and again: the body is never built
_CHUNK = f"{BLOCK:x}\r\n".encode() + _FILLER + b"\r\n"


@dataclass(frozen=True)
class Oversized:
    """What the server did with an oversized body: its status (None if none came) and when."""

    status: int | None
    seconds: float  # from the first byte sent to the status line read
    sent: int  # body bytes the server let the client send


def stream_oversized(base_url: str, path: str, total: int, chunked: bool, give_up: float = 30.0) -> Oversized:
    """POST a body of `total` bytes (declared, or chunked) until the server answers; its answer."""
    url = urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/x-www-form-urlencoded"]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}")
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("ascii"))
        sock.setblocking(False)
        start, sent, pending, answer, writing = time.monotonic(), 0, b"", b"", True
        while time.monotonic() - start < give_up and b"\r\n" not in answer:
            readable, writable, _ = select.select([sock], [sock] if writing else [], [], 0.5)
            if readable:
                try:
                    data = sock.recv(4096)
                except ConnectionResetError:
                    break
                if not data:
                    break
                answer += data
                continue
            if writable:
                pending = pending or (_CHUNK if chunked else _FILLER)
                try:
                    written = sock.send(pending)
                except (BrokenPipeError, ConnectionResetError):
                    writing = False  # the server stopped reading: its answer may still be on the way
                    continue
                pending, sent = pending[written:], sent + written
                writing = sent < total
        seconds = time.monotonic() - start
    words = answer.split(b" ", 2)
    status = int(words[1]) if len(words) > 1 and words[1].isdigit() else None
    return Oversized(status, seconds, sent)
