"""Blueprints, one per audience or feature. Views parse, call a service, commit, render."""


def blueprints():
    from supplier_dd.web import (
        account,
        admin,
        api,
        api_keys,
        auth,
        bulk_requests,
        consortium,
        corrective_actions,
        council_settings,
        declaration_requests,
        declarations,
        evidence_verification,
        exclusions,
        imports,
        officer,
        officer_feedback,
        pack_targets,
        pages,
        password_reset,
        programme,
        reminders,
        reports,
        risk,
        sharing,
        single_sign_on,
        supplier,
        supplier_feedback,
        supplier_risk,
        tenders,
        two_factor,
    )

    return [pages.bp, auth.bp, officer.bp, supplier.bp, admin.bp, programme.bp, reminders.bp,
            declarations.bp, declaration_requests.bp, risk.bp, supplier_risk.bp, imports.bp,
            reports.bp, tenders.bp, account.bp, password_reset.bp, supplier_feedback.bp,
            officer_feedback.bp, api.bp, api_keys.bp, bulk_requests.bp,
            corrective_actions.bp, exclusions.bp, evidence_verification.bp, two_factor.bp,
            pack_targets.bp, consortium.bp, council_settings.bp, sharing.bp,
            single_sign_on.bp]
