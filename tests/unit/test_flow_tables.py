"""The flow tables are total: a state, a fallback keyword or a staff verb without a handler stops start-up."""

from __future__ import annotations

import pytest

from dialogs.drafts import Action
from dialogs.engine import check_flows
from dialogs.flow import FALLBACKS, FLOW
from dialogs.flow import check_flows as check_patient_flows
from dialogs.idle import ACTS
from dialogs.keywords import Keyword
from dialogs.staff import COMMANDS, StaffVerb, Verb, check_commands
from dialogs.state import State


def test_the_shipped_tables_pass_the_start_up_check() -> None:
    check_flows()


def test_every_state_has_a_route_in_the_shipped_flow() -> None:
    assert set(FLOW) == set(State)


@pytest.mark.parametrize("state", list(State))
def test_a_flow_without_a_state_fails_the_check_and_names_the_state(state: State) -> None:
    flow = {s: route for s, route in FLOW.items() if s is not state}
    with pytest.raises(RuntimeError, match=state.value):
        check_patient_flows(flow)


@pytest.mark.parametrize("keyword", sorted(FALLBACKS))
def test_a_fallback_keyword_without_a_handler_fails_the_check(keyword: Keyword) -> None:
    fallbacks = {k: handler for k, handler in FALLBACKS.items() if k is not keyword}
    with pytest.raises(RuntimeError, match=keyword.value):
        check_patient_flows(FLOW, fallbacks)


@pytest.mark.parametrize("action", list(Action))
def test_a_patient_action_without_a_handler_fails_the_check(action: Action) -> None:
    acts = {a: act for a, act in ACTS.items() if a is not action}
    with pytest.raises(RuntimeError, match=action.value):
        check_patient_flows(FLOW, FALLBACKS, acts)


def test_the_emergency_cancel_and_help_keywords_work_in_every_state() -> None:
    for state, route in FLOW.items():
        assert {Keyword.SOS, Keyword.CANCEL, Keyword.HELP} <= route.fallbacks, state


def test_while_a_name_is_asked_stop_and_language_words_are_names() -> None:
    assert Keyword.OPT_OUT not in FLOW[State.REG_NAME].fallbacks
    assert Keyword.VIETNAMESE not in FLOW[State.REG_NAME].fallbacks
    assert Keyword.OPT_OUT in FLOW[State.REG_BIRTH].fallbacks


@pytest.mark.parametrize("verb", list(Verb))
def test_a_staff_table_without_a_verb_fails_the_check_and_names_the_verb(verb: Verb) -> None:
    commands = {v: row for v, row in COMMANDS.items() if v != verb}
    with pytest.raises(RuntimeError, match=verb.value):
        check_commands(commands)


def test_a_staff_word_naming_two_verbs_fails_the_check() -> None:
    commands = {**COMMANDS, Verb.END: StaffVerb(("OK",), COMMANDS[Verb.END].parse, COMMANDS[Verb.END].act)}
    with pytest.raises(RuntimeError, match="OK"):
        check_commands(commands)


def test_a_staff_verb_without_words_fails_the_check() -> None:
    commands = {**COMMANDS, Verb.END: StaffVerb((), COMMANDS[Verb.END].parse, COMMANDS[Verb.END].act)}
    with pytest.raises(RuntimeError, match="end"):
        check_commands(commands)


def test_the_shipped_staff_table_passes() -> None:
    check_commands()
    assert set(COMMANDS) == set(Verb)
