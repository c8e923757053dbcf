"""Which edition of the Cabinet pack a build produces.

Edition 1 is the pack as first published; its figures and bytes never change, so a closed year's
pack rebuilt today is the pack Cabinet was given. Edition 2 (published 2026-12-02) makes each
figure say exactly what it counts (README, "Cabinet evidence pack"). A year that ended before
edition 2 was published keeps edition 1 by default; the current and later years use edition 2.
The run records the edition it built, so a rebuild of a run reads the same edition.
"""

from __future__ import annotations

from datetime import date

from supplier_dd.reports.data import FinancialYear, ReportInputError

EDITION_1 = 1
EDITION_2 = 2
EDITIONS = (EDITION_1, EDITION_2)
EDITION_2_PUBLISHED = date(2026, 12, 2)


def default_edition(year: FinancialYear) -> int:
    """Edition 1 for a year closed before edition 2 existed, else edition 2."""
    return EDITION_1 if year.last_day < EDITION_2_PUBLISHED else EDITION_2


def check_edition(edition: int) -> int:
    if edition not in EDITIONS:
        raise ReportInputError(
            f"The pack has editions {', '.join(map(str, EDITIONS))}; there is no edition "
            f"{edition}.")
    return edition


def edition_label(edition: int) -> str:
    """How the cover names the edition."""
    if edition == EDITION_2:
        return ("Edition 2 (published 2 December 2026): risk counts assessed suppliers only; "
                "targets are the council's own")
    return "Edition 1"
