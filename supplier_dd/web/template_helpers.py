"""Values and filters every template can use."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from supplier_dd.domain.organisations import TURNOVER_BANDS, country_name
from supplier_dd.domain.ppn import industry_label
from supplier_dd.domain.roles import Permission, can
from supplier_dd.reports import charts
from supplier_dd.services.two_factor import must_enrol
from supplier_dd.web.council_scope import header_council

# (label, endpoint, permission): the service navigation shows what the person may open.
NAVIGATION = [
    ("Your organisation", "supplier.home", Permission.SUPPLIER_PORTAL),
    ("Council requests", "supplier_risk.requests", Permission.SUPPLIER_PORTAL),
    # Tell us once (issue 17): every council that asks, and what the supplier shares with it.
    ("Councils you work with", "sharing.councils", Permission.SUPPLIER_PORTAL),
    ("Risk", "risk.dashboard", Permission.VIEW_RISK),
    ("Corrective actions", "corrective_actions.index", Permission.VIEW_RISK),
    ("Suppliers", "officer.suppliers", Permission.VIEW_SUPPLIERS),
    ("Contracts", "officer.contracts", Permission.VIEW_SUPPLIERS),
    ("Tenders", "tenders.index", Permission.VIEW_SUPPLIERS),
    ("Declarations", "officer_declarations.index", Permission.VIEW_SUPPLIERS),
    ("Programme", "programme.index", Permission.VIEW_PROGRAMME),
    ("Cabinet packs", "reports.cabinet_packs", Permission.VIEW_REPORTS),
    ("Imports", "imports.index", Permission.IMPORT_CONTRACTS),
    ("Users", "admin.users", Permission.MANAGE_USERS),
    ("API keys", "api_keys.index", Permission.MANAGE_USERS),
    ("Email", "reminders.outbox", Permission.MANAGE_OUTBOX),
    ("Audit log", "admin.audit_log", Permission.VIEW_AUDIT_LOG),
    ("Councils", "consortium.index", Permission.MANAGE_COUNCILS),
    ("Your email settings", "account.notifications_page", Permission.SIGNED_IN),
    # Where they are signed in, and two-step sign-in (issue 18).
    ("Sign-in and security", "account.sessions_page", Permission.SIGNED_IN),
]


# Pages reached from a navigation item but living elsewhere in the URL space: a council query
# or corrective action (/supplier/queries/..., /supplier/actions/...) is a council request.
SECTION_OF_BLUEPRINT = {"supplier_risk": "supplier_risk.requests"}


def _under(path: str, href: str) -> bool:
    return path == href or path.startswith(href.rstrip("/") + "/")


def navigation():
    """The items the person may open; one is marked as the section they are in: the item for
    the page's blueprint if it has one, else the item whose address is the longest start of
    the page's ('/supplier/' holds every supplier page, so it must not win over
    '/supplier/council-requests')."""
    if not current_user.is_authenticated:
        return []
    if must_enrol(current_user, current_app.config["SUPPLIER_DD_SETTINGS"].staff_mfa):
        return []  # every link would lead back to setting up two-step sign-in (issue 18)
    items = [{"text": label, "href": url_for(endpoint), "endpoint": endpoint}
             for label, endpoint, permission in NAVIGATION if can(current_user.role, permission)]
    section = SECTION_OF_BLUEPRINT.get(request.blueprint or "")
    holding = [item for item in items if item["endpoint"] == section] or sorted(
        (item for item in items if _under(request.path, item["href"])),
        key=lambda item: len(item["href"]), reverse=True)
    if holding:
        current = holding[0]
        current["current" if request.path == current["href"] else "active"] = True
    return items


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y} at {value:%H:%M}"


def format_money(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    return f"£{value:,.0f}"


def turnover_label(code: str | None) -> str:
    return dict(TURNOVER_BANDS).get(code or "", "Not known")


def init_app(app: Flask) -> None:
    app.add_template_global(navigation)
    app.add_template_global(can)
    app.add_template_global(Permission)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(country_name, "country")
    app.add_template_filter(industry_label, "ppn_industry")

    app.add_template_global(turnover_label)
    app.add_template_global(charts.layout, "chart_layout")

    def _header_name(settings) -> str:
        council = header_council()
        if council is not None:
            return council.header_text
        # Pages for no one council (a supplier contact's or a consortium admin's in a
        # partnership) name the partnership, not whichever council was the first.
        return settings.partnership_name or settings.council_name

    @app.context_processor
    def service_globals():
        settings = app.config["SUPPLIER_DD_SETTINGS"]
        return {
            "service_name": "Supplier due diligence",
            "council_name": _header_name(settings),
            "accessibility_email": settings.accessibility_email,
            "accessibility_phone": settings.accessibility_phone,
            "invitation_hours": settings.invitation_valid_hours,
            "session_seconds": settings.session_minutes * 60,
        }
