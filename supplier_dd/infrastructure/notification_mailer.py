"""The notifications' Mailer for an app: its templates, its council's name and absolute links.

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

    return Mailer(council_name=settings.council_name, render=render, link=link)
