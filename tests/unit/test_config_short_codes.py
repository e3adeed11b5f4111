"""`gateway.short_codes`: the senders allowed besides E.164 numbers (issue 16 point 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from f0care.config import ConfigError, load_config
from tests.unit.test_config import minimal, write


def test_short_codes_default_to_none_and_are_read_as_text_even_unquoted(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, minimal()), {}).gateway.short_codes == ()
    data = {**minimal(), "gateway": {"short_codes": [8085, "1900"]}}
    assert load_config(write(tmp_path, data), {}).gateway.short_codes == ("8085", "1900")


@pytest.mark.parametrize("code", ["F0CARE", "12", "+8085", "123456789"])
def test_a_short_code_that_is_not_3_to_8_digits_names_the_key_and_the_fix(tmp_path: Path, code: str) -> None:
    data = {**minimal(), "gateway": {"short_codes": [code]}}
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, data), {})
    assert "short_codes" in str(caught.value)
    assert "3 to 8 digits" in str(caught.value)
