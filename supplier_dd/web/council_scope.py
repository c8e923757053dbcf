"""Every request by council staff acts for their council (models.tenancy does the filtering),
and pages name the council of whoever is signed in (issue 17)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, g, has_request_context, stream_with_context
from flask_login import current_user

from supplier_dd.domain.roles import Role
from supplier_dd.extensions import db
from supplier_dd.models import Council
from supplier_dd.models.tenancy import act_for, acting_council, only_council_id


def _act_for_signed_in_council() -> None:
    council_id = getattr(current_user, "council_id", None) if (
        current_user.is_authenticated) else None
    g.council_before_request = acting_council(db.session)
    act_for(db.session, council_id)


def _stop_acting(_error=None) -> None:
    # The session can outlive the request (a test's, or a command's app context).
    if "council_before_request" in g:
        act_for(db.session, g.pop("council_before_request"))


def act_for_council_of(council_id: int) -> None:
    """For callers that are not a signed-in person: an API key acts for its council."""
    act_for(db.session, council_id)


def stream_for_council(chunks: Iterator) -> Iterator:
    """A streamed body (a CSV export) for the council the request acts for. Flask runs the
    request's teardown, which stops acting for the council, before the body is read: without
    this the rows would be read for every council."""
    council_id = acting_council(db.session)

    def body():
        previous = acting_council(db.session)
        act_for(db.session, council_id)
        try:
            yield from chunks
        finally:
            act_for(db.session, previous)

    return stream_with_context(body())


def header_council() -> Council | None:
    """The council the header names: the signed-in staff member's, else the only council of a
    single-council deployment (a partnership's shared pages name the service instead)."""
    if "header_council" not in g:
        # An email rendered by a command or the scheduler has no request and no one signed in.
        user = current_user if has_request_context() and current_user.is_authenticated \
            else None
        if user is not None and user.role == Role.CONSORTIUM_ADMIN:
            # Works for the partnership, not for its only council (if that is all there is).
            council_id = None
        else:
            council_id = getattr(user, "council_id", None) or only_council_id(db.session)
        g.header_council = db.session.get(Council, council_id) if council_id else None
    return g.header_council


def init_app(app: Flask) -> None:
    app.before_request(_act_for_signed_in_council)
    app.teardown_request(_stop_acting)
