"""One-time login codes for the web pages: rows of `login_code` (digests only), counted and spent here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from models.web_tables import LoginCode

CODES = LoginCode.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class StoredCode:
    id: int
    digest: str
    salt: str
    expires_at: datetime
    tries: int


def sent_since(session: Session, since: datetime, phone: str | None = None, purpose: str | None = None) -> int:
    """Codes created since `since`: for one phone and purpose, or for the whole service."""
    query = select(func.count()).select_from(CODES).where(CODES.c.created_at >= since)
    if phone is not None:
        query = query.where(CODES.c.phone == phone)
    if purpose is not None:
        query = query.where(CODES.c.purpose == purpose)
    return int(session.execute(query).scalar() or 0)


def add(session: Session, phone: str, purpose: str, digest: str, salt: str, now: datetime, expires: datetime) -> None:
    """Keep a new code (the caller commits); earlier unused codes of the phone and purpose stop counting."""
    session.execute(
        update(CODES)
        .where(CODES.c.phone == phone, CODES.c.purpose == purpose, CODES.c.used_at.is_(None))
        .values(used_at=now)
    )
    values = {"phone": phone, "purpose": purpose, "digest": digest, "salt": salt}
    session.execute(insert(CODES).values(**values, created_at=now, expires_at=expires, tries=0))


def latest_unused(session: Session, phone: str, purpose: str) -> StoredCode | None:
    """The phone's last code for `purpose` not yet used, locked for this transaction."""
    row = session.execute(
        select(CODES)
        .where(CODES.c.phone == phone, CODES.c.purpose == purpose, CODES.c.used_at.is_(None))
        .order_by(CODES.c.id.desc())
        .limit(1)
        .with_for_update()
    ).first()
    if row is None:
        return None
    return StoredCode(row.id, row.digest, row.salt, row.expires_at, row.tries)


def spend(session: Session, code_id: int, now: datetime) -> None:
    """The code worked (or is worn out): never accepted again."""
    session.execute(update(CODES).where(CODES.c.id == code_id).values(used_at=now))


def count_try(session: Session, code_id: int) -> None:
    session.execute(update(CODES).where(CODES.c.id == code_id).values(tries=CODES.c.tries + 1))
