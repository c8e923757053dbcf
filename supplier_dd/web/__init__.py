"""Blueprints, one per audience or feature. Views parse, call a service, commit, render."""


def blueprints():
    from supplier_dd.web import admin, auth, officer, pages, supplier

    return [pages.bp, auth.bp, officer.bp, supplier.bp, admin.bp]
