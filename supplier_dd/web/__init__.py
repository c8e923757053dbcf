"""Blueprints, one per audience or feature. Views parse, call a service, commit, render."""


def blueprints():
    from supplier_dd.web import (
        account,
        admin,
        auth,
        declaration_requests,
        declarations,
        imports,
        officer,
        pages,
        programme,
        reminders,
        reports,
        risk,
        supplier,
        supplier_risk,
        tenders,
    )

    return [pages.bp, auth.bp, officer.bp, supplier.bp, admin.bp, programme.bp, reminders.bp,
            declarations.bp, declaration_requests.bp, risk.bp, supplier_risk.bp, imports.bp,
            reports.bp, tenders.bp, account.bp]
