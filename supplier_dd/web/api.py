"""The JSON API a council's e-tendering system pushes tenders through: create (idempotent by the
tender's reference), read and update, into the same records and through the same service as the
officers' pages (services.tenders), audited under the key's name. See docs/api.md.

Authenticated by an API key (`Authorization: Bearer sdd_...`, made on the admin's API keys page),
never by a browser session, so the blueprint takes no CSRF token; every answer is JSON, errors
name the field they concern; each address is rate limited per client.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from supplier_dd.domain.control_characters import control_character_problem
from supplier_dd.domain.tenders import check_cpv_code, parse_estimated_value
from supplier_dd.extensions import csrf, db, limiter
from supplier_dd.models import Tender
from supplier_dd.models.base import utcnow
from supplier_dd.services import InvalidField, ServiceError
from supplier_dd.services import api_keys as key_service
from supplier_dd.services import tenders as service
from supplier_dd.web.access import api_key_checked
from supplier_dd.web.council_scope import act_for_council_of

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# A machine client sends no CSRF token; the API key in the header, which a browser never adds
# on its own, is what proves the request was meant.
csrf.exempt(bp)

RATE_LIMIT = "60 per minute"

# field: (longest, may span lines, required)
TEXT_FIELDS = {
    "reference": (100, False, True),
    "title": (500, False, True),
    "description": (5000, True, False),
    "category": (200, False, False),
    "cpv_code": (20, False, False),
    "procurement_route": (40, False, True),
    "risk_tier": (20, False, True),
    "lot": (200, False, False),
}
FIELDS = set(TEXT_FIELDS) | {"value", "closing_date"}


class FieldErrors(Exception):
    def __init__(self, errors: dict[str, str], status: int = 400):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
        self.status = status


def _error(status: int, errors: dict[str, str]):
    return jsonify({"errors": errors}), status


def key_required(view):
    """The view runs only for an active API key; anything else is 401, in JSON."""
    @wraps(view)
    def checked(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        key = key_service.authenticate(db.session, presented.strip(), utcnow()) if (
            scheme.lower() == "bearer") else None
        if key is None:
            response, status = _error(401, {"api_key": (
                "Send a valid API key as 'Authorization: Bearer <key>'; ask the council's "
                "administrator for one")})
            response.headers["WWW-Authenticate"] = 'Bearer realm="supplier_dd"'
            return response, status
        g.api_key = key
        act_for_council_of(key.council_id)
        return view(*args, **kwargs)

    return api_key_checked(checked)


def _text(body: dict, name: str, errors: dict[str, str]) -> str:
    longest, multiline, required = TEXT_FIELDS[name]
    value = body.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = f"‘{name}’ must be text"
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = f"‘{name}’ is required"
    elif problem := control_character_problem(f"‘{name}’", value, multiline=multiline):
        errors[name] = problem
    elif len(value) > longest:
        errors[name] = f"‘{name}’ must be {longest} characters or fewer"
    return value


def _value(body: dict, errors: dict[str, str]) -> Decimal | None:
    raw = body.get("value")
    if raw is None or raw == "":
        errors["value"] = "‘value’ is required: the estimated value in pounds, like 250000"
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        errors["value"] = "‘value’ must be a number of pounds, like 250000"
        return None
    try:
        return parse_estimated_value(str(raw))
    except ValueError as error:
        errors["value"] = str(error)
        return None


def _closing_date(body: dict, errors: dict[str, str]) -> date | None:
    raw = body.get("closing_date")
    if raw is None or raw == "":
        errors["closing_date"] = "‘closing_date’ is required, as YYYY-MM-DD"
        return None
    if isinstance(raw, str) and len(raw) == 10:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    errors["closing_date"] = "‘closing_date’ must be a real date as YYYY-MM-DD, like 2026-03-31"
    return None


def _details(body: Any, reference: str | None = None) -> service.TenderDetails:
    """The tender's details from the JSON body, or every problem with them by field."""
    if not isinstance(body, dict):
        raise FieldErrors({"body": "Send a JSON object with the tender's fields "
                                   "(Content-Type: application/json)"})
    errors = {name: f"‘{name}’ is not a field of a tender" for name in body if name not in FIELDS}
    if reference is not None and not body.get("reference"):
        body = {**body, "reference": reference}
    text = {name: _text(body, name, errors) for name in TEXT_FIELDS}
    if text["cpv_code"] and "cpv_code" not in errors:
        text["cpv_code"] = "".join(text["cpv_code"].split())
        try:
            check_cpv_code(text["cpv_code"])
        except ValueError as error:
            errors["cpv_code"] = str(error)
    if not text["category"] and not text["cpv_code"] and "cpv_code" not in errors:
        errors["category"] = "Give a ‘category’ or a ‘cpv_code’"
    value = _value(body, errors)
    closing_date = _closing_date(body, errors)
    if errors:
        raise FieldErrors(errors)
    return service.TenderDetails(value=value, closing_date=closing_date, **text)


def tender_json(tender: Tender) -> dict:
    return {
        "id": tender.id, "reference": tender.reference, "title": tender.title,
        "description": tender.description, "category": tender.category,
        "cpv_code": tender.cpv_code,
        "value": f"{tender.value:.2f}" if tender.value is not None else None,
        "procurement_route": tender.procurement_route, "risk_tier": tender.risk_tier,
        "closing_date": tender.closing_date.isoformat() if tender.closing_date else None,
        "lot": tender.lot, "status": tender.status,
        "url": url_for("tenders.show", tender_id=tender.id, _external=True),
    }


def _answer(tender: Tender, status: int, created: bool | None = None):
    body = {"tender": tender_json(tender)}
    if created is not None:
        body["created"] = created
    response = jsonify(body)
    response.headers["Location"] = url_for("api.tender", reference=tender.reference)
    return response, status


def _actor():
    return key_service.actor_for(g.api_key, request.remote_addr)


@bp.route("/tenders", methods=["POST"])
@limiter.limit(RATE_LIMIT)
@key_required
def create_tender():
    """Create a tender; sent again with a reference already on record (a retry), it answers
    200 with the tender as it is and changes nothing (PUT changes a tender)."""
    try:
        details = _details(request.get_json(silent=True))
        existing = service.tender_by_reference(db.session, details.reference)
        if existing is not None:
            db.session.commit()  # the key's last use
            return _answer(existing, 200, created=False)
        tender = service.create_tender(db.session, details, utcnow(), _actor())
        db.session.commit()
    except FieldErrors as error:
        db.session.rollback()
        return _error(error.status, error.errors)
    except InvalidField as error:
        db.session.rollback()
        return _error(400, {error.field: str(error)})
    except IntegrityError:
        # The same tender sent twice at once: the other copy created it.
        db.session.rollback()
        existing = service.tender_by_reference(db.session, details.reference)
        if existing is None:
            raise
        return _answer(existing, 200, created=False)
    return _answer(tender, 201, created=True)


@bp.route("/tenders/<path:reference>", methods=["GET", "PUT"])
@limiter.limit(RATE_LIMIT)
@key_required
def tender(reference: str):
    """Read a tender by its reference, or replace its details (every field, as for a create;
    `reference` may be left out to keep it)."""
    found = service.tender_by_reference(db.session, reference)
    if found is None:
        db.session.commit()
        return _error(404, {"reference": f"No tender has the reference {reference}"})
    if request.method == "GET":
        db.session.commit()
        return _answer(found, 200)
    try:
        details = _details(request.get_json(silent=True), reference=found.reference)
        locked = service.locked(db.session, found.id)
        service.update_tender(db.session, locked, details, utcnow(), _actor())
        db.session.commit()
    except FieldErrors as error:
        db.session.rollback()
        return _error(error.status, error.errors)
    except InvalidField as error:
        db.session.rollback()
        return _error(400, {error.field: str(error)})
    except ServiceError as error:  # the tender's state refuses it (awarded)
        db.session.rollback()
        return _error(409, {"status": str(error)})
    return _answer(locked, 200)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return _error(error.code or 500, {"request": error.description or error.name})


@bp.errorhandler(Exception)
def unexpected_error(error: Exception):
    current_app.logger.exception("Unhandled API error")
    db.session.rollback()
    return _error(500, {"request": "Sorry, there is a problem with the service; try again later"})
