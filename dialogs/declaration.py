"""The daily declaration: six answers, compact or one at a time, triaged as they arrive."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from dialogs import advice
from dialogs.alerts import red_alert
from dialogs.answers import assign, next_question
from dialogs.drafts import DeclarationDraft
from dialogs.effects import Effect, RecordDeclaration, Reply
from dialogs.patient_keywords import emergency_in_words, sos
from dialogs.program import Level, Question, QuestionKind
from dialogs.reading import chunks, read
from dialogs.render import day_month, local_today
from dialogs.state import Context, Conversation, PatientView, State, Step, Turn
from dialogs.templates import Texts
from dialogs.text import to_sms
from dialogs.triage import Answer, Triage, evaluate, short_label, show

MAX_REPLY = advice.MAX_REPLY


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


def current_question(conv: Conversation, ctx: Context, texts: Texts) -> str | None:
    """The question a declaration in progress waits for (None: its patient is no longer active)."""
    draft = conv.data
    patient = next((p for p in ctx.active if isinstance(draft, DeclarationDraft) and p.code == draft.code), None)
    if patient is None or not isinstance(draft, DeclarationDraft):
        return None
    index = next_question(ctx.program.questions, draft.answers)
    return ask(index, patient, ctx, texts) if index is not None else None


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
    danger = emergency_in_words(turn.text, ctx)
    if danger is not None:
        return sos(conv, turn.text, True, ctx, texts, now, danger)
    return record(patient, draft, chunks(turn.text), ctx, texts, now)


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
    assigned = assign(questions, draft.answers, read(" ".join(tokens), questions))
    if assigned.too_many:
        reply = texts("too_many_answers", total=len(questions))
        return Step(Conversation(State.DECLARING, draft, now), (Reply(reply),))
    answers, invalid = assigned.answers, assigned.invalid
    today = local_today(now, ctx.program.timezone)
    triage = evaluate(questions, answers, patient.age(today), texts.language)
    complete = len(answers) == len(questions)
    effects: list[Effect] = []
    if answers != dict(draft.answers):
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
    questions = ctx.program.questions
    clinic = ctx.program.clinic(patient.clinic_id)
    age = patient.age(local_today(now, ctx.program.timezone))
    upcoming = next_question(questions, answers)
    if triage.level is Level.RED and (complete or newly_red):
        red = advice.red_reply(patient.code, questions, answers, triage.red_keys, age, clinic.phone, texts)
        if upcoming is None:
            return red
        return _fit(red, texts("continue_question") + ask(upcoming, patient, ctx, texts))
    if upcoming is None:
        values = ", ".join(f"{short_label(q, texts.language)} {show(answers[q.key])}" for q in questions)
        day = day_month(local_today(now, ctx.program.timezone))
        if triage.level is Level.YELLOW:
            fever = any(r.startswith(_temperature_label(ctx, texts)) for r in triage.yellow)
            return texts(
                "done_yellow",
                date=day,
                code=patient.code,
                values=values,
                reasons=", ".join(advice.yellow_reasons(questions, answers, triage.yellow_keys, texts)),
                advice=texts.raw("advice_fever") if fever else "",
                clinic_phone=clinic.phone,
            )
        return texts("done_green", date=day, code=patient.code, values=values)
    question = ask(upcoming, patient, ctx, texts)
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
