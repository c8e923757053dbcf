"""Refuse text input containing NUL characters.

PostgreSQL cannot store them and SQLite truncates at them, so a NUL in a form or query string
could only cause a server error or a silently different value. Uploaded files are not affected.
"""

from flask import Flask, abort, request


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        if _has_nul(request.args) or (request.method == "POST" and _has_nul(request.form)):
            abort(400)
