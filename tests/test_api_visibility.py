"""Nothing leaks: hidden pages × every API surface, and the change feed's account of them."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction

from projects.models import ProjectPage
from publications.models import PublicationProject
from syndication.models import ChangeEvent

pytestmark = pytest.mark.django_db

API = "/api/v1"
SECRET = "Zebrafinkprojekt"
STATES = ["draft", "private", "scheduled", "expired", "unpublished", "private_later"]


def _new_project(project_index, slug: str) -> ProjectPage:
    page = ProjectPage(
        title=f"{SECRET} {slug}",
        slug=slug,
        acronym="ZFP",
        start_date=datetime.date(2024, 1, 1),
        teaser=f"{SECRET}: darf niemand sehen.",
        live=False,
    )
    project_index.add_child(instance=page)
    return page


def make_hidden(state: str, project_index) -> ProjectPage:
    """A German project in ``state``; every state is invisible to the public."""
    page = _new_project(project_index, f"versteckt-{state.replace('_', '-')}")
    now = timezone.now()
    if state == "draft":
        page.save_revision()
    elif state == "private":
        PageViewRestriction.objects.create(page=page, restriction_type="password", password="pw")
        page.save_revision().publish()
    elif state == "scheduled":
        page.go_live_at = now + datetime.timedelta(days=7)
        page.save_revision().publish()
    elif state == "expired":
        page.save_revision().publish()
        ProjectPage.objects.filter(pk=page.pk).update(expire_at=now - datetime.timedelta(hours=1))
    elif state == "unpublished":
        page.save_revision().publish()
        page.refresh_from_db()
        page.unpublish()
    elif state == "private_later":
        page.save_revision().publish()
        PageViewRestriction.objects.create(page=page, restriction_type="password", password="pw")
    page.refresh_from_db()
    return page


@pytest.fixture(params=STATES)
def hidden(request, project_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = make_hidden(request.param, project_index)
    return request.param, page


def test_every_state_really_is_hidden_on_the_website(client, hidden):
    _state, page = hidden
    response = client.get(f"/de/projekte/{page.slug}/")
    # Not found, or a password form that does not show the content.
    assert response.status_code == 404 or SECRET.encode() not in response.content


def test_hidden_pages_are_not_listed(client, hidden):
    _state, page = hidden
    for params in ({}, {"locale": "en", "fallback": "de"}, {"status": "running"}):
        ids = [item["id"] for item in client.get(f"{API}/projects/", params).json()["items"]]
        assert page.pk not in ids


def test_hidden_pages_have_no_detail(client, hidden):
    _state, page = hidden
    assert client.get(f"{API}/projects/{page.pk}/").status_code == 404
    assert client.get(f"{API}/projects/by-slug/{page.slug}/").status_code == 404


def test_hidden_pages_are_not_found_by_search(client, hidden):
    _state, page = hidden
    results = client.get(f"{API}/search/", {"q": SECRET}).json()
    assert page.pk not in [hit["id"] for hit in results["items"]]


def test_hidden_pages_are_not_embedded_in_related_items(client, hidden, volume_1):
    _state, page = hidden
    PublicationProject.objects.create(page=volume_1, project=page)
    detail = client.get(f"{API}/publications/{volume_1.pk}/").json()
    assert page.pk not in [p["id"] for p in detail["projects"]]
    assert detail["projects"], "the visible project is still there"


def test_hidden_pages_stay_out_of_wagtails_api(client, hidden):
    _state, page = hidden
    response = client.get("/api/v2/pages/", {"type": "projects.ProjectPage", "limit": 50})
    assert page.pk not in [item["id"] for item in response.json()["items"]]
    assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404


def test_change_feed_tells_only_what_was_public(client, hidden):
    state, page = hidden
    events = [
        (event["event"], event["api_url"])
        for event in client.get(f"{API}/changes/", {"limit": 500}).json()["events"]
        if event["id"] == page.pk
    ]
    kinds = [kind for kind, _url in events]
    if state in {"draft", "private", "scheduled"}:
        assert kinds == []  # never public: partners never hear of it
    elif state in {"unpublished", "private_later"}:
        assert kinds == ["published", "unpublished"]
        assert events[-1][1] is None  # nothing to fetch any more
    else:  # expired: public until the expiry, then removed by the scheduler
        assert kinds == ["published"]


def test_expiry_and_go_live_reach_the_change_feed(
    client, project_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        expired = make_hidden("expired", project_index)
        scheduled = make_hidden("scheduled", project_index)
    # Let the scheduled time pass.
    revision = scheduled.latest_revision
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")
    kinds = {
        page.pk: list(
            ChangeEvent.objects.filter(object_id=page.pk, resource="projects").values_list(
                "kind", flat=True
            )
        )
        for page in (expired, scheduled)
    }
    assert kinds[expired.pk] == ["published", "unpublished"]
    assert kinds[scheduled.pk] == ["published"]
    assert client.get(f"{API}/projects/{scheduled.pk}/").status_code == 200


@pytest.mark.parametrize("state", ["draft", "private", "expired", "unpublished"])
def test_hidden_translations_are_neither_linked_nor_served(
    client, state, make_project, en, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        original = make_project(slug="mit-versteckter-uebersetzung")
        translation = original.copy_for_translation(en)
        translation.title = f"{SECRET} translation"
        translation.save_revision()
        if state != "draft":
            translation.save_revision().publish()
            translation.refresh_from_db()
        if state == "private":
            PageViewRestriction.objects.create(
                page=translation, restriction_type="password", password="pw"
            )
        elif state == "expired":
            ProjectPage.objects.filter(pk=translation.pk).update(
                expire_at=timezone.now() - datetime.timedelta(hours=1)
            )
        elif state == "unpublished":
            translation.unpublish()
    german = client.get(f"{API}/projects/{original.pk}/").json()
    assert german["translations"] == []
    english = client.get(f"{API}/projects/", {"locale": "en", "fallback": "de"}).json()["items"]
    served = next(item for item in english if item["translation_key"] == german["translation_key"])
    assert served["id"] == original.pk and served["locale"] == "de"
