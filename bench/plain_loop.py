"""The floor for the morning fan-out: a plain loop calling the twilio SDK, no database, same threads.

Each thread has its own twilio Client (as each `f0care worker` has its own) and sends its share of the
same messages the job sends: the day's prompt to +8498xxxxxxx, with the same StatusCallback. Prints one
JSON line with the count, the time and this process's peak memory.

    python -m bench.plain_loop --api-base-url URL --count N --threads K --body TEXT --status-callback URL
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bench.service import patient_phone
from tests.support.processes import peak_rss_mb
from tests.support.service import SERVICE_NUMBER


class StubHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """The SDK's own HTTP client with api.twilio.com swapped for the stub (as the service does)."""

    def __init__(self, base: str) -> None:
        super().__init__(timeout=10)
        self.base = base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        return super().request(method, self.base + url[len(f"{parts.scheme}://{parts.netloc}") :], *args, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-base-url", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--body", required=True)
    parser.add_argument("--status-callback", default=None)
    args = parser.parse_args()
    sid, token = os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"]
    failures: list[int] = []

    def share(k: int) -> None:
        client = Client(sid, token, http_client=StubHttpClient(args.api_base_url))
        failed = 0
        for i in range(k, args.count, args.threads):
            message = client.messages.create(
                to=patient_phone(i), from_=SERVICE_NUMBER, body=args.body, status_callback=args.status_callback
            )
            failed += message.sid is None
        failures.append(failed)

    started = time.time()
    threads = [threading.Thread(target=share, args=(k,)) for k in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    peak_mb = peak_rss_mb(os.getpid()) or 0.0  # VmHWM: getrusage's maxrss counts the forking parent
    result = {
        "sent": args.count - sum(failures),
        "send_s": round(time.time() - started, 3),
        "peak_mb": round(peak_mb, 1),
    }
    print("LOOP_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
