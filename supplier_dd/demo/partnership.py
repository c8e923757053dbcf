"""Demo step for the partnership (issue 17): the first district's two partners, a neighbouring
district and the county, in the same deployment.

Each partner council gets its staff, its own suppliers, contracts with some of the first
district's suppliers (one organisation record, now known to both councils) and with its own,
a tender, and an annual declaration request to every supplier it has a contract with. Two
suppliers answer a partner by sharing the declaration they made for the first district
(data.SHARED), one withdrew its consent and answered afresh (data.REFUSED), and each partner
then scores every supplier it knows, so its dashboard is complete.

Everything is written while acting for the council it belongs to (models.tenancy), so rows are
stamped and suppliers linked as they would be in use. Idempotent: councils by short name,
accounts by email, suppliers by company number, contracts and tenders by reference, requests
by natural key; a request already answered, and a consent already recorded, are left alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from supplier_dd.demo import load_suppliers_of, upsert_user
from supplier_dd.demo.data import PARTNER_COUNCILS, REFUSED, SHARED, SUPPLIERS, DemoCouncil
from supplier_dd.demo.declarations import (
    demo_annual_request,
    demo_answers,
    start_draft,
    submit_demo_declaration,
)
from supplier_dd.demo.risk import score_suppliers
from supplier_dd.demo.sharing import consent_for, share_declaration, withdrawn_consent
from supplier_dd.domain.roles import Role
from supplier_dd.models import (
    Contract,
    Council,
    Declaration,
    DeclarationRequest,
    Supplier,
    Tender,
    User,
)
from supplier_dd.models.declaration import STATUS_SUBMITTED
from supplier_dd.models.tenancy import across_councils, acting_for
from supplier_dd.services import audit
from supplier_dd.services import declarations as service
from supplier_dd.services.councils import create_council

# How long before the demo's "now" each partner sent its annual requests: long enough that the
# answers below came in afterwards, on days of their own.
ASKED_DAYS_AGO = 14
DUE_IN_DAYS = 46




def first_council(session) -> Council:
    """Council 1: the one the deployment was set up with (migration 0033), whose demo data
    the other steps load."""
    return session.scalar(across_councils(select(Council).order_by(Council.id).limit(1)))


def _council(ctx, partner: DemoCouncil) -> Council:
    session = ctx.session
    council = session.scalar(across_councils(
        select(Council).where(Council.short_name == partner.short_name)))
    if council is None:
        council = create_council(session, partner.name, ctx.now, audit.CLI,
                                 short_name=partner.short_name,
                                 statement_url=partner.statement_url)
        council.pack_author = partner.pack_author
        ctx.result.count("councils")
    return council


def _suppliers_by_slug(ctx, partner: DemoCouncil) -> dict[str, Supplier]:
    slugs = {item.company_number: item.slug for item in (*SUPPLIERS, *partner.own_suppliers)}
    rows = ctx.session.scalars(across_councils(
        select(Supplier).where(Supplier.companies_house_number.in_(list(slugs)))))
    return {slugs[row.companies_house_number]: row for row in rows}


def _load_council_records(ctx, partner: DemoCouncil) -> None:
    """Staff, own suppliers and their contacts, contracts and tenders (acting for the council)."""
    session = ctx.session
    for email, role, name in partner.staff:
        upsert_user(ctx, email, Role(role), name)
    load_suppliers_of(ctx, partner.own_suppliers)
    suppliers = _suppliers_by_slug(ctx, partner)
    for item in partner.contracts:
        if session.scalar(select(Contract.id).where(Contract.reference == item.reference)):
            continue
        session.add(Contract(
            reference=item.reference, title=item.title, category=item.category,
            cpv_code=item.cpv_code, value=item.value, start_date=date.fromisoformat(item.start),
            end_date=date.fromisoformat(item.end), supplier=suppliers[item.slug]))
        ctx.result.count("contracts")
    for reference, title, category, value, days_open, slugs in partner.tenders:
        if session.scalar(select(Tender.id).where(Tender.reference == reference)):
            continue
        session.add(Tender(
            reference=reference, title=title, category=category, value=value,
            closing_date=ctx.now.date() + timedelta(days=days_open),
            invited_suppliers=[suppliers[slug] for slug in slugs]))
        ctx.result.count("tenders")
    session.flush()


def _annual_request(ctx, supplier: Supplier, officer: User) -> DeclarationRequest:
    asked = ctx.now - timedelta(days=ASKED_DAYS_AGO)
    return demo_annual_request(ctx, supplier, ctx.now.date() + timedelta(days=DUE_IN_DAYS),
                               officer, asked)


def _answered(request: DeclarationRequest) -> bool:
    return bool(request.declarations) or request.shared_answer is not None


def _contact(ctx, supplier: Supplier) -> User:
    return ctx.session.scalar(select(User).where(User.supplier_id == supplier.id)
                              .order_by(User.id).limit(1))


def _load_council_declarations(ctx, partner: DemoCouncil) -> None:
    """The council's requests (annual and for its tender) and the answers to them that were
    made afresh; answers by sharing come later, once every council's declarations exist."""
    session, now = ctx.session, ctx.now
    officer = session.scalar(select(User).where(User.email == partner.staff[0][0]))
    for reference, *_rest in partner.tenders:
        tender = session.scalar(select(Tender).where(Tender.reference == reference))
        due = tender.closing_date - timedelta(days=14)
        _made, created = service.request_for_tender(session, tender, due, officer, now)
        for _ in range(created):
            ctx.result.count("declaration requests")
    holders = set(session.scalars(select(Contract.supplier_id)))
    # Chosen before anything is submitted: a submission expires loaded rows, and a supplier
    # this council does not know cannot be read again while acting for it.
    suppliers = sorted((slug, supplier) for slug, supplier in
                       _suppliers_by_slug(ctx, partner).items() if supplier.id in holders)
    for position, (slug, supplier) in enumerate(suppliers):
        request = _annual_request(ctx, supplier, officer)
        profile = partner.answers.get(slug, "waiting")
        if _answered(request) or profile == "waiting":
            continue
        contact = _contact(ctx, supplier)
        when = now - timedelta(days=ASKED_DAYS_AGO - 3 - position % 5)
        answers = demo_answers(supplier, slug, "fair" if profile == "draft" else profile,
                               when.date())
        if profile == "draft":
            start_draft(ctx, request, contact, answers)
            continue
        submit_demo_declaration(ctx, request, contact, answers, when)
        ctx.result.count("submitted declarations")


def _first_council_declaration(ctx, supplier_id: int, first_id: int) -> Declaration | None:
    """The supplier's current declaration made for the first district's requests."""
    return ctx.session.scalar(across_councils(
        select(Declaration)
        .join(DeclarationRequest, Declaration.request_id == DeclarationRequest.id)
        .where(Declaration.supplier_id == supplier_id, Declaration.status == STATUS_SUBMITTED,
               DeclarationRequest.council_id == first_id)
        .order_by(Declaration.submitted_at.desc(), Declaration.id.desc()).limit(1)))


def _share(ctx, council: Council, supplier: Supplier, _slug: str,
           declaration: Declaration) -> None:
    """The supplier answers the council's annual request with its first-district declaration."""
    officer = ctx.session.scalar(select(User).where(User.council_id == council.id,
                                                    User.role == "officer").order_by(User.id))
    request = _annual_request(ctx, supplier, officer)
    if _answered(request):
        return
    when = min(ctx.now, max(request.requested_at, declaration.submitted_at) + timedelta(days=2))
    share_declaration(ctx.session, declaration, request, _contact(ctx, supplier), when)
    ctx.result.count("declarations shared")


def _refuse(ctx, council: Council, supplier: Supplier, slug: str,
            declaration: Declaration) -> None:
    """The supplier withdrew its consent to share with the council before the council relied
    on it, and answers the council's request with a fresh declaration instead."""
    session = ctx.session
    officer = session.scalar(select(User).where(User.council_id == council.id,
                                                User.role == "officer").order_by(User.id))
    contact = _contact(ctx, supplier)
    if consent_for(session, supplier.id, council.id) is None:
        granted = declaration.submitted_at + timedelta(days=1)
        withdrawn_consent(session, declaration, council.id, contact, granted,
                          granted + timedelta(days=1))
        ctx.result.count("consents withdrawn")
    request = _annual_request(ctx, supplier, officer)
    if _answered(request):
        return
    when = ctx.now - timedelta(days=ASKED_DAYS_AGO - 5)
    submit_demo_declaration(ctx, request, contact,
                            demo_answers(supplier, slug, "good", when.date()), when)
    ctx.result.count("submitted declarations")


def _load_sharing(ctx, councils: dict[str, Council], first_id: int) -> None:
    by_slug = {item.slug: item.company_number for item in SUPPLIERS}
    for rows, handle in ((SHARED, _share), (REFUSED, _refuse)):
        for slug, short_name in rows:
            council = councils[short_name]
            with acting_for(ctx.session, council.id):
                # Read here, across councils: the first district's declaration is not yet
                # (or, refused, never) one this council sees.
                supplier = ctx.session.scalar(across_councils(
                    select(Supplier).where(Supplier.companies_house_number == by_slug[slug])))
                declaration = _first_council_declaration(ctx, supplier.id, first_id)
                if declaration is not None:
                    handle(ctx, council, supplier, slug, declaration)


def load_partnership(ctx) -> None:
    session = ctx.session
    first_id = first_council(session).id
    councils: dict[str, Council] = {}
    for partner in PARTNER_COUNCILS:
        council = _council(ctx, partner)
        councils[partner.short_name] = council
        with acting_for(session, council.id):
            _load_council_records(ctx, partner)
            _load_council_declarations(ctx, partner)
    _load_sharing(ctx, councils, first_id)
    for council in councils.values():
        with acting_for(session, council.id):
            score_suppliers(ctx)
