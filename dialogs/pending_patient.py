"""A registration not yet accepted is a patient: its answers are stored, triaged and alerted on.

The clinic may take hours to send DUYET; a red answer in the meantime alerts it at once (the
alert says the registration is not accepted yet) and the patient gets the red advice with 115.
"""

from __future__ import annotations

from datetime import datetime

from dialogs import declaration
from dialogs.render import is_code
from dialogs.state import Context, Step
from dialogs.templates import Texts
from dialogs.text import normalize


def declare(args: list[str], ctx: Context, texts: Texts, now: datetime) -> Step:
    """The day's answers for the phone's pending patient (the one named by its code, else the newest)."""
    pending = [p for p in ctx.monitored if p.status == "pending"]
    word = normalize(args[0]) if args else ""
    named = next((p for p in pending if is_code(word) and p.code == word), None)
    if named is not None:
        args = args[1:]
    patient = named or pending[-1]
    return declaration.begin(patient, args, ctx, texts, now)
