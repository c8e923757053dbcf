"""The audit key: the HMAC key that signs audit entries and checkpoints, held outside the database.

Production reads it from SUPPLIER_DD_AUDIT_KEY or SUPPLIER_DD_AUDIT_KEY_FILE (config.py refuses
to start without one). Development and test generate one into the instance folder on first
start, so every local database has its own key beside it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, current_app

from supplier_dd.config import Settings

_EXTENSION = "supplier_dd_audit_key"


def load_or_create(settings: Settings) -> bytes:
    if settings.audit_key is not None:
        return settings.audit_key.encode("utf-8")
    path = Path(settings.audit_key_file)
    if not path.exists():
        _create(path)
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def _create(path: Path) -> None:
    # Written aside and linked into place: several workers starting at once all end up with the
    # one key that won, never with one each.
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(aside, path)
    except FileExistsError:
        pass
    finally:
        aside.unlink()


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[_EXTENSION] = load_or_create(settings)


def current_key() -> bytes:
    """The running application's audit key."""
    return current_app.extensions[_EXTENSION]
