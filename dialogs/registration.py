"""Self-registration by SMS: seven questions, then a one-time code to the patient's phone."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from dialogs import names, otp
from dialogs.drafts import RegistrationDraft
from dialogs.effects import CreatePatient, Effect, Reply, SendSms
from dialogs.keywords import keyword_not_name, yes_no
from dialogs.phones import check_mobile
from dialogs.render import RISK_MENU, local_today, national, risks, whole_age
from dialogs.state import Context, Conversation, PatientView, State, Step, Turn
from dialogs.templates import Texts
from dialogs.text import fold, is_digits, normalize, parse_birth, parse_day

HERE_WORDS = frozenset({"NAY", "SO NAY", "HERE", "THIS", "THIS NUMBER", "ME", "MINE", "MY NUMBER", "SAME"})


def start(ctx: Context, texts: Texts, now: datetime) -> Step:
    """`DK`: begin a registration on this phone."""
    conv = Conversation(State.REG_NAME, RegistrationDraft(), now)
    return Step(conv, (Reply(texts("reg_name")),))


def _ask(state: State, draft: RegistrationDraft, now: datetime, text: str) -> Step:
    return Step(Conversation(state, draft, now), (Reply(text),))


def clean_name(text: str) -> str | None:
    """A full name (dialogs.names): letters of any script, no digits, links, e-mails or phones."""
    return names.clean_name(text)


def on_name(
    conv: Conversation, draft: RegistrationDraft, turn: Turn, ctx: Context, texts: Texts, now: datetime
) -> Step:
    if keyword_not_name(turn.text):  # "STOP", "RESEND": never stored as a name
        return _ask(State.REG_NAME, draft, now, texts("reg_name_keyword"))
    name = clean_name(turn.text)
    if name is None:
        refused = names.looks_like_contact(turn.text)  # a link, e-mail or phone: say why it is refused
        return _ask(State.REG_NAME, draft, now, texts("reg_name_refused" if refused else "reg_name_invalid"))
    return _ask(State.REG_BIRTH, replace(draft, name=name), now, texts("reg_birth"))


def on_birth(
    conv: Conversation, draft: RegistrationDraft, turn: Turn, ctx: Context, texts: Texts, now: datetime
) -> Step:
    parsed = parse_birth(turn.text, local_today(now, ctx.program.timezone))
    if parsed is None:
        return _ask(State.REG_BIRTH, draft, now, texts("reg_birth_invalid"))
    birth_date, year = parsed
    return _ask(State.REG_AREA, replace(draft, birth_year=year, birth_date=birth_date), now, texts("reg_area"))


def on_area(
    conv: Conversation, draft: RegistrationDraft, turn: Turn, ctx: Context, texts: Texts, now: datetime
) -> Step:
    text, choice = turn.text, turn.text.strip()
    if is_digits(choice) and 1 <= int(choice) <= len(draft.suggestions):
        text = draft.suggestions[int(choice) - 1]
    found = ctx.program.area_index.match(text)
    if found.clinic_id is None or found.area is None:
        listed = ", ".join(f"{i}) {s}" for i, s in enumerate(found.suggestions, start=1))
        shown = fold(text.strip())[:30]
        reply = texts("reg_area_suggest", text=shown, options=listed)
        return _ask(State.REG_AREA, replace(draft, suggestions=tuple(found.suggestions)), now, reply)
    draft = replace(draft, suggestions=(), area=found.area, clinic_id=found.clinic_id)
    return _ask(State.REG_PHONE, draft, now, texts("reg_phone"))


def on_phone(
    conv: Conversation, draft: RegistrationDraft, turn: Turn, ctx: Context, texts: Texts, now: datetime
) -> Step:
    text = turn.text
    shown = fold(text.strip())[:20]
    if normalize(text).rstrip(".!") in HERE_WORDS:
        target = ctx.phone
    else:
        check = check_mobile(text, ctx.program.country)
        if check.problem == "not_mobile":
            return _ask(State.REG_PHONE, draft, now, texts("reg_phone_landline", text=shown))
        if check.problem is not None or check.e164 is None:
            return _ask(State.REG_PHONE, draft, now, texts("reg_phone_invalid", text=shown))
        target = check.e164
    if not otp.allowed_target(target, ctx):  # codes go to mobiles of registration.allowed_countries only
        return _ask(State.REG_PHONE, draft, now, texts("reg_phone_foreign", text=shown))
    return _ask(State.REG_TEST_DATE, replace(draft, phone=target), now, texts("reg_test_date"))


def on_test_date(
    conv: Conversation, draft: RegistrationDraft, turn: Turn, ctx: Context, texts: Texts, now: datetime
) -> Step:
    day = parse_day(turn.text, local_today(now, ctx.program.timezone))
    if day is None:
        return _ask(State.REG_TEST_DATE, draft, now, texts("reg_test_date_invalid"))
    return _ask(State.REG_SYMPTOMS, replace(draft, test_date=day), now, texts("reg_symptoms"))


def on_symptoms(
    conv: Conversation, draft: RegistrationDraft, turn: Turn, ctx: Context, texts: Texts, now: datetime
) -> Step:
    answer = yes_no(turn.text)
    if answer is None:
        return _ask(State.REG_SYMPTOMS, draft, now, texts("reg_symptoms_invalid"))
    return _ask(State.REG_RISKS, replace(draft, symptoms=answer), now, texts("reg_risks"))


def parse_risks(text: str) -> tuple[str, ...] | None:
    """The risk factors of an answer: menu digits (`13`, `1 3`) or a no (`K`, `0`, `khong co`); None: unreadable."""
    if yes_no(text) is False:  # "K", "0", "không có", "ko"
        return ()
    word = normalize(text).replace(" ", "").replace(",", "")
    if not word or any(ch not in RISK_MENU for ch in word):
        return None
    return tuple(RISK_MENU[d] for d in sorted(set(word)))


def on_risks(
    conv: Conversation, draft: RegistrationDraft, turn: Turn, ctx: Context, texts: Texts, now: datetime
) -> Step:
    taken = take_risks(draft, turn.text)
    if taken is None:
        return _ask(State.REG_RISKS, draft, now, texts("reg_risks_invalid"))
    return otp.issue(Conversation(State.REG_OTP, taken, now), taken, ctx, texts, now)


def take_risks(draft: RegistrationDraft, text: str) -> RegistrationDraft | None:
    """The draft with the risk factors of `text` (the last question), or None when they cannot be read."""
    chosen = parse_risks(text)
    return None if chosen is None else replace(draft, risks=chosen)


def on_otp(conv: Conversation, draft: RegistrationDraft, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    outcome = otp.check(conv, draft, turn.text, ctx, texts, now)
    if isinstance(outcome, Step):
        return outcome
    return submit(draft, ctx, texts, now)


def draft_patient(draft: RegistrationDraft, code: str) -> PatientView:
    return PatientView(
        code=code,
        full_name=draft.name,
        phone=draft.phone,
        clinic_id=draft.clinic_id,
        status="pending",
        birth_year=draft.birth_year,
        birth_date=draft.birth_date,
        area=draft.area,
        risk_factors=draft.risks or (),
    )


def submit(draft: RegistrationDraft, ctx: Context, texts: Texts, now: datetime) -> Step:
    """OTP confirmed: the registration waits at the clinic; every staff member is asked."""
    idle = Conversation()
    same = [
        p
        for p in ctx.target_patients
        if normalize(p.full_name) == normalize(draft.name) and p.status in ("pending", "active")
    ]
    if same:
        return Step(idle, (Reply(texts("reg_duplicate", name=same[0].full_name, code=same[0].code)),))
    patient = draft_patient(draft, ctx.new_code)
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
            positive_test_date=draft.test_date or today,  # the codec never loads REG_OTP without it
            symptoms=bool(draft.symptoms),
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
        symptoms=staff_texts.raw("yes" if draft.symptoms else "no"),
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
