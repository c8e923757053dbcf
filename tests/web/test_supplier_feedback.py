"""The supplier's feedback (issue 15): bands and recommendations after acceptance, responses
kept through validation errors and audited, evidence checked by content, officers turning a
response into a corrective action, and files on corrective actions."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from supplier_dd.models import AuditEntry, OutboxMessage, RecommendationResponse
from supplier_dd.models.base import utcnow
from supplier_dd.models.risk import CorrectiveAction
from supplier_dd.services.feedback import turn_into_action
from tests.declaration_helpers import EXE_BYTES, PDF_BYTES
from tests.factories import PASSWORD, make_supplier, make_user
from tests.feedback_helpers import accept, accepted_supplier, submitted_declaration
from tests.helpers import any_csrf_token

# The "fair" demo answers: no board review of modern slavery risk.
KEY = "pol_board_review.less_often"


def _feedback_url(declaration) -> str:
    return f"/supplier/declarations/{declaration.id}/feedback"


def _visible(response) -> str:
    """The page's text as a person reads it: tags gone, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _signed_in(client, email="jane@acme.example"):
    client.sign_in(email, PASSWORD)
    return client


def test_feedback_appears_only_once_the_council_accepts(session, client):
    supplier = make_supplier(session, name="Acme Facilities Ltd", turnover_band="under-36m")
    contact = make_user(session, "supplier", email="jane@acme.example", supplier=supplier)
    officer = make_user(session, "officer", email="officer@example.org")
    session.commit()
    declaration = submitted_declaration(session, supplier, contact)
    _signed_in(client)
    assert client.get(_feedback_url(declaration)).status_code == 404
    assert "Read your feedback" not in _visible(client.get(f"/supplier/declarations/"
                                                          f"{declaration.id}"))
    accept(session, supplier, officer)
    page = _visible(client.get(_feedback_url(declaration)))
    assert "Feedback on your declaration" in page
    for band in ("Developing", "Established", "Advanced"):
        assert band in page
    assert "Review modern slavery risk at board level every year" in page
    assert "Read your feedback" in _visible(client.get(f"/supplier/declarations/"
                                                      f"{declaration.id}"))
    assert "Read your feedback and respond" in _visible(client.get("/supplier/"))


def test_another_supplier_never_reaches_the_feedback(session, client):
    accepted = accepted_supplier(session)
    make_user(session, "supplier", email="bob@other.example",
              supplier=make_supplier(session, name="Other Ltd"))
    session.commit()
    _signed_in(client, "bob@other.example")
    assert client.get(_feedback_url(accepted.declaration)).status_code == 404
    assert client.get(f"{_feedback_url(accepted.declaration)}/{KEY}").status_code == 404


def test_a_will_do_response_without_a_date_keeps_what_was_typed(session, client):
    accepted = accepted_supplier(session)
    _signed_in(client)
    url = f"{_feedback_url(accepted.declaration)}/{KEY}"
    response = client.submit(url, {"kind": "will_do",
                                   "note_will_do": "Our MD will add it to the June agenda"})
    page = _visible(response)
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter the date you will do it by" in page
    assert "Our MD will add it to the June agenda" in page
    assert session.scalars(select(RecommendationResponse)).all() == []

    response = client.submit(url, {"kind": "will_do", "due_date": ["30", "6", "2099"],
                                   "note_will_do": "Our MD will add it to the June agenda"})
    assert response.status_code == 302
    page = _visible(client.get(_feedback_url(accepted.declaration)))
    assert "Will do by 30 June 2099" in page
    assert "You have responded to 1 of" in page
    saved = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "recommendation_response.saved")).one()
    assert saved.after["kind"] == "will_do" and saved.actor_email == "jane@acme.example"


def test_already_done_needs_a_real_file_and_keeps_the_text_meanwhile(session, client, app):
    accepted = accepted_supplier(session)
    _signed_in(client)
    url = f"{_feedback_url(accepted.declaration)}/{KEY}"
    response = client.submit(url, {"kind": "done", "note_done": "Board minutes, March",
                                   "evidence": (io.BytesIO(EXE_BYTES), "minutes.pdf")})
    page = _visible(response)
    assert "must be a PDF, DOCX, ODT, PNG or JPEG" in page
    assert "Board minutes, March" in page
    assert client.submit(url, {"kind": "done"}).status_code == 200  # no file: asked for one

    response = client.submit(url, {"kind": "done", "note_done": "Board minutes, March",
                                   "evidence": (io.BytesIO(PDF_BYTES), "minutes.html")})
    assert response.status_code == 302
    page = client.get(_feedback_url(accepted.declaration)).get_data(as_text=True)
    assert "minutes.pdf" in page  # named for what its bytes are
    record = session.scalars(select(RecommendationResponse)).one()
    download = client.get(f"/supplier/evidence/{record.evidence[0].id}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_not_applicable_needs_a_reason(session, client):
    accepted = accepted_supplier(session)
    _signed_in(client)
    url = f"{_feedback_url(accepted.declaration)}/{KEY}"
    assert "Enter why this does not apply to you" in _visible(
        client.submit(url, {"kind": "not_applicable"}))
    assert client.submit(url, {"kind": "not_applicable",
                               "note_not_applicable": "We are a sole trader"}
                         ).status_code == 302
    assert "We are a sole trader" in _visible(client.get(_feedback_url(accepted.declaration)))


def test_an_officer_turns_a_response_into_an_action_and_the_supplier_is_told(session, client):
    accepted = accepted_supplier(session)
    _signed_in(client)
    client.submit(f"{_feedback_url(accepted.declaration)}/{KEY}",
                  {"kind": "will_do", "due_date": ["30", "6", "2099"]})
    client.post("/sign-out", data={"csrf_token": any_csrf_token(client)})

    client.sign_in("officer@example.org", PASSWORD)
    supplier_page = _visible(client.get(f"/officer/suppliers/{accepted.supplier.id}"))
    assert "has responded to 1 of" in supplier_page
    responses = _visible(client.get(f"/officer/suppliers/{accepted.supplier.id}/feedback"))
    assert "Will do by 30 June 2099" in responses
    form_url = f"/officer/suppliers/{accepted.supplier.id}/feedback/{KEY}/action"
    form = client.get(form_url).get_data(as_text=True)
    # Filled in from the recommendation and the date the supplier gave.
    assert 'value="Review modern slavery risk at board level every year"' in form
    assert 'value="2099"' in form and "Put it on the board or senior leadership agenda" in form
    response = client.submit(form_url, {"owner": "Jane Smith",
                                        "due_date": ["30", "6", "2099"]})
    assert response.status_code == 302
    action = session.scalars(select(CorrectiveAction)).one()
    assert action.title == "Review modern slavery risk at board level every year"
    assert action.due_date.isoformat() == "2099-06-30"
    mail = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "corrective_action_opened")).all()
    assert [m.recipient for m in mail] == ["jane@acme.example"]
    # The response now points at the action; a second click opens nothing new.
    assert client.get(form_url).status_code == 302
    assert len(session.scalars(select(CorrectiveAction)).all()) == 1


def test_the_supplier_sends_files_for_an_action_and_the_officer_downloads_them(session, client):
    accepted = accepted_supplier(session)
    _signed_in(client)
    client.submit(f"{_feedback_url(accepted.declaration)}/{KEY}",
                  {"kind": "will_do", "due_date": ["30", "6", "2099"]})
    response = session.scalars(select(RecommendationResponse)).one()
    action = turn_into_action(session, response, title="Board review", description="",
                              owner="Jane", due_date=utcnow().date(), officer=accepted.officer,
                              now=utcnow())
    session.commit()
    page_url = f"/supplier/actions/{action.id}"
    client.submit(page_url, {"evidence": (io.BytesIO(EXE_BYTES), "tool.pdf")},
                  form_index=1)
    refused = _visible(client.get(page_url))
    assert "The file was not uploaded" in refused and "No files yet" in refused
    client.submit(page_url, {"evidence": (io.BytesIO(PDF_BYTES), "board-minutes.pdf")},
                  form_index=1)
    assert "board-minutes.pdf" in _visible(client.get(page_url))
    # The recommendation is now answered on the action, not on the feedback page.
    assert "Answer it in council requests" in _visible(
        client.get(_feedback_url(accepted.declaration)))
    client.post("/sign-out", data={"csrf_token": any_csrf_token(client)})

    client.sign_in("officer@example.org", PASSWORD)
    officer_page = client.get(f"/officer/risk/actions/{action.id}").get_data(as_text=True)
    assert "board-minutes.pdf" in officer_page
    file_id = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "supplier_evidence.uploaded")).one().object_id
    download = client.get(f"/officer/supplier-evidence/{file_id}")
    assert download.data == PDF_BYTES
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"
