"""`gateway.android`: an Android phone running SMS Gateway for Android, with a local SIM.

`base_url` is the phone's local server (`http://192.168.1.20:8080`) or the vendor's cloud API;
`username` and `password` are the app's Basic-auth credentials; `webhook_secret` is the app's
webhook signing key (`f0care gateway android webhooks --register` sets it on the phone).
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from f0care.config.fields import Model

_URL = re.compile(r"^https?://[^\s/?#]+[^\s?#]*$")


class AndroidConfig(Model):
    base_url: str = ""
    username: str = ""
    password: str = ""
    webhook_secret: str = ""
    timeout_seconds: float = Field(default=10.0, gt=0, le=120, allow_inf_nan=False)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not _URL.match(value.strip()):
            example = "http://192.168.1.20:8080 (the phone's local server) or https://api.sms-gate.app/3rdparty/v1"
            raise ValueError(f'"{value}" is not a web address without query string; write it like {example}')
        return value.strip().rstrip("/")

    def missing(self) -> list[str]:
        """The keys a deployment that sends through the phone must set."""
        return [key for key in ("base_url", "username", "password", "webhook_secret") if not getattr(self, key)]
