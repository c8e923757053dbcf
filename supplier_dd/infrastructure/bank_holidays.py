"""England and Wales bank holidays from govuk-bank-holidays' bundled data (never the network).

The bundled list ends at a known date; after it the calendar avoids weekends only. Pages and
logs say so, because a due date then may fall on a bank holiday announced later.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache

from supplier_dd.domain.schedule import WorkingCalendar

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def england_and_wales() -> WorkingCalendar:
    try:
        from govuk_bank_holidays.bank_holidays import BankHolidays

        # use_cached_holidays: read the copy shipped with the package; no request to gov.uk.
        holidays = BankHolidays(use_cached_holidays=True).get_holidays(
            division=BankHolidays.ENGLAND_AND_WALES
        )
    except Exception as error:  # a broken install must not stop reminders: weekends still count
        log.warning("Bank holiday data unavailable (%s); due dates avoid weekends only.", error)
        return WorkingCalendar.weekends_only()
    days = frozenset(item["date"] for item in holidays)
    return WorkingCalendar(days, max(days))


def holidays_known_until() -> date:
    return england_and_wales().holidays_known_until
