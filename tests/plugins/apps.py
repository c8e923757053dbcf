"""Building a real app for tests, configured the way an operator would: through settings."""

from __future__ import annotations

from pathlib import Path

from jinja2 import MemcachedBytecodeCache

from supplier_dd import create_app
from supplier_dd.config import load_settings


class _ProcessMemory(dict):
    """The get/set a memcached client offers, kept in this process."""

    def set(self, key, value, timeout=None):
        self[key] = value


# Each test builds its own app, whose Jinja environment would compile every template it renders
# again (about 0.2 s a test, a tenth of the suite); compiled templates are shared instead. Jinja
# keys them by name and checks the source, so a changed template is compiled afresh.
_COMPILED_TEMPLATES = MemcachedBytecodeCache(_ProcessMemory())


def make_test_app(database_url: str, tmp_dir: Path, env: dict | None = None, **flask_config):
    base_env = {
        "SUPPLIER_DD_ENV": "test",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SUPPLIER_DD_UPLOAD_DIR": str(tmp_dir / "uploads"),
        # Nothing listens here unless a test starts the SMTP fixture, which replaces it.
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": "9",
        "SUPPLIER_DD_DEMO_PASSWORD": "demo-password-for-tests",
        # Staff sign in with a password alone here, so the hundreds of tests that sign in as an
        # officer need not also enrol an authenticator; the two-factor tests set "required"
        # (tests/web/test_two_factor.py, tests/e2e/test_two_factor_browser.py).
        "SUPPLIER_DD_STAFF_MFA": "optional",
    }
    base_env.update(env or {})
    settings = load_settings(base_env, instance_path=str(tmp_dir / "instance"))
    config = {
        "SUPPLIER_DD_SETTINGS": settings,
        "INSTANCE_PATH": str(tmp_dir / "instance"),
        "TESTING": True,
    }
    config.update(flask_config)
    app = create_app(config)
    app.jinja_env.bytecode_cache = _COMPILED_TEMPLATES
    return app
