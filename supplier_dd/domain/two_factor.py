"""The rules of the second sign-in step: time-based one-time codes (RFC 6238, 30-second steps,
6 digits) and single-use recovery codes. Time is passed in, so the rules are tested without
waiting.

A code is accepted for the current step or one step either side (clocks drift), and only for a
step later than the last one accepted: a code seen over someone's shoulder, or replayed from the
previous window, is refused."""

from __future__ import annotations

import calendar
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
VALID_WINDOW = 1  # steps either side of now
RECOVERY_CODE_COUNT = 10
PENDING_MINUTES = 5  # how long the password step waits for the code
ISSUER = "supplier_dd"
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_LENGTH = 10

ACCEPTED = "accepted"
WRONG = "wrong"
REUSED = "reused"
MALFORMED = "malformed"


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


def grouped(secret: str) -> str:
    """The key in fours, so a person typing it into an app does not lose their place."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, account_name: str, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=issuer)


def time_step(now: datetime) -> int:
    """The 30-second step `now` (UTC, naive or aware) falls in."""
    return calendar.timegm(now.utctimetuple()) // STEP_SECONDS


def normalise_code(raw: str | None) -> str | None:
    """Six digits, allowing the spaces and dashes people type; None if it is not that."""
    digits = re.sub(r"[\s-]", "", raw or "")
    # [0-9], not \d: \d also matches other scripts' digits, which no authenticator shows.
    return digits if re.fullmatch(rf"[0-9]{{{DIGITS}}}", digits) else None


@dataclass(frozen=True)
class CodeCheck:
    outcome: str  # ACCEPTED, WRONG, REUSED or MALFORMED
    step: int | None = None  # the step the code belongs to, when it matched one


def check_code(
    secret: str, raw_code: str | None, now: datetime, last_step: int | None
) -> CodeCheck:
    code = normalise_code(raw_code)
    if code is None:
        return CodeCheck(MALFORMED)
    totp = pyotp.TOTP(secret)
    current = time_step(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            if last_step is not None and step <= last_step:
                return CodeCheck(REUSED, step)
            return CodeCheck(ACCEPTED, step)
    return CodeCheck(WRONG)


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Codes shown as "abcde-fghjk": about 49 bits each, enough for a single use."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(raw: str | None) -> str:
    """Case, spaces and dashes do not matter: "ABCDE FGHJK" is "abcde-fghjk"."""
    letters = re.sub(r"[\s-]", "", (raw or "").casefold())
    return f"{letters[:5]}-{letters[5:]}" if len(letters) == _RECOVERY_LENGTH else letters
