"""Backups: the database and every uploaded file in one checked archive.

SQLite is copied with its online backup API (safe while the service runs); PostgreSQL with
pg_dump's custom format and restored with pg_restore. A manifest lists each member's SHA-256, so
a damaged archive is refused before anything is overwritten.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    database_kind: str
    files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_url(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(database_url: str) -> Path:
    return Path(make_url(database_url).database)


def _run(command: list[str], what: str) -> None:
    try:
        completed = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed; it is needed to {what}.") from None
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed: {completed.stderr.strip()[:500]}")


def _dump_database(database_url: str, folder: Path) -> tuple[str, Path]:
    kind = make_url(database_url).get_backend_name()
    if kind == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(_sqlite_path(database_url))
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        source.close()
        destination.close()
        return kind, target
    target = folder / "database.pgdump"
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            _libpq_url(database_url),
        ],
        "back up PostgreSQL",
    )
    return kind, target


def create_backup(database_url: str, upload_dir: str, out: Path, now: datetime) -> BackupSummary:
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name.")
    with tempfile.TemporaryDirectory() as scratch:
        kind, dump = _dump_database(database_url, Path(scratch))
        uploads = Path(upload_dir)
        members = {dump.name: _sha256(dump)}
        upload_files = (
            sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.exists() else []
        )
        for path in upload_files:
            members["uploads/" + path.relative_to(uploads).as_posix()] = _sha256(path)
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "database_kind": kind,
            "members": members,
        }
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for path in upload_files:
                archive.add(path, arcname="uploads/" + path.relative_to(uploads).as_posix())
        # Only a complete archive gets the requested name.
        os.replace(partial, out)
    return BackupSummary(out, kind, len(upload_files))


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"The archive contains an unsafe entry: {member.name}")
        members.append(member)
    return members


def restore_backup(database_url: str, upload_dir: str, archive_path: Path) -> BackupSummary:
    archive_path = Path(archive_path)
    if not archive_path.exists():
        raise BackupError(f"{archive_path} does not exist.")
    kind = make_url(database_url).get_backend_name()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(folder, members=_safe_members(archive), filter="data")
            manifest = json.loads((folder / MANIFEST).read_text())
        except (tarfile.TarError, OSError, ValueError, EOFError) as error:
            raise BackupError(f"{archive_path} is not a supplier_dd backup: {error}") from None
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError("This backup was made by an incompatible version of supplier_dd.")
        if manifest["database_kind"] != kind:
            raise BackupError(
                f"This backup is of a {manifest['database_kind']} database; DATABASE_URL points "
                f"at {kind}."
            )
        for name, expected in manifest["members"].items():
            path = folder / name
            if not path.is_file() or _sha256(path) != expected:
                raise BackupError(f"The backup is damaged: {name} does not match its checksum.")

        if kind == "sqlite":
            source = sqlite3.connect(folder / "database.sqlite3")
            destination = sqlite3.connect(_sqlite_path(database_url))
            with destination:
                source.backup(destination)
            source.close()
            destination.close()
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    _libpq_url(database_url),
                    str(folder / "database.pgdump"),
                ],
                "restore PostgreSQL",
            )

        uploads = Path(upload_dir)
        restored = folder / "uploads"
        if uploads.exists():
            shutil.rmtree(uploads)
        if restored.exists():
            shutil.copytree(restored, uploads)
        else:
            uploads.mkdir(parents=True, exist_ok=True)
        files = sum(1 for name in manifest["members"] if name.startswith("uploads/"))
    return BackupSummary(archive_path, kind, files)
