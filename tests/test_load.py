"""A short run of ``python -m bench.load``: readers under load see no error, and the editor's
publishes reach the API while they read.

10 seconds, 10 connections, on a copy of the demo database; the two-minute, 50-connection
run is the command itself (figures in docs/robustness.md).
"""

import json
import os
import shutil
import subprocess
import sys

import pytest
import redis
from django.conf import settings

from tests.helpers import require
from tests.live_servers import PROJECT_DIR, collected_static_root, database_copy

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the load test measures gunicorn on PostgreSQL, as deployed",
    ),
    pytest.mark.django_db,
]


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def test_short_load_run_has_no_errors_and_the_editors_publishes_show(django_db_blocker, tmp_path):
    require(shutil.which("wrk") is not None, "wrk is not installed (apt-get install wrk)")
    require(redis_available(), f"Redis is not reachable at {REDIS_URL}")
    figures = tmp_path / "load.json"
    options = ["--duration", "10", "--connections", "10", "--workers", "2"]
    options += ["--publish-every", "2", "--redis", REDIS_URL, "--json", str(figures)]
    options += ["--static-root", collected_static_root()]
    with django_db_blocker.unblock(), database_copy(tmp_path) as database:
        result = subprocess.run(
            [sys.executable, "-m", "bench.load", "--db", database, "--reuse", *options],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert figures.exists(), result.stdout + result.stderr
    report = json.loads(figures.read_text())
    assert report["requests"] > 50, result.stdout
    assert report["errors"] == 0, result.stdout
    assert report["publishes"] >= 1, result.stdout + result.stderr
    assert report["publish_failures"] == [], result.stdout
    assert report["visible"] == report["publishes"], result.stdout
    assert len(report["memory"]) == 2  # every worker was sampled
