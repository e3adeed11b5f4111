"""The USSD menu's screens: read what is known of the phone, walk the pure menu (`dialogs.ussd_menu`).

Nothing is written here. A screen that completes a request is handed by the edge to the one
application service (`Runtime.receive`) as an `InboundSms` with channel `ussd`, and stored there
like an SMS; its provider id is the session id and the number of inputs, so a repeated post is
found here and answered with the stored reply, and the service stores it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dialogs import ussd_menu
from dialogs.program import Program
from dialogs.state import Context
from dialogs.templates import Texts
from f0care.service.decide import load_conversation
from models.menu_view import phone_view
from sms_gateway.wire import NotStored

CHANNEL = "ussd"
log = logging.getLogger("f0care.ussd")


@dataclass(frozen=True)
class Answered:
    """The post was handled already: its stored reply is the END screen again."""

    reply: str


@dataclass(frozen=True)
class MenuStep:
    """What one post leads to, and the texts of the phone's language (for the END screen)."""

    outcome: ussd_menu.Outcome | Answered
    texts: Texts
    provider_sid: str  # of the request this post completes, if it does


def provider_id(session_id: str, inputs: tuple[str, ...]) -> str:
    """The provider id of the request a post completes: unique per session and number of inputs."""
    return f"{CHANNEL}-{session_id}-{len(inputs)}"


def screen(db: Engine, program: Program, phone: str, text: str, session_id: str, now: datetime) -> MenuStep:
    """The next screen (`Screen`), the request to hand to the service (`Request`), or `Answered`.

    NotStored when the database cannot be read (the edge answers END with an apology).
    """
    inputs = ussd_menu.inputs_of(text)
    sid = provider_id(session_id, inputs)
    try:  # on dial no request can be complete yet: no stored reply to look for
        view = phone_view(db, phone, program.default_language, sid if inputs else None)
    except SQLAlchemyError as error:
        log.error("USSD screen not read: %s", type(error).__name__)
        raise NotStored from error
    contact = view.contact
    texts = ussd_menu.ussd_texts(program.texts(contact.language))
    if view.reply is not None:
        return MenuStep(Answered(view.reply), texts, sid)
    ctx = Context(
        program=program,
        phone=phone,
        language=contact.language,
        opted_out=contact.opted_out,
        patients=tuple(p.view for p in view.patients),
    )
    return MenuStep(ussd_menu.walk(inputs, load_conversation(contact), ctx, now), texts, sid)
