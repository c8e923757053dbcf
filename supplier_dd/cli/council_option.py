"""`--council` for every command that acts for one council (issue 17).

A command decorated with `acts_for_council` takes `--council <short name|name|id>`, finds the
council (the only one when the option is left out of a single-council deployment; a clear error
naming the councils when there are several) and makes the session act for it before its own
work starts, so everything it reads and writes is that council's (models.tenancy).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

COUNCIL_HELP = ("The council this is for: its short name, name or id (needed when the "
                "deployment has more than one; see `supplier-dd councils list`).")


def council_option(command: Callable) -> Callable:
    """Only the option, as `council_ref`: for a command that decides itself whether it acts for a
    council (`users create` does for staff, not for a supplier's contact)."""
    return click.option("--council", "council_ref", metavar="COUNCIL", help=COUNCIL_HELP)(command)


def act_for_named_council(council_ref: str | None):
    """Find the council `--council` names (or the only one) and act for it; returns it."""
    from supplier_dd.extensions import db
    from supplier_dd.models.tenancy import act_for
    from supplier_dd.services.councils import CouncilError, council_for_command

    try:
        council = council_for_command(db.session, council_ref)
    except CouncilError as error:
        raise click.UsageError(str(error)) from None
    act_for(db.session, council.id)
    return council


def acts_for_council(command: Callable) -> Callable:
    """Add `--council` and act for that council before the command runs. Put it below
    `@with_appcontext`: finding the council needs the database."""

    @council_option
    @functools.wraps(command)
    def acting(*args, council_ref: str | None = None, **kwargs):
        act_for_named_council(council_ref)
        return command(*args, **kwargs)

    return acting
