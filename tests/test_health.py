"""/healthz: 200 while the database answers (``degraded`` without the cache), 503 without it.

The failure cases run real gunicorn servers with production settings pointed at a closed
port, since that is how an outage looks to a running process.
"""

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.server import Gunicorn

PROJECT_DIR = Path(__file__).resolve().parent.parent
HEALTHCHECK = PROJECT_DIR / "docker" / "healthcheck.py"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def run_healthcheck(port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(HEALTHCHECK)],
        env={"PORT": str(port)},
        capture_output=True,
        text=True,
        timeout=30,
    )


# -- in process ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    # No session, no language cookie: a probe every few seconds must not create state.
    assert not response.cookies


@pytest.mark.django_db
def test_healthz_answers_any_host_without_language_redirect(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert client.get("/healthz/").status_code != 200  # one exact path, nothing else


@pytest.mark.django_db
def test_healthz_head_and_unsafe_methods(client):
    head = client.head("/healthz")
    assert head.status_code == 200
    assert head.content == b""
    post = client.post("/healthz")
    assert post.status_code == 405
    assert post["Allow"] == "GET, HEAD"


# -- real servers ----------------------------------------------------------------------------


def test_healthz_ok_under_production_settings_with_https_redirect_and_foreign_hosts(tmp_path):
    """The container probe: plain http, Host 127.0.0.1, neither in ALLOWED_HOSTS nor https."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'health.sqlite3'}",
        "REDIS_URL": "",
        "ALLOWED_HOSTS": "www.ikpe.example",
        "SECURE_SSL_REDIRECT": "true",
    }
    with Gunicorn(env, workers=1) as server:
        status, headers, body = get(server.base_url + "/healthz")
        assert status == 200, body
        assert json.loads(body) == {"status": "ok", "database": "ok", "cache": "ok"}
        assert "no-store" in headers["Cache-Control"]
        # Everything else stays behind the host check.
        assert get(server.base_url + "/de/")[0] == 400
        # The image's HEALTHCHECK command passes.
        probe = run_healthcheck(server.port)
        assert probe.returncode == 0, probe.stdout + probe.stderr


def test_healthz_degraded_but_serving_when_the_cache_is_down(tmp_path):
    """The site serves from the database without Redis, so the probe must not fail: a
    shared Redis outage would otherwise take every replica out of the load balancer."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'health.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
    }
    with Gunicorn(env, workers=1) as server:
        status, _headers, body = get(server.base_url + "/healthz")
        assert status == 200
        assert json.loads(body) == {
            "status": "degraded",
            "database": "ok",
            "cache": "unavailable",
        }
        probe = run_healthcheck(server.port)
        assert probe.returncode == 0, probe.stdout + probe.stderr


def test_healthz_503_when_the_database_is_down():
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/ikpe",
        "REDIS_URL": "",
    }
    with Gunicorn(env, workers=1) as server:
        status, _headers, body = get(server.base_url + "/healthz")
        assert status == 503
        assert json.loads(body) == {
            "status": "unavailable",
            "database": "unavailable",
            "cache": "ok",
        }
        probe = run_healthcheck(server.port)
        assert probe.returncode == 1
        assert "database" in probe.stdout
