"""One open alert per patient: a new red sign while an alert is open is added to it.

Staff get at most one follow-up SMS per patient per `alerts.repeat_minutes`, saying what is
new; alerts raised together for several patients of one phone go to each staff member as one SMS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialogs.alerts import staff_texts
from dialogs.effects import AddToAlert, Effect, RaiseAlert, SendSms
from dialogs.program import Program
from dialogs.render import national
from dialogs.state import PatientView

MAX_LISTED = 4  # patients named in one combined SMS; the rest are counted
REASONS = 80  # what is new, cut so that a combined follow-up stays within two SMS


@dataclass(frozen=True)
class OpenAlertView:
    """A patient's unacknowledged alert, as the host read it."""

    code: str
    paged_at: datetime  # when staff were last sent an SMS about it
    added: tuple[str, ...] = ()  # reasons added since it was raised: part of what is new for staff


def collapse(
    effects: Sequence[Effect],
    open_alerts: Mapping[str, OpenAlertView],
    patients: Mapping[str, PatientView],
    program: Program,
    now: datetime,
) -> tuple[Effect, ...]:
    """The effects with repeated alerts folded into the open ones and the staff SMS cut to the rule."""
    raised = [e for e in effects if isinstance(e, RaiseAlert) and e.key is None and e.code in patients]
    if not raised:
        return tuple(effects)
    codes = {e.code for e in raised}
    repeat = timedelta(minutes=program.budgets.alert_repeat_minutes)
    kept: list[Effect] = []
    seen: set[str] = set()
    new: list[RaiseAlert] = []
    followed: dict[str, list[str]] = {}
    for effect in effects:
        if isinstance(effect, SendSms) and effect.kind == "alert" and effect.patient_code in codes:
            continue  # rebuilt below
        if not (isinstance(effect, RaiseAlert) and effect in raised):
            kept.append(effect)
            continue
        opened = open_alerts.get(effect.code)
        if opened is None and effect.code not in seen:
            seen.add(effect.code)
            new.append(effect)
            kept.append(effect)
            continue
        due = opened is not None and now - opened.paged_at >= repeat and effect.code not in followed
        if due and opened is not None:
            followed[effect.code] = list(opened.added)
        if opened is not None and effect.code in followed:
            followed[effect.code].append(effect.reason)
        kept.append(AddToAlert(effect.code, effect.reason, effect.kind, paged=due))
    kept += _pages(new, patients, program, [e for e in effects if isinstance(e, SendSms)])
    kept += _follow_ups(followed, patients, program)
    return tuple(kept)


def _pages(
    new: list[RaiseAlert], patients: Mapping[str, PatientView], program: Program, sent: list[SendSms]
) -> list[Effect]:
    """The first SMS of new alerts: as the dialog wrote it for one patient, one per staff for several."""
    pages: list[Effect] = []
    by_clinic: dict[str, list[RaiseAlert]] = {}
    for alert in new:
        by_clinic.setdefault(patients[alert.code].clinic_id, []).append(alert)
    for clinic_id, alerts in by_clinic.items():
        if len(alerts) == 1:
            pages += [s for s in sent if s.kind == "alert" and s.patient_code == alerts[0].code]
            continue
        first = patients[alerts[0].code]
        listed = ", ".join(_named(patients[a.code], program) for a in alerts[:MAX_LISTED])
        more = f" +{len(alerts) - MAX_LISTED}" if len(alerts) > MAX_LISTED else ""
        text = staff_texts(program)(
            "red_staff_many", phone=national(first.phone), patients=listed + more, reasons=alerts[0].reason[:REASONS]
        )
        pages += [SendSms(s.phone, text, "alert", first.code) for s in program.clinic(clinic_id).staff]
    return pages


def _named(patient: PatientView, program: Program) -> str:
    """'K7M2Q Nguyen Van An', marked when the registration is not accepted yet."""
    pending = f" ({staff_texts(program).raw('status_pending')})" if patient.status == "pending" else ""
    return f"{patient.code} {patient.full_name[:16]}{pending}"


def _follow_ups(
    followed: Mapping[str, list[str]], patients: Mapping[str, PatientView], program: Program
) -> list[Effect]:
    """What is new, once per staff member: one patient's update, or one SMS for the phone's several."""
    texts = staff_texts(program)
    by_clinic: dict[str, list[str]] = {}
    for code in followed:
        by_clinic.setdefault(patients[code].clinic_id, []).append(code)
    sms: list[Effect] = []
    for clinic_id, codes in by_clinic.items():
        first = patients[codes[0]]
        reasons = "; ".join(dict.fromkeys(r for code in codes for r in followed[code]))
        if len(codes) == 1:
            text = texts(
                "alert_update", code=first.code, name=first.full_name, phone=national(first.phone), reasons=reasons
            )
        else:
            listed = ", ".join(f"{c} {patients[c].full_name[:16]}" for c in codes[:MAX_LISTED])
            more = f" +{len(codes) - MAX_LISTED}" if len(codes) > MAX_LISTED else ""
            shown = reasons[:REASONS]
            text = texts("alert_update_many", phone=national(first.phone), patients=listed + more, reasons=shown)
        sms += [SendSms(s.phone, text, "alert", first.code) for s in program.clinic(clinic_id).staff]
    return sms
