"""supplier_dd: modern-slavery due diligence on a council's suppliers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from supplier_dd.config import Settings, load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the web application. `config` overrides Flask settings (tests use it)."""
    config = dict(config or {})
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=config.pop("INSTANCE_PATH", None) or str(PROJECT_ROOT / "instance"),
    )
    settings = config.pop("SUPPLIER_DD_SETTINGS", None) or load_settings(
        instance_path=app.instance_path
    )
    app.config.update(settings.flask_config())
    app.config.update(config)
    register_instance_folder(app, settings)
    register_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_security(app)
    register_errorhandlers(app)
    register_commands(app)
    register_scheduler(app)
    return app


def settings_of(app: Flask) -> Settings:
    return app.config["SUPPLIER_DD_SETTINGS"]


def register_instance_folder(app: Flask, settings: Settings) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(settings.upload_dir).mkdir(parents=True, exist_ok=True)
    from supplier_dd.services import audit_key

    audit_key.init_app(app, settings)  # generated into the instance folder outside production


def register_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    from supplier_dd.web import template_helpers

    template_helpers.init_app(app)


def register_extensions(app: Flask) -> None:
    from supplier_dd import database
    from supplier_dd.extensions import csrf, db, limiter, login_manager, migrate

    database.configure_engine_options(app)
    db.init_app(app)
    database.attach_connection_settings(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    from supplier_dd.web import auth

    auth.init_login_manager(login_manager)


def register_blueprints(app: Flask) -> None:
    from supplier_dd.web import blueprints, url_ids

    url_ids.init_app(app)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)


def register_security(app: Flask) -> None:
    from supplier_dd.web import (
        access,
        council_scope,
        input_guard,
        proxies,
        security_headers,
        user_sessions,
    )

    proxies.init_app(app)
    security_headers.init_app(app)
    input_guard.init_app(app)
    user_sessions.init_app(app)
    council_scope.init_app(app)  # after the session check has settled who is signed in
    access.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from supplier_dd.web import errors

    errors.init_app(app)


def register_scheduler(app: Flask) -> None:
    """Off by default: the scheduler normally runs as its own process (`scheduler run`)."""
    from supplier_dd.jobs import scheduler

    app.extensions["supplier_dd_scheduler"] = scheduler.start_in_background(app)


def register_commands(app: Flask) -> None:
    from supplier_dd import cli

    cli.init_app(app)
