"""The officers' risk dashboard: filter, sort and page suppliers in SQL over the summary table.

Nothing here scores a supplier: every figure was stored when the supplier was assessed, so a page
costs a few indexed queries whatever the number of suppliers.
"""

from __future__ import annotations

import calendar
import time as time_module
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time

from sqlalchemy import Select, case, event, func, or_, select
from sqlalchemy.orm import Session

from supplier_dd.domain.organisations import normalise_company_number, sectors
from supplier_dd.domain.risk.model import RESIDUAL_BANDS, RiskModel
from supplier_dd.domain.risk.residual import (
    DECIDED_EXCLUDED,
    DECIDED_EXCLUDED_RANK,
    EXCLUDED_PENDING_REVIEW,
    EXCLUDED_RANK,
)
from supplier_dd.models import Supplier, Tender, tender_invitations
from supplier_dd.models.risk import (
    AWAITING_DECLARATION,
    AWAITING_DECLARATION_RANK,
    NOT_ASSESSED_RANK,
    REVIEW_STATUSES,
    RiskAssessment,
    SupplierRiskSummary,
)
from supplier_dd.models.tenancy import acting_council

S = SupplierRiskSummary
NOT_ASSESSED = "Not assessed"
# Filter value -> stored rank. Knock-outs rank above Critical; never-assessed below Low, then
# suppliers awaiting a declaration (inherent risk only), counted apart from the assessed bands.
BAND_RANKS = {
    DECIDED_EXCLUDED: DECIDED_EXCLUDED_RANK,
    EXCLUDED_PENDING_REVIEW: EXCLUDED_RANK,
    **{band: rank for rank, band in enumerate(RESIDUAL_BANDS)},
    NOT_ASSESSED: NOT_ASSESSED_RANK,
    AWAITING_DECLARATION: AWAITING_DECLARATION_RANK,
}
# The ratings of suppliers whose declaration has been assessed.
ASSESSED_BANDS = (DECIDED_EXCLUDED, EXCLUDED_PENDING_REVIEW, *reversed(RESIDUAL_BANDS))
# The trend counts assessments as scored; exclusion decisions are not part of them.
TREND_BANDS = (EXCLUDED_PENDING_REVIEW, *reversed(RESIDUAL_BANDS), AWAITING_DECLARATION)
RANK_LABELS = {rank: label for label, rank in BAND_RANKS.items()}
REVIEW_LABELS = {"to_review": "To review", "accepted": "Accepted", "queried": "Queried",
                 "rejected": "Rejected"}
DECLARATION_LABELS = {"draft": "Draft", "submitted": "Submitted", "superseded": "Superseded",
                      "none": "None"}
ASCENDING, DESCENDING = "asc", "desc"


@dataclass(frozen=True)
class SortColumn:
    # What a first click on the header gives: the order people usually want for that column.
    first_order: str
    # Columns in ORDER BY after the header's own, before the supplier_id tie-break.
    keys: tuple
    # Whether the column can be empty (not assessed, no declaration): empty rows go last.
    nullable: bool = False


# The table's sortable headers. Each orders by indexed columns (see SupplierRiskSummary's
# indexes), with supplier_id last so a page never shows a row twice or skips one.
SORT_COLUMNS = {
    "name": SortColumn(ASCENDING, (S.name,)),
    # The rating is ranked, not scored: a knock-out (Excluded pending review) ranks above
    # Critical whatever its residual score; then the score within a rating.
    "rating": SortColumn(DESCENDING, (S.residual_rank, S.residual_score)),
    "residual": SortColumn(DESCENDING, (S.residual_score,)),
    "inherent": SortColumn(DESCENDING, (S.inherent_score,), nullable=True),
    "maturity": SortColumn(ASCENDING, (S.maturity_percent,), nullable=True),
    "red_flags": SortColumn(DESCENDING, (S.red_flag_count,)),
    "review": SortColumn(ASCENDING, (S.review_status,), nullable=True),
    "next_due": SortColumn(ASCENDING, (S.next_due_on,), nullable=True),
}
DEFAULT_SORT = "rating"
DEFAULT_ORDER = SORT_COLUMNS[DEFAULT_SORT].first_order
# Addresses bookmarked before the headers sorted: ?sort=risk was the rating order.
_SORT_ALIASES = {"risk": DEFAULT_SORT}


@dataclass(frozen=True)
class DashboardFilters:
    band: str = ""
    sector: str = ""
    country: str = ""
    status: str = ""
    declaration: str = ""
    tender: int | None = None
    overdue: bool = False
    q: str = ""
    sort: str = DEFAULT_SORT
    order: str = DEFAULT_ORDER

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> DashboardFilters:
        """Unknown or malformed values are dropped rather than failing the page."""
        band = args.get("band", "")
        status = args.get("status", "")
        declaration = args.get("declaration", "")
        tender = args.get("tender", "")
        sort = args.get("sort", DEFAULT_SORT)
        sort = _SORT_ALIASES.get(sort, sort)
        if sort not in SORT_COLUMNS:
            sort = DEFAULT_SORT
        order = args.get("order", "")
        if order not in (ASCENDING, DESCENDING):
            order = SORT_COLUMNS[sort].first_order
        return cls(
            band=band if band in BAND_RANKS else "",
            sector=(args.get("sector") or "").strip()[:120],
            country=(args.get("country") or "").strip().upper()[:2],
            status=status if status in REVIEW_STATUSES else "",
            declaration=declaration if declaration in DECLARATION_LABELS else "",
            tender=int(tender) if tender.isdigit() and len(tender) < 10 else None,
            overdue=args.get("overdue") in ("1", "yes", "on", "true"),
            q=(args.get("q") or "").strip()[:100],
            sort=sort,
            order=order,
        )

    def as_args(self) -> dict[str, str]:
        """Query-string form, without empty values, for links that keep the filters."""
        args = {}
        default_sort = (self.sort, self.order) == (DEFAULT_SORT, DEFAULT_ORDER)
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in _SORT_ARGS and default_sort:
                continue
            if value in ("", None, False):
                continue
            args[item.name] = "1" if value is True else str(value)
        return args

    @property
    def active(self) -> bool:
        return bool(set(self.as_args()) - _SORT_ARGS)

    def sorted_by(self, column: str) -> dict[str, str]:
        """The query string for a header link: the same filters, sorted by `column`; a second
        click on the current column reverses it. Back to the first page of results."""
        if column == self.sort:
            order = ASCENDING if self.order == DESCENDING else DESCENDING
        else:
            order = SORT_COLUMNS[column].first_order
        args = {key: value for key, value in self.as_args().items() if key not in _SORT_ARGS}
        return {**args, "sort": column, "order": order}


_SORT_ARGS = frozenset({"sort", "order"})


def _filtered(statement: Select, filters: DashboardFilters, today: date) -> Select:
    if filters.band:
        statement = statement.where(S.residual_rank == BAND_RANKS[filters.band])
    if filters.sector:
        statement = statement.where(S.sector == filters.sector)
    if filters.country:
        statement = statement.where(S.country == filters.country)
    if filters.status:
        statement = statement.where(S.review_status == filters.status)
    if filters.declaration == "none":
        statement = statement.where(S.latest_declaration_status.is_(None))
    elif filters.declaration:
        statement = statement.where(S.latest_declaration_status == filters.declaration)
    if filters.tender is not None:
        statement = statement.where(S.supplier_id.in_(
            select(tender_invitations.c.supplier_id)
            .where(tender_invitations.c.tender_id == filters.tender)
        ))
    if filters.overdue:
        statement = statement.where(S.next_due_on < today)
    if filters.q:
        clauses = [S.search_name.like(f"%{_escape_like(filters.q.lower())}%", escape="\\")]
        try:
            clauses.append(S.companies_house_number == normalise_company_number(filters.q))
        except ValueError:
            pass  # not a company number: a name search only
        statement = statement.where(or_(*clauses))
    return statement


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ordered(statement: Select, filters: DashboardFilters) -> Select:
    column = SORT_COLUMNS[filters.sort]
    direction = "asc" if filters.order == ASCENDING else "desc"
    keys = [getattr(key, direction)() for key in column.keys]
    if column.nullable:
        # Empty last whichever way: "not assessed" is not the highest or the lowest score.
        keys = [key.nulls_last() for key in keys]
    return statement.order_by(*keys, getattr(S.supplier_id, direction)())


def dashboard_page(session: Session, filters: DashboardFilters, page: int, per_page: int,
                   today: date, counts: Headline | None = None
                   ) -> tuple[list[SupplierRiskSummary], int]:
    """One page of suppliers and how many match. With no filter (or a rating filter only) the
    total comes from the headline counts instead of counting the table again."""
    statement = _filtered(select(S), filters, today)
    if counts is not None and not (set(filters.as_args()) - _SORT_ARGS - {"band"}):
        total = counts.by_band[filters.band] if filters.band else sum(counts.by_band.values())
    else:
        total = session.scalar(
            _filtered(select(func.count()).select_from(S), filters, today)) or 0
    rows = session.scalars(
        _ordered(statement, filters).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(rows), total


def export_rows(session: Session, filters: DashboardFilters, today: date
                ) -> Iterator[SupplierRiskSummary]:
    statement = _ordered(_filtered(select(S), filters, today), filters)
    yield from session.scalars(statement.execution_options(yield_per=1000))


@dataclass(frozen=True)
class Headline:
    by_band: dict[str, int]
    overdue: int
    knock_outs: int
    to_review: int

    @property
    def assessed(self) -> dict[str, int]:
        """Suppliers whose declaration was assessed, by rating."""
        return {band: self.by_band[band] for band in ASSESSED_BANDS}

    @property
    def awaiting(self) -> int:
        return self.by_band[AWAITING_DECLARATION]

    @property
    def not_assessed(self) -> int:
        return self.by_band[NOT_ASSESSED]


HEADLINE_TTL_S = 60
_headline_cache: dict[tuple[str, int | None, date], tuple[float, Headline]] = {}


def _cache_key(session: Session) -> tuple[str, int | None]:
    """Cached figures are one council's (its rows are all the session reads while acting for
    it): the database and the council acted for."""
    return str(session.get_bind().url), acting_council(session)


def forget_headline() -> None:
    """Called after a change to assessments or reviews, so this process shows it at once."""
    _headline_cache.clear()


@event.listens_for(Supplier, "after_insert")
@event.listens_for(Supplier, "after_delete")
def _supplier_added_or_removed(*_args) -> None:
    forget_headline()


def headline(session: Session, today: date) -> Headline:
    """Counts by rating, overdue and to review, of the council the session acts for.

    Counting means reading every summary row (over 100 ms at 100,000 suppliers on a busy
    PostgreSQL), so the figures are kept for a minute per process and dropped on any change
    made through the services here; other processes catch up within the minute. The table of
    suppliers and its filtered totals are always read live.
    """
    key = (*_cache_key(session), today)
    cached = _headline_cache.get(key)
    if cached is not None and time_module.monotonic() - cached[0] < HEADLINE_TTL_S:
        return cached[1]
    result = _count_headline(session, today)
    _headline_cache[key] = (time_module.monotonic(), result)
    return result


def _count_headline(session: Session, today: date) -> Headline:
    rows = session.execute(
        select(
            S.residual_rank,
            func.count(),
            func.sum(case((S.next_due_on < today, 1), else_=0)),
            func.sum(case((S.review_status == "to_review", 1), else_=0)),
        ).group_by(S.residual_rank)
    ).all()
    by_rank = {rank: count for rank, count, _overdue, _review in rows}
    by_band = {label: by_rank.get(rank, 0) for label, rank in
               sorted(BAND_RANKS.items(), key=lambda item: -item[1])}
    return Headline(by_band=by_band, overdue=sum(int(r[2] or 0) for r in rows),
                    knock_outs=by_rank.get(EXCLUDED_RANK, 0),
                    to_review=sum(int(r[3] or 0) for r in rows))


_CHOICES_TTL_S = 300
_choices_cache: dict[tuple[str, int | None], tuple[float, list[str]]] = {}


# The tender drop-down lists the latest tenders only: with every tender a large council has run
# (2,000 in bench_dashboard) the page was 140 kB and escaping the options took most of its time.
# Older tenders are still reachable with ?tender=ID, and a chosen one is always listed.
TENDER_CHOICES = 100


def filter_choices(session: Session, selected_tender: int | None = None) -> dict[str, list]:
    """Values for the filter drop-downs. Sectors are the registry's list; the countries present
    need a scan of the whole table, so they are kept for a few minutes per process."""
    key = _cache_key(session)
    cached = _choices_cache.get(key)
    if cached is None or time_module.monotonic() - cached[0] > _CHOICES_TTL_S:
        countries = list(session.scalars(select(S.country).distinct().order_by(S.country)))
        cached = (time_module.monotonic(), countries)
        _choices_cache[key] = cached
    latest = session.execute(
        select(Tender.id, Tender.reference, Tender.title)
        .order_by(Tender.closing_date.desc().nulls_first(), Tender.id.desc())
        .limit(TENDER_CHOICES)
    ).all()
    if selected_tender is not None and selected_tender not in {row[0] for row in latest}:
        latest += session.execute(
            select(Tender.id, Tender.reference, Tender.title).where(Tender.id == selected_tender)
        ).all()
    tenders = sorted(latest, key=lambda row: row[1])
    return {"sectors": list(sectors()), "countries": cached[1], "tenders": tenders}


# --- Pictures -------------------------------------------------------------------------------


def heat_map(session: Session, model: RiskModel) -> dict[tuple[str, str], int]:
    """Suppliers by (inherent band, maturity band); maturity "None" when no declaration (the
    suppliers awaiting one, shown apart: they have no residual rating)."""
    maturity_band = case(
        *[(S.maturity_percent >= band.start, band.name)
          for band in reversed(model.maturity_bands)],
        else_="None",
    )
    return _counts_by_inherent_band(session, maturity_band)


def _counts_by_inherent_band(session: Session, column) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(S.inherent_band, column, func.count())
        .where(S.inherent_band.is_not(None))
        .group_by(S.inherent_band, column)
    ).all()
    return {(inherent, value): count for inherent, value, count in rows}


def heat_map_by_residual(session: Session) -> dict[tuple[str, str], int]:
    """Suppliers by (inherent band, residual band): the heat map under an evidence-weighted
    model (v2), where the rating depends on verified as well as self-attested maturity, so no
    inherent-by-maturity square can say what it is. "None": awaiting a declaration."""
    return _counts_by_inherent_band(
        session, case((S.maturity_percent.is_(None), "None"), else_=S.residual_band))


def _month_ends(today: date, months: int) -> list[date]:
    ends = []
    year, month = today.year, today.month
    for _ in range(months):
        last = date(year, month, calendar.monthrange(year, month)[1])
        ends.append(min(last, today))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(ends))


def band_counts_over_time(session: Session, today: date, months: int = 12
                          ) -> list[tuple[date, dict[str, int]]]:
    """For each month end, how many suppliers' assessment then current was in each band."""
    series = []
    for end in _month_ends(today, months):
        moment = datetime.combine(end, time.max)
        # Scored without a declaration (and no knock-out): awaiting one, not a rating.
        rating_rank = case((RiskAssessment.declaration_id.is_(None)
                     & RiskAssessment.excluded_pending_review.is_(False),
                     AWAITING_DECLARATION_RANK), else_=RiskAssessment.residual_rank)
        counts = dict(session.execute(
            select(rating_rank, func.count())
            .where(RiskAssessment.created_at <= moment,
                   or_(RiskAssessment.superseded_at.is_(None),
                       RiskAssessment.superseded_at > moment))
            .group_by(rating_rank)
        ).all())
        # Assessments as scored: a later exclusion decision is not part of the trend.
        series.append((end, {label: counts.get(rank, 0) for label, rank in BAND_RANKS.items()
                             if rank not in (NOT_ASSESSED_RANK, DECIDED_EXCLUDED_RANK)}))
    return series
