"""Control characters typed or imported are refused with a clear message (forms, the pack command)
or stripped (spreadsheet imports), so none reaches the records. SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

import supplier_dd.web
from supplier_dd.models import (
    CabinetPack,
    CabinetPackRun,
    Contract,
    DeclarationRequest,
    Supplier,
)
from supplier_dd.web.programme_forms import ActionForm
from tests.factories import PASSWORD, make_supplier, make_user
from tests.import_files import write_register
from tests.integration.test_risk_workflow import officer_client  # noqa: F401 - a fixture


def _error_summary(response) -> str:
    html = response.get_data(as_text=True)
    match = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert match, "no error summary on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.mark.parametrize(("name", "message"), [
    ("Bell\x07 Ltd", "Legal name must not contain control characters"),
    ("Acme\tLtd", "Legal name must be on one line, without tabs or line breaks"),
])
def test_the_supplier_form_refuses_control_characters_and_keeps_what_was_typed(
        session, officer_client, name, message):  # noqa: F811
    response = officer_client.submit("/officer/suppliers/new", {"name": name, "country": "GB"})
    assert response.status_code == 200
    assert message in _error_summary(response)
    assert name in response.get_data(as_text=True)  # what was typed is shown again to fix
    assert session.scalars(select(Supplier)).all() == []


def test_a_request_note_with_a_control_character_is_refused_and_kept_to_correct(
        session, officer_client):  # noqa: F811
    supplier = make_supplier(session, name="Bell Ltd")
    session.commit()
    response = officer_client.submit(f"/officer/suppliers/{supplier.id}/request-declaration", {
        "due_date-day": "31", "due_date-month": "3", "due_date-year": "2030",
        "note": "Please reply\x07 soon"})
    assert response.status_code == 200
    assert "Message to the supplier must not contain control characters" in \
        _error_summary(response)
    assert "Please reply" in response.get_data(as_text=True)
    assert session.scalars(select(DeclarationRequest)).all() == []


@pytest.mark.parametrize("field", ["author", "version"])
def test_the_pack_form_refuses_control_characters_in_author_and_version(
        client, session, field):
    make_user(session, "legal", email="legal@example.org")
    session.commit()
    client.sign_in("legal@example.org", PASSWORD)
    data = {"year": "2024/25", "cover_date": "20/05/2025", "author": "Helen Marsh",
            "version": "2.1"}
    data[field] += "\x1b"
    response = client.submit("/reports/cabinet/new", data)
    assert response.status_code == 200
    assert f"{field.capitalize()} must not contain control characters" in \
        _error_summary(response)
    assert session.scalars(select(CabinetPackRun)).all() == []


@pytest.mark.parametrize("option", ["--author", "--version"])
def test_the_pack_command_refuses_control_characters(runner, session, tmp_path, option):
    result = runner.invoke(args=["report", "cabinet", "--year", "2024/25", "--date", "2025-05-20",
                                 "--out", str(tmp_path / "p.pdf"), option, "Helen\x07"])
    assert result.exit_code == 2
    assert f"The {option[2:]} must not contain control characters" in result.output
    assert session.scalars(select(CabinetPack)).all() == []


def test_a_contracts_import_strips_control_characters(runner, session, tmp_path):
    path = write_register(tmp_path / "register.csv", [{
        "ref": "C-\x071", "title": "Office\x07 cleaning", "supplier": "Bright\x1bwater Ltd",
        "number": "", "value": "1000", "start": "01/04/2024", "end": "31/03/2027"}])
    result = runner.invoke(args=["import", "contracts", str(path)])
    assert result.exit_code == 0, result.output
    contract = session.scalars(select(Contract)).one()
    assert (contract.reference, contract.title, contract.supplier.name) == (
        "C-1", "Office cleaning", "Brightwater Ltd")


# --- the one mechanism -------------------------------------------------------------------------


def _every_form_class() -> set[type]:
    from supplier_dd.web.base_form import Form

    for module in pkgutil.walk_packages(supplier_dd.web.__path__, "supplier_dd.web."):
        importlib.import_module(module.name)
    found, pending = set(), [FlaskForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass.__module__.startswith("supplier_dd.") and subclass not in found:
                found.add(subclass)
                pending.append(subclass)
    return found - {Form}


def test_every_form_of_the_service_checks_its_text_for_control_characters():
    from supplier_dd.web.base_form import Form

    forms = _every_form_class()
    assert len(forms) >= 17
    assert [f.__qualname__ for f in forms if not issubclass(f, Form)] == []


def test_multi_line_fields_keep_line_breaks_and_tabs_but_refuse_other_controls(app):
    with app.test_request_context(method="POST"):
        app.config["WTF_CSRF_ENABLED"] = False
        try:
            kept = ActionForm(MultiDict({"description": "Audit\r\nevery\tsite"}))
            assert kept.validate() or "description" not in kept.errors
            assert kept.description.data == "Audit\r\nevery\tsite"
            refused = ActionForm(MultiDict({"description": "Audit\x0c every site",
                                            "ref": "A\t1"}))
            refused.validate()
            assert refused.errors["description"] == [
                "Action must not contain control characters (invisible characters that "
                "come from pasting out of other programs): type it again"]
            assert refused.errors["ref"] == [
                "Ref must be on one line, without tabs or line breaks"]
        finally:
            app.config["WTF_CSRF_ENABLED"] = True
