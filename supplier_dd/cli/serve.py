"""`supplier-dd serve`: the web app with, beside it, the scheduler process."""

from __future__ import annotations

import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("serve", help="Serve the web app and, beside it, the scheduler process.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int):
    scheduler = None
    if "scheduler" in current_app.cli.commands:
        scheduler = subprocess.Popen([sys.executable, "-m", "supplier_dd", "scheduler", "run"])
        click.echo("Scheduler started beside the web server.")
    try:
        from werkzeug.serving import run_simple

        click.echo(f"Serving on http://{host}:{port} (Ctrl+C to stop)")
        # Flask's app.run() refuses to start inside a `flask` CLI command; run_simple is what
        # it would call.
        run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=10)


COMMANDS = [serve]
