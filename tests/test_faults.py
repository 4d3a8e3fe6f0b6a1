"""Faults: a database outage answers 503 and heals by itself; a lost Redis is no outage.

The outage tests run gunicorn (production settings, two workers, persistent database
connections) against a PostgreSQL cluster and a Redis server of their own, started here on
free loopback ports and stopped and started again while gunicorn keeps running. The shared
PostgreSQL on 5432 is only read from (pg_dump of the test database, which holds the demo
content): it is never stopped. The first part checks the error handlers in process.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.db import OperationalError, connection
from django.test import RequestFactory

from bench.server import Gunicorn
from cms import errors
from tests.admin_http import AdminSession
from tests.helpers import german, require, text
from tests.live_servers import collected_static_root

UNAVAILABLE_EN = "Temporarily unavailable"
TRACEBACK_MARKERS = ("Traceback", 'File "/', "OperationalError", "psycopg")

# The servers' database is a dump of the test database, which must exist for that.
pytestmark = pytest.mark.django_db


# -- the handlers, in process (both databases) ------------------------------------------------


def test_unknown_api_path_is_a_problem_json_404(client):
    response = client.get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404
    # A non-numeric id misses the route (int converter): the same JSON, not the HTML page.
    assert client.get("/api/v1/projects/abc/")["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path", ["/de/projekte/?topic=%00", "/de/%00/", "/api/v1/projects/by-slug/a%00b/"]
)
def test_nul_characters_in_the_url_are_a_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response["Content-Type"] == "application/problem+json"
    else:
        assert "<html" in text(response)


def _outage_response(path: str, **headers):
    """What ``handler500`` answers while a connection error is being handled."""
    request = RequestFactory().get(path, **headers)
    try:
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    except OperationalError:
        return errors.server_error(request)


def test_database_errors_become_a_503_page_in_the_readers_language():
    german_page = _outage_response("/de/projekte/")
    assert german_page.status_code == 503
    assert german_page["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert "no-store" in german_page["Cache-Control"]
    body = german_page.content.decode()
    assert '<html lang="de"' in body
    # The catalogue's German (the English text until the translation is filled in).
    assert (german(UNAVAILABLE_EN) or UNAVAILABLE_EN) in body
    english = _outage_response("/en/projects/").content.decode()
    assert '<html lang="en"' in english and UNAVAILABLE_EN in english
    # No language in the path: the browser's.
    browser = _outage_response("/feeds/de/all.atom", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert UNAVAILABLE_EN in browser.content.decode()


def test_database_errors_on_the_api_are_problem_json_503():
    response = _outage_response("/api/v1/projects/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)


def test_other_errors_stay_500():
    request = RequestFactory().get("/api/v1/projects/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = errors.server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"


# -- real servers -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb) in a temporary directory on a free port.

    initdb and the server refuse to run as root, so as root they run as the ``postgres``
    user, which then owns the directory.
    """

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.port = _free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="ikpe-pg-"))
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.data = self.directory / "data"

    def url(self, name: str = "ikpe") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self.as_owner, *command],
            check=True,
            capture_output=True,
            cwd=self.directory,
            timeout=60,
        )

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            *("-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"),
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            *("-D", str(self.data), "-l", str(self.directory / "log"), "-o", options),
            *("-w", "start"),
        )

    def stop(self) -> None:
        """Fast shutdown: open sessions are terminated, as in a restart."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


class RedisServer:
    """redis-server on a free loopback port, nothing persisted."""

    def __init__(self):
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def _postgres_bindir() -> Path | None:
    major = connection.pg_version // 10000
    bindir = Path(f"/usr/lib/postgresql/{major}/bin")
    return bindir if (bindir / "initdb").exists() else None


@pytest.fixture(scope="module")
def stack(
    django_db_setup, django_db_blocker
) -> Iterator[tuple[Gunicorn, PostgresCluster, RedisServer]]:
    """gunicorn on a throwaway cluster holding a copy of the demo site, and its own Redis."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip(
                "the outage is a PostgreSQL restart; the PostgreSQL run of the suite copies its "
                "test database into a throwaway cluster (migrating one from scratch takes a minute)"
            )
        bindir = _postgres_bindir()
        source = connection.settings_dict
    require(bindir is not None, "PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    require(
        shutil.which("redis-server") is not None and shutil.which("pg_dump") is not None,
        "redis-server and pg_dump are needed",
    )
    require(
        os.geteuid() != 0 or shutil.which("runuser") is not None,
        "as root, initdb needs runuser to run as the postgres user",
    )

    cluster = PostgresCluster(bindir)
    redis_server = RedisServer()
    try:
        cluster.init()
        cluster.start()
        createdb = [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port)]
        subprocess.run([*createdb, "-U", "postgres", "ikpe"], check=True, capture_output=True)
        address = ["-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432)]
        user = ["-U", source["USER"] or "postgres"]
        dump = subprocess.Popen(
            ["pg_dump", "--no-owner", "--no-privileges", *address, *user, source["NAME"]],
            stdout=subprocess.PIPE,
            env={**os.environ, "PGPASSWORD": source["PASSWORD"] or ""},
        )
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", cluster.url()],
            stdin=dump.stdout,
            check=True,
            capture_output=True,
            timeout=120,
        )
        assert dump.wait(timeout=60) == 0
        redis_server.start()
        env = {
            "DATABASE_URL": cluster.url(),
            "REDIS_URL": redis_server.url,
            "DATABASE_REPLICA_URL": "",
            "STATIC_ROOT": collected_static_root(),
            "MEDIA_ROOT": str(cluster.directory / "media"),
            "API_RATE_ANONYMOUS": "100000/min",
        }
        with Gunicorn(env, workers=2, timeout=30) as server:
            yield server, cluster, redis_server
    finally:
        redis_server.kill()
        cluster.destroy()


def _get(server: Gunicorn, path: str, **headers) -> requests.Response:
    return requests.get(server.base_url + path, headers=headers, timeout=20)


def _fresh_paths(round_: int) -> list[str]:
    """URLs no cache holds yet (page cache and API cache key on the query string)."""
    return [
        f"/de/?round={round_}",
        f"/en/?round={round_}",
        f"/de/suche/?q=integration{round_}",
        f"/api/v1/projects/?limit={round_}",
    ]


def _assert_outage_answer(response: requests.Response, path: str) -> None:
    assert response.status_code == 503, (path, response.status_code, response.text[:500])
    assert response.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    for marker in TRACEBACK_MARKERS:
        assert marker not in response.text, (path, marker)
    if path.startswith("/api/"):
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 503
    else:
        assert response.headers["Content-Type"].startswith("text/html")
        language = "en" if path.startswith("/en/") else "de"
        assert f'<html lang="{language}"' in response.text
        title = UNAVAILABLE_EN if language == "en" else german(UNAVAILABLE_EN) or UNAVAILABLE_EN
        assert title in response.text


def test_database_restart_answers_503_then_recovers_without_restarting_gunicorn(stack):
    server, cluster, _redis = stack
    workers = set(server.worker_pids())
    cached = ["/de/", "/en/", "/api/v1/projects/", "/feeds/de/all.atom"]
    for path in _fresh_paths(1) + cached:
        assert _get(server, path).status_code == 200, path

    cluster.stop()
    try:
        # Several rounds so both workers answer: one loses its open connection, both are
        # refused new ones.
        for round_ in range(2, 6):
            for path in _fresh_paths(round_):
                _assert_outage_answer(_get(server, path), path)
            # What the shared cache holds is still served, without the database.
            for path in cached:
                assert _get(server, path).status_code == 200, path
    finally:
        cluster.start()

    deadline = time.monotonic() + 15
    statuses: list[int] = []
    round_ = 10
    while time.monotonic() < deadline:
        round_ += 1
        statuses = [_get(server, path).status_code for path in _fresh_paths(round_)]
        if statuses == [200] * len(statuses):
            break
        time.sleep(0.5)
    assert statuses == [200] * len(statuses), statuses
    # Every worker is healthy again, and none was replaced to get there.
    for round_ in range(30, 34):
        for path in _fresh_paths(round_):
            assert _get(server, path).status_code == 200, path
    assert set(server.worker_pids()) == workers


def test_without_redis_the_site_serves_from_the_database(stack):
    server, _cluster, redis_server = stack
    warm = ["/de/", "/api/v1/projects/", "/feeds/de/all.atom"]
    for path in warm:
        assert _get(server, path).status_code == 200, path

    redis_server.kill()
    for round_ in range(40, 44):  # both workers, warm and fresh URLs
        for path in warm + _fresh_paths(round_):
            response = _get(server, path)
            assert response.status_code == 200, (path, response.status_code, response.text[:300])
    # Signing in needs the session, CSRF and the lockout records: a wrong password is told
    # as such (the form again), not an error page.
    browser = AdminSession(server.base_url)
    response = browser.submit("/admin/login/", {"username": "nobody", "password": "wrong-pass"})
    assert response.status_code == 200, response.status_code
    assert re.search(r'name="username"', response.text)
