"""The supplier-dd command, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from supplier_dd.demo.data import STAFF
from supplier_dd.models import Contract, Supplier, Tender, User
from tests.factories import make_supplier

SCRIPT = os.path.join(os.path.dirname(sys.executable), "supplier-dd")


def run_cli(*args, env=None, input_text=None):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(env or {})
    return subprocess.run(
        [SCRIPT, *args],
        capture_output=True,
        text=True,
        env=environment,
        input=input_text,
        timeout=120,
    )


def test_help_lists_every_command_with_one_line_help():
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    for command in ("db", "demo", "users", "run", "serve"):
        line = next(
            (ln for ln in result.stdout.splitlines() if ln.strip().startswith(command + " ")), None
        )
        assert line, f"{command} missing from --help"
        assert len(line.split(None, 1)) == 2, f"{command} has no help text"


def test_users_create_reads_the_password_from_stdin(runner, session):
    result = runner.invoke(
        args=["users", "create", "Officer.Two@Example.org", "--role", "officer"],
        input="a-very-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "officer.two@example.org"))
    assert user.role == "officer"
    assert "a-very-long-password" not in user.password_hash


def test_users_create_for_a_supplier_contact(runner, session):
    supplier = make_supplier(session, companies_house_number="01234567")
    session.commit()
    result = runner.invoke(
        args=["users", "create", "jo@acme.example", "--role", "supplier", "--supplier", "01234567"],
        input="a-very-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert (
        session.scalar(select(User).where(User.email == "jo@acme.example")).supplier_id
        == supplier.id
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "wizard"], "'wizard' is not one of"),
        (["--role", "supplier"], "A supplier account needs --supplier"),
        (["--role", "supplier", "--supplier", "99999999"], "No supplier matches"),
    ],
)
def test_users_create_explains_bad_input(runner, args, message):
    result = runner.invoke(
        args=["users", "create", "x@example.org", *args], input="a-very-long-password\n"
    )
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "legal"], input="short\n"
    )
    assert result.exit_code != 0
    assert "12 characters or more" in result.output


def test_password_is_never_accepted_on_the_command_line(runner):
    result = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "legal", "--password", "secret-on-argv"]
    )
    assert result.exit_code != 0
    assert "No such option" in result.output


def _counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (User, Supplier, Contract, Tender)
    )


def test_demo_load_twice_leaves_the_same_data(runner, session):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    after_first = _counts(session)
    users, suppliers, contracts, tenders = after_first
    assert suppliers >= 30 and contracts >= 20 and tenders >= 5
    assert users == suppliers + len(STAFF)  # one contact per supplier plus council staff
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "nothing new" in second.output
    assert _counts(session) == after_first
    for email in ("officer@council.example", "legal@council.example", "admin@council.example"):
        assert session.scalar(select(User).where(User.email == email)) is not None


def test_demo_accounts_sign_in_with_the_configured_password(runner, client):
    runner.invoke(args=["demo", "load"])
    client.sign_in("officer@council.example", "demo-password-for-tests")
    with client.session_transaction() as flask_session:
        flask_session.clear()
    client.sign_in("contact@brightwater.example", "demo-password-for-tests")
    assert "Brightwater Cleaning Services Ltd" in client.get("/supplier/").get_data(as_text=True)
    listed = runner.invoke(args=["demo", "accounts"]).output
    # Each council's accounts under its name (issue 17), the consortium admin under none.
    north_vale = listed.index("North Vale District Council:")
    assert listed.index("officer@council.example") < north_vale
    assert north_vale < listed.index("officer@northvale.example") < listed.index(
        "Westshire County Council:")
    assert "consortium_admin" in listed and "38 in all" in listed


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/x", "supplier_dd supports sqlite and postgresql+psycopg"),
        ("not a url", "DATABASE_URL is not a database URL"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/nowhere", "Could not use the database"),
    ],
)
def test_bad_database_url_gives_a_clear_message(url, message, tmp_path):
    result = run_cli("db", "upgrade", env={"DATABASE_URL": url})
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_db_upgrade_builds_an_empty_sqlite_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    result = run_cli("db", "upgrade", "heads", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    loaded = run_cli("demo", "load", "--if-empty", env={"DATABASE_URL": url})
    assert "Demo partnership loaded" in loaded.stdout
    again = run_cli("demo", "load", "--if-empty", env={"DATABASE_URL": url})
    assert "already has accounts" in again.stdout
