"""Editorial roles: Redaktion writes, Freigabe approves, through the real admin views."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.demo.roles import APPROVAL_TASK, EDITORS, MODERATORS, WORKFLOW, ensure_roles
from home.models import HomePage, StandardPage
from tests.helpers import member_of, text

pytestmark = pytest.mark.django_db

SLUG = "neue-seite-der-redaktion"


@pytest.fixture
def redaktion() -> Client:
    return member_of(EDITORS, "redakteur")


@pytest.fixture
def freigabe() -> Client:
    return member_of(MODERATORS, "freigeberin")


def standard_page_form(**actions) -> dict:
    return nested_form_data(
        {
            "title": "Neue Seite der Redaktion",
            "slug": SLUG,
            "intro": "Von der Redaktion geschrieben.",
            "body": streamfield([]),
            "seo_title": "",
            "search_description": "",
            "listing_teaser": "",
            "comments": inline_formset([]),
            **actions,
        }
    )


def add_page(client: Client, home: HomePage, **actions):
    return client.post(
        reverse("wagtailadmin_pages:add", args=["home", "standardpage", home.pk]),
        standard_page_form(**actions),
    )


def draft(home: HomePage) -> StandardPage:
    return StandardPage.objects.get(slug=SLUG, locale=home.locale)


# -- what the demo command sets up -----------------------------------------------------------


def page_codenames(group: Group, page: Page) -> set[str]:
    return set(
        GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission__codename", flat=True
        )
    )


def test_groups_have_exactly_their_permissions_on_both_home_pages():
    editors = Group.objects.get(name=EDITORS)
    moderators = Group.objects.get(name=MODERATORS)
    homes = HomePage.objects.filter(depth=2)
    assert sorted(homes.values_list("locale__language_code", flat=True)) == ["de", "en"]
    for home in homes:
        assert page_codenames(editors, home) == {"add_page", "change_page"}
        assert page_codenames(moderators, home) == {
            "add_page",
            "change_page",
            "publish_page",
            "lock_page",
            "unlock_page",
        }
    # Nothing above the homes: the root page stays out of reach.
    assert not GroupPagePermission.objects.filter(
        group__in=[editors, moderators], page__depth=1
    ).exists()
    for group in (editors, moderators):
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert codenames == {
            "access_admin",
            "submit_translation",
            "add_person",
            "change_person",
            "add_organisation",
            "change_organisation",
            "add_topic",
            "change_topic",
            "add_publicationseries",
            "change_publicationseries",
        }
        media = set(
            GroupCollectionPermission.objects.filter(group=group).values_list(
                "permission__codename", flat=True
            )
        )
        assert media == {"add_image", "choose_image", "add_document", "choose_document"}


def test_every_page_goes_through_the_freigabe_workflow(thilik, volume_1_en):
    workflow = Workflow.objects.get(name=WORKFLOW)
    assert workflow.active
    (task,) = [wt.task.specific for wt in WorkflowTask.objects.filter(workflow=workflow)]
    assert isinstance(task, GroupApprovalTask)
    assert task.name == APPROVAL_TASK
    assert list(task.groups.values_list("name", flat=True)) == [MODERATORS]
    assigned = WorkflowPage.objects.filter(workflow=workflow)
    assert {wp.page.locale.language_code for wp in assigned} == {"de", "en"}
    for page in (thilik, volume_1_en, *HomePage.objects.filter(depth=2)):
        assert page.get_workflow() == workflow


ROLE_MODELS = [
    Group,
    GroupPagePermission,
    GroupCollectionPermission,
    Workflow,
    GroupApprovalTask,
    WorkflowTask,
    WorkflowPage,
]


def test_a_second_run_of_the_demo_command_creates_nothing():
    before = {model: model.objects.count() for model in ROLE_MODELS}
    permissions_before = {
        group.name: set(group.permissions.values_list("pk", flat=True))
        for group in Group.objects.all()
    }
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    assert "(0 objects created)" in out.getvalue()
    assert ensure_roles() == 0
    assert {model: model.objects.count() for model in ROLE_MODELS} == before
    assert {
        group.name: set(group.permissions.values_list("pk", flat=True))
        for group in Group.objects.all()
    } == permissions_before


# -- Redaktion -------------------------------------------------------------------------------


def test_editor_can_write_a_page_but_not_publish_it(redaktion, home, client):
    response = add_page(redaktion, home, **{"action-publish": "action-publish"})
    assert response.status_code == 302
    page = draft(home)
    assert not page.live  # saved as a draft, not published
    assert client.get(f"/de/{SLUG}/").status_code == 404

    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    edit = text(redaktion.get(edit_url))
    assert 'name="action-publish"' not in edit
    assert 'name="action-submit"' in edit

    response = redaktion.post(edit_url, standard_page_form(**{"action-publish": "1"}))
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert not page.revisions.filter(approved_go_live_at__isnull=False).exists()


def test_editor_cannot_publish_an_existing_page_either(redaktion, thilik):
    title = thilik.title
    url = reverse("wagtailadmin_pages:edit", args=[thilik.pk])
    assert 'name="action-publish"' not in text(redaktion.get(url))
    # The unpublish and delete views are closed too.
    for name in ("unpublish", "delete"):
        response = redaktion.get(reverse(f"wagtailadmin_pages:{name}", args=[thilik.pk]))
        assert response.status_code in (302, 403)
    thilik.refresh_from_db()
    assert thilik.live and thilik.title == title


def test_submitted_page_waits_for_freigabe_and_goes_live_on_approval(
    redaktion, freigabe, home, client
):
    response = add_page(redaktion, home, **{"action-submit": "1"})
    assert response.status_code == 302
    page = draft(home)
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == WORKFLOW
    assert state.current_task_state.task.name == APPROVAL_TASK
    assert not page.live

    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", state.current_task_state.pk],
    )
    # The editor cannot approve their own submission.
    redaktion.post(approve, {"comment": ""})
    page.refresh_from_db()
    assert not page.live

    response = freigabe.post(approve, {"comment": "Passt."})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert "Von der Redaktion geschrieben." in text(client.get(f"/de/{SLUG}/"))


def test_moderator_may_publish_directly(freigabe, thilik):
    edit = text(freigabe.get(reverse("wagtailadmin_pages:edit", args=[thilik.pk])))
    assert 'name="action-publish"' in edit


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users/",
        "/admin/users/new/",
        "/admin/groups/",
        "/admin/workflows/list/",
        "/admin/locales/",
        "/admin/sites/",
        "/admin/redirects/",
        "/admin/settings/cms/footerlinks/",
    ],
)
@pytest.mark.parametrize("role", [EDITORS, MODERATORS])
def test_roles_cannot_manage_users_or_settings(url, role):
    """Wagtail answers a signed-in user without permission with a redirect to the dashboard."""
    client = member_of(role, "mitglied")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_editor_cannot_make_itself_an_admin(redaktion):
    user = get_user_model().objects.get(username="redakteur")
    response = redaktion.post(
        reverse("wagtailusers_users:edit", args=[user.pk]),
        {"username": "redakteur", "email": "x@example.org", "is_superuser": "on"},
    )
    assert response.status_code in (302, 403)
    user.refresh_from_db()
    assert not user.is_superuser


def test_editor_maintains_snippets_but_cannot_delete_them(redaktion):
    from directory.models import Person

    person = Person.objects.filter(locale__language_code="de").first()
    viewset = Person.snippet_viewset
    assert redaktion.get(reverse(viewset.get_url_name("add"))).status_code == 200
    assert redaktion.get(reverse(viewset.get_url_name("edit"), args=[person.pk])).status_code == 200
    response = redaktion.post(reverse(viewset.get_url_name("delete"), args=[person.pk]))
    assert response.status_code in (302, 403)
    assert Person.objects.filter(pk=person.pk).exists()
