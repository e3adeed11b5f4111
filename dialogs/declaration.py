"""The daily declaration: six answers, compact or one at a time, triaged as they arrive."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from dialogs.alerts import red_alert
from dialogs.drafts import DeclarationDraft
from dialogs.effects import Effect, RecordDeclaration, Reply
from dialogs.keywords import has_emergency_phrase
from dialogs.patient_keywords import sos
from dialogs.program import Level, Question, QuestionKind
from dialogs.render import dm, local_today
from dialogs.state import Context, Conversation, PatientView, State, Step, Turn
from dialogs.templates import Texts
from dialogs.text import split_answers, to_sms
from dialogs.triage import Answer, Triage, evaluate, parse_answer, short_label, show

MAX_REPLY = 306  # two GSM-7 segments


def hint(question: Question, texts: Texts) -> str:
    if question.kind is QuestionKind.YESNO:
        return texts.raw("hint_yesno")
    if question.kind is QuestionKind.DIGITS:
        if question.key == "signs":
            return texts.raw("hint_signs")
        return texts.raw("hint_digits").format(digits=question.allowed_digits)
    key = "hint_range_none" if question.none_words else "hint_range"
    return texts.raw(key).format(low=show(question.minimum), high=show(question.maximum))


def ask(index: int, patient: PatientView, ctx: Context, texts: Texts) -> str:
    """'Cau 2/6: Nhip tho? (5-80)', prefixed by the code on a shared phone."""
    questions = ctx.program.questions
    question = questions[index]
    return texts(
        "ask_question",
        code=prefix(patient, ctx),
        index=index + 1,
        total=len(questions),
        label=question.label.get(texts.language) or question.label["vi"],
        hint=hint(question, texts),
    )


def prefix(patient: PatientView, ctx: Context) -> str:
    return f"{patient.code} " if len(ctx.active) > 1 else ""


def begin(patient: PatientView, tokens: list[str], ctx: Context, texts: Texts, now: datetime) -> Step:
    """Start a declaration for `patient`, with whatever answers came in the message."""
    draft = DeclarationDraft(patient.code, started_at=now)
    if not tokens:
        return Step(Conversation(State.DECLARING, draft, now), (Reply(ask(0, patient, ctx, texts)),))
    return record(patient, draft, tokens, ctx, texts, now)


def on_answers(
    conv: Conversation, draft: DeclarationDraft, turn: Turn, ctx: Context, texts: Texts, now: datetime
) -> Step | None:
    """The next answers of a declaration in progress (None: its patient is no longer active)."""
    patient = next((p for p in ctx.monitored if p.code == draft.code), None)
    if patient is None:
        return None
    if has_emergency_phrase(turn.text, ctx.program.emergency_phrases):
        return sos(conv, turn.text, True, ctx, texts, now)
    return record(patient, draft, split_answers(turn.text), ctx, texts, now)


def record(
    patient: PatientView,
    draft: DeclarationDraft,
    tokens: list[str],
    ctx: Context,
    texts: Texts,
    now: datetime,
) -> Step:
    """Take answers in order from `tokens`; triage; ask the next question or confirm."""
    questions = ctx.program.questions
    answers: dict[str, Answer] = dict(draft.answers)
    if len(tokens) > len(questions) - len(answers):
        reply = texts("too_many_answers", total=len(questions))
        return Step(Conversation(State.DECLARING, draft, now), (Reply(reply),))
    invalid: str | None = None
    for token in tokens:
        parsed = parse_answer(questions[len(answers)], token)
        if not parsed.ok:
            invalid = token
            break
        answers[questions[len(answers)].key] = parsed.value
    today = local_today(now, ctx.program.timezone)
    triage = evaluate(questions, answers, patient.age(today), texts.language)
    complete = len(answers) == len(questions)
    effects: list[Effect] = []
    if len(answers) > len(draft.answers):
        new = not draft.answers
        effects.append(RecordDeclaration(patient.code, draft.started_at, today, answers, complete, triage.level, new))
    newly_red = triage.level is Level.RED and not draft.alerted
    if newly_red:
        effects += red_alert(patient, ", ".join(triage.red), ctx.program, now)
    draft = replace(draft, answers=answers, alerted=draft.alerted or newly_red)
    reply = _reply(patient, answers, triage, complete, newly_red, invalid, ctx, texts, now)
    effects.append(Reply(reply))
    conv = Conversation() if complete else Conversation(State.DECLARING, draft, now)
    return Step(conv, tuple(effects))


def _reply(
    patient: PatientView,
    answers: dict[str, Answer],
    triage: Triage,
    complete: bool,
    newly_red: bool,
    invalid: str | None,
    ctx: Context,
    texts: Texts,
    now: datetime,
) -> str:
    clinic = ctx.program.clinic(patient.clinic_id)
    if triage.level is Level.RED and (complete or newly_red):
        red = texts("red_patient", code=patient.code, reasons=", ".join(triage.red), clinic_phone=clinic.phone)
        if complete:
            return red
        return _fit(red, texts("continue_question") + ask(len(answers), patient, ctx, texts))
    if complete:
        values = ", ".join(f"{short_label(q, texts.language)} {show(answers[q.key])}" for q in ctx.program.questions)
        day = dm(local_today(now, ctx.program.timezone))
        if triage.level is Level.YELLOW:
            fever = any(r.startswith(_temperature_label(ctx, texts)) for r in triage.yellow)
            advice = texts.raw("advice_fever") if fever else ""
            return texts(
                "done_yellow",
                date=day,
                code=patient.code,
                values=values,
                reasons=", ".join(triage.yellow),
                advice=advice,
                clinic_phone=clinic.phone,
            )
        return texts("done_green", date=day, code=patient.code, values=values)
    question = ask(len(answers), patient, ctx, texts)
    if invalid is not None:
        joined = texts("answer_invalid", text=to_sms(invalid[:12], True)) + question
        return joined if len(joined) <= MAX_REPLY else question
    return question


def _temperature_label(ctx: Context, texts: Texts) -> str:
    for question in ctx.program.questions:
        if question.key == "temperature":
            return short_label(question, texts.language)
    return "\0"


def _fit(first: str, second: str) -> str:
    """Join two parts when they fit in two segments, else keep the first."""
    joined = first + second
    return joined if len(joined) <= MAX_REPLY else first
