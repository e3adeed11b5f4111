"""Vietnamese phone numbers: normalisation to E.164, old 11-digit mobiles, masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs import phones
from dialogs.phones import OLD_PREFIXES, MobileCheck, check_mobile, mask_phone, normalize_phone

EXPECTED_OLD_PREFIXES = {
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036",
    "0167": "037", "0168": "038", "0169": "039",
    "0186": "056", "0188": "058", "0199": "059",
}  # fmt: skip


@pytest.mark.parametrize(
    "raw",
    ["0912 345 678", "+84912345678", "84912345678", "0912.345.678", "(+84) 912-345-678"],
)
def test_every_usual_way_of_writing_a_mobile_gives_the_same_e164(raw: str) -> None:
    assert normalize_phone(raw) == "+84912345678"


def test_the_old_prefix_table_is_the_full_2018_renumbering() -> None:
    assert OLD_PREFIXES == EXPECTED_OLD_PREFIXES


@pytest.mark.parametrize(("old", "new"), sorted(EXPECTED_OLD_PREFIXES.items()))
def test_every_old_11_digit_mobile_maps_to_its_10_digit_number(old: str, new: str) -> None:
    expected = "+84" + new[1:] + "8123456"
    assert normalize_phone(old + "8123456") == expected
    assert normalize_phone("+84" + old[1:] + "8123456") == expected
    assert normalize_phone("84" + old[1:] + "8123456") == expected
    assert check_mobile(old + "8123456") == MobileCheck(e164=expected, problem=None)


def test_an_old_viettel_number_written_with_spaces_maps_too() -> None:
    assert normalize_phone("01688123456") == "+84388123456"
    assert normalize_phone("0168 812 3456") == "+84388123456"
    assert normalize_phone("(+84) 168-812-3456") == "+84388123456"


def test_an_unknown_old_prefix_is_invalid() -> None:
    assert normalize_phone("01308123456") is None


def test_a_landline_is_valid_but_not_a_mobile() -> None:
    assert normalize_phone("0220 3852 123") == "+842203852123"
    assert check_mobile("0220 3852 123") == MobileCheck(e164="+842203852123", problem="not_mobile")


@pytest.mark.parametrize("raw", ["abc", "", "0912", "091234567890", "+84", "0912 345 67x"])
def test_garbage_is_invalid(raw: str) -> None:
    assert normalize_phone(raw) is None
    assert check_mobile(raw) == MobileCheck(e164=None, problem="invalid")


def test_a_mobile_is_ok_for_sms() -> None:
    assert check_mobile("0912 345 678") == MobileCheck(e164="+84912345678", problem=None)


def test_a_foreign_number_in_international_form_is_accepted() -> None:
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"


def test_a_masked_number_shows_only_its_first_four_and_last_three_digits() -> None:
    assert mask_phone("+84912345678") == "0912***678"
    assert mask_phone("+842203852123") == "0220***123"


def test_masking_never_shows_a_whole_short_or_foreign_number() -> None:
    assert mask_phone("+442079460958") == "+442***958"
    assert mask_phone("12345") == "12***"


@given(st.text(max_size=200))
def test_phone_functions_never_raise(raw: str) -> None:
    normalize_phone(raw)
    check_mobile(raw)
    mask_phone(raw)


@given(st.from_regex(r"0(3[2-9]|9[0-46-8])[0-9]{7}", fullmatch=True))
def test_any_current_mobile_round_trips_through_its_mask(raw: str) -> None:
    e164 = normalize_phone(raw)
    assert e164 == "+84" + raw[1:]
    assert mask_phone(e164) == raw[:4] + "***" + raw[-3:]


def test_a_vn_mobile_in_e164_is_returned_without_a_parse_and_as_the_parse_returns_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fast path (a sender as providers send it) agrees with the full parse on every prefix."""
    import random

    rng = random.Random(84)
    raws = [f"+84{prefix:03d}{rng.randrange(10**n):0{n}d}" for prefix in range(1000) for n in (5, 6, 7, 8)]
    full = {raw: phones._normalize(raw, "VN") for raw in raws}
    fast = [raw for raw in raws if phones._VN_MOBILE_E164.fullmatch(raw)]
    assert len(fast) > 300  # the mobile prefixes, at their one right length
    assert all(full[raw] == raw for raw in fast)
    assert all(check_mobile(raw).problem is None for raw in fast)
    parsed: list[str] = []
    monkeypatch.setattr(phones, "_parse", lambda raw, region: parsed.append(raw))
    phones._normalize.cache_clear()
    assert [normalize_phone(raw) for raw in fast] == fast
    assert parsed == []
    assert normalize_phone("+84912345678", "US") == "+84912345678"  # E.164 does not depend on the region
