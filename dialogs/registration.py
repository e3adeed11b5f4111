"""Self-registration by SMS: seven questions, then a one-time code to the patient's phone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from dialogs import otp
from dialogs.effects import CreatePatient, Effect, Reply, SendSms
from dialogs.phones import check_mobile
from dialogs.render import RISK_MENU, local_today, national, risks, whole_age
from dialogs.state import Context, Conversation, PatientView, State, Step
from dialogs.templates import Texts
from dialogs.text import fold, is_digits, normalize, parse_birth, parse_day, parse_yes_no

HERE_WORDS = frozenset({"NAY", "SO NAY", "HERE", "THIS"})


def start(ctx: Context, texts: Texts, now: datetime) -> Step:
    """`DK`: begin a registration on this phone."""
    conv = Conversation(State.REG_NAME, {}, now)
    return Step(conv, (Reply(texts("reg_name")),))


def _ask(state: State, data: dict[str, Any], now: datetime, text: str) -> Step:
    return Step(Conversation(state, data, now), (Reply(text),))


def clean_name(text: str) -> str | None:
    """A full name of 2-60 letters, no digits; title-cased when typed all in one case."""
    name = " ".join(text.split())
    letters = sum(ch.isalpha() for ch in name)
    if not 2 <= letters <= 60 or len(name) > 80 or any(ch.isdigit() for ch in name):
        return None
    return name.title() if name.isupper() or name.islower() else name


def on_name(conv: Conversation, text: str, ctx: Context, texts: Texts, now: datetime) -> Step:
    name = clean_name(text)
    if name is None:
        return _ask(conv.state, conv.data, now, texts("reg_name_invalid"))
    return _ask(State.REG_BIRTH, {**conv.data, "name": name}, now, texts("reg_birth"))


def on_birth(conv: Conversation, text: str, ctx: Context, texts: Texts, now: datetime) -> Step:
    parsed = parse_birth(text, local_today(now, ctx.program.timezone))
    if parsed is None:
        return _ask(conv.state, conv.data, now, texts("reg_birth_invalid"))
    birth_date, year = parsed
    data = {**conv.data, "birth_year": year, "birth_date": birth_date and birth_date.isoformat()}
    return _ask(State.REG_AREA, data, now, texts("reg_area"))


def on_area(conv: Conversation, text: str, ctx: Context, texts: Texts, now: datetime) -> Step:
    choice = text.strip()
    suggestions: list[str] = conv.data.get("suggestions", [])
    if is_digits(choice) and 1 <= int(choice) <= len(suggestions):
        text = suggestions[int(choice) - 1]
    found = ctx.program.area_index.match(text)
    if found.clinic_id is None or found.area is None:
        data = {**conv.data, "suggestions": list(found.suggestions)}
        listed = ", ".join(f"{i}) {s}" for i, s in enumerate(found.suggestions, start=1))
        shown = fold(text.strip())[:30]
        return _ask(conv.state, data, now, texts("reg_area_suggest", text=shown, options=listed))
    data = {k: v for k, v in conv.data.items() if k != "suggestions"}
    data.update(area=found.area, clinic_id=found.clinic_id)
    return _ask(State.REG_PHONE, data, now, texts("reg_phone"))


def on_phone(conv: Conversation, text: str, ctx: Context, texts: Texts, now: datetime) -> Step:
    if normalize(text).rstrip(".!") in HERE_WORDS:
        target: str | None = ctx.phone
    else:
        check = check_mobile(text, ctx.program.country)
        shown = fold(text.strip())[:20]
        if check.problem == "not_mobile":
            return _ask(conv.state, conv.data, now, texts("reg_phone_landline", text=shown))
        if check.problem is not None:
            return _ask(conv.state, conv.data, now, texts("reg_phone_invalid", text=shown))
        target = check.e164
    return _ask(State.REG_TEST_DATE, {**conv.data, "phone": target}, now, texts("reg_test_date"))


def on_test_date(conv: Conversation, text: str, ctx: Context, texts: Texts, now: datetime) -> Step:
    day = parse_day(text, local_today(now, ctx.program.timezone))
    if day is None:
        return _ask(conv.state, conv.data, now, texts("reg_test_date_invalid"))
    data = {**conv.data, "test_date": day.isoformat()}
    return _ask(State.REG_SYMPTOMS, data, now, texts("reg_symptoms"))


def on_symptoms(conv: Conversation, text: str, ctx: Context, texts: Texts, now: datetime) -> Step:
    word = normalize(text)
    answer = {"1": True, "0": False}.get(word, parse_yes_no(word))
    if answer is None:
        return _ask(conv.state, conv.data, now, texts("reg_symptoms_invalid"))
    return _ask(State.REG_RISKS, {**conv.data, "symptoms": answer}, now, texts("reg_risks"))


def _risks(text: str) -> list[str] | None:
    word = normalize(text).replace(" ", "").replace(",", "")
    if parse_yes_no(word) is False or word == "0":
        return []
    if not word or any(ch not in RISK_MENU for ch in word):
        return None
    return [RISK_MENU[d] for d in sorted(set(word))]


def on_risks(conv: Conversation, text: str, ctx: Context, texts: Texts, now: datetime) -> Step:
    chosen = _risks(text)
    if chosen is None:
        return _ask(conv.state, conv.data, now, texts("reg_risks_invalid"))
    data = {**conv.data, "risks": chosen}
    return otp.issue(Conversation(State.REG_OTP, data, now), ctx, texts, now)


def on_otp(conv: Conversation, text: str, ctx: Context, texts: Texts, now: datetime) -> Step:
    outcome = otp.check(conv, text, ctx, texts, now)
    if isinstance(outcome, Step):
        return outcome
    return submit(conv.data, ctx, texts, now)


def draft_patient(data: dict[str, Any], code: str) -> PatientView:
    birth = data.get("birth_date")
    return PatientView(
        code=code,
        full_name=data["name"],
        phone=data["phone"],
        clinic_id=data["clinic_id"],
        status="pending",
        birth_year=data["birth_year"],
        birth_date=date.fromisoformat(birth) if birth else None,
        area=data["area"],
        risk_factors=tuple(data.get("risks", ())),
    )


def submit(data: dict[str, Any], ctx: Context, texts: Texts, now: datetime) -> Step:
    """OTP confirmed: the registration waits at the clinic; every staff member is asked."""
    idle = Conversation()
    same = [
        p
        for p in ctx.target_patients
        if normalize(p.full_name) == normalize(data["name"]) and p.status in ("pending", "active")
    ]
    if same:
        return Step(idle, (Reply(texts("reg_duplicate", name=same[0].full_name, code=same[0].code)),))
    patient = draft_patient(data, ctx.new_code)
    clinic = ctx.program.clinic(patient.clinic_id)
    today = local_today(now, ctx.program.timezone)
    staff_texts = ctx.program.texts(ctx.program.default_language)
    effects: list[Effect] = [
        CreatePatient(
            code=patient.code,
            full_name=patient.full_name,
            birth_year=patient.birth_year,
            birth_date=patient.birth_date,
            area=patient.area,
            clinic_id=patient.clinic_id,
            phone=patient.phone,
            registered_by=ctx.phone,
            positive_test_date=date.fromisoformat(data["test_date"]),
            symptoms=bool(data["symptoms"]),
            risk_factors=patient.risk_factors,
            status="pending",
            language=texts.language,
        )
    ]
    request = staff_texts(
        "staff_new_registration",
        code=patient.code,
        name=patient.full_name,
        age=whole_age(patient, today),
        area=patient.area,
        phone=national(patient.phone),
        risks=risks(patient, today, staff_texts.language),
        symptoms=staff_texts.raw("yes" if data["symptoms"] else "no"),
    )
    effects += [SendSms(s.phone, request, "staff", patient.code) for s in clinic.staff]
    reply = texts(
        "reg_submitted",
        clinic=clinic.name,
        name=patient.full_name,
        code=patient.code,
        clinic_phone=clinic.phone,
    )
    effects.append(Reply(reply))
    return Step(idle, tuple(effects))


HANDLERS: dict[State, Callable[[Conversation, str, Context, Texts, datetime], Step]] = {
    State.REG_NAME: on_name,
    State.REG_BIRTH: on_birth,
    State.REG_AREA: on_area,
    State.REG_PHONE: on_phone,
    State.REG_TEST_DATE: on_test_date,
    State.REG_SYMPTOMS: on_symptoms,
    State.REG_RISKS: on_risks,
    State.REG_OTP: on_otp,
}
