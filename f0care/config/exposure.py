"""Safe defaults: the development secrets are accepted only where nobody else can reach them.

`service.secret_key` keys the one-time code hashes: with the public development key a copy of
the database gives the codes away in seconds. It must be a real secret (at least 32 characters)
whenever the gateway sends real SMS or the service listens beyond loopback. With the console
provider any request signed with `gateway.dev_auth_token` (published in the shipped config.yaml)
is taken as an SMS: such a service stays on loopback unless the operator says --insecure-dev.
"""

from __future__ import annotations

import ipaddress

from f0care.config.fields import secret_key_problem
from f0care.config.models import Config


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address to listen on) is reachable from this machine only."""
    if host.strip("[]").lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # another host name: assume it is reachable from elsewhere


def bind_host(bind: str) -> str:
    """The host of a gunicorn bind ("0.0.0.0:8000", "[::1]:8000", "unix:/run/f0.sock": loopback)."""
    if bind.startswith(("unix:", "fd://")):
        return "127.0.0.1"  # a socket file: reachable only through the proxy in front
    host = bind.rsplit(":", 1)[0] if bind.count(":") == 1 or bind.startswith("[") else bind
    # gunicorn's ":8000" means every interface: named here to be refused, not listened on.
    return host.strip("[]") or "0.0.0.0"  # nosec


def listening_problems(config: Config, host: str, insecure_dev: bool = False) -> list[str]:
    """Why the service must not listen on `host` with this config (empty when it may)."""
    if is_loopback(host):
        return []
    problems = []
    if config.gateway.provider == "console" and not insecure_dev:
        problems.append(
            f"--host {host}: with gateway.provider console anyone who can reach the service and knows "
            "gateway.dev_auth_token (it is in the shipped config.yaml) can post SMS as any phone; "
            "listen on 127.0.0.1 (the default), use gateway.provider twilio, "
            "or pass --insecure-dev for a demonstration on a network you trust"
        )
    secret = secret_key_problem(config.service.secret_key, f"the service listens on {host}")
    if secret:
        problems.append(f"service.secret_key: {secret}")
    return problems
