"""API keys for a council's e-tendering system: created by an admin (the key is shown once and
only its SHA-256 is kept), listed, revoked, and checked on every API request.

A key is 32 random bytes (256 bits), so a plain SHA-256 is enough to store it: there is nothing
to guess that a slow hash would protect. Creating and revoking are audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.domain.control_characters import control_character_problem
from supplier_dd.models import ApiKey, User
from supplier_dd.services import InvalidField, ServiceError, audit

KEY_PREFIX = "sdd_"
NAME_MAX = 100


def key_sha256(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _snapshot(key: ApiKey) -> dict:
    return {"name": key.name, "prefix": key.prefix, "revoked_at": key.revoked_at}


def create_key(session: Session, name: str, created_by: User | None, now: datetime,
               actor: audit.Actor) -> tuple[ApiKey, str]:
    """A new key; returns the record and the key itself, which is never stored or shown again."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidField("name", "Enter a name for the key, such as the system that uses it")
    if problem := control_character_problem("The name", name, multiline=False):
        raise InvalidField("name", problem)
    if len(name) > NAME_MAX:
        raise InvalidField("name", f"The name must be {NAME_MAX} characters or fewer")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(name=name, prefix=secret[:12], key_sha256=key_sha256(secret),
                    created_by=created_by, created_at=now)
    session.add(record)
    session.flush()
    audit.record(session, "api_key.created", actor, now, object_type="api_key",
                 object_id=record.id, after=_snapshot(record))
    return record, secret


def revoke_key(session: Session, key: ApiKey, revoked_by: User | None, now: datetime,
               actor: audit.Actor) -> ApiKey:
    if key.revoked_at is not None:
        raise ServiceError(f"The key ‘{key.name}’ was already revoked")
    before = _snapshot(key)
    key.revoked_at = now
    key.revoked_by = revoked_by
    session.flush()
    audit.record(session, "api_key.revoked", actor, now, object_type="api_key",
                 object_id=key.id, before=before, after=_snapshot(key))
    return key


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(
        select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(),
                                ApiKey.id.desc())))


def authenticate(session: Session, presented: str | None, now: datetime) -> ApiKey | None:
    """The active key matching what the caller sent, noting its use; else None."""
    if not presented or not presented.startswith(KEY_PREFIX) or len(presented) > 200:
        return None
    digest = key_sha256(presented)
    key = session.scalar(select(ApiKey).where(ApiKey.key_sha256 == digest))
    # The lookup is by digest; compare again in constant time rather than trust the index.
    if key is None or not hmac.compare_digest(key.key_sha256, digest) or not key.active:
        return None
    key.last_used_at = now
    return key


def actor_for(key: ApiKey, ip_address: str | None) -> audit.Actor:
    """Who the audit log names for a change pushed with this key."""
    return audit.Actor(None, f"API key {key.prefix}… ({key.name})", "api", ip_address)
