"""The household prompt: the day's questions (or a reminder) to each phone, one SMS per household.

A phone shared by several patients gets one message naming each code when that costs fewer
segments than one prompt per patient. Every patient has a key per day (and check-in): the
fan-out claims the keys, and a household part of which was asked already is asked the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Protocol

from dialogs.render import day_month
from dialogs.rules.effects import ScheduledSms
from dialogs.rules.rows import Recipient
from dialogs.rules.settings import RuleSettings
from dialogs.templates import Texts
from dialogs.text import segments


class FanOutRule(Protocol):
    def key(self, person: Recipient) -> str:
        """The person's scheduled-send key: sent once per key."""
        ...

    def messages(self, people: Sequence[Recipient]) -> list[ScheduledSms]:
        """The messages to one phone shared by `people`."""
        ...


def household_text(people: Sequence[Recipient], day: date, texts: Texts) -> str:
    """One message for a shared phone, naming each patient's code."""
    listed = ", ".join(f"{p.code} {p.name.split()[-1]}" for p in people)
    return texts("household_prompt", date=day_month(day), example=people[0].code, people=listed)


@lru_cache(maxsize=64)
def _prompt(texts: Texts, day: date) -> str:
    """The prompt to a phone of one patient: the same text for every such phone of a language."""
    return texts("daily_prompt", code="", date=day_month(day))


@dataclass(frozen=True)
class MorningPrompt:
    """The day's questions at one check-in."""

    day: date
    slot: str  # the check-in's local time, e.g. "07:00"
    settings: RuleSettings

    def key(self, person: Recipient) -> str:
        return f"prompt:{self.day}:{self.slot}:{person.patient_id}"

    def messages(self, people: Sequence[Recipient]) -> list[ScheduledSms]:
        """One prompt per patient, or one shared message for a household when that costs fewer segments."""
        texts = self.settings.program.texts(people[0].language)
        phone = people[0].phone
        if len(people) == 1:
            key = self.key(people[0])
            text = _prompt(texts, self.day)
            return [ScheduledSms(key, phone, text, "prompt", people[0].patient_id, (key,))]
        each = [texts("daily_prompt", code=f"{p.code}: ", date=day_month(self.day)) for p in people]
        shared = household_text(people, self.day, texts)
        keys = tuple(self.key(p) for p in people)
        if segments(shared) < sum(segments(t) for t in each):
            return [ScheduledSms(keys[0], phone, shared, "prompt", None, keys)]
        return [
            ScheduledSms(key, phone, text, "prompt", p.patient_id, (key,))
            for p, text, key in zip(people, each, keys, strict=True)
        ]


@dataclass(frozen=True)
class Reminder:
    """A nudge to the patients with no complete declaration today: one message per phone."""

    day: date
    settings: RuleSettings

    def key(self, person: Recipient) -> str:
        return f"reminder:{self.day}:{person.patient_id}"

    def messages(self, people: Sequence[Recipient]) -> list[ScheduledSms]:
        texts = self.settings.program.texts(people[0].language)
        codes = " ".join(p.code for p in people) + ": " if len(people) > 1 else ""
        text = texts("reminder", code=codes, date=day_month(self.day), deadline=self.settings.deadline)
        patient_id = people[0].patient_id if len(people) == 1 else None
        keys = tuple(self.key(p) for p in people)
        return [ScheduledSms(keys[0], people[0].phone, text, "reminder", patient_id, keys)]


def still_due(
    rule: FanOutRule,
    households: Sequence[Sequence[Recipient]],
    ready: Sequence[Sequence[ScheduledSms]],
    fresh: set[str],
) -> list[ScheduledSms]:
    """The messages to send once the keys in `fresh` are claimed: whole households as built, the
    rest of a household part of which was asked already (a patient added since), nobody twice."""
    due_messages: list[ScheduledSms] = []
    for people, messages in zip(households, ready, strict=True):
        due = [p for p in people if rule.key(p) in fresh]
        if len(due) == len(people):
            due_messages += messages
        elif due:
            due_messages += rule.messages(due)
    return due_messages
