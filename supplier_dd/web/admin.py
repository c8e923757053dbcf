"""Administration: accounts, roles, invitations, the outbox's messages and the audit log."""

import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from supplier_dd.domain.audit_chain import canonical_json
from supplier_dd.domain.audit_diff import field_changes
from supplier_dd.domain.roles import Permission, Role
from supplier_dd.domain.secret_links import hide_link_tokens
from supplier_dd.extensions import db, talisman
from supplier_dd.infrastructure.mail import render_email
from supplier_dd.infrastructure.spreadsheets import CsvWriter
from supplier_dd.models import Invitation, OutboxMessage, User
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, audit, two_factor, user_sessions
from supplier_dd.services import invitations as invitations_service
from supplier_dd.services import outbox as outbox_service
from supplier_dd.services.users import STAFF_ROLES, set_active, set_role, unlock
from supplier_dd.web import user_sessions as web_sessions
from supplier_dd.web.access import requires
from supplier_dd.web.admin_forms import AuditFilterForm, StaffAccountForm
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.council_scope import stream_for_council
from supplier_dd.web.flashes import flash_refusal
from supplier_dd.web.invitation_mail import queue_invitation, send_now
from supplier_dd.web.paging import page_number
from supplier_dd.web.staff_roles import role_label, staff_role_choices

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.app_template_global()(role_label)
bp.app_template_global()(field_changes)
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
    waiting = db.session.scalar(select(func.count(Invitation.id)).where(
        Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None)))
    return render_template("admin/users.html", users=rows, total=total, page=page,
                           per_page=PER_PAGE, now=utcnow(), waiting_invitations=waiting)


def _invitation_hours() -> int:
    return current_app.config["SUPPLIER_DD_SETTINGS"].invitation_valid_hours


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new_staff_account():
    """A council staff account: the person sets their own password from the invitation."""
    form = StaffAccountForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            invitation, token = invitations_service.create_staff_invitation(
                db.session, form.email.data, form.name.data, form.role.data, current_user,
                now, _invitation_hours())
        except ServiceError as error:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(error)]
        else:
            if token is None:  # the same press arriving twice: the first one sent it
                db.session.rollback()
                flash(f"Invitation sent to {invitation.email}")
                return redirect(url_for("admin.invitations"))
            audit.record(db.session, "invitation.created", request_actor(), now,
                         object_type="invitation", object_id=invitation.id,
                         after={"email": invitation.email, "name": invitation.name,
                                "role": invitation.role, "expires_at": invitation.expires_at})
            key = queue_invitation(invitation, token)
            db.session.commit()
            flash(send_now(key, invitation.email))
            return redirect(url_for("admin.invitations"))
    return render_template("admin/new_staff_account.html", form=form,
                           role_hints=StaffAccountForm.role_hints())


@bp.route("/invitations")
@requires(Permission.MANAGE_USERS)
def invitations():
    return render_template("admin/invitations.html",
                           invitations=invitations_service.pending_invitations(db.session),
                           now=utcnow())


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def resend_invitation(invitation_id: int):
    """A new link by email; the old one stops working. The form carries the send count the page
    showed, so a double click sends one email."""
    seen = request.form.get("send_count", "")
    if not seen.isdigit() or len(seen) > 6:
        abort(400)
    if db.session.get(Invitation, invitation_id) is None:
        abort(404)
    try:
        invitation, token = invitations_service.resend_invitation(
            db.session, invitation_id, int(seen), actor=request_actor(), now=utcnow(),
            valid_hours=_invitation_hours())
    except ServiceError as error:
        db.session.rollback()
        flash_refusal(str(error))
        return redirect(url_for("admin.invitations"))
    if token is None:
        db.session.rollback()
        flash(f"A new invitation was sent to {invitation.email}; the link in any earlier "
              "email no longer works")
        return redirect(url_for("admin.invitations"))
    key = queue_invitation(invitation, token)
    db.session.commit()
    outcome = send_now(key, invitation.email)
    flash(f"{outcome}. The link in any earlier email no longer works"
          if outcome.startswith("Invitation sent") else outcome)
    return redirect(url_for("admin.invitations"))


@bp.route("/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def withdraw_invitation(invitation_id: int):
    if db.session.get(Invitation, invitation_id) is None:
        abort(404)
    try:
        invitation = invitations_service.withdraw_invitation(
            db.session, invitation_id, actor=request_actor(), now=utcnow())
    except ServiceError as error:
        db.session.rollback()
        flash_refusal(str(error))
        return redirect(url_for("admin.invitations"))
    db.session.commit()
    flash(f"The invitation to {invitation.email} is withdrawn: its link no longer works")
    return redirect(url_for("admin.invitations"))


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


def _render_user(user: User, errors: dict[str, str] | None = None, status: int = 200):
    errors = errors or {}
    return render_template(
        "admin/user.html", user=user, roles=staff_role_choices(),
        errors=errors, error_list=[{"text": v, "href": f"#{k}"} for k, v in errors.items()],
        is_self=user.id == current_user.id, now=utcnow(), title=f"Account {user.email}",
        two_factor_on=two_factor.is_enrolled(user),
        open_sessions=len(user_sessions.live_sessions_of(db.session, user.id, utcnow(),
                                                         web_sessions.idle_limit())),
    ), status


def _email_second_step_reset(account: User, now) -> None:
    """Tell the person, through the outbox like every other email: if they did not ask for
    this, they should say so at once."""
    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    message = render_email("two_factor_reset", name=account.name, email=account.email,
                           council_name=settings.council_name,
                           link=settings.base_url + url_for("auth.sign_in"))
    outbox_service.enqueue(
        db.session, dedupe_key=f"two_factor_reset:{account.id}:{now.isoformat()}",
        kind="two_factor_reset", recipient=account.email, subject=message.subject,
        text=message.text, html=message.html, now=now)


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def reset_two_factor(user_id: int):
    account = db.get_or_404(User, user_id)
    now = utcnow()
    two_factor.admin_reset(db.session, account, now, actor=request_actor())
    _email_second_step_reset(account, now)
    db.session.commit()
    flash(f"{account.email}'s two-step sign-in is reset and they are signed out everywhere. "
          "They set it up again at their next sign-in.")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def end_user_sessions(user_id: int):
    """For a leaver or a lost device: every session of theirs ends now."""
    account = db.get_or_404(User, user_id)
    now = utcnow()
    count = user_sessions.end_sessions_of(db.session, account.id, now, two_factor.ENDED_BY_ADMIN)
    audit.record(db.session, "auth.session_ended", request_actor(), now, object_type="user",
                 object_id=account.id, details={"reason": two_factor.ENDED_BY_ADMIN,
                                                "sessions_ended": count,
                                                "email": account.email})
    db.session.commit()
    flash(f"{account.email} is signed out everywhere ({count} "
          f"{'session' if count == 1 else 'sessions'} ended)")
    return redirect(url_for("admin.user", user_id=account.id))


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
    flash(f"{account.email} is now {role_label(account.role).lower()}" if changed
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


# The query-string fields the audit filters read; paging and the CSV export carry them on.
AUDIT_FILTER_FIELDS = ("action", "actor", "object_type", "object_id", "date_from", "date_to")


def _audit_filter() -> tuple[AuditFilterForm, audit.AuditFilter | None, dict]:
    """The filter form as the query string filled it, the filter (None when a date is wrong,
    so nothing misleading is listed) and the arguments that repeat it in a link."""
    form = AuditFilterForm(request.args, actions=audit.actions(db.session))
    args = request.args
    repeat = {name: args.getlist(name) for name in AUDIT_FILTER_FIELDS
              if any(value.strip() for value in args.getlist(name))}
    if not form.validate():
        return form, None, repeat
    wanted = audit.AuditFilter(
        action=(form.action.data or "")[:80],
        actor=form.actor.data or "",
        object_type=args.get("object_type", "")[:60],
        object_id=form.object_id.data or "",
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    return form, wanted, repeat


@bp.route("/audit")
@requires(Permission.VIEW_AUDIT_LOG)
def audit_log():
    form, wanted, repeat = _audit_filter()
    if wanted is None:  # shown with its error messages, like any form sent with a mistake
        return render_template("admin/audit.html", form=form, entries=[], total=0, page=1,
                               per_page=PER_PAGE, filters=repeat)
    page = page_number(request.args)
    rows, total = audit.search(db.session, wanted, page, PER_PAGE)
    return render_template(
        "admin/audit.html", form=form, entries=rows, total=total, page=page, per_page=PER_PAGE,
        filters=repeat, changes={row.id: field_changes(row.before, row.after) for row in rows},
    )


@bp.route("/audit/export.csv")
@requires(Permission.VIEW_AUDIT_LOG)
def audit_export():
    form, wanted, repeat = _audit_filter()
    if wanted is None:
        return render_template("admin/audit.html", form=form, entries=[], total=0, page=1,
                               per_page=PER_PAGE, filters=repeat), 400

    def generate():
        buffer = io.StringIO()
        writer = CsvWriter(buffer, byte_order_mark=True)
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
        stream_for_council(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )


# An email's HTML shown to an admin runs nothing and loads nothing: the frame is sandboxed
# (no scripts, no origin of its own) and its policy refuses every fetch; inline styles, which
# emails are written with, are all it may use. Only this service's own pages may frame it.
EMAIL_FRAME_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                   "frame-ancestors 'self'; form-action 'none'; base-uri 'none'; sandbox")


@bp.route("/outbox/<int:message_id>")
@requires(Permission.MANAGE_OUTBOX)
def outbox_message(message_id: int):
    """One email as its recipient gets it (sign-in links hidden), with its delivery record."""
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template(
        "admin/outbox_message.html", message=message, text=hide_link_tokens(message.body_text),
        retryable=outbox_service.RETRYABLE,
    )


@bp.route("/outbox/<int:message_id>/email.html")
@requires(Permission.MANAGE_OUTBOX)
@talisman(frame_options="SAMEORIGIN", content_security_policy=EMAIL_FRAME_CSP,
          content_security_policy_nonce_in=[])
def outbox_message_html(message_id: int):
    """The HTML part alone, for the sandboxed frame on the message's page."""
    message = db.get_or_404(OutboxMessage, message_id)
    return Response(hide_link_tokens(message.body_html), mimetype="text/html")
