"""Who is logged in to the web pages: a staff member from config.yaml, or a phone that proved itself.

One Flask-Login manager serves both: user ids are prefixed, `staff:+8491...` or `phone:+8491...`.
A staff member's scope is the set of clinic ids she sees: her clinic (doctor, nurse, supervisor),
or every clinic whose `district:` matches her clinic's (role `district`).
"""

from __future__ import annotations

from dataclasses import dataclass

from f0care.config import Config

STAFF_PREFIX = "staff:"
PHONE_PREFIX = "phone:"
ACTING_ROLES = frozenset({"doctor", "nurse", "supervisor"})  # may act (the SMS commands); district only reads


@dataclass(frozen=True)
class StaffUser:
    """A staff member listed in config.yaml, logged in with a code sent to her phone."""

    phone: str  # E.164
    name: str
    role: str  # doctor, nurse, supervisor, district
    clinic_id: str
    scope: frozenset[str]  # the clinic ids she sees

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = True

    def get_id(self) -> str:
        return STAFF_PREFIX + self.phone

    @property
    def can_act(self) -> bool:
        """Whether she may accept, acknowledge, discharge ... (district officers only read)."""
        return self.role in ACTING_ROLES

    @property
    def is_supervisor(self) -> bool:
        """Supervisors (and district officers) see the operator view and the staff of their clinics."""
        return self.role in ("supervisor", "district")


@dataclass(frozen=True)
class PhoneUser:
    """A phone that logged in with a code: sees only the patients registered on that phone."""

    phone: str  # E.164

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False

    def get_id(self) -> str:
        return PHONE_PREFIX + self.phone


def staff_user(config: Config, phone: str) -> StaffUser | None:
    """The staff member with this phone in config.yaml, with her scope; None when the phone is no staff's."""
    for clinic in config.clinics:
        for person in clinic.staff:
            if person.phone == phone:
                scope = {clinic.id}
                if person.role == "district" and clinic.district:
                    scope |= {c.id for c in config.clinics if c.district == clinic.district}
                return StaffUser(person.phone, person.name, person.role, clinic.id, frozenset(scope))
    return None


def load_user(config: Config, user_id: str) -> StaffUser | PhoneUser | None:
    """The user behind a session's id; None (logged out) when a staff member left config.yaml."""
    if user_id.startswith(STAFF_PREFIX):
        return staff_user(config, user_id.removeprefix(STAFF_PREFIX))
    if user_id.startswith(PHONE_PREFIX):
        return PhoneUser(user_id.removeprefix(PHONE_PREFIX))
    return None
