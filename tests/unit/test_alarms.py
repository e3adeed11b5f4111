"""The operator alarms' decision, pure: what the outbox looks like and the open incidents in,
incidents to open or close (with their SMS) out. No database, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialogs.alarms import (
    LAG,
    SENDING,
    CloseIncident,
    Failure,
    Observation,
    OpenIncident,
    Thresholds,
    Wording,
    decide,
)

T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 08:00 in Hanoi
LIMITS = Thresholds(failure_minutes=10, lag_minutes=15)
VI = Wording("F0 Hai Duong", "Asia/Ho_Chi_Minh", "vi")
EN = Wording("F0 Hai Duong", "Asia/Ho_Chi_Minh", "en")


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def failing_since(start: float, code: int | None = 20003) -> Observation:
    return Observation(oldest_queued_at=None, last_sent_at=minutes(-1), failures=(Failure(minutes(start), code),))


def test_failures_shorter_than_the_threshold_raise_nothing() -> None:
    assert decide(failing_since(0), {}, LIMITS, minutes(9), VI) == ()


def test_failures_for_the_threshold_open_one_sending_incident_with_its_sms() -> None:
    [effect] = decide(failing_since(0), {}, LIMITS, minutes(10), VI)
    assert isinstance(effect, OpenIncident)
    assert effect.kind == SENDING
    assert effect.since == T0
    assert effect.text.startswith("F0 Hai Duong: CANH BAO gui SMS bi loi tu 08:00 25/11 (10 phut)")
    assert effect.text.isascii()


def test_an_open_incident_is_not_announced_again_while_it_lasts() -> None:
    assert decide(failing_since(0), {SENDING: T0}, LIMITS, minutes(60), VI) == ()


def test_a_successful_send_after_the_failures_clears_the_incident_once() -> None:
    recovered = Observation(oldest_queued_at=None, last_sent_at=minutes(30), failures=())
    [effect] = decide(recovered, {SENDING: T0}, LIMITS, minutes(31), EN)
    assert effect == CloseIncident(
        SENDING, "F0 Hai Duong: outbound SMS back to normal at 08:31 25/11 (failing since 08:00 25/11)."
    )
    assert decide(recovered, {}, LIMITS, minutes(32), EN) == ()


def test_one_bad_number_is_not_an_outage() -> None:
    assert decide(failing_since(0, code=21211), {}, LIMITS, minutes(60), VI) == ()
    assert decide(failing_since(0, code=30003), {}, LIMITS, minutes(60), VI) == ()


def test_the_earliest_provider_failure_is_when_the_incident_began() -> None:
    seen = Observation(None, None, (Failure(minutes(5), 20003), Failure(minutes(2), None), Failure(minutes(0), 21211)))
    [effect] = decide(seen, {}, LIMITS, minutes(12), VI)
    assert isinstance(effect, OpenIncident)
    assert effect.since == minutes(2)


def test_a_queue_older_than_the_lag_threshold_opens_a_lag_incident_and_clears_when_it_drains() -> None:
    assert decide(Observation(minutes(0), minutes(14)), {}, LIMITS, minutes(15), VI) == ()
    [opened] = decide(Observation(minutes(0), minutes(14)), {}, LIMITS, minutes(16), EN)
    assert isinstance(opened, OpenIncident)
    assert opened.kind == LAG
    assert "waiting over 16 min" in opened.text
    assert decide(Observation(minutes(0), minutes(20)), {LAG: T0}, LIMITS, minutes(20), EN) == ()
    [cleared] = decide(Observation(minutes(25), minutes(26)), {LAG: T0}, LIMITS, minutes(30), EN)
    assert isinstance(cleared, CloseIncident)
    assert cleared.kind == LAG
    [drained] = decide(Observation(None, minutes(26)), {LAG: T0}, LIMITS, minutes(30), VI)
    assert isinstance(drained, CloseIncident)
    assert "Hang doi tin nhan da binh thuong lai" in drained.text


def test_both_incidents_can_be_open_at_once_and_clear_separately() -> None:
    both = Observation(minutes(0), minutes(-1), (Failure(minutes(0), None),))
    assert [e.kind for e in decide(both, {}, LIMITS, minutes(20), VI)] == [SENDING, LAG]
    sending_only = Observation(None, minutes(-1), (Failure(minutes(0), None),))
    assert [
        type(e).__name__ + e.kind for e in decide(sending_only, {SENDING: T0, LAG: T0}, LIMITS, minutes(21), VI)
    ] == ["CloseIncidentlag"]


def test_every_alarm_text_fits_in_one_sms_without_diacritics() -> None:
    long_name = Wording("Trung tam Y te thanh pho Hai Duong", "Asia/Ho_Chi_Minh", "vi")
    for wording in (long_name, Wording(long_name.service, long_name.timezone, "en")):
        effects = [
            *decide(Observation(minutes(0), None, (Failure(minutes(0), None),)), {}, LIMITS, minutes(999), wording),
            *decide(Observation(None, minutes(999)), {SENDING: T0, LAG: T0}, LIMITS, minutes(999), wording),
        ]
        assert len(effects) == 4
        for effect in effects:
            assert effect.text.isascii(), (len(effect.text), effect.text)
            assert len(effect.text) <= 160, (len(effect.text), effect.text)
