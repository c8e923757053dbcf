"""The second sign-in step's rules with time passed in: which codes are accepted, replay, the
clock-drift window, and recovery codes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp

from supplier_dd.domain import two_factor as rules

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = datetime(2026, 12, 2, 12, 0, 10)  # 10 s into a 30-second step


def code_at(moment: datetime) -> str:
    return pyotp.TOTP(SECRET).at(moment)


def test_the_current_code_is_accepted_for_its_step():
    check = rules.check_code(SECRET, code_at(NOW), NOW, None)
    assert check.outcome == rules.ACCEPTED
    assert check.step == rules.time_step(NOW)


def test_a_code_one_step_either_side_is_accepted_for_clock_drift():
    for drift in (-30, 30):
        check = rules.check_code(SECRET, code_at(NOW + timedelta(seconds=drift)), NOW, None)
        assert check.outcome == rules.ACCEPTED


def test_a_code_two_steps_old_is_wrong():
    assert rules.check_code(SECRET, code_at(NOW - timedelta(seconds=60)), NOW, None).outcome \
        == rules.WRONG


def test_the_same_code_is_refused_the_second_time():
    first = rules.check_code(SECRET, code_at(NOW), NOW, None)
    again = rules.check_code(SECRET, code_at(NOW), NOW + timedelta(seconds=5), first.step)
    assert again.outcome == rules.REUSED


def test_a_code_from_the_previous_window_is_refused_after_a_newer_one_was_accepted():
    newer = rules.check_code(SECRET, code_at(NOW), NOW, None)
    previous = code_at(NOW - timedelta(seconds=30))
    assert rules.check_code(SECRET, previous, NOW, newer.step).outcome == rules.REUSED


def test_the_next_code_is_accepted_after_one_was_used():
    first = rules.check_code(SECRET, code_at(NOW), NOW, None)
    later = NOW + timedelta(seconds=30)
    assert rules.check_code(SECRET, code_at(later), later, first.step).outcome == rules.ACCEPTED


def test_codes_typed_with_spaces_count_and_other_text_is_malformed():
    code = code_at(NOW)
    assert rules.check_code(SECRET, f"{code[:3]} {code[3:]}", NOW, None).outcome == rules.ACCEPTED
    for typed in ("", "12345", "1234567", "abcdef", None):
        assert rules.check_code(SECRET, typed, NOW, None).outcome == rules.MALFORMED


def test_recovery_codes_are_ten_different_codes_read_in_any_case_or_spacing():
    codes = rules.new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    code = codes[0]
    assert rules.normalise_recovery_code(code.upper().replace("-", " ")) == code


def test_the_key_is_shown_in_groups_of_four_and_named_in_the_app_uri():
    assert rules.grouped("ABCDEFGHIJKL") == "ABCD EFGH IJKL"
    uri = rules.provisioning_uri(SECRET, "officer@council.example")
    assert uri.startswith("otpauth://totp/supplier_dd:officer%40council.example?")
    assert "issuer=supplier_dd" in uri


def test_digits_from_other_scripts_are_malformed_not_an_error():
    assert rules.check_code(SECRET, "١٢٣٤٥٦", NOW, None).outcome == rules.MALFORMED
