from __future__ import annotations

import pytest

from supplier_dd.extensions import db as _db
from tests.plugins.apps import make_test_app

pytest_plugins = [
    "tests.plugins.databases",
    "tests.plugins.smtp",
    "tests.plugins.live_server",
    "tests.plugins.browser",
]


@pytest.fixture
def app_env():
    """Extra environment for the app under test; tests override this fixture or extend it."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_env, request):
    env = dict(app_env)
    if "smtp_server" in request.fixturenames:
        env.update(request.getfixturevalue("smtp_server").env)
    application = make_test_app(database_url, tmp_path, env)
    with application.app_context():
        yield application
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def session(app):
    return _db.session


@pytest.fixture
def client(app):
    from tests.helpers import FormClient

    app.test_client_class = FormClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
