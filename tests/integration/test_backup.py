"""Backup and restore round trip, database and uploaded files, on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from supplier_dd.models import Supplier
from tests.factories import make_supplier


def _upload_dir(app) -> Path:
    return Path(app.config["SUPPLIER_DD_SETTINGS"].upload_dir)


def test_backup_then_restore_brings_back_records_and_files(app, session, runner, tmp_path):
    make_supplier(session, name="Kept Ltd")
    session.commit()
    evidence = _upload_dir(app) / "evidence" / "statement.pdf"
    evidence.parent.mkdir(parents=True, exist_ok=True)
    evidence.write_bytes(b"%PDF-1.4 statement")
    archive = tmp_path / "backup.tar.gz"

    made = runner.invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output
    assert "1 uploaded file(s)" in made.output

    session.execute(Supplier.__table__.delete())
    session.commit()
    evidence.unlink()
    (_upload_dir(app) / "stray.txt").write_text("made after the backup")

    restored = runner.invoke(args=["restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    session.remove() if hasattr(session, "remove") else None
    names = session.scalars(select(Supplier.name)).all()
    assert names == ["Kept Ltd"]
    assert evidence.read_bytes() == b"%PDF-1.4 statement"
    assert not (_upload_dir(app) / "stray.txt").exists()


def test_a_damaged_backup_is_refused_before_anything_changes(app, session, runner, tmp_path):
    make_supplier(session, name="Untouched Ltd")
    session.commit()
    archive = tmp_path / "backup.tar.gz"
    runner.invoke(args=["backup", str(archive)])
    archive.write_bytes(archive.read_bytes()[:200])
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code != 0
    assert "is not a supplier_dd backup" in result.output
    assert session.scalar(select(func.count(Supplier.id))) == 1


def test_backup_refuses_to_overwrite(runner, tmp_path):
    existing = tmp_path / "exists.tar.gz"
    existing.write_text("keep me")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert existing.read_text() == "keep me"
