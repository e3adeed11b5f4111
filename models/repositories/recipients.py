"""The fan-out's read: active, not opted-out patients by phone, in keyset pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import groupby
from typing import cast

from sqlalchemy import Engine, Row, Select, and_, exists, or_
from sqlalchemy import select as sa_select
from sqlmodel import col

from dialogs.rules.rows import Recipient
from models.db import reading
from models.tables import Contact, Declaration, Patient

RecipientQuery = Select[int | None, str, str, str, str, str]  # id, code, name, phone, language, contact's
PAGE = 5_000  # patients read per query: the job's memory does not grow with the cohort


def recipients(engine: Engine, day: date, only_missing: bool, page: int = PAGE) -> Iterator[list[Recipient]]:
    """Active, not opted-out patients grouped by phone; `only_missing`: no complete declaration on `day`.

    Read in pages of `page` patients by phone (keyset: phone > the last whole household), each page
    its own short read transaction: memory stays flat from 1,000 to 1,000,000 patients, and on
    SQLite no read snapshot is held open while the job writes.
    """
    after = ""
    while True:
        with reading(engine) as conn:
            rows = [_recipient(row) for row in conn.execute(_recipients_query(day, only_missing, after, page))]
            full = len(rows) == page
            if full and rows[0].phone == rows[-1].phone:  # one phone fills the page: read that phone whole
                whole = _recipients_query(day, only_missing, after, None).where(col(Patient.phone) == rows[0].phone)
                rows = [_recipient(row) for row in conn.execute(whole)]
        groups = [list(group) for _phone, group in groupby(rows, key=lambda r: r.phone)]
        if full and len(groups) > 1:
            groups.pop()  # the last household may go on in the next page: it is read again there
        yield from groups
        if not full:
            return
        after = groups[-1][0].phone


def _recipient(row: Row[int | None, str, str, str, str, str]) -> Recipient:
    language = row[5] or row[4]  # the contact's language, else the patient's
    return Recipient(cast(int, row[0]), row[1], row[2], row[3], language)


def _recipients_query(day: date, only_missing: bool, after: str, limit: int | None) -> RecipientQuery:
    query = (
        sa_select(
            col(Patient.id),
            col(Patient.code),
            col(Patient.full_name),
            col(Patient.phone),
            col(Patient.language),
            col(Contact.language),
        )
        # `contact.phone > after` too: PostgreSQL's merge join then starts its contact scan at the page
        .outerjoin(Contact, and_(col(Contact.phone) == col(Patient.phone), col(Contact.phone) > after))
        .where(
            col(Patient.phone) > after,
            col(Patient.status) == "active",
            or_(col(Contact.opted_out).is_(None), col(Contact.opted_out).is_(False)),
        )
        .order_by(col(Patient.phone), col(Patient.id))
    )
    if only_missing:
        declared = exists().where(
            and_(
                col(Declaration.patient_id) == col(Patient.id),
                col(Declaration.local_date) == day,
                col(Declaration.complete),
            )
        )
        query = query.where(~declared)
    if limit is not None:
        query = query.limit(limit)
    return query
