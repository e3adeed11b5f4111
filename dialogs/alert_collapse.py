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

MAX_LISTED = 5  # patients named in one combined SMS


@dataclass(frozen=True)
class OpenAlertView:
    """A patient's unacknowledged alert, as the host read it."""

    code: str
    paged_at: datetime  # when staff were last sent an SMS about it


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
        if due:
            followed[effect.code] = []
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
        listed = ", ".join(f"{a.code} {patients[a.code].full_name}" for a in alerts[:MAX_LISTED])
        more = f" +{len(alerts) - MAX_LISTED}" if len(alerts) > MAX_LISTED else ""
        text = staff_texts(program)(
            "red_staff_many", phone=national(first.phone), patients=listed + more, reasons=alerts[0].reason
        )
        pages += [SendSms(s.phone, text, "alert", first.code) for s in program.clinic(clinic_id).staff]
    return pages


def _follow_ups(
    followed: Mapping[str, list[str]], patients: Mapping[str, PatientView], program: Program
) -> list[Effect]:
    texts = staff_texts(program)
    sms: list[Effect] = []
    for code, reasons in followed.items():
        patient = patients[code]
        unique = list(dict.fromkeys(reasons))
        text = texts(
            "alert_update", code=code, name=patient.full_name, phone=national(patient.phone), reasons="; ".join(unique)
        )
        sms += [SendSms(s.phone, text, "alert", code) for s in program.clinic(patient.clinic_id).staff]
    return sms
