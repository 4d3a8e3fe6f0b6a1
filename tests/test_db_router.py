"""Read replica routing (cms/db_router.py).

The decisions are checked in process; then a real server runs against two real databases,
a primary and a "replica" whose copy of one page title differs, so each response shows
which database it was read from.
"""

import contextlib
import time
from types import SimpleNamespace

import pytest
import requests
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from wagtail.models import Page

from bench.server import Gunicorn
from cms.api import cache as api_cache
from cms.db_router import (
    DEFAULT_REPLICA_LAG_SECONDS,
    PRIMARY,
    REPLICA,
    PrimaryReplicaRouter,
    replica_reads_middleware,
)
from projects.models import ProjectPage
from tests.admin_http import AdminSession
from tests.live_servers import collected_static_root, database_copy, manage_py

router = PrimaryReplicaRouter()
EDITOR, PASSWORD = "ops-router-editor", "router-editor-password-123"
REPLICA_TITLE = "ThILIK (gelesen von der Replik)"


def read_alias_during(request) -> str:
    """Which alias a read of the page table would use while ``request`` is handled."""
    seen = []

    def view(request):
        seen.append(router.db_for_read(Page))
        return HttpResponse()

    replica_reads_middleware(view)(request)
    return seen[0]


def last_change(seconds_ago: float) -> None:
    cache.set(api_cache.PREFIX + "changes", time.time() - seconds_ago, None)


@pytest.fixture
def no_recent_change():
    """The replica has had time to catch up with the last change."""
    last_change(3600)


# -- decisions -------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_recent_change")
def test_anonymous_reads_of_public_pages_go_to_the_replica():
    factory = RequestFactory()
    assert read_alias_during(factory.get("/de/projekte/thilik/")) == REPLICA
    assert read_alias_during(factory.head("/api/v1/projects/")) == REPLICA


def test_reads_go_to_the_primary_for_a_while_after_any_change():
    """A response cached under the new stamps must not be built from a lagging replica."""
    anonymous = RequestFactory().get("/api/v1/projects/")
    api_cache.bump(["projects"])
    assert read_alias_during(anonymous) == PRIMARY
    last_change(DEFAULT_REPLICA_LAG_SECONDS + 1)
    assert read_alias_during(anonymous) == REPLICA
    # No stamp at all (evicted, or the cache unreachable): assume a change just now.
    cache.clear()
    assert read_alias_during(anonymous) == PRIMARY


@pytest.mark.usefixtures("no_recent_change")
@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(RequestFactory().post("/de/kontakt/"), id="POST"),
        pytest.param(RequestFactory().get("/admin/pages/"), id="admin"),
        pytest.param(RequestFactory().get("/api/v1/preview/?token=x"), id="draft-preview"),
    ],
)
def test_writes_the_admin_and_draft_previews_read_the_primary(request_):
    assert read_alias_during(request_) == PRIMARY


@pytest.mark.usefixtures("no_recent_change")
def test_requests_with_a_session_read_the_primary():
    """An editor (or anyone who just logged in or out) must see their own writes."""
    request = RequestFactory().get("/de/projekte/thilik/")
    request.COOKIES["sessionid"] = "anything"
    assert read_alias_during(request) == PRIMARY


def test_outside_requests_and_after_them_reads_go_to_the_primary():
    """Management commands, the webhook worker and the next request start on the primary."""
    assert router.db_for_read(Page) == PRIMARY

    def failing_view(request):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        replica_reads_middleware(failing_view)(RequestFactory().get("/de/"))
    assert router.db_for_read(Page) == PRIMARY


@pytest.mark.django_db
@pytest.mark.usefixtures("no_recent_change")
def test_reads_inside_a_transaction_and_of_related_objects_stay_put(thilik):
    def view(request):
        with transaction.atomic():
            inside = router.db_for_read(Page)
        return HttpResponse(inside)

    response = replica_reads_middleware(view)(RequestFactory().get("/de/"))
    assert response.content.decode() == PRIMARY
    thilik._state.db = REPLICA
    assert router.db_for_read(Page, instance=thilik) == REPLICA


def test_writes_and_migrations_only_on_the_primary():
    assert router.db_for_write(Page) == PRIMARY
    assert router.allow_migrate(PRIMARY, "wagtailcore")
    assert not router.allow_migrate(REPLICA, "wagtailcore")


# -- a server on two real databases ----------------------------------------------------------

# The servers' databases are copies of the test database, which pytest-django creates only
# for tests that say they need it.
server_test = pytest.mark.django_db


@pytest.fixture(scope="module")
def replicated(django_db_setup, django_db_blocker, tmp_path_factory):
    """A server on a primary and a replica copy of the demo site; the replica's ThILIK
    title differs, and the editor account exists on the primary only."""
    directory = tmp_path_factory.mktemp("replica")
    stack = contextlib.ExitStack()
    with django_db_blocker.unblock():
        page = ProjectPage.objects.get(locale__language_code="de", slug="thilik")
        thilik = SimpleNamespace(pk=page.pk, title=page.title, url=page.url)
        primary = stack.enter_context(database_copy(directory))
        replica = stack.enter_context(database_copy(directory))
    env = {
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URL": replica,
        "REDIS_URL": "",
        "STATIC_ROOT": collected_static_root(),
        # Routing only: no primary window after changes (the decisions above cover it).
        "DATABASE_REPLICA_LAG_SECONDS": "0",
    }
    try:
        manage_py(
            env,
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model\n"
            "from wagtail.models import Page\n"
            f"get_user_model().objects.db_manager('default').create_superuser("
            f"{EDITOR!r}, 'router@example.org', {PASSWORD!r})\n"
            f"Page.objects.using('replica').filter(pk={thilik.pk}).update(title={REPLICA_TITLE!r})",
        )
        server = stack.enter_context(Gunicorn(env, workers=1))
        yield server, thilik
    finally:
        with django_db_blocker.unblock():
            stack.close()


@server_test
def test_server_reports_both_databases(replicated):
    server, _thilik = replicated
    response = requests.get(server.base_url + "/healthz", timeout=30)
    assert response.json() == {"status": "ok", "database": "ok", "replica": "ok", "cache": "ok"}


@server_test
def test_server_serves_anonymous_visitors_from_the_replica(replicated):
    server, thilik = replicated
    page = requests.get(server.base_url + thilik.url, timeout=30)
    assert page.status_code == 200, server.log_tail(60)
    assert REPLICA_TITLE in page.text
    api = requests.get(f"{server.base_url}/api/v1/projects/{thilik.pk}/", timeout=30)
    assert api.json()["title"] == REPLICA_TITLE


@server_test
def test_server_serves_editors_from_the_primary(replicated):
    server, thilik = replicated
    editor = AdminSession(server.base_url)
    # The account exists only on the primary: signing in reads it there.
    editor.log_in(EDITOR, PASSWORD)
    # So does the new session, which the dashboard and every later request need.
    assert editor.get("/admin/").status_code == 200
    edit = editor.get(f"/admin/pages/{thilik.pk}/edit/")
    assert edit.status_code == 200
    assert f'value="{thilik.title}"' in edit.text
    assert REPLICA_TITLE not in edit.text
    page = editor.get(thilik.url)
    assert page.status_code == 200
    assert REPLICA_TITLE not in page.text
    assert thilik.title in page.text
