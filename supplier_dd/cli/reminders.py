"""`supplier-dd scheduler run` and `supplier-dd reminders ...` (listed in cli.COMMAND_GROUPS)."""

from __future__ import annotations

import signal
import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from supplier_dd.cli.council_option import acts_for_council


def parse_now(value: str | None) -> datetime | None:
    """An ISO date or date-time; naive values are UTC. Returns naive UTC like the models."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date-time; use e.g. 2026-06-01T07:00 or "
            "2026-06-01T07:00+01:00.", param_hint="--now"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _settings():
    return current_app.config["SUPPLIER_DD_SETTINGS"]


def _check_mail_server() -> tuple[bool, str]:
    from supplier_dd.infrastructure.mail import MailServerUnavailable, SmtpSender

    try:
        return True, SmtpSender(_settings(), timeout=10).check()
    except MailServerUnavailable as error:
        return False, str(error)


# --- reminders ----------------------------------------------------------------------------

@click.group("reminders", help="Re-attestation reminders and the email outbox.")
def reminders_group():
    pass


@reminders_group.command("run", help="One reminder sweep and one send pass, now.")
@click.option("--now", "now_text", metavar="ISO-DATETIME",
              help="Act as if it were this time (UTC unless an offset is given).")
@with_appcontext
@acts_for_council
def reminders_run(now_text: str | None):
    from supplier_dd.extensions import db
    from supplier_dd.jobs.reminders import run_once, today_for
    from supplier_dd.models.base import utcnow
    from supplier_dd.services.councils import council_name_for

    fixed = parse_now(now_text)
    clock = (lambda: fixed) if fixed else utcnow
    run = run_once(current_app, db.session, clock)
    sweep, send = run.sweep, run.send
    council = council_name_for(db.session, _settings().council_name)
    click.echo(f"Sweep for {council}, {today_for(_settings(), clock())}: {sweep.cycles} "
               f"re-attestation(s) checked, {sweep.queued} reminder(s) and {sweep.digests} "
               "digest(s) queued.")
    for problem in sweep.problems:
        click.echo(f"  Not sent: {problem}", err=True)
    click.echo(f"Send pass: {send.sent} sent, {send.retrying} to retry, {send.failed} failed"
               + (f", {send.reconciled} interrupted deliveries reconciled" if send.reconciled
                  else "") + ".")
    if send.server_problem:
        click.echo(f"Mail server problem: {send.server_problem}", err=True)
        click.echo("Messages are kept in the outbox and will be sent once it works.", err=True)
        sys.exit(1)


@reminders_group.command("check-mail", help="Connect to the SMTP server with the settings.")
@with_appcontext
def reminders_check_mail():
    ok, message = _check_mail_server()
    if not ok:
        click.echo(f"Mail server problem: {message}", err=True)
        sys.exit(1)
    click.echo(message)


# --- scheduler ----------------------------------------------------------------------------

@click.group("scheduler", help="The process that runs reminders and email on a schedule.")
def scheduler_group():
    pass


@scheduler_group.command("run", help="Run the reminder sweep and the send pass on schedule.")
@with_appcontext
def scheduler_run():
    from supplier_dd.jobs.scheduler import build_scheduler, describe

    settings = _settings()
    ok, message = _check_mail_server()
    if ok:
        click.echo(message)
    else:
        # Keep running: the outbox holds messages until the server works, and the sweep does not
        # need it. But say clearly what to fix.
        click.echo(f"Warning, mail server problem: {message}", err=True)
        click.echo("Reminders will be queued and sent once the mail server is reachable; "
                   "check with `supplier-dd reminders check-mail`.", err=True)
    scheduler = build_scheduler(current_app._get_current_object())
    for line in describe(scheduler, settings):
        click.echo(line)

    def stop(_signum, _frame):
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    click.echo("Scheduler running (Ctrl+C to stop).")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


COMMANDS = [scheduler_group, reminders_group]
