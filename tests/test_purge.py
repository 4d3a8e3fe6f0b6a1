"""Front-end cache purging: a change purges the listings that show the item, over real HTTP."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.urls import NoReverseMatch, reverse

import syndication.purge  # noqa: F401  (connects the receiver until SyndicationConfig does)
from projects.models import ProjectPage

pytestmark = pytest.mark.django_db


class _Recorder(BaseHTTPRequestHandler):
    def do_PURGE(self):
        self.server.purged.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cache_server():
    """A loopback HTTP cache that records PURGE requests as (Host, path)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def purging(settings, cache_server):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{cache_server.server_port}",
        }
    }
    return cache_server.purged


def path_of(page) -> str:
    return urlsplit(page.get_full_url()).path


def paths(purged) -> set[str]:
    return {path for _host, path in purged}


def feed_path(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # feeds not mounted (yet)
        return None


def test_publishing_a_project_purges_its_page_the_listing_and_the_home_page(
    purging, make_project, project_index, home, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = make_project("purge-projekt")
    purged = paths(purging)
    assert path_of(project) in purged
    assert path_of(project_index) in purged
    assert path_of(home) in purged
    # Sent to the cache with the site's host name, as the HTTP backend does.
    assert {host for host, _path in purging} == {urlsplit(home.get_full_url()).netloc}
    for feed in (
        feed_path("feeds:kind", language="de", scope="projects", fmt="atom"),
        feed_path("feeds:kind", language="de", scope="all", fmt="rss"),
        feed_path("feeds:project", language="de", key="purge-projekt", fmt="json"),
    ):
        assert feed is None or feed in purged


def test_a_publication_purges_its_projects_and_districts(
    purging, volume_1, publication_index, django_capture_on_commit_callbacks
):
    projects = [link.project for link in volume_1.project_links.select_related("project")]
    districts = [link.district for link in volume_1.district_links.select_related("district")]
    assert projects
    volume_1.title = "Band 1, überarbeitet"
    with django_capture_on_commit_callbacks(execute=True):
        volume_1.save_revision().publish()
    purged = paths(purging)
    assert {path_of(volume_1), path_of(publication_index)} <= purged
    assert {path_of(page) for page in projects + districts} <= purged
    assert feed_path("feeds:kind", language="de", scope="districts", fmt="atom") not in purged


def test_a_project_purges_the_districts_and_publications_that_list_it(
    purging, thilik, django_capture_on_commit_callbacks
):
    districts = [link.district for link in thilik.district_links.select_related("district")]
    publications = list(thilik.get_publications())
    assert districts and publications
    with django_capture_on_commit_callbacks(execute=True):
        thilik.save_revision().publish()
    purged = paths(purging)
    assert {path_of(page) for page in districts + publications} <= purged
    for district in districts:
        feed = feed_path("feeds:district", language="de", key=district.ags, fmt="atom")
        assert feed is None or feed in purged


def test_deleting_a_project_purges_its_listing(
    purging, make_project, project_index, home, django_capture_on_commit_callbacks
):
    project = make_project("weg-damit")
    purging.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ProjectPage.objects.get(pk=project.pk).delete()
    assert {path_of(project_index), path_of(home)} <= paths(purging)


def test_english_changes_purge_english_listings(purging, en, django_capture_on_commit_callbacks):
    project = ProjectPage.objects.live().filter(locale=en).first()
    with django_capture_on_commit_callbacks(execute=True):
        project.save_revision().publish()
    purged = paths(purging)
    assert path_of(project.get_parent()) in purged
    assert path_of(project.get_parent().get_parent()) in purged  # the English home page


def test_drafts_purge_nothing(purging, thilik, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thilik.save_revision()
    assert purging == []


def test_nothing_is_sent_without_a_configured_cache(
    cache_server, make_project, django_capture_on_commit_callbacks, settings
):
    assert not hasattr(settings, "WAGTAILFRONTENDCACHE")
    with django_capture_on_commit_callbacks(execute=True):
        make_project("ohne-cache")
    assert cache_server.purged == []


def test_an_unreachable_cache_does_not_break_publishing(
    settings, make_project, django_capture_on_commit_callbacks
):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{port}",
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        project = make_project("trotzdem")
    assert project.live
