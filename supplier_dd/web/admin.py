"""Administration: accounts and roles."""

from flask import Blueprint, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models import User
from supplier_dd.web.access import requires
from supplier_dd.web.paging import page_number

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


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
    return render_template("admin/users.html", users=rows, total=total, page=page, per_page=PER_PAGE)
