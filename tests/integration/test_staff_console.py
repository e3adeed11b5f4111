"""The staff console through the Flask client, on both databases: every button is its SMS command (same
refusals, same records, the audit), the scope of each role, the operator view of supervisors."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlmodel import Session, col

from f0care.runtime import Runtime
from models.ops_tables import OperatorAction
from models.tables import Message, Patient
from models.web_tables import StaffAction
from tests.integration.journeys import DOCTOR, NURSE, OTHER_DOCTOR, SUPERVISOR
from tests.support.fakes import RecordingSender
from tests.support.phone import Phone
from tests.support.web import log_in, post

PATIENT = "+84987200001"
RED = "94 24 86 37,5 0 0"
DISTRICT = "+84912000099"  # PYT Hoa, district officer of every clinic of tp-hai-duong


def direct(phone: Callable[[str], Phone], number: str = PATIENT, staff: str = DOCTOR, area: str = "Tran Phu") -> str:
    reply = phone(staff).send(f"DK {number} Nguyen Van Test, 1980, {area}")
    found = re.search(r"Da dang ky ([A-Z][A-Z2-9]{4}) ", reply)
    assert found, reply
    return found.group(1)


def act(client: FlaskClient, code: str, action: str, **fields: str) -> str:
    """Press a button of the patient page; returns the page shown after it."""
    page = f"/staff/patients/{code}"
    answer = post(client, f"{page}/action", {"action": action, **fields}, form_page=page)
    assert answer.status_code == 302, answer.status_code
    return client.get(page).get_data(as_text=True)


def actions(runtime: Runtime) -> list[tuple[str, str, str, str]]:
    with Session(runtime.db) as session:
        rows = session.execute(select(StaffAction).order_by(col(StaffAction.id))).scalars().all()
    return [(r.action, r.by_name, r.channel, r.outcome[:40]) for r in rows]


def test_a_button_is_refused_as_its_sms_command_is_and_every_action_is_audited(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    code = direct(phone)
    phone(PATIENT).send(RED)
    log_in(client, sender, NURSE, NURSE)

    page = act(client, code, "discharge")
    assert "con canh bao do chua ai nhan" in page  # no discharge with an open alert, as XONG
    page = act(client, code, "ack")
    assert "Da nhan 1 canh bao" in page
    page = act(client, code, "extend", days="3")
    assert "Da gia han theo doi" in page
    page = act(client, code, "discharge")
    assert "Da ket thuc theo doi" in page
    assert 'data-status="discharged"' in page

    audit = actions(runtime)
    assert [a[0] for a in audit] == ["register", "end", "ack", "extend", "end"]
    assert [a[2] for a in audit] == ["twilio", "web", "web", "web", "web"]
    assert audit[1][1] == "DD Mai"
    assert page.count('data-event="action"') == 5  # shown on the patient page


def test_the_web_sends_the_patient_the_same_sms_as_the_sms_command(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    by_sms, by_web = direct(phone, "+84987200002"), direct(phone, "+84987200003")
    phone("+84987200002").send(RED)
    phone("+84987200003").send(RED)
    phone(NURSE).send(f"OK {by_sms}")
    log_in(client, sender, NURSE, NURSE)
    act(client, by_web, "ack")
    assert sender.sent["+84987200002"][-1].replace(by_sms, "X") == sender.sent["+84987200003"][-1].replace(by_web, "X")
    with Session(runtime.db) as session:
        web = session.execute(select(Message).where(col(Message.channel) == "web")).scalars().all()
    assert [(m.direction, m.phone) for m in web] == [("in", NURSE), ("out", NURSE)]  # the reply, not sent by SMS
    assert not any("Da nhan 1 canh bao" in text for text in sender.sent[NURSE])  # shown on the page instead


def test_reject_needs_a_reason_and_tells_the_registrant(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    code = direct(phone)
    with Session(runtime.db) as session:
        session.execute(update(Patient).where(col(Patient.code) == code).values(status="pending", decided_at=None))
        session.commit()
    log_in(client, sender, NURSE, NURSE)
    assert "Can ly do" in act(client, code, "reject", reason="  ")
    page = act(client, code, "reject", reason="Không ở địa bàn")
    assert 'data-status="rejected"' in page
    assert "Khong o dia ban" in sender.sent[DOCTOR][-1]  # BS Lan registered the patient: she is told


def test_patients_outside_the_scope_answer_404_and_district_officers_only_read(
    client: FlaskClient, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    mine, theirs = direct(phone), direct(phone, "+84987200004", OTHER_DOCTOR, "Quang Trung")
    log_in(client, sender, NURSE, NURSE)
    assert client.get(f"/staff/patients/{mine}").status_code == 200
    assert client.get(f"/staff/patients/{theirs}").status_code == 404
    assert client.get("/staff/patients/ZZZZZ").status_code == 404
    assert post(client, f"/staff/patients/{theirs}/action", {"action": "ack"}, "/staff/").status_code == 404
    assert client.get("/staff/operator").status_code == 404  # nurses have no operator view

    district = client.application.test_client()
    log_in(district, sender, DISTRICT, DISTRICT)
    dashboard = district.get("/staff/").get_data(as_text=True)
    assert mine in dashboard
    assert theirs in dashboard
    assert 'data-action="' not in district.get(f"/staff/patients/{theirs}").get_data(as_text=True)
    refused = post(district, f"/staff/patients/{theirs}/action", {"action": "discharge"}, "/staff/")
    assert refused.status_code == 403


def test_the_dashboard_names_each_list_and_shows_patient_codes(
    client: FlaskClient, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    code = direct(phone)
    phone(PATIENT).send(RED)
    log_in(client, sender, NURSE, NURSE)
    page = client.get("/staff/").get_data(as_text=True)
    for name in ("red", "yellow", "silent", "pending", "ending", "stopped", "undeliverable"):
        assert f'data-list="{name}"' in page
    red = page[page.index('data-list="red"') : page.index('data-list="yellow"')]
    assert code in red
    assert 'http-equiv="refresh" content="60"' in page


def test_a_supervisor_retries_failed_sms_and_undoes_an_opt_out_recorded_with_her_name(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    code = direct(phone)
    phone(PATIENT).send("STOP")
    with Session(runtime.db) as session:
        session.execute(
            update(Message)
            .where(col(Message.phone) == PATIENT, col(Message.kind) == "welcome")
            .values(status="failed", error="carrier said no", error_code=30003)
        )
        session.commit()
    log_in(client, sender, SUPERVISOR, SUPERVISOR)
    page = client.get("/staff/operator").get_data(as_text=True)
    assert "carrier said no" in page
    assert code in page  # the opted-out phone's patient
    before = len(sender.sent[PATIENT])
    post(client, "/staff/operator/retry", {}, "/staff/operator?status=failed")
    assert len(sender.sent[PATIENT]) == before + 1  # the welcome, again
    post(client, "/staff/operator/optout-undo", {"phone": PATIENT, "reason": "called, wants SMS"}, "/staff/operator")
    with Session(runtime.db) as session:
        done = session.execute(select(OperatorAction).order_by(col(OperatorAction.id))).scalars().all()
    assert [(a.action, a.by) for a in done] == [
        ("outbox-retry", "TYT Hung (+84912000003) web"),
        ("optout-undo", "TYT Hung (+84912000003) web"),
    ]
    assert code not in client.get("/staff/operator").get_data(as_text=True)
