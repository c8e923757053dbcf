"""NCSC-style passwords: long enough, not common, not personal; no composition rules."""

from __future__ import annotations

import pytest

from supplier_dd.domain.passwords import TOO_COMMON, common_passwords, password_problem


def test_the_shipped_list_holds_the_well_known_passwords():
    words = common_passwords()
    assert len(words) > 20000
    assert {"password", "123456", "qwerty", "iloveyou"} <= words


@pytest.mark.parametrize("password", [
    "passwordpassword", "PASSWORD1234", "Password_2026!", "qwertyuiop123", "iloveyou12345",
    "Supplier_DD_2026", "modern slavery 2026",
])
def test_common_and_service_passwords_are_refused_whatever_the_case(password):
    assert password_problem(password) == TOO_COMMON


def test_the_persons_own_email_or_name_is_refused():
    assert password_problem("jane.smith@council.example", email="jane.smith@council.example",
                            name="Jane Smith") == TOO_COMMON
    assert password_problem("JaneSmith2026!", email="js@council.example",
                            name="Jane Smith") == TOO_COMMON


def test_a_long_phrase_passes_without_digits_symbols_or_capitals():
    assert password_problem("tangerine lamp orbit", email="jane@council.example") is None


def test_short_passwords_are_refused_before_anything_else():
    assert password_problem("short") == "Password must be 12 characters or more"
