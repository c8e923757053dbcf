"""Who is acting, as the audit log needs it, from the current request."""

from flask import request
from flask_login import current_user

from supplier_dd.services.audit import Actor


def request_actor(user=None) -> Actor:
    return Actor.of(user if user is not None else current_user, request.remote_addr)
