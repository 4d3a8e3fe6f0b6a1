"""Anonymous HTML pages come from the cache, cost no query, and never show anything stale.

Changes run inside ``django_capture_on_commit_callbacks(execute=True)``: the cache is retired
after the transaction commits, as in production.
"""

import datetime
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date
from wagtail.models import PageViewRestriction, Site

from cms import response_cache
from cms.models import FooterLinks
from home.models import StandardPage
from tests import test_purge as purge_tests
from tests.helpers import count_cache_calls, text

pytestmark = pytest.mark.django_db

THILIK = "/de/projekte/thilik/"
THILIK_EN = "/en/projects/thilik/"
PROJECTS = "/de/projekte/"
JENA = "/de/landkreise-und-staedte/jena/"


def queries_for(client: Client, url: str, **extra) -> tuple[object, int]:
    """The response and how many database queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, len(captured)


def is_hit(client: Client, url: str) -> bool:
    """Served without touching the database, which only the cache can do for a page."""
    response, count = queries_for(client, url)
    assert response.status_code == 200, url
    return count == 0


@pytest.fixture
def anon() -> Client:
    return Client()


@pytest.fixture
def standard_page(de) -> StandardPage:
    return StandardPage.objects.filter(locale=de, live=True).order_by("path").first()


# -- hits and misses ---------------------------------------------------------------------


def test_second_anonymous_request_is_a_hit_without_queries(anon, django_assert_max_num_queries):
    first = anon.get(THILIK)
    assert first.status_code == 200
    with django_assert_max_num_queries(0):
        second = anon.get(THILIK)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert "Vary" not in second or "cookie" not in second["Vary"].lower()
    assert not second.cookies


def test_a_hit_is_one_cache_round_trip(anon, monkeypatch):
    anon.get(THILIK)
    calls = count_cache_calls(monkeypatch)
    assert anon.get(THILIK).status_code == 200
    assert calls == ["get_many"]


def test_every_page_type_is_cached(anon):
    from tests.helpers import one_page_per_type

    for name, page in one_page_per_type().items():
        anon.get(page.url)
        assert is_hit(anon, page.url), name


def test_cached_page_keeps_every_header_of_the_uncached_page(anon, settings):
    settings.HTML_CACHE_SECONDS = 0
    uncached = anon.get(THILIK)
    settings.HTML_CACHE_SECONDS = 3600
    anon.get(THILIK)
    hit = anon.get(THILIK)
    assert hit.content == uncached.content
    missing = {name.lower() for name in uncached.headers} - {n.lower() for n in hit.headers}
    assert not missing
    for name in ("X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert hit[name] == uncached[name]
    if "Content-Security-Policy" in uncached:
        assert hit["Content-Security-Policy"] == uncached["Content-Security-Policy"]


def test_head_is_served_from_the_cache(anon, django_assert_max_num_queries):
    anon.get(THILIK)
    with django_assert_max_num_queries(0):
        response = anon.head(THILIK)
    assert response.status_code == 200
    assert response["ETag"]


def test_not_found_is_never_cached(anon):
    for _ in range(2):
        response, count = queries_for(anon, "/de/gibt-es-nicht/")
        assert response.status_code == 404
        assert count > 0


def test_errors_from_a_served_page_are_never_cached(anon, volume_1):
    """A routable page answers unknown sub-paths with 404 after it was routed to."""
    citation = volume_1.url + "cite/bibtex/"
    anon.get(citation)
    assert is_hit(anon, citation)  # citation exports are cached like the page
    for _ in range(2):
        response, count = queries_for(anon, volume_1.url + "cite/no-such-format/")
        assert response.status_code == 404
        assert count > 0


def test_cache_can_be_turned_off(anon, settings):
    settings.HTML_CACHE_SECONDS = 0
    anon.get(THILIK)
    assert not is_hit(anon, THILIK)
    assert "ETag" not in anon.get(THILIK)


# -- validators and browser caching ------------------------------------------------------


def test_etag_and_last_modified_answer_conditional_requests(
    anon, settings, django_assert_max_num_queries
):
    settings.HTML_HTTP_MAX_AGE = 45
    first = anon.get(THILIK)
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "public" in first["Cache-Control"] and "max-age=45" in first["Cache-Control"]
    with django_assert_max_num_queries(0):
        not_modified = anon.get(THILIK, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert anon.get(THILIK, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    since = anon.get(THILIK, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    earlier = http_date(time.time() - 24 * 3600)
    assert anon.get(THILIK, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_etag_changes_with_the_content(anon, thilik, django_capture_on_commit_callbacks):
    before = anon.get(THILIK)["ETag"]
    thilik.title = "ThILIK – neuer Titel"
    with django_capture_on_commit_callbacks(execute=True):
        thilik.save_revision().publish()
    after = anon.get(THILIK, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200
    assert after["ETag"] != before
    assert "ThILIK – neuer Titel" in text(after)


# -- who gets cached pages ---------------------------------------------------------------


def test_signed_in_editors_bypass_the_cache(anon, admin_client):
    anon.get(THILIK)  # an anonymous entry exists
    for _ in range(2):
        response, count = queries_for(admin_client, THILIK)
        assert response.status_code == 200
        assert count > 0  # rendered for them, not served from the cache
        control = response["Cache-Control"]
        assert "private" in control and "public" not in control
    # and the editor's responses were never stored for anonymous readers
    cache.clear()
    admin_client.get(THILIK)
    assert not is_hit(anon, THILIK)


def test_requests_with_a_session_cookie_are_not_served_from_the_cache(anon, settings):
    anon.get(THILIK)
    assert is_hit(anon, THILIK)
    anon.cookies[settings.SESSION_COOKIE_NAME] = "not-a-valid-session"
    assert not is_hit(anon, THILIK)


def test_english_and_german_are_cached_apart(anon):
    german, english = anon.get(THILIK), anon.get(THILIK_EN)
    assert is_hit(anon, THILIK) and is_hit(anon, THILIK_EN)
    assert '<html lang="de">' in text(anon.get(THILIK))
    assert '<html lang="en">' in text(anon.get(THILIK_EN))
    assert german["ETag"] != english["ETag"]


def test_listing_filters_are_keyed_apart(anon):
    everything = text(anon.get(PROJECTS))
    planned = text(anon.get(PROJECTS + "?status=planned"))
    assert everything != planned
    assert is_hit(anon, PROJECTS) and is_hit(anon, PROJECTS + "?status=planned")
    assert text(anon.get(PROJECTS)) == everything
    assert text(anon.get(PROJECTS + "?status=planned")) == planned
    anon.get(PROJECTS + "?status=completed&district=16053")
    assert is_hit(anon, PROJECTS + "?district=16053&status=completed")  # order is no key


# -- never cached: private, drafts, outside the schedule ---------------------------------


def test_page_restricted_to_signed_in_users_is_never_served_from_cache(
    anon, standard_page, django_capture_on_commit_callbacks
):
    anon.get(standard_page.url)
    assert is_hit(anon, standard_page.url)
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=standard_page, restriction_type=PageViewRestriction.LOGIN
        )
    for _ in range(2):
        response = anon.get(standard_page.url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_password_protected_page_form_is_never_cached(
    anon, standard_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=standard_page, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
        )
    for _ in range(2):
        response, count = queries_for(anon, standard_page.url)
        assert response.status_code == 200
        assert count > 0
        assert "public" not in response.get("Cache-Control", "")
        assert 'type="password"' in text(response)


def test_drafts_are_never_shown_and_do_not_retire_the_cache(
    anon, thilik, django_capture_on_commit_callbacks
):
    live = text(anon.get(THILIK))
    thilik.title = "Entwurfstitel, unveröffentlicht"
    with django_capture_on_commit_callbacks(execute=True):
        thilik.save_revision()
    assert is_hit(anon, THILIK)
    assert text(anon.get(THILIK)) == live
    assert "Entwurfstitel" not in live


def test_unpublished_page_leaves_every_cached_surface(
    anon, thilik, django_capture_on_commit_callbacks
):
    for url in (THILIK, PROJECTS, JENA):
        assert thilik.title in text(anon.get(url))
        assert is_hit(anon, url)
    with django_capture_on_commit_callbacks(execute=True):
        thilik.unpublish()
    assert anon.get(THILIK).status_code == 404
    assert thilik.title not in text(anon.get(PROJECTS))
    assert thilik.title not in text(anon.get(JENA))


def test_expiry_retires_cached_page_and_listing_on_time(
    anon, make_project, django_capture_on_commit_callbacks
):
    expires = timezone.now() + datetime.timedelta(seconds=4)
    with django_capture_on_commit_callbacks(execute=True):
        project = make_project(slug="bald-vorbei", title="Bald vorbei", expire_at=expires)
    assert "Bald vorbei" in text(anon.get(PROJECTS))
    assert anon.get(project.url).status_code == 200
    assert is_hit(anon, PROJECTS) and is_hit(anon, project.url)
    time.sleep(max(0.0, (expires - timezone.now()).total_seconds()) + 0.2)
    assert anon.get(project.url).status_code == 404
    assert "Bald vorbei" not in text(anon.get(PROJECTS))


def test_entries_retire_at_local_midnight(anon):
    anon.get(THILIK)
    entry = cache.get(response_cache.entry_key(anon.get(THILIK).wsgi_request))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    midnight = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))
    assert time.time() < entry.valid_until <= midnight.timestamp()


# -- precise invalidation ----------------------------------------------------------------


def test_publish_shows_on_page_listing_and_district(
    anon, thilik, standard_page, django_capture_on_commit_callbacks
):
    for url in (THILIK, PROJECTS, JENA, standard_page.url):
        anon.get(url)
    thilik.title = "ThILIK mit neuem Namen"
    with django_capture_on_commit_callbacks(execute=True):
        thilik.save_revision().publish()
    for url in (THILIK, PROJECTS, JENA):
        assert "ThILIK mit neuem Namen" in text(anon.get(url)), url
    # A standard page shows no projects: it stays cached.
    assert is_hit(anon, standard_page.url)


def test_new_project_appears_on_listing_and_home(
    anon, make_project, django_capture_on_commit_callbacks
):
    anon.get(PROJECTS)
    with django_capture_on_commit_callbacks(execute=True):
        make_project(slug="neu", title="Ganz neues Projekt")
    assert "Ganz neues Projekt" in text(anon.get(PROJECTS))


def test_deleted_page_leaves_cached_listing(anon, make_project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project = make_project(slug="kurzlebig", title="Kurzlebiges Projekt")
    url = project.url
    assert "Kurzlebiges Projekt" in text(anon.get(PROJECTS))
    anon.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        project.delete()
    assert anon.get(url).status_code == 404
    assert "Kurzlebiges Projekt" not in text(anon.get(PROJECTS))


def test_moved_page_changes_urls_and_menu(
    anon, home, standard_page, django_capture_on_commit_callbacks
):
    page = StandardPage(title="Wandernde Seite", slug="wandernde-seite", show_in_menus=True)
    with django_capture_on_commit_callbacks(execute=True):
        home.add_child(instance=page)
        page.save_revision().publish()
    old_url = page.url
    assert 'href="/de/wandernde-seite/"' in text(anon.get(home.url))
    assert anon.get(old_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        page.move(standard_page, pos="last-child")
    page.refresh_from_db()
    moved = anon.get(old_url)  # Wagtail leaves a redirect behind, not the cached page
    assert moved.status_code == 301
    assert moved["Location"] == page.url
    assert anon.get(page.url).status_code == 200
    assert 'href="/de/wandernde-seite/"' not in text(anon.get(home.url))


def test_renamed_person_shows_on_project_and_district_pages(
    anon, thilik, jena_de, django_capture_on_commit_callbacks
):
    person = thilik.people.first().person
    jena_de.integration_contact = person
    with django_capture_on_commit_callbacks(execute=True):
        jena_de.save_revision().publish()
    for url in (THILIK, JENA):
        assert person.family_name in text(anon.get(url))
        assert is_hit(anon, url)
    person.family_name = "Umbenannt-Neuname"
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    for url in (THILIK, JENA):
        assert "Umbenannt-Neuname" in text(anon.get(url)), url


def test_footer_change_retires_every_page(anon, home, django_capture_on_commit_callbacks):
    urls = [home.url, THILIK, PROJECTS, JENA, THILIK_EN]
    for url in urls:
        anon.get(url)
    footer = FooterLinks.for_site(Site.objects.get(is_default_site=True))
    footer.contact_email = "neue-adresse@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        footer.save()
    for url in urls:
        assert "neue-adresse@example.org" in text(anon.get(url)), url


def test_renamed_menu_page_shows_in_every_menu(
    anon, project_index, django_capture_on_commit_callbacks
):
    anon.get(THILIK)
    project_index.title = "Alle unsere Projekte"
    with django_capture_on_commit_callbacks(execute=True):
        project_index.save_revision().publish()
    assert "Alle unsere Projekte" in text(anon.get(THILIK))


# -- front-end cache (CDN) purge for snippet changes -------------------------------------

# The loopback purge recorder of test_purge, reused as fixtures here.
cache_server, purging = purge_tests.cache_server, purge_tests.purging
path_of, paths = purge_tests.path_of, purge_tests.paths


def test_renamed_person_purges_every_page_showing_them(
    purging, thilik, en, django_capture_on_commit_callbacks
):
    from projects.models import ProjectPage

    person = thilik.people.first().person
    person.family_name = "Umbenannt"
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    purged = paths(purging)
    english = ProjectPage.objects.get(locale=en, translation_key=thilik.translation_key)
    assert {path_of(thilik), path_of(english)} <= purged
    assert "/de/landkreise-und-staedte/weimar/" not in purged


def test_renamed_topic_purges_the_listings_filtering_by_it(
    purging, thilik, project_index, publication_index, django_capture_on_commit_callbacks
):
    topic = thilik.topic_links.first().topic
    topic.name = "Umbenanntes Thema"
    with django_capture_on_commit_callbacks(execute=True):
        topic.save()
    purged = paths(purging)
    assert {path_of(thilik), path_of(project_index), path_of(publication_index)} <= purged
