"""Shared pieces for benchmarks: scratch databases, timing, memory, and the result record."""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

PG_ADMIN_URL = os.environ.get(
    "BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, recorded next to every figure."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


@dataclass
class BenchResult:
    workload: str
    database: str
    scale: str
    median_s: float
    p95_s: float
    peak_mb: float
    floor_s: float | None = None
    target: str = ""
    met: bool | None = None
    notes: str = ""
    extra: dict = field(default_factory=dict)
    # When the result was recorded: on a shared 2-CPU machine the figures mean little without it.
    load: str = field(default_factory=load_average)

    @property
    def ratio(self) -> float | None:
        if not self.floor_s:
            return None
        return self.median_s / self.floor_s

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


def timings(fn: Callable[[], object], repeats: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def median_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def remove_database(url: str) -> None:
    """Remove a database made by `scratch_database`, given only its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if path.parent.name.startswith("bench-"):
            path.parent.rmdir()
        return
    engine = create_engine(make_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    engine.dispose()


def postgres_available() -> bool:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_ADMIN_URL)
    try:
        with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username,
                             dbname=url.database, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def scratch_database(kind: str, label: str) -> tuple[str, Callable[[], None]]:
    """A new empty database URL and a function that removes it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
        path = folder / "bench.sqlite3"

        def remove():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            folder.rmdir()

        return f"sqlite:///{path}", remove
    admin = make_url(PG_ADMIN_URL)
    name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()

    def drop():
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return admin.set(database=name).render_as_string(hide_password=False), drop


def migrated_app(database_url: str, **env):
    """The real app on a database built by the real migrations."""
    from flask_migrate import upgrade

    from supplier_dd import create_app
    from supplier_dd.config import load_settings

    folder = Path(tempfile.mkdtemp(prefix="bench-instance-"))
    settings = load_settings(
        {"SUPPLIER_DD_ENV": "test", "DATABASE_URL": database_url,
         "SUPPLIER_DD_UPLOAD_DIR": str(folder / "uploads"), **env},
        instance_path=str(folder),
    )
    app = create_app({"SUPPLIER_DD_SETTINGS": settings, "INSTANCE_PATH": str(folder)})
    with app.app_context():
        upgrade(revision="heads")
    return app


def databases(requested: str | None = None) -> list[str]:
    kinds = ["sqlite"] + (["postgresql"] if postgres_available() else [])
    if requested:
        kinds = [k for k in kinds if k == requested]
    return kinds
