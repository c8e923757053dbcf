"""The one place that keeps councils apart (models/tenancy.py, issue 17): what a session acting
for a council can read and write, tried directly against the database as a careless service
would, without the web layer in front."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import ObjectDeletedError

from supplier_dd.models import (
    Contract,
    CouncilSupplier,
    Declaration,
    Supplier,
    SupplierRiskSummary,
    User,
)
from supplier_dd.models.tenancy import (
    CrossCouncilWrite,
    MissingCouncil,
    act_for,
    acting_for,
)
from supplier_dd.services import audit
from supplier_dd.services.councils import create_council
from supplier_dd.services.risk import current_assessment
from tests.declaration_helpers import make_request
from tests.factories import make_supplier, make_user
from tests.unit.test_risk_scoring import BEST

NOW = datetime(2026, 12, 3, 10, 0)
SYSTEM = audit.Actor(None, "cli", None)


@pytest.fixture
def two_councils(session):
    """Council 1 (the migration's) and East District, each with a supplier of its own and one
    they share, East's contract on the shared supplier worth far more than council 1's."""
    east = create_council(session, "East District Council", NOW, SYSTEM)
    with acting_for(session, 1):
        own_1 = make_supplier(session, name="Westbrook Catering Ltd")
        shared = make_supplier(session, name="Brightwater Cleaning Ltd")
        session.add(Contract(reference="C-1", title="Office cleaning", category="Cleaning",
                             value=Decimal("20000"), supplier_id=shared.id))
        officer_1 = make_user(session, "officer", email="officer@first.example")
        ids = {"own_1": own_1.id, "shared": shared.id, "officer_1": officer_1.id}
    with acting_for(session, east.id):
        own_east = make_supplier(session, name="ZQX East Only Ltd")
        session.add(Contract(reference="C-1", title="Hospital cleaning", category="Cleaning",
                             value=Decimal("9000000"), supplier_id=ids["shared"]))
        officer_east = make_user(session, "officer", email="officer@east.example")
        ids.update(east=east.id, own_east=own_east.id, officer_east=officer_east.id)
    session.commit()
    return ids


def _names(session) -> set[str]:
    return set(session.scalars(select(Supplier.name)))


def test_each_council_sees_its_own_suppliers_and_the_shared_one(session, two_councils):
    ids = two_councils
    act_for(session, 1)
    assert _names(session) == {"Westbrook Catering Ltd", "Brightwater Cleaning Ltd"}
    assert session.get(Supplier, ids["own_east"]) is None
    act_for(session, ids["east"])
    assert _names(session) == {"ZQX East Only Ltd", "Brightwater Cleaning Ltd"}
    act_for(session, None)
    assert len(_names(session)) == 3


def test_the_same_contract_reference_is_each_councils_own(session, two_councils):
    act_for(session, 1)
    assert session.scalars(select(Contract.title)).all() == ["Office cleaning"]
    # A lazy load from a shared supplier reads only the acting council's contracts too.
    shared = session.get(Supplier, two_councils["shared"])
    assert [contract.title for contract in shared.contracts] == ["Office cleaning"]
    act_for(session, two_councils["east"])
    session.expire_all()
    assert [contract.title for contract in shared.contracts] == ["Hospital cleaning"]


def test_staff_see_their_own_council_only(session, two_councils):
    act_for(session, 1)
    emails = set(session.scalars(select(User.email)))
    assert "officer@first.example" in emails and "officer@east.example" not in emails
    assert session.get(User, two_councils["officer_east"]) is None


def test_each_council_has_its_own_dashboard_row_for_a_shared_supplier(session, two_councils):
    rows = session.execute(select(SupplierRiskSummary.council_id).where(
        SupplierRiskSummary.supplier_id == two_councils["shared"])).scalars().all()
    assert sorted(rows) == [1, two_councils["east"]]
    links = session.scalar(select(func.count()).select_from(CouncilSupplier).where(
        CouncilSupplier.supplier_id == two_councils["shared"]))
    assert links == 2


def test_a_declaration_for_one_council_is_scored_from_that_councils_contracts(
        session, two_councils):
    ids = two_councils
    with acting_for(session, ids["east"]):
        request = make_request(session, session.get(Supplier, ids["shared"]), kind="annual")
    session.commit()
    declaration = Declaration(supplier_id=ids["shared"], request_id=request.id,
                              questionnaire_id="modern_slavery", questionnaire_version=1,
                              answers=dict(BEST))
    session.add(declaration)
    session.flush()
    from supplier_dd.services.declarations import submit

    submit(session, declaration, signatory_name="Amara Osei", signatory_role="Director",
           confirms_true=True, confirms_authority=True, ip="127.0.0.1", user=None, now=NOW)
    session.commit()
    act_for(session, ids["east"])
    east_assessment = current_assessment(session, ids["shared"])
    assert east_assessment is not None and east_assessment.declaration_id == declaration.id
    declaration_id = declaration.id
    act_for(session, 1)
    # Council 1 never asked, so it neither sees the declaration nor has an assessment from it.
    assert session.get(Declaration, declaration_id) is None
    first = current_assessment(session, ids["shared"])
    assert first is None or first.declaration_id is None


def test_writing_another_councils_row_is_refused(session, two_councils):
    act_for(session, None)
    east_contract = session.scalar(select(Contract).where(Contract.title == "Hospital cleaning"))
    act_for(session, 1)
    # Held from before, the row is expired: council 1 cannot even read it back to change it.
    with pytest.raises(ObjectDeletedError):
        east_contract.title = "Changed by the wrong council"
        session.flush()
    session.rollback()
    act_for(session, 1)
    session.add(Contract(reference="C-9", title="Forged", council_id=two_councils["east"]))
    with pytest.raises(CrossCouncilWrite):
        session.flush()
    session.rollback()
    act_for(session, None)
    assert sorted(session.scalars(select(Contract.title))) == [
        "Hospital cleaning", "Office cleaning"]


def test_a_bulk_update_reaches_only_the_acting_councils_rows(session, two_councils):
    act_for(session, 1)
    session.execute(update(Contract).values(title="Renamed").execution_options(
        synchronize_session=False))
    session.commit()
    act_for(session, None)
    titles = sorted(session.scalars(select(Contract.title)))
    assert titles == ["Hospital cleaning", "Renamed"]


def test_with_several_councils_a_row_must_say_whose_it_is(session, two_councils):
    act_for(session, None)
    session.add(Contract(reference="C-2", title="Nobody's"))
    with pytest.raises(MissingCouncil):
        session.flush()
    session.rollback()


def test_a_single_council_deployment_needs_no_council_said(session):
    supplier = make_supplier(session, name="Only Council Supplier Ltd")
    session.add(Contract(reference="C-3", title="Grounds", supplier_id=supplier.id))
    session.commit()
    contract = session.scalar(select(Contract).where(Contract.reference == "C-3"))
    assert contract.council_id == 1
    assert session.scalar(select(func.count()).select_from(CouncilSupplier).where(
        CouncilSupplier.supplier_id == supplier.id)) == 1


def test_a_companies_house_number_is_one_organisation_across_councils(session, two_councils):
    act_for(session, 1)
    with_own = make_supplier(session, name="Another Ltd")
    session.commit()
    own_id, number = with_own.id, with_own.companies_house_number
    act_for(session, two_councils["east"])
    from supplier_dd.services.suppliers import SupplierDetails, create_supplier

    linked = create_supplier(session, SupplierDetails(
        name="Typed differently", companies_house_number=number,
        country="GB", sector=None, turnover_band=None))
    session.commit()
    # East now knows council 1's supplier too, under its registered name, unchanged: one record.
    assert linked.id == own_id and linked.name == "Another Ltd"
    assert "Another Ltd" in _names(session)
    act_for(session, None)
    assert session.scalar(select(func.count()).select_from(Supplier).where(
        Supplier.companies_house_number == number)) == 1


def test_a_declaration_without_a_request_stays_with_councils_knowing_the_supplier(
        session, two_councils):
    draft = Declaration(supplier_id=two_councils["own_1"], questionnaire_id="modern_slavery",
                        questionnaire_version=1, answers={})
    session.add(draft)
    session.commit()
    draft_id = draft.id
    act_for(session, two_councils["east"])
    # Still in the identity map, expired: read again under East's rules, it is not there.
    assert session.get(Declaration, draft_id) is None
    act_for(session, 1)
    assert session.get(Declaration, draft_id) is not None
