"""Administration: accounts, roles and the audit log."""

import io

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from supplier_dd.domain.audit_chain import canonical_json
from supplier_dd.domain.roles import Permission, Role
from supplier_dd.extensions import db
from supplier_dd.infrastructure.spreadsheets import CsvWriter
from supplier_dd.models import User
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, audit
from supplier_dd.services.users import STAFF_ROLES, set_active, set_role, unlock
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.paging import page_number

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50
AUDIT_COLUMNS = ["sequence", "occurred_at", "actor_email", "actor_role", "action", "object_type",
                 "object_id", "ip_address", "before", "after", "details", "previous_hash",
                 "entry_hash"]


@bp.route("/users")
@requires(Permission.MANAGE_USERS)
def users():
    page = page_number(request.args)
    total = db.session.scalar(select(func.count(User.id)))
    rows = db.session.scalars(
        select(User)
        .options(selectinload(User.supplier))
        .order_by(User.role, User.email)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return render_template("admin/users.html", users=rows, total=total, page=page,
                           per_page=PER_PAGE, now=utcnow())


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def unlock_user(user_id: int):
    user = db.get_or_404(User, user_id)
    unlock(user)
    audit.record(db.session, "user.unlocked", request_actor(), utcnow(), object_type="user",
                 object_id=user.id)
    db.session.commit()
    flash(f"{user.email} can sign in again")
    return redirect(url_for("admin.users"))


ROLE_LABELS = {
    Role.OFFICER.value: ("Officer", "Procurement: suppliers, declarations, risk review."),
    Role.LEGAL.value: ("Legal", "Reads supplier records and builds the Cabinet pack."),
    Role.SAFEGUARDING.value: ("Safeguarding", "Reads and records referrals."),
    Role.ADMIN.value: ("Admin", "Accounts, roles, the audit log and everything else."),
}


def _render_user(user: User, errors: dict[str, str] | None = None, status: int = 200):
    errors = errors or {}
    return render_template(
        "admin/user.html", user=user, roles=[(r, *ROLE_LABELS[r]) for r in STAFF_ROLES],
        errors=errors, error_list=[{"text": v, "href": f"#{k}"} for k, v in errors.items()],
        is_self=user.id == current_user.id, now=utcnow(), title=f"Account {user.email}",
    ), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user(user_id: int):
    """One account: change a staff member's role (POST), audited with before and after."""
    account = db.get_or_404(User, user_id)
    if request.method == "GET":
        return _render_user(account)
    role = request.form.get("role", "")
    if role not in STAFF_ROLES and account.role != Role.SUPPLIER.value:
        return _render_user(account, {"role": "Select a role for this account"}, 400)
    try:
        changed = set_role(db.session, account, role, by=current_user, actor=request_actor(),
                           now=utcnow())
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        return _render_user(account, {"role": str(error)}, 400)
    flash(f"{account.email} is now {ROLE_LABELS[account.role][0].lower()}" if changed
          else f"{account.email} already had that role; nothing changed")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def set_user_active(user_id: int):
    account = db.get_or_404(User, user_id)
    wanted = request.form.get("active", "")
    if wanted not in ("yes", "no"):
        abort(400)
    try:
        changed = set_active(db.session, account, wanted == "yes", by=current_user,
                             actor=request_actor(), now=utcnow())
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        return _render_user(account, {"active": str(error)}, 400)
    if changed:
        flash(f"{account.email} can sign in again" if account.active
              else f"{account.email} is deactivated and signed out everywhere")
    return redirect(url_for("admin.user", user_id=account.id))


def _audit_filter() -> audit.AuditFilter:
    args = request.args
    return audit.AuditFilter(
        action=args.get("action", "")[:80],
        actor=args.get("actor", "")[:254],
        object_type=args.get("object_type", "")[:60],
        object_id=args.get("object_id", "")[:60],
    )


@bp.route("/audit")
@requires(Permission.VIEW_AUDIT_LOG)
def audit_log():
    wanted = _audit_filter()
    page = page_number(request.args)
    rows, total = audit.search(db.session, wanted, page, PER_PAGE)
    filters = {k: v for k, v in vars(wanted).items() if v}
    return render_template(
        "admin/audit.html", entries=rows, total=total, page=page, per_page=PER_PAGE,
        wanted=wanted, filters=filters, actions=audit.actions(db.session),
    )


@bp.route("/audit/export.csv")
@requires(Permission.VIEW_AUDIT_LOG)
def audit_export():
    wanted = _audit_filter()

    def generate():
        buffer = io.StringIO()
        writer = CsvWriter(buffer)
        writer.writerow(AUDIT_COLUMNS)
        for entry in audit.export_rows(db.session, wanted):
            values = []
            for column in AUDIT_COLUMNS:
                value = getattr(entry, column)
                values.append(canonical_json(value) if isinstance(value, dict) else value)
            writer.writerow(values)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )
