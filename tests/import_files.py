"""Register and registry files as councils and the Home Office publish them, for import tests.

The headers are the real ones: the LGTC 2015 minimum fields as councils word them, the LGA
'contracts' schema (Norfolk), Birmingham's open-data names, and the statement registry's
StatementSummaries columns.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

# Each register style: header row, then a function from a contract dict to its cells.
LGTC_HEADERS = ["Contract Reference Number", "Title of Agreement", "Department",
                "Description of Goods and Services", "Supplier Name", "Supplier Company Number",
                "Total Value (£)", "Irrecoverable VAT", "Start Date", "End Date", "Review Date",
                "Procurement Category", "CPV Code", "SME/VCSE"]
LGA_HEADERS = ["ContractReference", "OCID", "ContractType", "ServiceCategoryLabel",
               "ServiceCategoryURI", "CPVLabel", "CPVCode", "ContractTitle", "StartDate",
               "EndDate", "ReviewDate", "SupplierName", "SupplierCompanyRegistrationNumber",
               "ContractValue"]
BIRMINGHAM_HEADERS = ["contract_id", "contract_description", "vendor", "product_category",
                      "directorate", "validity_start", "validity_end", "contract_status",
                      "original_value", "extended_value"]


def lgtc_row(c: dict) -> list:
    return [c["ref"], c["title"], "Housing", c.get("description", ""), c["supplier"],
            c.get("number", ""), c["value"], "0", c["start"], c["end"], "", c.get("category", ""),
            c.get("cpv", ""), "SME"]


def lga_row(c: dict) -> list:
    return [c["ref"], f"ocds-xyz-{c['ref']}", "Services", c.get("category", ""),
            "http://example.org/category", "", c.get("cpv", ""), c["title"], c["start"], c["end"],
            "", c["supplier"], c.get("number", ""), c["value"]]


def birmingham_row(c: dict) -> list:
    return [c["ref"], c["title"], c["supplier"], c.get("category", ""), "Place", c["start"],
            c["end"], "Active", c["value"], ""]


STYLES = {
    "lgtc": (LGTC_HEADERS, lgtc_row),
    "lga": (LGA_HEADERS, lga_row),
    "birmingham": (BIRMINGHAM_HEADERS, birmingham_row),
}


def csv_bytes(rows: list[list], *, bom: bool = True, line_ending: str = "\r\n",
              encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_ending, quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


def register_rows(contracts: list[dict], style: str = "lgtc") -> list[list]:
    headers, to_row = STYLES[style]
    return [headers] + [to_row(c) for c in contracts]


def write_register(path: Path, contracts: list[dict], style: str = "lgtc", **options) -> Path:
    path.write_bytes(csv_bytes(register_rows(contracts, style), **options))
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


REGISTRY_HEADERS = [
    "StatementYear", "OrganisationName", "Address", "SectorType", "CompanyNumber", "LastUpdated",
    "GroupSubmission", "ParentName", "StatementURL", "StatementSummaryURL",
    "StatementStartDate", "StatementEndDate", "DateApproved", "StatementIncludesOrgStructure",
    "StatementIncludesPolicies", "StatementIncludesRisksAssessment",
    "StatementIncludesDueDiligence", "StatementIncludesTraining", "StatementIncludesGoals",
    "OrganisationSectors", "Turnover", "ILOIndicatorsInStatement", "PDFDate", "PDFURL",
    "Policies", "Training", "WorkingConditionsEngagement",
]


def registry_row(*, year: int, name: str, number: str = "", url: str = "",
                 start: str = "2024-04-01", end: str = "2025-03-31",
                 approved: str = "2025-09-15", areas: str = "111111",
                 sectors=("Cleaning and security services",),
                 turnover: str = "£36 million to £60 million", group: bool = False,
                 parent: str = "") -> list:
    flags = ["Yes" if flag == "1" else "" for flag in areas]
    return [str(year), name, "1 High Street\r\nHitchin\r\nSG5 1AA", "Private", number,
            "2025-09-20T08:15:00", "Yes" if group else "", parent,
            url or f"https://www.{name.split()[0].lower()}.example/modern-slavery",
            f"https://modern-slavery-statement-registry.service.gov.uk/summary/{year}-{name[:5]}",
            start, end, approved, *flags, "\r\n".join(sectors), turnover,
            "Abuse of vulnerability\r\nDeception", "", "",
            "Freedom of movement\r\nChild labour", "Your whole organisation", ""]


def write_registry(path: Path, rows: list[list], **options) -> Path:
    path.write_bytes(csv_bytes([REGISTRY_HEADERS] + rows, **options))
    return path
