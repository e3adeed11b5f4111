"""A fast Twilio-compatible Messages API on loopback (asyncio, one process) for the benchmarks.

tests/support/twilio_stub.py (one thread per connection, http.server) tops out near the rate the
service sends at, so it would measure itself. This one parses HTTP/1.1 keep-alive requests by
hand and answers `POST /2010-04-01/Accounts/{sid}/Messages.json` like Twilio (Basic auth checked,
201 with a Message resource whose num_segments comes from bench.sms_segments, an independent
counter). Control endpoints for the runner: `GET /stats`, `GET /messages?offset=N`, `POST /reset`.

    python -m bench.twilio_stub_fast --port 0 --account-sid AC... --auth-token ...   # prints "listening PORT"
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import secrets
import signal
import time
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bench.sms_segments import count as count_segments

API_PREFIX = "/2010-04-01/Accounts/"
MAX_REQUEST = 1 << 20


class Store:
    """What the stub accepted: a time, recipient and segment count per message (bodies optional)."""

    def __init__(self, keep_bodies: bool) -> None:
        self.keep_bodies = keep_bodies
        self.reset()

    def reset(self) -> None:
        self.times: list[float] = []
        self.to: list[str] = []
        self.bodies: list[str] = []
        self.segments: list[int] = []
        self.distinct: set[str] = set()
        self.rejected = 0

    def add(self, to: str, body: str, segments: int) -> None:
        self.times.append(time.time())
        self.to.append(to)
        self.segments.append(segments)
        self.distinct.add(to)
        if self.keep_bodies:
            self.bodies.append(body)

    def stats(self) -> dict[str, Any]:
        return {
            "count": len(self.times),
            "first": self.times[0] if self.times else None,
            "last": self.times[-1] if self.times else None,
            "distinct_to": len(self.distinct),
            "segments": sum(self.segments),
            "rejected": self.rejected,
            "pid": os.getpid(),
        }

    def messages(self, offset: int) -> list[dict[str, Any]]:
        out = []
        for i in range(offset, len(self.times)):
            body = self.bodies[i] if self.keep_bodies else None
            out.append({"t": self.times[i], "to": self.to[i], "segments": self.segments[i], "body": body})
        return out


class Api:
    def __init__(self, account_sid: str, auth_token: str, store: Store, omit_num_segments: bool) -> None:
        self.account_sid = account_sid
        self.auth = "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.path = f"{API_PREFIX}{account_sid}/Messages.json"
        self.store = store
        self.omit_num_segments = omit_num_segments

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        url = urlsplit(target)
        if method == "POST" and url.path == self.path:
            return self._create(headers, body)
        if method == "GET" and url.path == "/stats":
            return 200, json.dumps(self.store.stats()).encode()
        if method == "GET" and url.path == "/messages":
            offset = int(dict(parse_qsl(url.query)).get("offset", "0"))
            return 200, json.dumps(self.store.messages(offset), ensure_ascii=False).encode()
        if method == "POST" and url.path == "/reset":
            self.store.reset()
            return 200, b"{}"
        return 404, json.dumps({"code": 20404, "message": "not found", "status": 404}).encode()

    def _create(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if not secrets.compare_digest(headers.get("authorization", ""), self.auth):
            self.store.rejected += 1
            return 401, json.dumps({"code": 20003, "message": "Authenticate", "status": 401}).encode()
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        to, text = form.get("To", ""), form.get("Body", "")
        if not to or not text or not (form.get("From") or form.get("MessagingServiceSid")):
            self.store.rejected += 1
            return 400, json.dumps({"code": 21604, "message": "missing To, Body or From", "status": 400}).encode()
        parts = count_segments(text)
        self.store.add(to, text, parts)
        sid = "SM" + secrets.token_hex(16)
        now = formatdate(usegmt=True)
        resource = {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": to,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": text,
            "status": "queued",
            "num_segments": None if self.omit_num_segments else str(parts),
            "num_media": "0",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "price": None,
            "price_unit": "USD",
            "error_code": None,
            "error_message": None,
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "uri": f"{API_PREFIX}{self.account_sid}/Messages/{sid}.json",
            "subresource_uris": {},
        }
        return 201, json.dumps(resource).encode()


REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}


class Connection(asyncio.Protocol):
    def __init__(self, api: Api) -> None:
        self.api = api
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

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
            status, payload = self.api.handle(method, target, headers, body)
            close = headers.get("connection", "").lower() == "close"
            head = (
                f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}\r\n"
                "Content-Type: application/json; charset=utf-8\r\n"
                f"Content-Length: {len(payload)}\r\n"
                f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n"
            )
            self.transport.write(head.encode("latin-1") + payload)
            if close:
                self.transport.close()
                return


async def serve(args: argparse.Namespace) -> None:
    store = Store(keep_bodies=not args.no_bodies)
    api = Api(args.account_sid, args.auth_token, store, args.omit_num_segments)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(api), "127.0.0.1", args.port, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account-sid", default="AC" + "0" * 32)
    parser.add_argument("--auth-token", default="stub-auth-token")
    parser.add_argument("--no-bodies", action="store_true", help="keep no message bodies (large fan-outs)")
    parser.add_argument(
        "--omit-num-segments", action="store_true", help="answer num_segments null: the service keeps its own count"
    )
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
