"""What app servers that tests start in other processes need: a database, static files.

The demo site is committed to the test database once per session (conftest), while each
test's own changes stay in its rolled-back transaction. A server in another process sees
only committed data, and whatever it writes (sessions, published pages, uploads) must not
reach the tests that follow; so such servers get a copy of the committed state, dropped
afterwards. Callers hold ``django_db_blocker.unblock()``.
"""

import atexit
import contextlib
import functools
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from django.db import connection, connections
from django.db.utils import OperationalError

PROJECT_DIR = Path(__file__).resolve().parent.parent


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _postgres_url(name: str) -> str:
    s = connection.settings_dict
    credentials = quote(s["USER"] or "")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"])
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@contextlib.contextmanager
def database_copy(directory: Path) -> Iterator[str]:
    """A copy of the committed test database; yields its ``DATABASE_URL``."""
    if not is_postgresql():
        path = directory / f"copy-{uuid.uuid4().hex[:8]}.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        yield f"sqlite:///{path}"
        return

    quote_name = connection.ops.quote_name
    source = connection.settings_dict["NAME"]
    name = f"{source}_copy_{uuid.uuid4().hex[:8]}"
    # CREATE DATABASE … TEMPLATE needs the source to have no other sessions: close ours,
    # and give servers of earlier tests a moment to let go of theirs.
    connections.close_all()
    deadline = time.monotonic() + 15
    with connection._nodb_cursor() as cursor:
        while True:
            try:
                cursor.execute(f"CREATE DATABASE {quote_name(name)} TEMPLATE {quote_name(source)}")
                break
            except OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    try:
        yield _postgres_url(name)
    finally:
        with connection._nodb_cursor() as cursor:
            # FORCE: a server that failed to stop must not keep the copy alive.
            cursor.execute(f"DROP DATABASE IF EXISTS {quote_name(name)} WITH (FORCE)")


def manage_py(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py`` against a copy (``DATABASE_URL`` in ``env``); returns its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.dev", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@functools.cache
def collected_static_root() -> str:
    """STATIC_ROOT for production settings (hashed names need the manifest), collected
    once per test session by the image's own build script."""
    root = tempfile.mkdtemp(prefix="ikpe-static-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    venv_bin = str(Path(sys.executable).parent)
    result = subprocess.run(
        ["sh", "docker/build-app.sh"],
        cwd=PROJECT_DIR,
        env={**os.environ, "STATIC_ROOT": root, "PATH": venv_bin + os.pathsep + os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root
