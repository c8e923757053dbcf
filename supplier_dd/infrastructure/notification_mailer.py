"""The notifications' Mailer for an app: its templates, its council's name and absolute links.

The council named is the one the session acts for when the mailer is made (the signed-in staff
member's, or the one a scheduler job is working through), else the deployment's name.

Links are built from the app's URL map and SUPPLIER_DD_BASE_URL, not from a request, so views,
scheduler jobs and background pack builds all link to the same public address.
"""

from __future__ import annotations

from flask import Flask, has_app_context

from supplier_dd.config import Settings
from supplier_dd.infrastructure.mail import render_email
from supplier_dd.services.notifications import Mailer


def mailer_for(app: Flask) -> Mailer:
    settings: Settings = app.config["SUPPLIER_DD_SETTINGS"]
    urls = app.url_map.bind("localhost")

    def link(endpoint: str, **values) -> str:
        return settings.base_url + urls.build(endpoint, values)

    def render(template: str, **context):
        if has_app_context():
            return render_email(template, **context)
        with app.app_context():  # a background pack build may hold none
            return render_email(template, **context)

    return Mailer(council_name=acting_council_name(settings), render=render, link=link)


def acting_council_name(settings: Settings) -> str:
    """The name of the council the app context's session acts for, else the deployment's."""
    if not has_app_context():
        return settings.council_name
    from supplier_dd.extensions import db
    from supplier_dd.services.councils import council_name_for

    return council_name_for(db.session, settings.council_name)
