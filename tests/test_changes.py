"""The change feed: a partner syncs incrementally and learns about removals and moves."""

import pytest
from django.utils import timezone

from directory.models import Topic
from syndication.models import ChangeEvent

pytestmark = pytest.mark.django_db

API = "/api/v1"


def changes(client, **params) -> dict:
    response = client.get(f"{API}/changes/", params)
    assert response.status_code == 200, response.content
    return response.json()


def latest_cursor(client) -> int:
    return changes(client, since=0, limit=500)["events"][-1]["cursor"]


def test_demo_content_is_in_the_feed_in_order(client):
    feed = changes(client, limit=500)
    cursors = [event["cursor"] for event in feed["events"]]
    assert cursors == sorted(cursors)
    types = {event["type"] for event in feed["events"]}
    assert {"projects", "publications", "districts", "people", "topics"} <= types
    assert {event["locale"] for event in feed["events"]} == {"de", "en"}


def test_life_cycle_of_a_project(
    client, make_project, project_index, district_index, django_capture_on_commit_callbacks
):
    cursor = latest_cursor(client)
    with django_capture_on_commit_callbacks(execute=True):
        page = make_project(slug="lebenszyklus")
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Lebenszyklus, überarbeitet"
        page.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        page.refresh_from_db()
        page.slug = "lebenszyklus-neu"
        page.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()

    feed = changes(client, since=cursor)
    mine = [e for e in feed["events"] if e["type"] == "projects" and e["id"] == page.pk]
    assert [e["event"] for e in mine] == [
        "published",
        "updated",
        "unpublished",
        "published",
        "updated",
        "deleted",
    ]
    assert mine[0]["translation_key"] == str(page.translation_key)
    assert mine[0]["locale"] == "de"
    assert mine[0]["api_url"].endswith(f"/api/v1/projects/{page.pk}/")
    assert mine[-1]["api_url"] is None
    assert feed["next_since"] == feed["events"][-1]["cursor"]
    assert changes(client, since=feed["next_since"])["events"] == []


def test_moving_a_page_is_an_event(
    client, thilik, project_index, django_capture_on_commit_callbacks
):
    cursor = latest_cursor(client)
    with django_capture_on_commit_callbacks(execute=True):
        sibling = project_index.get_parent().specific
        from projects.models import ProjectIndexPage

        second_index = ProjectIndexPage(title="Archiv", slug="archiv")
        sibling.add_child(instance=second_index)
        second_index.save_revision().publish()
    # Moving is only allowed under a project index; the page's URL changes.
    with django_capture_on_commit_callbacks(execute=True):
        thilik.move(second_index, pos="last-child")
    events = changes(client, since=cursor)["events"]
    assert ("moved", thilik.pk) in {(e["event"], e["id"]) for e in events}


def test_snippet_changes_are_events(client, django_capture_on_commit_callbacks):
    cursor = latest_cursor(client)
    with django_capture_on_commit_callbacks(execute=True):
        topic = Topic.objects.create(name="Demografie", slug="demografie")
    with django_capture_on_commit_callbacks(execute=True):
        topic.name = "Demografischer Wandel"
        topic.save()
    with django_capture_on_commit_callbacks(execute=True):
        topic_id = topic.pk
        topic.delete()
    events = [
        e["event"]
        for e in changes(client, since=cursor, type="topics")["events"]
        if e["id"] == topic_id
    ]
    assert events == ["published", "updated", "deleted"]


def test_since_accepts_a_timestamp_and_filters_by_type_and_locale(
    client, make_project, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        page = make_project(slug="zeitstempel")
    feed = changes(client, since=before.isoformat())
    assert [(e["event"], e["id"]) for e in feed["events"]] == [("published", page.pk)]
    assert changes(client, since=before.isoformat(), locale="en")["events"] == []
    assert changes(client, since=before.isoformat(), type="districts")["events"] == []


def test_paging_through_the_feed(client):
    total = ChangeEvent.objects.count()
    seen, since = [], 0
    while True:
        feed = changes(client, since=since, limit=7)
        seen += [event["cursor"] for event in feed["events"]]
        since = feed["next_since"]
        if not feed["has_more"]:
            break
    assert len(seen) == len(set(seen)) == total


def test_new_events_invalidate_the_cached_feed(
    client, make_project, django_capture_on_commit_callbacks
):
    cursor = latest_cursor(client)
    assert changes(client, since=cursor)["events"] == []
    with django_capture_on_commit_callbacks(execute=True):
        make_project(slug="frisch")
    assert len(changes(client, since=cursor)["events"]) == 1


# -- search ----------------------------------------------------------------------------------


def test_search_api_finds_projects_first_by_acronym(client, thilik):
    results = client.get(f"{API}/search/", {"q": "ThILIK"}).json()
    assert results["items"][0]["id"] == thilik.pk
    assert results["items"][0]["type"] == "projects"
    assert results["items"][0]["url"].startswith("http")
    assert results["count"] >= 2


def test_search_api_in_english_and_by_type(client):
    english = client.get(f"{API}/search/", {"q": "integration", "locale": "en"}).json()
    assert english["items"] and all(hit["locale"] == "en" for hit in english["items"])
    assert all("/en/" in hit["url"] for hit in english["items"])
    only = client.get(
        f"{API}/search/", {"q": "integration", "locale": "en", "type": "publications"}
    ).json()
    assert only["items"] and {hit["type"] for hit in only["items"]} == {"publications"}


def test_polling_by_time_with_nothing_new_keeps_the_position(client):
    latest = latest_cursor(client)
    feed = changes(client, since=timezone.now().isoformat())
    assert feed["events"] == [] and feed["next_since"] == latest
