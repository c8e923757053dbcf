"""The supplier shares its declaration with another council that asks, and sees every council it
works with, where it can stop sharing (issue 17; services.sharing). Every lookup is the signed-in
contact's own organisation's: another supplier's requests are 404s."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.infrastructure.notification_mailer import mailer_for
from supplier_dd.models import Council, Declaration, DeclarationRequest
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import acting_for
from supplier_dd.services import ServiceError, notifications, sharing, supplier_councils
from supplier_dd.services.declarations import request_title
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.flashes import flash_refusal

bp = Blueprint("sharing", __name__, url_prefix="/supplier")

CONFIRM_SHARE = "Confirm that you want to share this declaration with {council}"
CONFIRM_STOP = "Confirm that you want to stop sharing with {council}"


def share_offer(declaration_request) -> Declaration | None:
    """What the supplier's home offers to share for a request: only while it is waiting."""
    waiting = sharing.waiting_request(db.session, declaration_request.id,
                                      current_user.supplier_id)
    return sharing.shareable_declaration(db.session, waiting) if waiting is not None else None


@bp.app_template_global()
def council_named(council_id: int) -> str:
    council = db.session.get(Council, council_id)
    return council.name if council is not None else ""


@bp.route("/requests/<int:request_id>/share", methods=["GET", "POST"])
@requires(Permission.SUPPLIER_PORTAL)
def share(request_id: int):
    waiting = sharing.waiting_request(db.session, request_id, current_user.supplier_id)
    if waiting is None:
        abort(404)
    declaration = sharing.shareable_declaration(db.session, waiting)
    if declaration is None:
        flash_refusal("You have no submitted declaration that answers this request: "
                      "start a new declaration")
        return redirect(url_for("supplier.home"))
    council = db.session.get(Council, waiting.council_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if request.form.get("confirm_share") != "yes":
            errors["confirm_share"] = CONFIRM_SHARE.format(council=council.name)
        elif str(declaration.id) != request.form.get("declaration_id", ""):
            # The supplier submitted a newer declaration since the page was shown.
            errors["confirm_share"] = ("Your declaration has changed since you opened this page: "
                                       "check what you are sharing and confirm again")
        else:
            # Read before the commit, which lets go of the rows.
            signed_on, council_name = f"{declaration.submitted_at:%-d %B %Y}", council.name
            try:
                sharing.share_declaration(db.session, request_id, declaration.id,
                                          current_user.supplier_id, current_user, utcnow(),
                                          request_actor())
                # The council's own officers, found acting for it.
                with acting_for(db.session, waiting.council_id):
                    notifications.declaration_shared(
                        db.session, db.session.get(DeclarationRequest, request_id),
                        mailer_for(current_app), utcnow())
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                flash_refusal(str(error))
                return redirect(url_for("supplier.home"))
            flash(f"You shared your declaration of {signed_on} with {council_name}")
            return redirect(url_for("sharing.councils"))
    return render_template(
        "supplier/share.html", declaration_request=waiting, declaration=declaration,
        council=council, request_title=request_title(waiting),
        made_for=request_title(declaration.request) if declaration.request else None,
        made_for_council=council_named(declaration.request.council_id)
        if declaration.request else None,
        evidence=list(declaration.evidence), errors=errors,
        error_list=[{"text": text, "href": f"#{field}"} for field, text in errors.items()],
        title=f"Share your declaration with {council.name}",
    )


@bp.route("/councils")
@requires(Permission.SUPPLIER_PORTAL)
def councils():
    rows = supplier_councils.councils_of_supplier(db.session, current_user.supplier_id,
                                                  utcnow().date())
    return render_template("supplier/councils.html", rows=rows, title="Councils you work with")


@bp.route("/councils/<int:council_id>/stop-sharing", methods=["GET", "POST"])
@requires(Permission.SUPPLIER_PORTAL)
def stop_sharing(council_id: int):
    row = supplier_councils.council_of_supplier(db.session, current_user.supplier_id, council_id,
                                      utcnow().date())
    if row is None or row.consent is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if request.form.get("confirm_stop") != "yes":
            errors["confirm_stop"] = CONFIRM_STOP.format(council=row.council.name)
        else:
            council_name = row.council.name
            try:
                sharing.withdraw_consent(db.session, current_user.supplier_id, council_id,
                                         current_user, utcnow(), request_actor())
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                flash_refusal(str(error))
            else:
                flash(f"You have stopped sharing with {council_name}. What you shared "
                      "before stays with them.")
            return redirect(url_for("sharing.councils"))
    return render_template(
        "supplier/stop_sharing.html", row=row, errors=errors,
        error_list=[{"text": text, "href": f"#{field}"} for field, text in errors.items()],
        title=f"Stop sharing with {row.council.name}",
    )
