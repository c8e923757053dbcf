"""Issue 10: every state change leaves an audit entry (with before and after where a record
changes), and a submitted declaration can be proved unchanged, or shown to have been altered.

The tampering tests act as an attacker with direct database access would: drop the triggers that
guard submitted declarations, change a row with raw SQL, and leave the application none the
wiser. `supplier-dd audit verify` must then fail and name the record.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select, text

from supplier_dd.demo.declarations import demo_answers
from supplier_dd.domain.questionnaire import answers_sha256, current_version
from supplier_dd.models import AuditEntry, Declaration, User
from supplier_dd.models.base import utcnow
from supplier_dd.services import audit, review
from supplier_dd.services import declarations as service
from supplier_dd.services.evidence import EvidenceStore, add_evidence, remove_evidence
from supplier_dd.services.programme import (
    EvidenceDetails,
    TrainingDetails,
    add_charter_evidence,
    add_training_record,
)
from supplier_dd.services.risk import current_assessment
from tests.declaration_helpers import PDF_BYTES, PNG_BYTES, make_request
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import csrf_token_in, text_of
from tests.programme_helpers import import_seed

MAX_BYTES = 10 * 1024 * 1024


def _store() -> EvidenceStore:
    return EvidenceStore(Path(current_app.config["SUPPLIER_DD_SETTINGS"].upload_dir))


def _entries(session, action=None, object_id=None) -> list[AuditEntry]:
    session.expire_all()
    statement = select(AuditEntry).order_by(AuditEntry.sequence)
    if action:
        statement = statement.where(AuditEntry.action == action)
    if object_id is not None:
        statement = statement.where(AuditEntry.object_id == str(object_id))
    return list(session.scalars(statement))


def _submit(session, request, contact, *, evidence=True, revise_from=None) -> Declaration:
    """Through the same services as the web journey: start, answer, upload, sign, submit."""
    now = utcnow()
    store = _store()
    if revise_from is not None:
        draft = service.revise(session, store, revise_from, contact, now)
    else:
        draft = service.start_or_resume(session, store, request, contact, now)
    draft.answers = {**demo_answers(request.supplier, "acme", "good", now.date()),
                     **{k: v for k, v in (draft.answers or {}).items()
                        if k == "s54_statement_file"}}
    session.flush()
    if evidence and not draft.evidence:
        add_evidence(session, store, current_version("modern_slavery"), draft,
                     "s54_statement_file", "statement.pdf", PDF_BYTES, contact, now, MAX_BYTES)
    service.submit(session, draft, signatory_name="Jane Smith", signatory_role="Director",
                   confirms_true=True, confirms_authority=True, ip="198.51.100.7", user=contact,
                   now=now)
    session.commit()
    return draft


def _verify(runner):
    return runner.invoke(args=["audit", "verify"])


# --- Declarations: every step audited, the submission sealed ---------------------------------


def test_a_declarations_life_is_audited_and_its_submission_sealed(session, runner,
                                                                  supplier_and_contact):
    supplier, contact, officer = supplier_and_contact
    now = utcnow()
    request, created = service.request_for_supplier(session, supplier, now.date()
                                                    + timedelta(days=30), officer, now)
    session.commit()
    assert created
    asked = _entries(session, "declaration_request.created", request.id)
    assert len(asked) == 1 and asked[0].actor_email == "officer@example.org"
    assert asked[0].after["supplier_id"] == supplier.id and asked[0].after["kind"] == "annual"

    # A file uploaded and then removed from the draft is audited both ways.
    draft = service.start_or_resume(session, _store(), request, contact, now)
    draft.answers = demo_answers(supplier, "acme", "good", now.date())
    session.flush()
    wrong = add_evidence(session, _store(), current_version("modern_slavery"), draft,
                         "s54_statement_file", "holiday.png", PNG_BYTES, contact, now, MAX_BYTES)
    remove_evidence(session, _store(), draft, wrong.id, now, user=contact)
    session.commit()
    removed = _entries(session, "evidence.removed", wrong.id)
    assert removed[0].before["filename"] == "holiday.png"
    assert removed[0].actor_email == "jane@acme.example"

    first = _submit(session, request, contact)
    sealed = _entries(session, "declaration.submitted", first.id)
    assert len(sealed) == 1
    seal = sealed[0].after
    assert seal["answers_sha256"] == first.answers_sha256
    assert (seal["signatory_name"], seal["signatory_role"]) == ("Jane Smith", "Director")
    assert [item["sha256"] for item in seal["evidence"]] == [first.evidence[0].sha256]
    assert sealed[0].ip_address == "198.51.100.7"
    assert sealed[0].details["residual_band"]  # the assessment made in the same transaction

    # A new version supersedes the first: both changes are recorded, with before and after.
    second = _submit(session, request, contact, revise_from=first)
    assert [e.action for e in _entries(session, object_id=second.id)
            if e.object_type == "declaration"] == ["declaration.revision_started",
                                                   "declaration.submitted"]
    superseded = _entries(session, "declaration.superseded", first.id)
    assert superseded[0].before == {"status": "submitted"}
    assert superseded[0].after == {"status": "superseded", "superseded_by": second.id,
                                   "superseded_at": first.superseded_at.isoformat()}

    assert audit.verify(session) is None
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "2 submitted declarations match" in result.output


@pytest.mark.sqlite_only
def test_an_untouched_demo_council_verifies(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "Audit log verified" in result.output
    checked = re.search(r"([\d,]+) submitted declarations match their answers, signatory and "
                        r"evidence", result.output)
    assert checked and int(checked.group(1).replace(",", "")) > 10, result.output


# --- Tampering with the database ---------------------------------------------------------------


def _tamper(session, declaration: Declaration, how: str) -> str:
    """Change one thing as an attacker would; returns what verify must say."""
    ident = {"id": declaration.id}
    if how == "answer":
        changed = declaration.canonical_answers.replace('"org_in_group":"no"',
                                                        '"org_in_group":"yes"')
        assert changed != declaration.canonical_answers
        session.execute(text("UPDATE declarations SET canonical_answers = :c WHERE id = :id"),
                        {**ident, "c": changed})
        return "answers match their stored sha-256"
    if how == "answer_and_its_hash":
        # A careful attacker recomputes the stored hash too; the seal in the audit log remembers.
        changed = declaration.canonical_answers.replace('"org_in_group":"no"',
                                                        '"org_in_group":"yes"')
        session.execute(
            text("UPDATE declarations SET canonical_answers = :c, answers_sha256 = :h "
                 "WHERE id = :id"), {**ident, "c": changed, "h": answers_sha256(changed)})
        return "sealed in the audit log at submission"
    if how == "working_answers":
        session.execute(text("UPDATE declarations SET answers = :a WHERE id = :id"),
                        {**ident, "a": '{"org_legal_name": "Someone Else Ltd"}'})
        return "answers as kept match the signed answers"
    if how == "signatory":
        session.execute(text("UPDATE declarations SET signatory_name = 'A N Other' "
                             "WHERE id = :id"), ident)
        return "signatory as signed: changed since submission: name"
    if how == "evidence_record":
        session.execute(text("UPDATE evidence_files SET sha256 = :h WHERE declaration_id = :id"),
                        {**ident, "h": "f" * 64})
        return "evidence records as signed"
    if how == "evidence_file":
        stored = declaration.evidence[0].stored_name
        _store().path_for(stored).write_bytes(PDF_BYTES + b"% quietly appended\n")
        return "statement.pdf has changed"
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["answer", "answer_and_its_hash", "working_answers", "signatory",
                                 "evidence_record", "evidence_file"])
def test_changing_a_submitted_declaration_directly_is_found_and_named(
        session, runner, supplier_and_contact, drop_declaration_triggers, how):
    supplier, contact, _officer = supplier_and_contact
    untouched = _submit(session, make_request(session, supplier), contact)
    victim = _submit(session, make_request(session, supplier), contact)
    assert _verify(runner).exit_code == 0

    drop_declaration_triggers()
    expected = _tamper(session, victim, how)
    session.commit()

    result = _verify(runner)
    assert result.exit_code != 0
    assert f"DEC-{victim.id:06d}" in result.output
    assert f"DEC-{untouched.id:06d}" not in result.output
    assert expected in result.output.lower()


def test_rewriting_the_seal_to_match_breaks_the_audit_chain(session, runner,
                                                            supplier_and_contact,
                                                            drop_declaration_triggers):
    supplier, contact, _officer = supplier_and_contact
    declaration = _submit(session, make_request(session, supplier), contact)
    drop_declaration_triggers()
    session.execute(text("UPDATE declarations SET signatory_name = 'A N Other' WHERE id = :id"),
                    {"id": declaration.id})
    entry = _entries(session, "declaration.submitted", declaration.id)[0]
    forged = {**entry.after, "signatory_name": "A N Other"}
    session.execute(text("UPDATE audit_entries SET after = :a WHERE id = :id"),
                    {"a": audit.canonical_json(forged), "id": entry.id})
    session.commit()

    result = _verify(runner)
    assert result.exit_code != 0
    assert f"Audit log broken at entry {entry.sequence}" in result.output


def test_officers_and_legal_see_each_check_passed_or_failed(client, session,
                                                            supplier_and_contact):
    supplier, contact, _officer = supplier_and_contact
    make_user(session, "legal", email="legal@example.org")
    session.commit()
    declaration = _submit(session, make_request(session, supplier), contact)
    client.sign_in("legal@example.org", PASSWORD)
    view = text_of(client.get(f"/officer/declarations/{declaration.id}"))
    assert f"/officer/declarations/{declaration.id}/verify" in view

    page = text_of(client.get(f"/officer/declarations/{declaration.id}/verify"))
    assert "Unchanged since it was signed" in page
    assert page.count("Passed") == 9 and "Failed" not in page
    for check in ("Supplier, request and submission as sealed",
                  "Status as the audit log records it"):
        assert check in page

    _store().path_for(declaration.evidence[0].stored_name).unlink()
    page = text_of(client.get(f"/officer/declarations/{declaration.id}/verify"))
    assert "no longer matches what was signed" in page
    assert "statement.pdf is missing" in page and page.count("Failed") == 1


def test_a_draft_has_nothing_to_verify(client, session, supplier_and_contact):
    supplier, contact, _officer = supplier_and_contact
    draft = service.start_or_resume(session, _store(), make_request(session, supplier), contact,
                                    utcnow())
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    assert client.get(f"/officer/declarations/{draft.id}/verify").status_code == 404


# --- Review, queries and corrective actions -----------------------------------------------------


def test_review_decisions_queries_and_corrective_actions_are_audited(session,
                                                                     supplier_and_contact):
    supplier, contact, officer = supplier_and_contact
    _submit(session, make_request(session, supplier), contact)
    assessment = current_assessment(session, supplier.id)
    now = utcnow()

    made = review.record_review(session, assessment, "query", "Fees look wrong", officer, now,
                                [review.QueryRequest("org_in_group", "Say which group")])
    session.commit()
    decided = _entries(session, "assessment.queried", assessment.id)[0]
    assert decided.before == {"review_status": "to_review"}
    assert decided.after["review_status"] == "queried"
    assert decided.details["queried_questions"] == ["org_in_group"]
    assert decided.actor_email == "officer@example.org"

    query = review.open_queries_for_supplier(session, supplier.id)[0]
    review.answer_query(session, query, "We are not in a group", contact, now)
    review.close_query(session, query, officer, now)
    review.record_review(session, assessment, "accept", "Answered", officer, now)
    session.commit()
    assert made.id
    answered = _entries(session, "query.answered", query.id)[0]
    assert (answered.before, answered.after["status"]) == ({"status": "open"}, "answered")
    assert answered.actor_email == "jane@acme.example"
    assert _entries(session, "query.closed", query.id)[0].after == {"status": "closed"}
    assert _entries(session, "assessment.accepted", assessment.id)[0].before == {
        "review_status": "queried"}

    action = review.open_corrective_action(
        session, supplier.id, title="Audit agencies", description="", owner="Jane Smith",
        due_date=now.date() + timedelta(days=60), officer=officer, now=now)
    review.respond_to_action(session, action, "Audited two", contact, now)
    review.reopen_action(session, action, "Audit the third too", officer, now)
    review.respond_to_action(session, action, "Audited all three", contact, now)
    review.sign_off_action(session, action, "Checked", officer, now)
    session.commit()
    steps = [(e.action, (e.before or {}).get("status"), e.after["status"])
             for e in _entries(session, object_id=action.id)
             if e.object_type == "corrective_action"]
    assert steps == [
        ("corrective_action.opened", None, "open"),
        ("corrective_action.responded", "open", "responded"),
        ("corrective_action.reopened", "responded", "open"),
        ("corrective_action.responded", "open", "responded"),
        ("corrective_action.signed_off", "responded", "signed_off"),
    ]
    assert audit.verify(session) is None


def test_a_score_recompute_is_audited_as_a_run_and_per_change(session, runner):
    for number in range(3):
        make_supplier(session, name=f"Recompute {number} Ltd")
    session.commit()
    result = runner.invoke(args=["scores", "recompute"])
    assert result.exit_code == 0, result.output
    run = _entries(session, "scores.recomputed")
    assert len(run) == 1
    assert run[0].details["scored"] == 3 and run[0].details["changed"] == 3
    assert run[0].details["model_version"] == run[0].object_id
    changed = _entries(session, "assessment.recomputed")
    assert len(changed) == 3 and all(e.before is None and e.after["residual_band"]
                                     for e in changed)

    # Nothing changes on a second run: one more run entry, no per-assessment ones.
    assert runner.invoke(args=["scores", "recompute"]).exit_code == 0
    assert _entries(session, "scores.recomputed")[-1].details["unchanged"] == 3
    assert len(_entries(session, "assessment.recomputed")) == 3


def test_programme_records_and_rag_changes_are_audited(session):
    from supplier_dd.services.action_plans import update_action
    from tests.integration.test_programme_records import _changes

    officer = make_user(session, "officer", email="priya@example.org")
    now = utcnow()
    training = add_training_record(session, TrainingDetails(
        staff_group="procurement_team", course="Modern slavery awareness", completed=8, total=10,
        recorded_on=now.date()), officer, now)
    evidence = add_charter_evidence(session, EvidenceDetails(
        commitment=3, evidenced_on=now.date(), description="Clause in every tender"),
        officer, now)
    action = import_seed(session).priorities[4].actions[0]
    before_rag = action.rag
    update_action(session, action, _changes(action, rag="red", rag_reason="Report slipped"),
                  officer, now)
    session.commit()
    assert _entries(session, "training.recorded", training.id)[0].after["completed"] == 8
    assert _entries(session, "charter_evidence.recorded", evidence.id)[0].after[
        "commitment"] == 3
    rag = _entries(session, "plan_action.rag_changed", action.id)[0]
    assert rag.before == {"rag": before_rag} and rag.after == {"rag": "red"}
    assert rag.details == {"rag_reason": "Report slipped"}
    assert rag.actor_email == "priya@example.org"


# --- Roles and deactivation --------------------------------------------------------------------


@pytest.fixture
def accounts(session):
    admin = make_user(session, "admin", email="admin@example.org")
    make_user(session, "admin", email="second-admin@example.org")
    officer = make_user(session, "officer", email="officer@example.org")
    contact = make_user(session, "supplier", email="contact@acme.example")
    session.commit()
    return {"admin": admin.id, "officer": officer.id, "contact": contact.id}


def _post(client, path, data):
    token = csrf_token_in(client.get(path.rsplit("/active", 1)[0]).text)
    return client.post(path, data={"csrf_token": token, **data})


def test_an_admin_changes_a_staff_role_and_it_is_audited(client, session, accounts):
    client.sign_in("admin@example.org", PASSWORD)
    response = _post(client, f"/admin/users/{accounts['officer']}", {"role": "legal"})
    assert response.status_code == 302
    assert "officer@example.org is now legal" in text_of(client.get(response.headers["Location"]))
    session.expire_all()
    assert session.get(User, accounts["officer"]).role == "legal"
    entry = _entries(session, "user.role_changed", accounts["officer"])[0]
    assert (entry.before, entry.after) == ({"role": "officer"}, {"role": "legal"})
    assert entry.actor_email == "admin@example.org" and entry.ip_address == "127.0.0.1"


def test_role_changes_that_are_not_allowed_are_explained(client, session, accounts):
    client.sign_in("admin@example.org", PASSWORD)
    own = client.post(f"/admin/users/{accounts['admin']}", data={
        "csrf_token": csrf_token_in(client.get("/admin/users").text), "role": "officer"})
    assert own.status_code == 400
    assert "cannot remove your own admin role" in text_of(own)
    page = text_of(client.get(f"/admin/users/{accounts['contact']}"))
    assert "Supplier contacts always have the supplier role" in page
    contact = client.post(f"/admin/users/{accounts['contact']}", data={
        "csrf_token": csrf_token_in(client.get("/admin/users").text), "role": "admin"})
    assert contact.status_code == 400 and "always have the supplier role" in text_of(contact)
    unknown = client.post(f"/admin/users/{accounts['officer']}", data={
        "csrf_token": csrf_token_in(client.get("/admin/users").text), "role": "root"})
    assert unknown.status_code == 400 and "Select a role" in text_of(unknown)
    session.expire_all()
    assert [session.get(User, accounts[k]).role for k in ("admin", "contact", "officer")] == [
        "admin", "supplier", "officer"]
    assert not _entries(session, "user.role_changed")


def test_deactivating_an_account_ends_its_session_and_is_audited(app, client, session,
                                                                 accounts):
    officer_client = app.test_client()
    officer_client.sign_in("officer@example.org", PASSWORD)
    assert officer_client.get("/officer/suppliers").status_code == 200

    client.sign_in("admin@example.org", PASSWORD)
    response = _post(client, f"/admin/users/{accounts['officer']}/active", {"active": "no"})
    assert response.status_code == 302
    assert officer_client.get("/officer/suppliers").status_code == 302  # sent to sign in
    refused = officer_client.submit("/sign-in", {"email": "officer@example.org",
                                                 "password": PASSWORD})
    assert refused.status_code == 200  # the sign-in page again, not signed in
    own = _post(client, f"/admin/users/{accounts['admin']}/active", {"active": "no"})
    assert own.status_code == 400 and "cannot deactivate your own account" in text_of(own)

    _post(client, f"/admin/users/{accounts['officer']}/active", {"active": "yes"})
    assert [(e.action, e.before, e.after)
            for e in _entries(session, object_id=accounts["officer"])
            if e.action.startswith("user.") and "activated" in e.action] == [
        ("user.deactivated", {"active": True}, {"active": False}),
        ("user.reactivated", {"active": False}, {"active": True}),
    ]
    # The session that was open when the account was deactivated stays ended; signing in works.
    assert officer_client.get("/officer/suppliers").status_code == 302
    officer_client.sign_in("officer@example.org", PASSWORD)
    assert officer_client.get("/officer/suppliers").status_code == 200


def test_set_role_on_the_command_line(runner, session, accounts):
    result = runner.invoke(args=["users", "set-role", "officer@example.org", "safeguarding"])
    assert result.exit_code == 0 and "officer@example.org is now safeguarding" in result.output
    entry = _entries(session, "user.role_changed", accounts["officer"])[0]
    assert entry.after == {"role": "safeguarding"} and entry.actor_email == "cli"

    refused = runner.invoke(args=["users", "set-role", "contact@acme.example", "admin"])
    assert refused.exit_code != 0 and "always have the supplier role" in refused.output
    unknown = runner.invoke(args=["users", "set-role", "officer@example.org", "superuser"])
    assert unknown.exit_code != 0 and "Unknown role" in unknown.output
    missing = runner.invoke(args=["users", "set-role", "nobody@example.org", "legal"])
    assert missing.exit_code != 0 and "No account for nobody@example.org" in missing.output
    session.expire_all()
    assert session.get(User, accounts["contact"]).role == "supplier"


def test_the_last_active_admin_cannot_be_demoted(runner, session, accounts):
    assert runner.invoke(args=["users", "set-role", "second-admin@example.org",
                               "officer"]).exit_code == 0
    result = runner.invoke(args=["users", "set-role", "admin@example.org", "officer"])
    assert result.exit_code != 0 and "only active admin" in result.output
    session.expire_all()
    assert session.get(User, accounts["admin"]).role == "admin"


# --- Reports ------------------------------------------------------------------------------------


def test_generating_the_cabinet_pack_is_audited_with_its_year_and_checksums(runner, session,
                                                                             tmp_path):
    import hashlib

    pdf_path = tmp_path / "pack.pdf"
    result = runner.invoke(args=["report", "cabinet", "--year", "2024/25", "--out",
                                 str(pdf_path)])
    assert result.exit_code == 0, result.output
    entry = _entries(session, "cabinet_pack.generated")[0]
    assert entry.details["year"] == "2024/25"
    assert entry.details["data_checksum"] in result.output
    assert entry.details["files"]["pdf"] == hashlib.sha256(pdf_path.read_bytes()).hexdigest()
    assert _verify(runner).exit_code == 0
