"""Config of the USSD menu (`POST /ussd?token=...`, Africa's Talking convention). Validation only."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import model_validator

from f0care.config.fields import MIN_DEV_TOKEN, KeyPath, Model, Problems

_SERVICE_CODE = re.compile(r"\*[0-9*]{1,20}#")


class UssdConfig(Model):
    """The USSD channel: off unless `enabled`; the gateway calls `POST /ussd?token=<token>`."""

    enabled: bool = False
    service_code: str = ""  # what patients dial, e.g. "*384*1234#" (shown in texts and the simulator)
    token: str = ""  # a random secret the gateway puts in the callback URL's query string
    provider: Literal["africastalking"] = "africastalking"

    @model_validator(mode="after")
    def _usable(self) -> UssdConfig:
        problems: list[tuple[KeyPath, str]] = []
        if self.service_code and not _SERVICE_CODE.fullmatch(self.service_code):
            text = f'"{self.service_code}" is not a USSD code; write it as dialled, e.g. "*384*1234#"'
            problems.append((("service_code",), text))
        shown = len("".join(self.token.split()))
        if self.enabled and shown < MIN_DEV_TOKEN:
            fix = "anyone who guesses it can use the menu as any phone; use a random value, e.g. ${F0CARE_USSD_TOKEN}"
            problems.append((("token",), f"has {shown} non-blank characters, fewer than {MIN_DEV_TOKEN}; {fix}"))
        if problems:
            raise Problems(problems)
        return self
