"""Demo: a small, synthetic extract of the Home Office statement registry, and PPN categories.

The extract uses the registry's real column names and values ('Yes' or empty flags, turnover
bands, sectors joined by line breaks, a blank CompanyNumber) and goes through the same import
service as a real file, so the officer's supplier page shows verified registry facts beside
self-declared ones. Dates follow the demo's "now" by whole financial years, so statements that
should look current do, whenever the demo is loaded; loading again the same year changes
nothing.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from supplier_dd.domain.ppn import ppn_category_for
from supplier_dd.domain.statement_registry import STATEMENT_AREAS
from supplier_dd.models import Contract
from supplier_dd.services.statement_registry import import_registry

HEADER = ["StatementYear", "OrganisationName", "Address", "SectorType", "CompanyNumber",
          "LastUpdated", "GroupSubmission", "ParentName", "StatementURL", "StatementSummaryURL",
          "StatementStartDate", "StatementEndDate", "DateApproved",
          *(column for _key, _label, column in STATEMENT_AREAS),
          "OrganisationSectors", "Turnover"]
ALL_AREAS = "111111"
SUMMARY_URL = "https://modern-slavery-statement-registry.service.gov.uk/statement-summary/demo-{}"

# name as registered, company number ('' = blank, as the registry often has), website,
# years before the latest complete financial year (0 = current, 2 = out of date), areas as six
# 0/1 flags in STATEMENT_AREAS order, sectors, turnover band, group submission parent
DEMO_STATEMENTS = [
    ("Brightwater Cleaning Services Ltd", "04567812", "brightwater-cleaning.example", 0,
     ALL_AREAS, ["Cleaning and security services"], "£36 million to £60 million", ""),
    ("Brightwater Cleaning Services Ltd", "04567812", "brightwater-cleaning.example", 1,
     "111010", ["Cleaning and security services"], "£36 million to £60 million", ""),
    ("Sentinel Guarding Limited", "05123984", "sentinel-guarding.example", 2,
     "110100", ["Cleaning and security services"], "£60 million to £100 million", ""),
    ("Northgate Build and Civils Limited", "03345671", "northgate-build.example", 0,
     "111100", ["Construction, civil engineering and building products"],
     "£100 million to £500 million", ""),
    ("Swiftmove Logistics Ltd", "06789123", "swiftmove.example", 0, ALL_AREAS,
     ["Transportation, logistics, and storage"], "£100 million to £500 million", ""),
    ("Circular Waste & Recycling Limited", "", "circular-waste.example", 0, "111110",
     ["Waste management and recycling", "Utilities: gas, water and electricity"],
     "Over £500 million", "Circular Environmental Group plc"),
    ("Anglia Power Supply Ltd", "03987123", "anglia-power.example", 0, ALL_AREAS,
     ["Utilities: gas, water and electricity"], "Over £500 million", ""),
    ("Byteworks IT Solutions Ltd", "05987612", "byteworks.example", 0, "101011",
     ["Information technology and telecommunication"], "£60 million to £100 million", ""),
    ("Harvest Table Catering Ltd", "06234598", "harvest-table.example", 1, "111000",
     ["Consumer services, including accommodation, hospitality, tourism and leisure",
      "Food and beverages, agriculture and fishing"], "£36 million to £60 million", ""),
    # Organisations in the registry that are not the council's suppliers, as in a real file.
    ("Meridian Facilities Group plc", "02345671", "meridian-fm.example", 0, ALL_AREAS,
     ["Cleaning and security services"], "Over £500 million", ""),
    ("Oakfield Care Partnership LLP", "OC401234", "oakfield-care.example", 0, "011110",
     ["Healthcare and pharmaceuticals"], "£36 million to £60 million", ""),
]


def _latest_complete_year_end(today: date) -> date:
    """The 31 March that ended the latest financial year whose statement is due by `today`
    (statements are due within six months of the year end)."""
    year = today.year if today.month >= 10 else today.year - 1
    return date(year, 3, 31)


def demo_registry_rows(today: date) -> list[tuple[int, list]]:
    latest_end = _latest_complete_year_end(today)
    rows: list[tuple[int, list]] = [(1, HEADER)]
    for number, item in enumerate(DEMO_STATEMENTS, start=2):
        name, company, site, years_back, areas, sectors, turnover, parent = item
        end = date(latest_end.year - years_back, 3, 31)
        start = date(end.year - 1, 4, 1)
        approved = date(end.year, 9, 12)
        registry_year = end.year  # a year ending January to June is registered that year
        flags = ["Yes" if flag == "1" else "" for flag in areas]
        rows.append((number, [
            str(registry_year), name, "1 High Street, Hitchin, SG5 1AA", "Private", company,
            f"{approved.isoformat()}T10:00:00", "Yes" if parent else "", parent,
            f"https://www.{site}/modern-slavery-statement",
            SUMMARY_URL.format(f"{registry_year}-{number}"),
            start.isoformat(), end.isoformat(), approved.isoformat(), *flags,
            "\r\n".join(sectors), turnover,
        ]))
    return rows


def load_registry_and_ppn(ctx) -> None:
    """Demo step: the registry extract, and PPN 02/23 industries on the demo contracts."""
    summary = import_registry(ctx.session, demo_registry_rows(ctx.now.date()), now=ctx.now)
    if summary.to_create:
        created = ctx.result.created
        created["registry statements"] = created.get("registry statements", 0) + summary.to_create
    unclassified = ctx.session.scalars(select(Contract).where(Contract.ppn_industry.is_(None)))
    for contract in unclassified:
        contract.ppn_industry, contract.ppn_high_risk = ppn_category_for(
            contract.category, contract.cpv_code
        )
        ctx.result.count("contract PPN categories")
    ctx.session.flush()
