"""Patient keywords that need no multi-step dialog: SOS, history, guidance, help, language, STOP.

The `on_*` functions are the fallbacks of the flow table: they answer from any state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from dialogs import advice
from dialogs.alerts import red_alert
from dialogs.danger import Danger, find
from dialogs.effects import Effect, Reply, SetLanguage, SetOptOut
from dialogs.memo import PerObject
from dialogs.program import Program, Question, QuestionKind
from dialogs.render import day_month, local_today
from dialogs.state import Context, Conversation, PatientView, State, Step, Turn
from dialogs.templates import Texts
from dialogs.text import fold, is_digits, normalize
from dialogs.triage import show

HISTORY_DAYS = 7


def clinic_phone(ctx: Context) -> str:
    """The phone of the clinic that looks after this phone's patients (or the first clinic)."""
    clinic_id = ctx.patients[0].clinic_id if ctx.patients else ctx.program.clinics[0].id
    return ctx.program.clinic(clinic_id).phone


def emergency_in_words(text: str, ctx: Context) -> Danger | None:
    """A danger sign the message names and does not deny ("kho tho qua"; not "kho tho 0")."""
    return danger_in(text, ctx.program)


def danger_in(text: str, program: Program) -> Danger | None:
    return find(text, program.emergency_phrases, _answer_labels(program.questions))


def _yes_no_labels(questions: Sequence[Question]) -> frozenset[str]:
    """The labels of the yes/no questions ("KHO THO"): a yes after one is an answer, not a danger sign."""
    labels = [q.label.get(lang, "") for q in questions if q.kind is QuestionKind.YESNO for lang in q.label]
    yes_no = {part.strip() for label in labels for part in normalize(label).split(" (")[0].split("/")}
    return frozenset(yes_no | {"KHO THO", "DAU NGUC"})


_answer_labels: PerObject[Sequence[Question], frozenset[str]] = PerObject(_yes_no_labels)


def sos(
    conv: Conversation,
    message: str,
    quoted: bool,
    ctx: Context,
    texts: Texts,
    now: datetime,
    danger: Danger | None = None,
) -> Step:
    """A red alert for every patient on this phone; the dialog in progress is kept."""
    patients = [p for p in ctx.patients if p.status in ("active", "pending")]
    if not patients:
        return Step(conv, (Reply(texts("sos_unregistered")),))
    staff = ctx.program.texts(ctx.program.default_language)
    reason = staff.raw("sos_reason")
    if quoted:
        reason = staff.raw("message_reason").format(text=fold(" ".join(message.split()))[:60])
    effects: list[Effect] = []
    for patient in patients:
        effects += red_alert(patient, reason, ctx.program, now, "sos")
    effects.append(Reply(advice.words_reply(danger, clinic_phone(ctx), texts)))
    return Step(conv, tuple(effects))


def history(patient: PatientView, ctx: Context, texts: Texts, now: datetime) -> str:
    """The last 7 local days, a line a day: date, answers, triage colour (a partial day says so).

    Days before monitoring began (acceptance) are not missed days: they are left out unless declared.
    """
    today = local_today(now, ctx.program.timezone)
    days = {d.day: d for d in ctx.history.get(patient.code, ())}
    if not days:
        return texts("history_empty", code=patient.code)
    began = local_today(patient.decided_at, ctx.program.timezone) if patient.decided_at else None
    lines = []
    for back in range(HISTORY_DAYS):
        day = today - timedelta(days=back)
        summary = days.get(day)
        if summary is None:
            if began is None or day >= began:
                lines.append(f"{day_month(day)} -")
            continue
        values = " ".join(
            show(summary.answers[q.key]) if q.key in summary.answers else "?" for q in ctx.program.questions
        )
        partial = "" if summary.complete else " " + texts.raw("history_partial")
        lines.append(f"{day_month(day)} {values} {texts.raw('level_' + summary.level)}{partial}")
    return texts("history", code=patient.code, lines="; ".join(lines))


def guidance(rest: str, ctx: Context, texts: Texts) -> str:
    """`HD`: the numbered topics; `HD 2`: topic 2."""
    topics = ctx.program.guidance
    lang = texts.language
    menu = texts(
        "guidance_menu",
        topics=" ".join(f"{i}) {t.title.get(lang) or t.title['vi']}" for i, t in enumerate(topics, 1)),
    )
    if not rest:
        return menu
    number = rest.split()[0]
    if is_digits(number) and 1 <= int(number) <= len(topics):
        topic = topics[int(number) - 1]
        title = topic.title.get(lang) or topic.title["vi"]
        return texts("guidance_topic", title=title, text=topic.text.get(lang) or topic.text["vi"])
    return texts("guidance_unknown", n=number[:6]) + menu


def help_text(ctx: Context, texts: Texts) -> str:
    if not ctx.patients:
        return texts("help_unregistered")
    return texts("help", clinic_phone=clinic_phone(ctx))


def opt(conv: Conversation, opted_out: bool, ctx: Context, texts: Texts) -> Step:
    reply = texts("opted_out" if opted_out else "opted_in")
    return Step(conv, (SetOptOut(opted_out), Reply(reply)))


def language(conv: Conversation, language: str, ctx: Context) -> Step:
    texts = ctx.program.texts(language)
    return Step(conv, (SetLanguage(language), Reply(texts("language_set"))))


def on_sos(conv: Conversation, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    return sos(conv, turn.text, False, ctx, texts, now)


def on_cancel(conv: Conversation, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    key = "nothing_to_cancel" if conv.state is State.IDLE else "cancelled"
    return Step(Conversation(), (Reply(texts(key)),))


def on_help(conv: Conversation, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    return Step(conv, (Reply(help_text(ctx, texts)),))


def on_opt_out(conv: Conversation, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    return opt(conv, True, ctx, texts)


def on_opt_in(conv: Conversation, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    return opt(conv, False, ctx, texts)


def on_english(conv: Conversation, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    return language(conv, "en", ctx)


def on_vietnamese(conv: Conversation, turn: Turn, ctx: Context, texts: Texts, now: datetime) -> Step:
    return language(conv, "vi", ctx)
