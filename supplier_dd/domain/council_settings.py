"""Checking the settings a council's admin or a consortium admin types for a council (issue 17):
its statement page address, time zone, re-attestation interval and reminder days. Each check
returns the value to store or raises CouncilSettingError with the message to show."""

from __future__ import annotations

import re
import zoneinfo
from urllib.parse import urlsplit

URL_MAX = 500
REATTESTATION_MONTHS_MAX = 60
REMINDER_DAY_MAX = 365
REMINDER_DAYS_MAX_COUNT = 10


class CouncilSettingError(ValueError):
    pass


def statement_url(text: str | None) -> str | None:
    """An http(s) address with a real-looking host, or None when left blank. 'www.x.gov.uk' is
    taken as https, as people type addresses without the scheme."""
    text = (text or "").strip()
    if not text:
        return None
    candidate = text if "://" in text else f"https://{text}"
    parts = urlsplit(candidate)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or any(
            character.isspace() for character in candidate):
        raise CouncilSettingError(
            "Enter the statement page address in the correct format, like "
            "https://www.example.gov.uk/modern-slavery-statement")
    if len(candidate) > URL_MAX:
        raise CouncilSettingError(
            f"The statement page address must be {URL_MAX} characters or fewer")
    return candidate


def time_zone(text: str | None) -> str:
    """An IANA time zone name the standard library knows, like Europe/London."""
    text = (text or "").strip()
    if not text:
        raise CouncilSettingError("Enter the council's time zone, like Europe/London")
    # Looking the name up in the list (rather than opening ZoneInfo(text)) means a crafted
    # name can never be read as a path on the server.
    if text not in zoneinfo.available_timezones():
        raise CouncilSettingError(
            f"‘{text[:60]}’ is not a time zone we know: enter one like Europe/London")
    return text


def reattestation_months(text: str | None) -> int | None:
    """Months between declarations whatever the risk band; blank means the band decides."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= REATTESTATION_MONTHS_MAX:
        raise CouncilSettingError(
            "Months between declarations must be a whole number from 1 to "
            f"{REATTESTATION_MONTHS_MAX}, or leave it blank to go by risk band")
    return int(text)


def reminder_days(text: str | None) -> str | None:
    """Days before a due date that reminders go, typed like '30, 14, 7': stored as '30,14,7'
    (largest first, each day once). Blank means the service's own reminder policy."""
    text = (text or "").strip()
    if not text:
        return None
    parts = [part for part in re.split(r"[,\s]+", text) if part]
    if not all(part.isdigit() for part in parts):
        raise CouncilSettingError(
            "Enter reminder days as whole numbers separated by commas, like 30,14,7")
    days = sorted({int(part) for part in parts}, reverse=True)
    if not all(1 <= day <= REMINDER_DAY_MAX for day in days):
        raise CouncilSettingError(
            f"Each reminder day must be from 1 to {REMINDER_DAY_MAX} days before the due date")
    if len(days) > REMINDER_DAYS_MAX_COUNT:
        raise CouncilSettingError(
            f"Enter {REMINDER_DAYS_MAX_COUNT} reminder days or fewer")
    return ",".join(str(day) for day in days)


def approvers(text: str | None) -> str:
    """One approver a line, blank lines and stray spaces dropped."""
    return "\n".join(" ".join(line.split()) for line in (text or "").splitlines()
                     if line.strip())
