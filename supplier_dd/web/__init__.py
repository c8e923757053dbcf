"""Blueprints, one per audience or feature. Views parse, call a service, commit, render."""


def blueprints():
    from supplier_dd.web import admin, auth, officer, pages, programme, reminders, supplier
    from supplier_dd.web import declaration_requests, declarations
    from supplier_dd.web import risk, supplier_risk
    from supplier_dd.web import imports
    from supplier_dd.web import reports

    return [pages.bp, auth.bp, officer.bp, supplier.bp, admin.bp, programme.bp, reminders.bp,
            declarations.bp, declaration_requests.bp, risk.bp, supplier_risk.bp, imports.bp,
            reports.bp]
