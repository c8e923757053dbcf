"""Council staff signing in with their council's own identity provider (issue 18), and the
council admin's page that sets it up.

The flow is OpenID Connect's authorisation code flow with PKCE: `start` remembers a fresh state,
nonce and code verifier in the signed session cookie and sends the browser to the provider;
`callback` takes that state back once (a replayed or unknown state is refused), exchanges the
code, verifies the ID token (infrastructure/openid.py) and hands its claims to
services/single_sign_on.py, which gives or refuses the account. Every failure is a plain page,
a log line and an audit entry; nobody is signed in.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from supplier_dd.domain.roles import Permission, home_endpoint
from supplier_dd.extensions import db, limiter
from supplier_dd.infrastructure.openid import (
    OpenIdClient,
    OpenIdError,
    ProviderSettings,
    forget_provider,
)
from supplier_dd.models import Council, IdentityProvider
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, audit
from supplier_dd.services import single_sign_on as service
from supplier_dd.services.councils import council_by_short_name
from supplier_dd.web import user_sessions
from supplier_dd.web.access import public, requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.safe_redirects import safe_next
from supplier_dd.web.single_sign_on_forms import GroupRoleForm, IdentityProviderForm
from supplier_dd.web.staff_roles import role_label

log = logging.getLogger(__name__)
bp = Blueprint("single_sign_on", __name__)

PENDING_KEY = "sso_pending"
SIGNED_IN_KEY = "sso"
# A sign-in started and not finished within this is started again.
PENDING_MINUTES = 10
# More would only be someone starting sign-in in many tabs; the oldest are dropped.
PENDING_LIMIT = 5
# An ID token kept for the provider's sign-out only while the session cookie stays small.
ID_TOKEN_HINT_LIMIT = 2000


def _client(provider: IdentityProvider) -> OpenIdClient:
    return OpenIdClient(ProviderSettings(provider.issuer, provider.client_id,
                                         provider.client_secret))


def _redirect_uri(council: Council) -> str:
    return url_for("single_sign_on.callback", short_name=council.short_name, _external=True)


def _council_with_provider(short_name: str) -> tuple[Council, IdentityProvider]:
    council = council_by_short_name(db.session, short_name)
    provider = service.provider_of(db.session, council.id) if council is not None else None
    if provider is None or not provider.enabled:
        abort(404)
    return council, provider


def _failed(council: Council, reason: str, *, status: int, provider_down: bool = False):
    """The sign-in did not happen: a log line, an audit entry and a page saying what to do."""
    log.warning("single sign-on for %s failed: %s", council.short_name, reason)
    audit.record(db.session, "auth.sso_failed", request_actor(), utcnow(),
                 details={"council": council.short_name, "reason": reason[:500]},
                 council_id=council.id)
    db.session.commit()
    return render_template("auth/sso_problem.html", council=council,
                           provider_down=provider_down, title="You have not been signed in"
                           ), status


@bp.route("/sign-in/council/<short_name>")
@limiter.limit("30 per minute")
@public
def start(short_name: str):
    council, provider = _council_with_provider(short_name)
    now = utcnow()
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    try:
        url = _client(provider).authorization_url(_redirect_uri(council), state, nonce, verifier)
    except OpenIdError as error:
        return _failed(council, error.reason, status=502 if error.provider_down else 400,
                       provider_down=error.provider_down)
    pending = dict(session.get(PENDING_KEY) or {})
    pending[state] = {"council": council.short_name, "nonce": nonce, "verifier": verifier,
                      "started": now.isoformat(), "next": safe_next(request.args.get("next"))}
    session[PENDING_KEY] = dict(sorted(pending.items(),
                                       key=lambda item: item[1]["started"])[-PENDING_LIMIT:])
    return redirect(url)


def _take_pending(state: str, council: Council, now: datetime) -> dict | None:
    """The sign-in this state began, once: taken out of the session, so the same callback a
    second time (a replay) finds nothing. None if unknown, for another council, or too old."""
    pending = dict(session.get(PENDING_KEY) or {})
    entry = pending.pop(state, None) if state else None
    session[PENDING_KEY] = pending
    if entry is None or entry.get("council") != council.short_name:
        return None
    started = datetime.fromisoformat(entry["started"])
    if now - started > timedelta(minutes=PENDING_MINUTES):
        return None
    return entry


@bp.route("/sign-in/council/<short_name>/callback")
@limiter.limit("30 per minute")
@public
def callback(short_name: str):
    council, provider = _council_with_provider(short_name)
    now = utcnow()
    pending = _take_pending(request.args.get("state", ""), council, now)
    if pending is None and current_user.is_authenticated:
        # Back to the callback after signing in (the browser's back button): already in.
        return redirect(url_for(home_endpoint(current_user.role)))
    if pending is None:
        return _failed(council, "the sign-in state is unknown, already used or expired",
                       status=400)
    if request.args.get("error"):
        return _failed(council, f"the provider answered {request.args['error'][:100]}: "
                                f"{request.args.get('error_description', '')[:300]}", status=400)
    code = request.args.get("code")
    if not code:
        return _failed(council, "the provider sent no code", status=400)
    client = _client(provider)
    try:
        token = client.exchange_code(_redirect_uri(council), code, pending["verifier"])
        claims = client.verified_claims(token, pending["nonce"], now)
    except OpenIdError as error:
        return _failed(council, error.reason, status=502 if error.provider_down else 400,
                       provider_down=error.provider_down)
    actor = request_actor()
    try:
        signed_in = service.sign_in_from_claims(db.session, provider, claims, now, actor)
    except service.SignInRefused as refused:
        log.warning("single sign-on for %s refused %s: %s", council.short_name,
                    claims.get("email"), refused.reason)
        audit.record(db.session, "auth.sso_refused", actor, now,
                     details={"council": council.short_name, "email": claims.get("email"),
                              "reason": refused.reason[:500]}, council_id=council.id)
        db.session.commit()
        return render_template("auth/sso_no_access.html", council=council, kind=refused.kind,
                               title="You cannot use this service yet"), 403
    user = signed_in.user
    audit.record(db.session, "auth.sign_in", request_actor(user), now, object_type="user",
                 object_id=user.id, details={"method": "single sign-on",
                                             "issuer": provider.issuer},
                 council_id=council.id)
    token_record = user_sessions.begin(user, now)
    db.session.commit()
    user_sessions.sign_in_browser(user, token_record)
    id_token = token.get("id_token", "")
    session[SIGNED_IN_KEY] = {
        "council": council.short_name,
        "id_token": id_token if len(id_token) <= ID_TOKEN_HINT_LIMIT else None}
    if signed_in.previous_role:
        flash(f"Your role is now {role_label(user.role)}: your groups at "
              f"{council.name} changed")
    return redirect(pending.get("next") or url_for(home_endpoint(user.role)))


def provider_sign_out_url(signed_in: dict | None) -> str | None:
    """Where the browser goes to sign out of the council's provider as well, once signed out
    here (RP-initiated logout); None for a password sign-in or a provider without it."""
    if not signed_in:
        return None
    council = council_by_short_name(db.session, signed_in.get("council"))
    provider = service.provider_of(db.session, council.id) if council is not None else None
    if provider is None or not provider.enabled:
        return None
    return _client(provider).logout_url(signed_in.get("id_token"),
                                        url_for("auth.sign_in", _external=True))


SIGN_OUT_KEY = "provider_sign_out"


def remember_provider_sign_out(url: str) -> str:
    """Keep the provider's sign-out address for the signed-out page, and return that page's.
    The browser is not redirected to the provider from the sign-out form itself: the pages'
    CSP lets forms lead only to this site (form-action 'self'), so the person follows a link."""
    session[SIGN_OUT_KEY] = url
    return url_for("single_sign_on.signed_out")


@bp.route("/signed-out")
@public
def signed_out():
    url = session.pop(SIGN_OUT_KEY, None)
    if not url:
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/signed_out.html", provider_sign_out=url,
                           title="You have signed out")


# --- The council admin's settings ------------------------------------------------------------


def _own_council() -> Council:
    council = db.session.get(Council, current_user.council_id) if current_user.council_id \
        else None
    if council is None:
        abort(404)
    return council


def _render_settings(council: Council, form: IdentityProviderForm, group_form: GroupRoleForm,
                     status: int = 200):
    return render_template(
        "admin/single_sign_on.html", council=council, form=form, group_form=group_form,
        provider=service.provider_of(db.session, council.id),
        groups=service.group_roles(db.session, council.id), role_label=role_label,
        redirect_uri=_redirect_uri(council),
        sign_out_uri=url_for("auth.sign_in", _external=True),
        title="Single sign-on"), status


@bp.route("/admin/council/single-sign-on", methods=["GET", "POST"])
@requires(Permission.MANAGE_COUNCIL_SETTINGS)
def settings():
    council = _own_council()
    provider = service.provider_of(db.session, council.id)
    form = IdentityProviderForm(obj=provider)
    if request.method == "GET" and provider is not None:
        form.enabled.data = "yes" if provider.enabled else "no"
    if form.validate_on_submit():
        values = service.ProviderValues(
            issuer=form.issuer.data, client_id=form.client_id.data,
            client_secret=form.client_secret.data or None,
            allowed_domains=form.allowed_domains.data or "",
            groups_claim=form.groups_claim.data or "", enabled=form.enabled.data == "yes")
        problem = _provider_problem(values, provider)
        if problem:
            form.issuer.errors = [problem]
        else:
            try:
                service.save_provider(db.session, council.id, values, request_actor(), utcnow())
            except ServiceError as error:
                db.session.rollback()
                form.issuer.errors = [str(error)]
            else:
                db.session.commit()
                forget_provider(values.issuer.strip())
                flash("Single sign-on is saved" + (": staff can sign in with it"
                                                   if values.enabled else ""))
                return redirect(url_for("single_sign_on.settings"))
        return _render_settings(council, form, GroupRoleForm(formdata=None), 400)
    return _render_settings(council, form, GroupRoleForm(formdata=None),
                            400 if form.errors else 200)


def _provider_problem(values: service.ProviderValues, provider: IdentityProvider | None
                      ) -> str | None:
    """Before staff are sent to it, the provider must answer as the issuer entered: a typo in
    the issuer is found here, not by the first person signing in."""
    if not values.enabled or service.issuer_problem(values.issuer):
        return None
    issuer = values.issuer.strip()
    forget_provider(issuer)
    secret = values.client_secret or (provider.client_secret if provider else "")
    try:
        OpenIdClient(ProviderSettings(issuer, values.client_id, secret)).metadata()
    except OpenIdError as error:
        return f"The provider could not be checked, so single sign-on is not turned on: " \
               f"{error.reason}"
    return None


@bp.route("/admin/council/single-sign-on/groups", methods=["POST"])
@requires(Permission.MANAGE_COUNCIL_SETTINGS)
def add_group():
    council = _own_council()
    group_form = GroupRoleForm()
    if group_form.validate_on_submit():
        try:
            service.map_group(db.session, council.id, group_form.group_name.data,
                              group_form.role.data, request_actor(), utcnow())
        except ServiceError as error:
            db.session.rollback()
            group_form.group_name.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"{group_form.group_name.data.strip()} now gives the role "
                  f"{role_label(group_form.role.data)}")
            return redirect(url_for("single_sign_on.settings"))
    provider = service.provider_of(db.session, council.id)
    form = IdentityProviderForm(formdata=None, obj=provider)
    if provider is not None:
        form.enabled.data = "yes" if provider.enabled else "no"
    return _render_settings(council, form, group_form, 400)


@bp.route("/admin/council/single-sign-on/groups/<int:mapping_id>/remove", methods=["POST"])
@requires(Permission.MANAGE_COUNCIL_SETTINGS)
def remove_group(mapping_id: int):
    council = _own_council()
    try:
        service.unmap_group(db.session, council.id, mapping_id, request_actor(), utcnow())
    except ServiceError as error:
        db.session.rollback()
        flash(str(error))
    else:
        db.session.commit()
        flash("The group no longer gives a role. People in it lose access at their next "
              "sign-in.")
    return redirect(url_for("single_sign_on.settings"))

