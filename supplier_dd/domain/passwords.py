"""Which passwords are refused, following NCSC password guidance: long enough, not on a list of
common and breached passwords, not the person's own email or name or this service's name. No
composition rules (they make passwords harder to remember, not harder to guess) and no forced
rotation. The deny-list ships with the service (supplier_dd/data/common_passwords.txt, source and
licence in supplier_dd/data/SOURCES.md) and is checked offline."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

MIN_PASSWORD_LENGTH = 12
TOO_COMMON = "This password is too common. Choose a longer phrase, like three random words."
# Words that name this service: a password built from them is the first thing anyone tries.
_SERVICE_WORDS = re.compile(r"(?:supplier|dd|due|diligence|modern|slavery|council)+")
# Digits and symbols people add to a common word to pass a length rule ("password1234!").
_DECORATION = re.compile(r"[\d\W_]+")
_REPEATED = re.compile(r"(.+?)\1+")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = files("supplier_dd.data").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _core(password: str) -> str:
    """The letters left once decoration is taken away, lower-cased: "Pass_2026!" -> "pass"."""
    return _DECORATION.sub("", password.casefold())


def is_too_common(password: str, *, email: str = "", name: str = "") -> bool:
    lowered = password.casefold()
    core = _core(password)
    common = common_passwords()
    if lowered in common or (core and core in common):
        return True
    if core and _SERVICE_WORDS.fullmatch(core):
        return True
    repeated = _REPEATED.fullmatch(lowered) or _REPEATED.fullmatch(core)
    if repeated and (repeated.group(1) in common or len(repeated.group(1)) <= 3):
        return True  # "passwordpassword", "abcabcabcabc"
    personal = set()
    if email:
        local = email.casefold().split("@", 1)[0]
        personal |= {_core(email), _core(local)}
    if name:
        personal |= {_core(name), _core(name.replace(" ", ""))}
    personal.discard("")
    return core in personal or lowered in {email.casefold(), name.casefold()} - {""}


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """What is wrong with a proposed password, in words for the person choosing it; or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if password.strip() != password or not password.strip():
        return "Password must not start or end with a space"
    if is_too_common(password, email=email, name=name):
        return TOO_COMMON
    return None
