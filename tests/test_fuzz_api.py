"""Schemathesis fuzzes /api/v1/ on a live loopback server: no 5xx, nothing off its own schema.

The server is Django's threaded live server inside this process, on the test database with
the demo content that conftest committed at session start, so it runs on SQLite and on
PostgreSQL alike. It reads only, so the plain ``db`` fixture suffices; ``live_server``
would force a transactional test, whose flush at the end would wipe the demo content for
every later test. The rate limit is lifted for the run (the fuzzer sends hundreds of
requests a minute). Longer runs: ``python -m tests.fuzz --max-examples 2000``.
"""

import json
import re
import urllib.request
from collections.abc import Iterator

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from tests.fuzz import QUICK_PHASES, SCHEMA_PATH, run_schemathesis

pytestmark = pytest.mark.django_db

# ~330 cases over the 27 operations, about half a minute.
MAX_EXAMPLES = 10


@pytest.fixture
def api_server(db, settings) -> Iterator[str]:
    settings.API_RATE_LIMITS = {"anonymous": "1000000/min", "partner": "1000000/min"}
    # An in-memory SQLite test database exists only in this connection: share it.
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, connections_override=shared, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()


def openapi_document(base_url: str) -> dict:
    with urllib.request.urlopen(base_url + SCHEMA_PATH) as response:
        return json.load(response)


def test_openapi_document_says_the_key_is_optional_and_errors_are_problem_json(api_server):
    document = openapi_document(api_server)
    listing = document["paths"]["/api/v1/projects/"]["get"]
    assert {} in listing["security"], "anonymous access must be documented"
    assert set(listing["responses"]) >= {"200", "400", "401", "422", "429"}
    for status in ("400", "401", "422", "429"):
        assert list(listing["responses"][status]["content"]) == ["application/problem+json"]


def test_fuzzing_finds_no_server_error_and_no_schema_violation(api_server):
    code, report = run_schemathesis(
        api_server + SCHEMA_PATH,
        max_examples=MAX_EXAMPLES,
        phases=QUICK_PHASES,
        workers=1,  # one shared SQLite connection serves every request
        timeout=600,
    )
    assert code == 0, report
    # It really ran: every operation tested, a few hundred cases.
    operations = sum(len(item) for item in openapi_document(api_server)["paths"].values())
    assert re.search(rf"Tested: {operations}\b", report), report
    generated = int(re.search(r"(\d+) generated", report).group(1))
    assert generated >= 20 * operations // 2, report
