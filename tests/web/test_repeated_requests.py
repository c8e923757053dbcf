"""A form sent again after it worked (Back and resend, a second click after a slow answer) is
answered with the page the first one produced, and changes nothing. Runs on SQLite and
PostgreSQL; tests/reliability/test_double_submit.py sends the same requests at once."""

from __future__ import annotations

from sqlalchemy import func, select

from supplier_dd.models import AuditEntry, Declaration
from tests.helpers import csrf_token_in
from tests.reliability.harness import PASSWORD, prepare_drafts

SIGNATURE = {"signatory_name": "Jane Smith", "signatory_role": "Director",
             "confirm_true": "yes", "confirm_authority": "yes"}


def _signed_in_with_a_complete_draft(client, session) -> int:
    [(email, declaration_id)] = prepare_drafts(session, 1, prefix="repeat")
    client.sign_in(email, PASSWORD)
    return declaration_id


def _count(session, model, *conditions) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_a_second_submit_shows_the_first_ones_confirmation_and_stores_nothing_more(
        client, session):
    declaration_id = _signed_in_with_a_complete_draft(client, session)
    path = f"/supplier/declarations/{declaration_id}/declare"
    form = {"csrf_token": csrf_token_in(client.get(path).text), **SIGNATURE}

    first, again = client.post(path, data=form), client.post(path, data=form)

    confirmation = f"/supplier/declarations/{declaration_id}/confirmation"
    assert (first.status_code, first.headers["Location"]) == (302, confirmation)
    assert (again.status_code, again.headers["Location"]) == (302, confirmation)
    assert "Declaration submitted" in client.get(confirmation).text
    assert _count(session, AuditEntry, AuditEntry.action == "declaration.submitted") == 1


def test_a_second_new_version_or_start_lands_on_the_draft_the_first_made(client, session):
    declaration_id = _signed_in_with_a_complete_draft(client, session)
    path = f"/supplier/declarations/{declaration_id}/declare"
    client.post(path, data={"csrf_token": csrf_token_in(client.get(path).text), **SIGNATURE})
    token = csrf_token_in(client.get(f"/supplier/declarations/{declaration_id}").text)
    request_id = session.get(Declaration, declaration_id).request_id

    landed = {client.post(url, data={"csrf_token": token}).headers["Location"]
              for url in (f"/supplier/declarations/{declaration_id}/revise",
                          f"/supplier/declarations/{declaration_id}/revise",
                          f"/supplier/requests/{request_id}/start")}

    drafts = session.scalars(select(Declaration.id).where(
        Declaration.request_id == request_id, Declaration.status == "draft")).all()
    assert len(drafts) == 1
    assert landed == {f"/supplier/declarations/{drafts[0]}"}
    assert _count(session, AuditEntry, AuditEntry.action == "declaration.revision_started") == 1
