"""The benchmark's own database and Redis: created fresh, never someone else's wiped.

Runs before Django is set up: it only decides the ``DATABASE_URL`` and ``REDIS_URL`` the
benchmark and its gunicorn use, creating or emptying them as the options allow.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url


class NotEmpty(RuntimeError):
    """A database or Redis DB holds data and neither --reuse nor --force was given."""


@dataclass
class Database:
    url: str
    vendor: str  # "sqlite" or "postgresql"
    name: str
    reused: bool = False
    temp_dir: Path | None = None

    def cleanup(self) -> None:
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)


def prepare_database(url: str | None, *, reuse: bool, force: bool) -> Database:
    """A database to generate the corpus in; ``reused`` says the corpus is already there.

    Without a URL: a SQLite file in a temporary directory, removed by ``cleanup()``.
    """
    if not url:
        temp_dir = Path(tempfile.mkdtemp(prefix="ikpe-bench-"))
        path = temp_dir / "bench.sqlite3"
        return Database(f"sqlite:///{path}", "sqlite", str(path), temp_dir=temp_dir)
    config = dj_database_url.parse(url)
    engine = config["ENGINE"]
    if engine.endswith("sqlite3"):
        return _prepare_sqlite(url, Path(config["NAME"]), reuse=reuse, force=force)
    if "postgresql" in engine:
        return _prepare_postgres(url, config, reuse=reuse, force=force)
    raise ValueError(f"The benchmark runs on SQLite or PostgreSQL, not {engine}.")


def _prepare_sqlite(url: str, path: Path, *, reuse: bool, force: bool) -> Database:
    database = Database(url, "sqlite", str(path))
    if not path.exists() or path.stat().st_size == 0:
        return database
    with sqlite3.connect(path) as connection:
        tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE type='table'")
        has_tables = tables.fetchone()[0] > 0
    if not has_tables:
        return database
    if reuse:
        database.reused = True
        return database
    if force:
        path.unlink()
        return database
    raise NotEmpty(
        f"The SQLite database {path} is not empty. Pass --force to delete it, or --reuse "
        "to benchmark the corpus it holds."
    )


def _prepare_postgres(url: str, config: dict, *, reuse: bool, force: bool) -> Database:
    import psycopg
    from psycopg import sql

    name = config["NAME"]
    database = Database(url, "postgresql", name)
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return database
    with psycopg.connect(dbname=name, autocommit=True, **params) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
        if not tables:
            return database
        if reuse:
            database.reused = True
            return database
        if not force:
            raise NotEmpty(
                f"The PostgreSQL database {name} is not empty. Pass --force to wipe it, or "
                "--reuse to benchmark the corpus it holds."
            )
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return database


def with_database_name(url: str, name: str) -> str:
    """``url`` pointing at another database on the same server (for --compare-sizes)."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path)
        return urlunsplit(parts._replace(path=str(path.with_name(name + path.suffix))))
    return urlunsplit(parts._replace(path="/" + name))


def prepare_redis(url: str, *, force: bool) -> None:
    """Refuse a Redis DB holding data unless --force: cold runs FLUSHDB it."""
    import redis

    client = redis.Redis.from_url(url)
    size = client.dbsize()
    if size and not force:
        raise NotEmpty(
            f"Redis DB {url} holds {size} keys and cold runs empty it. Give the benchmark a "
            "DB number of its own (e.g. redis://127.0.0.1:6379/15) or pass --force."
        )
    client.flushdb()


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()
