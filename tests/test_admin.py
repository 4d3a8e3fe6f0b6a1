"""The Wagtail admin: page type rules, editors' access, validation shown in forms."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import GroupPagePermission, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from directory.models import Organisation, Person, Topic
from districts.models import DistrictIndexPage, DistrictPage
from home.models import HomePage, StandardPage
from projects.models import ProjectIndexPage, ProjectPage
from publications.models import (
    InterviewPage,
    PublicationIndexPage,
    PublicationPage,
    PublicationSeries,
)
from tests.helpers import german, one_page_per_type, text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "parent_type", "allowed"),
    [
        (StandardPage, HomePage, True),
        (StandardPage, StandardPage, True),
        (ProjectPage, ProjectIndexPage, True),
        (PublicationPage, PublicationIndexPage, True),
        (InterviewPage, PublicationIndexPage, True),
        (DistrictPage, DistrictIndexPage, True),
        (ProjectPage, HomePage, False),
        (ProjectPage, PublicationIndexPage, False),
        (ProjectPage, ProjectPage, False),
        (DistrictPage, ProjectIndexPage, False),
        (DistrictPage, HomePage, False),
        (PublicationPage, ProjectIndexPage, False),
        (InterviewPage, DistrictIndexPage, False),
        (StandardPage, ProjectIndexPage, False),
        (HomePage, HomePage, False),
        # The index pages exist once per home page; the demo already has them.
        (ProjectIndexPage, HomePage, False),
        (PublicationIndexPage, HomePage, False),
        (DistrictIndexPage, HomePage, False),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else str(value),
)
def test_page_type_rules(de, model, parent_type, allowed):
    parent = parent_type.objects.filter(locale=de).order_by("path").first()
    assert model.can_create_at(parent) is allowed


def test_index_page_can_be_created_under_a_new_home_page(de):
    home = HomePage(title="Zweite Startseite", slug="zweite-start", locale=de)
    assert HomePage.can_create_at(Page.get_first_root_node())
    Page.get_first_root_node().add_child(instance=home)
    for model in (ProjectIndexPage, PublicationIndexPage, DistrictIndexPage):
        assert model.can_create_at(home)


@pytest.mark.parametrize(
    ("app_model", "parent_type"),
    [
        ("projects/projectpage", HomePage),
        ("districts/districtpage", ProjectIndexPage),
        ("publications/publicationpage", DistrictIndexPage),
        ("projects/projectindexpage", HomePage),
    ],
)
def test_admin_refuses_to_add_a_page_under_a_disallowed_parent(
    admin_client, de, app_model, parent_type
):
    parent = parent_type.objects.get(locale=de)
    response = admin_client.get(f"/admin/pages/add/{app_model}/{parent.pk}/")
    assert response.status_code != 200
    assert response.status_code in (302, 403)


def test_admin_offers_the_add_form_under_an_allowed_parent(admin_client, project_index):
    response = admin_client.get(f"/admin/pages/add/projects/projectpage/{project_index.pk}/")
    assert response.status_code == 200
    assert 'name="start_date"' in text(response)


def project_form(**overrides) -> dict:
    data = {
        "title": "Admin-Testprojekt",
        "slug": "admin-testprojekt",
        "acronym": "",
        "start_date": "2022-05-01",
        "end_date": "2021-03-01",
        "dates_precision": "month",
        "teaser": "Im Admin angelegt.",
        "body": streamfield([]),
        "topic_links": inline_formset([]),
        "people": inline_formset([]),
        "organisations": inline_formset([]),
        "district_links": inline_formset([]),
        "comments": inline_formset([]),
        "districts_as_of": "",
        "seo_title": "",
        "search_description": "",
        "listing_teaser": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_admin_create_form_shows_the_date_error(admin_client, project_index):
    url = f"/admin/pages/add/projects/projectpage/{project_index.pk}/"
    response = admin_client.post(url, project_form())
    assert response.status_code == 200  # the form again, not a redirect
    message = (
        german("The end must not be before the start.") or "The end must not be before the start."
    )
    assert message in text(response)
    assert not ProjectPage.objects.filter(slug="admin-testprojekt").exists()


def test_admin_create_form_saves_a_valid_project(admin_client, project_index):
    url = f"/admin/pages/add/projects/projectpage/{project_index.pk}/"
    response = admin_client.post(url, project_form(end_date="2023-09-15"))
    assert response.status_code == 302
    page = ProjectPage.objects.get(slug="admin-testprojekt")
    assert page.end_date == datetime.date(2023, 9, 1)  # month precision
    assert not page.live  # saved as a draft


def test_editors_group_has_page_permissions_on_the_root():
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="access_admin").exists()
    codenames = set(
        GroupPagePermission.objects.filter(group=editors, page__depth=1).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page"} <= codenames


@pytest.mark.parametrize(
    "page_type",
    [
        "HomePage",
        "StandardPage",
        "ProjectIndexPage",
        "ProjectPage",
        "PublicationIndexPage",
        "PublicationPage",
        "InterviewPage",
        "DistrictIndexPage",
        "DistrictPage",
    ],
)
def test_editor_can_open_the_edit_view(editor_client, page_type):
    page = one_page_per_type()[page_type]
    response = editor_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert page.title in text(response)


def test_editor_can_open_an_english_translation(editor_client, en):
    page = ProjectPage.objects.get(locale=en, slug="thilik")
    response = editor_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert "Thuringian Initiative for Local Integration Management" in text(response)


def test_anonymous_visitor_is_sent_to_the_login(client, thilik):
    response = client.get(f"/admin/pages/{thilik.pk}/edit/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model", [Person, Organisation, Topic, PublicationSeries])
def test_snippet_listing_opens(admin_client, model):
    url = reverse(model.snippet_viewset.get_url_name("list"))
    response = admin_client.get(url)
    assert response.status_code == 200
    first = model.objects.filter(locale__language_code="de").first()
    assert escape(str(first)) in text(response)


@pytest.mark.parametrize("model", [Person, Organisation, Topic, PublicationSeries])
def test_editor_can_open_snippet_listings(editor_client, model):
    """Editors maintain the people, partners, topics and series their pages refer to."""
    response = editor_client.get(reverse(model.snippet_viewset.get_url_name("list")))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["project_listing", "district_listing", "publication_listing"])
def test_admin_page_listings_open(admin_client, name):
    response = admin_client.get(reverse(f"{name}:index"))
    assert response.status_code == 200


def test_project_admin_listing_shows_derived_status(admin_client):
    body = text(admin_client.get(reverse("project_listing:index")))
    assert "ThILIK" in body
