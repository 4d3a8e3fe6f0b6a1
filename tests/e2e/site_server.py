"""The site the browser tests talk to: its own database with the demo content, on gunicorn.

The pytest session's test database cannot be used: a browser needs committed data, and
transactional tests would flush the demo content the rest of the suite reads. So the browser
tests get a database of their own (a temporary SQLite file, or ``test_<name>_browser`` next to
the PostgreSQL database ``DATABASE_URL`` names), prepared the way ``make run`` prepares one, and
gunicorn serves it on a free loopback port (``bench.server.Gunicorn``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import urlopen

from bench.server import Gunicorn

PROJECT_DIR = Path(__file__).resolve().parents[2]
SETTINGS = "tests.e2e.server_settings"
# Overrides of the caller's environment that would point the server at shared state: the
# cache stays in the (single) worker's memory, search in the database.
ISOLATED = {"REDIS_URL": "", "DATABASE_REPLICA_URL": "", "SEARCH_BACKEND": "database"}


class SiteError(RuntimeError):
    """Preparing the database or starting the server failed; carries the command's output."""


def postgres_database(url: str) -> tuple[str, str] | None:
    """(maintenance URL, browser-test database name) when ``url`` names a PostgreSQL one.

    Named like pytest-django's ``test_<name>``; created and dropped through the server's
    ``postgres`` database, since ``<name>`` itself need not exist.
    """
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return None
    name = parts.path.lstrip("/") or "postgres"
    return urlunsplit(parts._replace(path="/postgres")), f"test_{name}_browser"


@dataclass
class Site:
    """A prepared database and, once started, the server in front of it."""

    workdir: Path
    database_url: str = ""
    env: dict[str, str] = field(default_factory=dict)
    server: Gunicorn | None = None
    _postgres: tuple[str, str] | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None, "the site has not been started"
        return self.server.base_url

    def prepare(self) -> None:
        """Create the database, migrate it and load the demo content."""
        self._postgres = postgres_database(os.environ.get("DATABASE_URL", ""))
        if self._postgres:
            maintenance_url, name = self._postgres
            self._run_sql(maintenance_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._run_sql(maintenance_url, f'CREATE DATABASE "{name}"')
            parts = urlsplit(maintenance_url)
            self.database_url = urlunsplit(parts._replace(path=f"/{name}"))
        else:
            self.database_url = f"sqlite:///{self.workdir / 'site.sqlite3'}"
        for name in ("media", "static"):
            (self.workdir / name).mkdir(exist_ok=True)
        self.env = {
            **ISOLATED,
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": str(self.workdir / "media"),
            "STATIC_ROOT": str(self.workdir / "static"),
            "DB_CONN_MAX_AGE": "0",
        }
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("load_demo_content", "--verbosity", "0")

    def start(self) -> None:
        # One worker: the cache is that process's memory, so what a publish invalidates is
        # what the next request reads; threads serve the admin's parallel requests.
        self.server = Gunicorn(self.env, workers=1, threads=4, settings=SETTINGS)
        self.server.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self._postgres:
            maintenance_url, name = self._postgres
            self._run_sql(maintenance_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def get(self, path: str, **params) -> str:
        """The body of a GET request to the site (the page cache and API as a client sees them)."""
        query = f"?{urlencode(params)}" if params else ""
        with urlopen(f"{self.base_url}{path}{query}", timeout=30) as response:
            return response.read().decode()

    def get_json(self, path: str, **params) -> dict:
        return json.loads(self.get(path, **params))

    def manage(self, *args: str, stdin: str | None = None) -> str:
        """Run a management command against the site's database; return its output."""
        env = {**os.environ, **self.env, "DJANGO_SETTINGS_MODULE": SETTINGS}
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise SiteError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    @staticmethod
    def _run_sql(url: str, statement: str) -> None:
        import psycopg

        with psycopg.connect(url, autocommit=True) as db:
            db.execute(statement)
