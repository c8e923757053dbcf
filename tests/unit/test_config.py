import re

import pytest

from supplier_dd.config import ConfigError, load_settings


def settings(**env):
    return load_settings({"SUPPLIER_DD_ENV": "test", **env}, instance_path="/tmp/x")


def test_defaults_use_sqlite_in_the_instance_folder():
    assert settings().database_url == "sqlite:////tmp/x/supplier_dd.sqlite3"


def test_postgres_urls_are_normalised_to_psycopg():
    assert settings(DATABASE_URL="postgres://u@h/db").database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "oracle://x/y"}, "supports sqlite and postgresql+psycopg"),
        ({"DATABASE_URL": "postgresql+psycopg://host"}, "must name a database"),
        ({"SMTP_PORT": "abc"}, "SMTP_PORT must be a whole number"),
        ({"SMTP_PORT": "70000"}, "between 1 and 65535"),
        ({"SMTP_SSL": "maybe"}, "SMTP_SSL must be true or false"),
        ({"SMTP_SSL": "true", "SMTP_STARTTLS": "true"}, "only one of"),
        ({"SMTP_USERNAME": "u"}, "both SMTP_USERNAME and SMTP_PASSWORD"),
        ({"SUPPLIER_DD_UPLOAD_MAX_MB": "0"}, "at least 1"),
        ({"SUPPLIER_DD_BASE_URL": "ftp://x"}, "must start with http"),
        ({"SUPPLIER_DD_ENV": "prod"}, "SUPPLIER_DD_ENV must be"),
        ({"SUPPLIER_DD_TRUSTED_PROXIES": "one"}, "SUPPLIER_DD_TRUSTED_PROXIES must be a whole"),
        ({"SUPPLIER_DD_TRUSTED_PROXIES": "-1"}, "SUPPLIER_DD_TRUSTED_PROXIES must be at least 0"),
    ],
)
def test_bad_values_are_named_in_the_message(env, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings(**env)


def test_production_requires_a_real_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        settings(SUPPLIER_DD_ENV="production")
    with pytest.raises(ConfigError, match="at least 32 characters"):
        settings(SUPPLIER_DD_ENV="production", SECRET_KEY="short")


def test_an_sqlite_too_old_for_the_outbox_statements_is_refused_with_what_to_do():
    from supplier_dd.config import require_sqlite

    with pytest.raises(ConfigError, match=r"SQLite is 3\.31\.1; supplier_dd needs SQLite "
                                          r"3\.35\.0 or newer.*PostgreSQL"):
        require_sqlite((3, 31, 1))
    require_sqlite((3, 35, 0))
    require_sqlite((3, 40, 1))
