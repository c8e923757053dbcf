"""The council's debarment list (issue 16): imported from a CSV, every supplier checked on
import and at each declaration request, every check kept; on both databases."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from supplier_dd.models import AuditEntry, DebarmentCheck
from supplier_dd.models.base import utcnow
from supplier_dd.services import audit, debarment, exclusions
from supplier_dd.services.declarations import request_for_supplier
from tests.factories import make_supplier

LIST = ("\ufeffName,Company_Number,Schedule,Listed_On,Expires_On\n"
        "Acme Facilities Limited,,6,2026-01-10,\n"
        "Someone Else Ltd,1234567,7,2025-05-01,\n"
        "Lapsed Ltd,,7,2020-01-01,2021-01-01\n")


def test_import_checks_every_supplier_by_number_or_name(session):
    by_name = make_supplier(session, name="ACME Facilities Ltd")
    by_number = make_supplier(session, name="Renamed Since Listing Ltd",
                              companies_house_number="01234567")
    lapsed = make_supplier(session, name="Lapsed Limited")
    make_supplier(session, name="Clearway Ltd")
    session.commit()
    now = utcnow()
    result = debarment.import_list(session, LIST, now, audit.CLI)
    session.commit()
    assert (result.entries, result.checked, result.matched, result.errors) == (3, 4, 2, [])
    matched = {c.supplier_id: c for c in session.scalars(select(DebarmentCheck))}
    assert matched[by_name.id].matched and matched[by_name.id].entry.schedule == 6
    assert matched[by_number.id].matched and matched[by_number.id].entry.name == "Someone Else Ltd"
    assert not matched[lapsed.id].matched  # the listing expired
    assert {c.context for c in matched.values()} == {"import"}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "debarment.imported"))
    assert entry.after == {"entries": 3, "already_listed": 0, "checked": 4, "matched": 2}
    assert exclusions.debarment_check_counts(session, now.date(), now.date()) == {
        "checked": 4, "matched": 2}


def test_a_wrong_row_imports_nothing_and_says_which(session):
    make_supplier(session, name="Acme Facilities Ltd")
    session.commit()
    result = debarment.import_list(
        session, "name,schedule,listed_on\nAcme,8,\n,6,\nBeta Ltd,6,27/03/2026\n", utcnow(),
        audit.CLI)
    assert result.errors == ["Row 2: schedule must be 6 (mandatory) or 7 (discretionary)",
                             "Row 3: enter the name",
                             "Row 4: listed_on must be a date like 2026-03-27"]
    assert session.scalars(select(DebarmentCheck)).all() == []
    assert debarment.import_list(session, "company,number\n", utcnow(), audit.CLI).errors == [
        "The file needs a header row with at least the columns name and schedule"]


def test_each_declaration_request_checks_the_supplier(session):
    supplier = make_supplier(session, name="Acme Facilities Ltd")
    session.commit()
    debarment.import_list(session, LIST, utcnow(), audit.CLI)
    session.commit()
    request_for_supplier(session, supplier, date.today() + timedelta(days=30), None, utcnow())
    session.commit()
    checks = session.scalars(select(DebarmentCheck).order_by(DebarmentCheck.id)).all()
    assert [(c.context, c.matched) for c in checks] == [("import", True), ("request", True)]
    assert debarment.latest_check(session, supplier.id).context == "request"


def test_the_council_imports_the_list_from_the_command_line(runner, session, tmp_path):
    make_supplier(session, name="Acme Facilities Ltd")
    session.commit()
    listing = tmp_path / "debarment.csv"
    listing.write_text(LIST, encoding="utf-8")
    result = runner.invoke(args=["import", "debarment", str(listing)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 debarment list entries; checked 1 suppliers, 1 on the list." in result.output
    listing.write_text("name,schedule\nBeta Ltd,9\n", encoding="utf-8")
    result = runner.invoke(args=["import", "debarment", str(listing)])
    assert result.exit_code != 0 and "Row 2: schedule must be 6" in result.output
