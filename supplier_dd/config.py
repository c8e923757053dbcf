"""Settings read from the environment and validated once, at start-up.

Every setting has a documented default suitable for local use, except SECRET_KEY outside
development. A bad value raises ConfigError with a message naming the variable, which the CLI
prints without a traceback.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from supplier_dd.domain.programme import (
    DEFAULT_REFERRAL_RETENTION_DAYS,
    MINIMUM_REFERRAL_RETENTION_DAYS,
)

SUPPORTED_DRIVERS = ("sqlite", "postgresql+psycopg")
DEV_SECRET_KEY = "dev-only-not-secret"
DEFAULT_DEMO_PASSWORD = "demo-password-2026"


# Placeholders until a council sets its own (01632 960xxx is Ofcom's number range for drama,
# so the default reaches nobody by mistake).
DEFAULT_ACCESSIBILITY_EMAIL = "accessibility@council.example"
DEFAULT_ACCESSIBILITY_PHONE = "01632 960000"


DEFAULT_BULK_BATCH_SIZE = 20
MAX_BULK_BATCH_SIZE = 500


class ConfigError(ValueError):
    """A setting has a value the service cannot run with."""


def _int(env: dict, name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}.")
    return value


def _bool(env: dict, name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}.")


# INSERT ... ON CONFLICT ... RETURNING (the outbox and the reminder sweep) needs SQLite 3.35.
SQLITE_MINIMUM = (3, 35, 0)


def require_sqlite(version: tuple[int, ...]) -> None:
    """Refuse, with what to do, an SQLite library too old for the statements the app sends."""
    if tuple(version) < SQLITE_MINIMUM:
        found = ".".join(str(part) for part in version)
        raise ConfigError(
            f"This Python's SQLite is {found}; supplier_dd needs SQLite "
            f"{'.'.join(map(str, SQLITE_MINIMUM))} or newer. Use a Python built against a newer "
            "SQLite (Debian 12 and Ubuntu 22.04 have one), or PostgreSQL through DATABASE_URL."
        )


def normalise_database_url(raw: str) -> str:
    """Accept the URL forms operators paste and return the one SQLAlchemy should use."""
    if raw.startswith("postgres://"):
        raw = "postgresql+psycopg://" + raw[len("postgres://") :]
    elif raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a database URL. Use sqlite:///path/to/file.sqlite3 "
            "or postgresql+psycopg://user:password@host:5432/dbname."
        ) from None
    if url.drivername not in SUPPORTED_DRIVERS:
        raise ConfigError(
            f"DATABASE_URL uses {url.drivername!r}; supplier_dd supports "
            "sqlite and postgresql+psycopg."
        )
    if url.drivername == "sqlite" and not url.database:
        raise ConfigError("DATABASE_URL for SQLite must name a file, e.g. sqlite:///data.sqlite3.")
    if url.drivername == "sqlite":
        require_sqlite(sqlite3.sqlite_version_info)
    if url.drivername.startswith("postgresql") and not url.database:
        raise ConfigError("DATABASE_URL for PostgreSQL must name a database after the host.")
    return raw


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    environment: str
    smtp_host: str
    smtp_port: int
    smtp_username: str | None
    smtp_password: str | None
    smtp_starttls: bool
    smtp_ssl: bool
    mail_from: str
    base_url: str
    demo_password: str
    upload_max_bytes: int
    upload_dir: str
    ratelimit_storage_uri: str
    login_rate_limit: str
    invitation_valid_hours: int
    session_minutes: int
    run_scheduler_in_web: bool
    council_name: str
    extra: dict = field(default_factory=dict)
    # How many proxies in front of the app may say who the client was (X-Forwarded-For).
    trusted_proxies: int = 0
    # Where people report an accessibility problem (the accessibility statement, issue 23).
    accessibility_email: str = DEFAULT_ACCESSIBILITY_EMAIL
    accessibility_phone: str = DEFAULT_ACCESSIBILITY_PHONE
    # A partnership of councils (issue 17): the name its shared pages show (a supplier contact's,
    # a consortium admin's, the sign-in page) where no one council is meant. Blank: council_name.
    partnership_name: str = ""
    # Reminders and the outbox (issue 5). Cron expressions are read in scheduler_timezone.
    smtp_max_attempts: int = 8
    smtp_interrupted_delivery: str = "resend"
    scheduler_timezone: str = "Europe/London"
    reminder_sweep_cron: str = "0 6 * * *"
    outbox_send_cron: str = "* * * * *"
    # Suppliers a bulk request campaign asks per minute (issue 15): the scheduler's batch.
    bulk_batch_size: int = DEFAULT_BULK_BATCH_SIZE
    # Referral entries older than this are deleted by the scheduler (issue 7).
    referral_retention_days: int = DEFAULT_REFERRAL_RETENTION_DAYS
    # The audit chain's anchor outside the database (issue 22): the HMAC key (from
    # SUPPLIER_DD_AUDIT_KEY or the file SUPPLIER_DD_AUDIT_KEY_FILE; None: generated into
    # audit_key_file on first start, development and test only) and the checkpoint directory.
    audit_key: str | None = field(default=None, repr=False)
    audit_key_file: str = "instance/audit.key"
    audit_checkpoint_dir: str = "instance/audit-checkpoints"
    audit_checkpoint_cron: str = "7 * * * *"
    # Council staff with a password must set up a second step ("required") or may ("optional").
    staff_mfa: str = "required"
    # The PKCS#12 bundle that signs each approved Transparency Statement's PDF (issue 19), and
    # its passphrase. None: the PDFs are stored unsigned, and the pages say so.
    signing_certificate: str | None = None
    signing_passphrase: str | None = field(default=None, repr=False)

    def flask_config(self) -> dict:
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SUPPLIER_DD_SETTINGS": self,
            "MAX_CONTENT_LENGTH": self.upload_max_bytes + 1024 * 1024,
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_uri,
            "RATELIMIT_HEADERS_ENABLED": True,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.base_url.startswith("https://"),
            "REMEMBER_COOKIE_SECURE": self.base_url.startswith("https://"),
            "REMEMBER_COOKIE_HTTPONLY": True,
            "PERMANENT_SESSION_LIFETIME": self.session_minutes * 60,
            "WTF_CSRF_TIME_LIMIT": None,
        }


def _cron(env: dict, name: str, default: str, timezone: str) -> str:
    raw = (env.get(name) or default).strip()
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(raw, timezone=timezone)
    except ValueError as error:
        raise ConfigError(
            f"{name} must be a cron expression with five fields (minute hour day month "
            f"day-of-week), e.g. {default!r}; got {raw!r} ({error})."
        ) from None
    return raw


def _reminder_settings(env: dict) -> dict:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    timezone = (env.get("SUPPLIER_DD_TIMEZONE") or "Europe/London").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"SUPPLIER_DD_TIMEZONE must be a time zone name such as Europe/London, "
            f"got {timezone!r}."
        ) from None
    interrupted = (env.get("SMTP_INTERRUPTED_DELIVERY") or "resend").strip().lower()
    if interrupted not in ("resend", "hold"):
        raise ConfigError(f"SMTP_INTERRUPTED_DELIVERY must be resend or hold, got {interrupted!r}.")
    return dict(
        smtp_max_attempts=_int(env, "SMTP_MAX_ATTEMPTS", 8, minimum=1),
        smtp_interrupted_delivery=interrupted,
        scheduler_timezone=timezone,
        reminder_sweep_cron=_cron(env, "SUPPLIER_DD_REMINDER_SWEEP_CRON", "0 6 * * *", timezone),
        outbox_send_cron=_cron(env, "SUPPLIER_DD_OUTBOX_SEND_CRON", "* * * * *", timezone),
        bulk_batch_size=_bulk_batch_size(env),
    )


def _bulk_batch_size(env: dict) -> int:
    """Bounded both ways: 0 would never send a campaign, and thousands a minute would look to
    the mail relay like a spam run."""
    size = _int(env, "SUPPLIER_DD_BULK_BATCH_SIZE", DEFAULT_BULK_BATCH_SIZE, minimum=1)
    if size > MAX_BULK_BATCH_SIZE:
        raise ConfigError(f"SUPPLIER_DD_BULK_BATCH_SIZE must be at most {MAX_BULK_BATCH_SIZE} "
                          f"suppliers a minute, got {size}.")
    return size


AUDIT_KEY_MINIMUM = 32


def _audit_settings(env: dict, environment: str, instance: Path, timezone: str) -> dict:
    """The audit key is never in the database: someone who can rewrite the database must not
    be able to recompute the HMACs. Production refuses to start without one."""
    key = env.get("SUPPLIER_DD_AUDIT_KEY") or None
    key_file = env.get("SUPPLIER_DD_AUDIT_KEY_FILE") or None
    if key and key_file:
        raise ConfigError("Set only one of SUPPLIER_DD_AUDIT_KEY and SUPPLIER_DD_AUDIT_KEY_FILE.")
    if key_file:
        try:
            key = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError(
                f"SUPPLIER_DD_AUDIT_KEY_FILE {key_file!r} cannot be read ({error.strerror})."
            ) from None
    if key is None and environment == "production":
        raise ConfigError(
            "SUPPLIER_DD_AUDIT_KEY or SUPPLIER_DD_AUDIT_KEY_FILE must be set in production: the "
            "key that signs the audit log, kept outside the database (e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`)."
        )
    if key is not None and len(key) < AUDIT_KEY_MINIMUM:
        raise ConfigError(f"The audit key must be at least {AUDIT_KEY_MINIMUM} characters.")
    return dict(
        audit_key=key,
        audit_key_file=key_file or str(instance / "audit.key"),
        audit_checkpoint_dir=env.get("SUPPLIER_DD_AUDIT_CHECKPOINT_DIR")
        or str(instance / "audit-checkpoints"),
        audit_checkpoint_cron=_cron(env, "SUPPLIER_DD_AUDIT_CHECKPOINT_CRON", "7 * * * *",
                                    timezone),
    )


def _accessibility_contact(env: dict) -> dict:
    email = (env.get("SUPPLIER_DD_ACCESSIBILITY_EMAIL") or DEFAULT_ACCESSIBILITY_EMAIL).strip()
    if "@" not in email or " " in email:
        raise ConfigError(
            f"SUPPLIER_DD_ACCESSIBILITY_EMAIL must be an email address, got {email!r}.")
    phone = (env.get("SUPPLIER_DD_ACCESSIBILITY_PHONE") or DEFAULT_ACCESSIBILITY_PHONE).strip()
    return {"accessibility_email": email, "accessibility_phone": phone}


def _staff_mfa(env: dict) -> str:
    value = env.get("SUPPLIER_DD_STAFF_MFA", "required").strip().lower()
    if value not in ("required", "optional"):
        raise ConfigError(f"SUPPLIER_DD_STAFF_MFA must be required or optional, got {value!r}.")
    return value


def _signing_settings(env: dict) -> dict:
    """A certificate that is set but cannot be used stops the service at start, rather than at
    the first approval, when a council is waiting to publish."""
    certificate = (env.get("SUPPLIER_DD_SIGNING_CERTIFICATE") or "").strip() or None
    passphrase = env.get("SUPPLIER_DD_SIGNING_PASSPHRASE") or None
    if certificate is None:
        if passphrase:
            raise ConfigError("SUPPLIER_DD_SIGNING_PASSPHRASE is set without "
                              "SUPPLIER_DD_SIGNING_CERTIFICATE: set the certificate's path too, "
                              "or neither.")
        return {}
    if not Path(certificate).is_file():
        raise ConfigError(f"SUPPLIER_DD_SIGNING_CERTIFICATE {certificate!r} is not a file: give "
                          "the path of the PKCS#12 (.p12 or .pfx) bundle that signs the "
                          "statements, or unset it to store them unsigned.")
    from supplier_dd.infrastructure.pdf_signing import SigningSetupError, load_pkcs12

    try:
        load_pkcs12(certificate, passphrase)
    except SigningSetupError as error:
        raise ConfigError(
            f"SUPPLIER_DD_SIGNING_CERTIFICATE: {error}. Check the path and "
            "SUPPLIER_DD_SIGNING_PASSPHRASE, or unset both to store the statements unsigned."
        ) from None
    return {"signing_certificate": certificate, "signing_passphrase": passphrase}


def require_shared_rate_limits(settings: Settings, web_workers: int) -> None:
    """Refuse, in production, several web worker processes each keeping its own rate-limit
    counts in memory: every worker would allow the full limit, so N workers allow N times it."""
    if (
        settings.environment == "production"
        and web_workers > 1
        and settings.ratelimit_storage_uri.startswith("memory:")
    ):
        raise ConfigError(
            f"{web_workers} web workers would each count rate limits in their own memory "
            f"(SUPPLIER_DD_RATELIMIT_STORAGE_URI={settings.ratelimit_storage_uri}), allowing "
            f"{web_workers} times the limit on failed sign-ins. Set "
            "SUPPLIER_DD_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 (a Redis server all "
            "workers share) or run one worker."
        )


def load_settings(env: dict | None = None, instance_path: str | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    environment = env.get("SUPPLIER_DD_ENV", "development").strip().lower()
    if environment not in ("development", "production", "test"):
        raise ConfigError(
            f"SUPPLIER_DD_ENV must be development, production or test, got {environment!r}."
        )
    instance = Path(instance_path or "instance")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'supplier_dd.sqlite3'}"
    database_url = normalise_database_url(database_url.strip())

    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        if environment == "production":
            raise ConfigError("SECRET_KEY must be set in production (a long random string).")
        secret_key = DEV_SECRET_KEY
    elif environment == "production" and len(secret_key) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters in production.")

    smtp_ssl = _bool(env, "SMTP_SSL", False)
    smtp_starttls = _bool(env, "SMTP_STARTTLS", False)
    if smtp_ssl and smtp_starttls:
        raise ConfigError("Set only one of SMTP_SSL and SMTP_STARTTLS.")
    smtp_host = env.get("SMTP_HOST", "127.0.0.1").strip()
    if not smtp_host or " " in smtp_host:
        raise ConfigError(f"SMTP_HOST must be a host name, got {smtp_host!r}.")
    smtp_port = _int(env, "SMTP_PORT", 465 if smtp_ssl else 1025, minimum=1)
    if smtp_port > 65535:
        raise ConfigError(f"SMTP_PORT must be between 1 and 65535, got {smtp_port}.")
    smtp_username = env.get("SMTP_USERNAME") or None
    smtp_password = env.get("SMTP_PASSWORD") or None
    if bool(smtp_username) != bool(smtp_password):
        raise ConfigError("Set both SMTP_USERNAME and SMTP_PASSWORD, or neither.")
    mail_from = env.get("SMTP_FROM", "supplier-dd@council.example")
    if "@" not in mail_from:
        raise ConfigError(f"SMTP_FROM must be an email address, got {mail_from!r}.")

    base_url = env.get("SUPPLIER_DD_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"SUPPLIER_DD_BASE_URL must start with http:// or https://, got {base_url!r}."
        )

    upload_mb = _int(env, "SUPPLIER_DD_UPLOAD_MAX_MB", 10, minimum=1)
    reminders = _reminder_settings(env)
    return Settings(
        database_url=database_url,
        secret_key=secret_key,
        environment=environment,
        smtp_host=smtp_host,
        smtp_port=smtp_port,
        smtp_username=smtp_username,
        smtp_password=smtp_password,
        smtp_starttls=smtp_starttls,
        smtp_ssl=smtp_ssl,
        mail_from=mail_from,
        base_url=base_url,
        demo_password=env.get("SUPPLIER_DD_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD,
        upload_max_bytes=upload_mb * 1024 * 1024,
        upload_dir=env.get("SUPPLIER_DD_UPLOAD_DIR") or str(instance / "uploads"),
        ratelimit_storage_uri=env.get("SUPPLIER_DD_RATELIMIT_STORAGE_URI", "memory://"),
        login_rate_limit=env.get("SUPPLIER_DD_LOGIN_RATE_LIMIT", "5 per minute"),
        invitation_valid_hours=_int(env, "SUPPLIER_DD_INVITATION_VALID_HOURS", 72, minimum=1),
        session_minutes=_int(env, "SUPPLIER_DD_SESSION_MINUTES", 30, minimum=1),
        staff_mfa=_staff_mfa(env),
        run_scheduler_in_web=_bool(env, "SUPPLIER_DD_SCHEDULER_IN_WEB", False),
        trusted_proxies=_int(env, "SUPPLIER_DD_TRUSTED_PROXIES", 0, minimum=0),
        council_name=env.get("SUPPLIER_DD_COUNCIL_NAME") or "Example District Council",
        partnership_name=" ".join((env.get("SUPPLIER_DD_PARTNERSHIP_NAME") or "").split()),
        **_accessibility_contact(env),
        referral_retention_days=_int(
            env,
            "SUPPLIER_DD_REFERRAL_RETENTION_DAYS",
            DEFAULT_REFERRAL_RETENTION_DAYS,
            minimum=MINIMUM_REFERRAL_RETENTION_DAYS,
        ),
        **reminders,
        **_audit_settings(env, environment, instance, reminders["scheduler_timezone"]),
        **_signing_settings(env),
    )
