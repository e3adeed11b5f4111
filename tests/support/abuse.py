"""Tools for the abuse tests against real processes: an oversized body streamed over a raw socket,
a process's memory from /proc, and `f0care serve` started on a temporary config.

The client writes and reads at once (select), as an attacker's would: a server that answers
413 and closes without reading the rest is heard, not mistaken for a dropped connection.
"""

from __future__ import annotations

import select
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.processes import STARTUP_TIMEOUT, Process, script, service_env

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


def memory_kib(pid: int, field: str = "VmHWM") -> int:
    """A figure from /proc/<pid>/status in KiB: VmHWM (peak resident memory) or VmRSS (now)."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


@dataclass
class Serve:
    """`f0care --config CONFIG serve --no-scheduler` (werkzeug's threaded server) on a loopback port."""

    process: Process
    base_url: str

    @classmethod
    def launch(cls, config: Path, port: int, tmp_path: Path) -> Serve:
        command = [script("f0care"), "--config", str(config), "serve", "--port", str(port), "--no-scheduler"]
        serve = cls(Process.start("f0care-serve", command, service_env(), tmp_path), f"http://127.0.0.1:{port}")
        serve.wait_ready()
        return serve

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        with requests.Session() as http:
            while time.monotonic() < deadline:
                self.process.assert_alive()
                try:
                    if http.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                        return
                except requests.RequestException:
                    pass
                time.sleep(0.1)  # process start-up only
        pytest.fail(f"f0care serve not ready after {STARTUP_TIMEOUT:g} s:\n{self.process.log()}")
