"""“Submit translation for approval”: a translation goes through “Redaktion → Freigabe” too.

wagtail-localize's translation editor has no workflow action and keeps translated strings
out of the page until someone publishes; cms/translation_workflow.py adds the button that
turns them into a draft revision and starts the workflow. Tested through the real admin
views with members of the demo command's groups.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from wagtail.models import PageLogEntry, WorkflowPage, WorkflowState
from wagtail_localize.models import StringSegment, Translation

from cms.demo.roles import EDITORS, MODERATORS, WORKFLOW
from cms.translation_workflow import URL_NAME, submit_button
from projects.models import ProjectIndexPage, ProjectPage
from tests.helpers import member_of, text

pytestmark = pytest.mark.django_db

ENGLISH_TEASER = "Ein Projekt nur für die Tests."
ENGLISH = {
    "Testprojekt Sozialplanung": "Test project social planning",
    ENGLISH_TEASER: "A project just for the tests.",
    "testprojekt": "test-project",
}


@pytest.fixture
def redaktion() -> Client:
    return member_of(EDITORS, "uebersetzerin")


@pytest.fixture
def freigabe() -> Client:
    return member_of(MODERATORS, "freigeber")


def translate_string(client: Client, translation: Translation, source: str, value: str) -> None:
    """What the translation editor sends when the translator saves one string."""
    segment = StringSegment.objects.get(source=translation.source, string__data=source)
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
    body = encode_multipart(BOUNDARY, {"value": value})  # the browser's FormData
    response = client.put(url, body, content_type=MULTIPART_CONTENT)
    assert response.status_code in (200, 201), response.content


def translation_of(page) -> Translation:
    return Translation.objects.get(
        source__object_id=page.translation_key, target_locale=page.locale, enabled=True
    )


@pytest.fixture
def english_draft(redaktion, make_project, en, django_capture_on_commit_callbacks):
    """A live German project the editor translated to English in the translation editor."""
    german = make_project()
    url = reverse("wagtail_localize:submit_page_translation", args=[german.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert redaktion.post(url, {"locales": [en.pk]}).status_code == 302
    english = german.get_translation(en).specific
    translation = translation_of(english)
    for source, value in ENGLISH.items():
        translate_string(redaktion, translation, source, value)
    english.refresh_from_db()
    return english


def submit_url(page) -> str:
    return reverse(URL_NAME, args=[page.pk])


def explorer_url(page) -> str:
    return reverse("wagtailadmin_explore", args=[page.get_parent().pk])


def offered(client: Client, page) -> bool:
    """Whether the explorer listing the page's siblings shows the button for it."""
    response = client.get(explorer_url(page))
    assert response.status_code == 200
    return f'data-w-action-url-value="{submit_url(page)}"' in text(response)


def refused(response) -> bool:
    """Wagtail's admin answers PermissionDenied with a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def workflow_states(page):
    return WorkflowState.objects.filter(object_id=str(page.pk))


def approve(client: Client, page, capture):
    state = workflow_states(page).get(status=WorkflowState.STATUS_IN_PROGRESS)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", state.current_task_state.pk],
    )
    with capture(execute=True):
        return client.post(url, {"comment": ""})


# -- the whole way ---------------------------------------------------------------------------


def test_editor_submits_the_translation_and_the_moderator_publishes_it(
    redaktion, freigabe, english_draft, client, django_capture_on_commit_callbacks
):
    english = english_draft
    assert not english.live
    assert offered(redaktion, english)

    back = explorer_url(english)
    response = redaktion.post(submit_url(english), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert "has been submitted to the workflow" in text(redaktion.get(back))

    (state,) = workflow_states(english)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == WORKFLOW
    assert state.requested_by == redaktion.user
    english.refresh_from_db()
    assert not english.live
    draft = english.get_latest_revision_as_object()
    assert (draft.title, draft.teaser) == ("Test project social planning", ENGLISH[ENGLISH_TEASER])
    assert PageLogEntry.objects.filter(
        page=english, action="wagtail.workflow.start", user=redaktion.user
    ).exists()
    assert not offered(redaktion, english)  # in moderation: nothing more to submit

    # The editor can neither approve the submission nor publish from the translation editor.
    approve(redaktion, english, django_capture_on_commit_callbacks)
    edit = reverse("wagtailadmin_pages:edit", args=[english.pk])
    assert refused(redaktion.post(edit, {"action": "publish"}))
    english.refresh_from_db()
    assert not english.live
    assert client.get("/en/projects/test-project/").status_code == 404

    response = approve(freigabe, english, django_capture_on_commit_callbacks)
    assert response.status_code in (200, 302)
    english.refresh_from_db()
    assert english.live and english.title == "Test project social planning"
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    page = client.get("/en/projects/test-project/")
    assert page.status_code == 200
    assert "A project just for the tests." in text(page)


def test_a_published_translation_stays_as_it_is_until_the_edit_is_approved(
    redaktion, freigabe, en, client, django_capture_on_commit_callbacks
):
    """Editing a live translation must not reach visitors before the moderator approves."""
    english = ProjectPage.objects.get(locale=en, slug="thilik")
    live_title = english.title
    assert not offered(redaktion, english)  # published, nothing edited since

    translation = translation_of(english)
    segment = StringSegment.objects.get(source=translation.source, context__path="title")
    translate_string(redaktion, translation, segment.string.data, "ThILIK, newly translated")
    assert offered(redaktion, english)

    assert redaktion.post(submit_url(english)).status_code == 302
    english.refresh_from_db()
    assert english.live and english.title == live_title
    assert english.get_latest_revision_as_object().title == "ThILIK, newly translated"
    assert "ThILIK, newly translated" not in text(client.get(english.url))
    assert workflow_states(english).get().status == WorkflowState.STATUS_IN_PROGRESS

    approve(freigabe, english, django_capture_on_commit_callbacks)
    english.refresh_from_db()
    assert english.title == "ThILIK, newly translated"
    assert "ThILIK, newly translated" in text(client.get(english.url))


def test_after_requested_changes_the_same_workflow_resumes(
    redaktion, freigabe, english_draft, django_capture_on_commit_callbacks
):
    english = english_draft
    assert redaktion.post(submit_url(english)).status_code == 302
    state = workflow_states(english).get()
    reject = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[english.pk, "reject", state.current_task_state.pk],
    )
    assert freigabe.post(reject, {"comment": "Bitte den Kurztext prüfen."}).status_code in (
        200,
        302,
    )
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES

    translate_string(redaktion, translation_of(english), ENGLISH_TEASER, "Only for the tests.")
    assert offered(redaktion, english)
    assert redaktion.post(submit_url(english)).status_code == 302
    assert workflow_states(english).get() == state  # resumed, not a second workflow
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    approve(freigabe, english, django_capture_on_commit_callbacks)
    english.refresh_from_db()
    assert english.live and english.teaser == "Only for the tests."


# -- refusals --------------------------------------------------------------------------------


def test_get_starts_nothing(redaktion, english_draft):
    response = redaktion.get(submit_url(english_draft))
    assert response.status_code == 405
    assert not workflow_states(english_draft).exists()


def test_without_csrf_token_nothing_starts(english_draft):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(get_user_model().objects.get(username="uebersetzerin"))
    assert browser.post(submit_url(english_draft)).status_code == 403
    assert not workflow_states(english_draft).exists()


def test_users_who_may_not_edit_the_page_are_refused(english_draft, client):
    reader = get_user_model().objects.create_user("leser", "leser@example.org", "x")
    group = Group.objects.create(name="Nur Admin-Zugang")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    reader.groups.add(group)
    signed_in = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in.force_login(reader)
    assert refused(signed_in.post(submit_url(english_draft)))

    anonymous = client.post(submit_url(english_draft))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    assert not workflow_states(english_draft).exists()


def test_next_must_stay_inside_the_site(redaktion, english_draft):
    response = redaktion.post(submit_url(english_draft), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == explorer_url(english_draft)


def test_a_page_without_changes_is_not_offered_and_not_submitted(redaktion, en):
    english = ProjectPage.objects.get(locale=en, slug="thilik")
    assert not offered(redaktion, english)
    response = redaktion.post(submit_url(english), {"next": explorer_url(english)})
    assert response.status_code == 302
    assert "has no changes to submit" in text(redaktion.get(explorer_url(english)))
    assert not workflow_states(english).exists()


def test_a_page_without_workflow_is_not_offered(redaktion, english_draft):
    WorkflowPage.objects.all().delete()
    assert not offered(redaktion, english_draft)
    assert refused(redaktion.post(submit_url(english_draft)))
    assert not workflow_states(english_draft).exists()


def test_an_untranslated_page_uses_the_page_editor_instead(redaktion, thilik):
    """The German source has Wagtail's own “Submit to …” in its editor."""
    thilik.save_revision()  # unpublished changes
    assert not offered(redaktion, thilik)
    assert refused(redaktion.post(submit_url(thilik)))


def test_the_button_costs_few_queries_per_listed_page(redaktion, en, django_assert_max_num_queries):
    """The explorer asks for every row; a row without a translation to submit stays cheap."""
    user = redaktion.user
    english = ProjectPage.objects.get(locale=en, slug="thilik")
    english.permissions_for_user(user).can_edit()  # the user's page permissions, cached
    with django_assert_max_num_queries(3):
        assert submit_button(english, user) == []
    index = ProjectIndexPage.objects.get(locale=en)
    with django_assert_max_num_queries(3):
        assert submit_button(index, user) == []
