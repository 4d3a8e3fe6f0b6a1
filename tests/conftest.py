"""Shared fixtures: the demo content is loaded once per test session into the test database.

Tests marked ``django_db`` run inside a transaction that is rolled back afterwards, so they
can read (and even change) the demo content without affecting other tests.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import translation
from wagtail.models import Locale, Page

from districts.models import DistrictIndexPage, DistrictPage
from home.models import HomePage
from projects.models import ProjectIndexPage, ProjectPage
from publications.models import InterviewPage, PublicationIndexPage, PublicationPage


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrate (pytest-django), then load the demo site once for the whole session."""
    with django_db_blocker.unblock():
        call_command("load_demo_content", verbosity=0)


@pytest.fixture(autouse=True)
def _reset_language():
    """Requests activate a language; do not let it leak into the next test."""
    yield
    translation.activate("de")


@pytest.fixture
def de(db) -> Locale:
    return Locale.objects.get(language_code="de")


@pytest.fixture
def en(db) -> Locale:
    return Locale.objects.get(language_code="en")


@pytest.fixture
def home(de) -> HomePage:
    return HomePage.objects.get(locale=de, depth=2)


@pytest.fixture
def home_en(en) -> HomePage:
    return HomePage.objects.get(locale=en, depth=2)


@pytest.fixture
def project_index(de) -> ProjectIndexPage:
    return ProjectIndexPage.objects.get(locale=de)


@pytest.fixture
def publication_index(de) -> PublicationIndexPage:
    return PublicationIndexPage.objects.get(locale=de)


@pytest.fixture
def district_index(de) -> DistrictIndexPage:
    return DistrictIndexPage.objects.get(locale=de)


@pytest.fixture
def thilik(de) -> ProjectPage:
    return ProjectPage.objects.get(locale=de, slug="thilik")


@pytest.fixture
def thilik_en(en) -> ProjectPage:
    return ProjectPage.objects.get(locale=en, slug="thilik")


@pytest.fixture
def vielfalt(de) -> ProjectPage:
    return ProjectPage.objects.get(locale=de, slug="vielfalt-leben")


@pytest.fixture
def volume_1(de) -> PublicationPage:
    return PublicationPage.objects.get(locale=de, slug="kommunales-integrationsmanagement-band-1")


@pytest.fixture
def interview(de) -> InterviewPage:
    return InterviewPage.objects.get(locale=de)


@pytest.fixture
def jena(de) -> DistrictPage:
    return DistrictPage.objects.get(locale=de, ags="16053")


@pytest.fixture
def make_project(project_index):
    """Create and publish a German project under the German project index."""

    def make(slug: str = "testprojekt", **fields) -> ProjectPage:
        values = {
            "title": "Testprojekt Sozialplanung",
            "slug": slug,
            "acronym": "TPS",
            "start_date": datetime.date(2023, 3, 1),
            "end_date": datetime.date(2025, 6, 1),
            "teaser": "Ein Projekt nur für die Tests.",
        }
        values.update(fields)
        page = ProjectPage(**values)
        project_index.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "testadmin", "testadmin@example.org", "irrelevant-password-123"
    )


@pytest.fixture
def editor(db):
    """A user in Wagtail's default “Editors” group, with access to the admin."""
    user = get_user_model().objects.create_user(
        "testeditor", "testeditor@example.org", "irrelevant-password-123"
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def html(response) -> str:
    """The decoded body of a (possibly template) response."""
    return response.content.decode(response.charset or "utf-8")


def page_of_each_type() -> dict[str, Page]:
    """One live German demo page per page type."""
    de = Locale.objects.get(language_code="de")
    models = [
        HomePage,
        ProjectIndexPage,
        ProjectPage,
        PublicationIndexPage,
        PublicationPage,
        InterviewPage,
        DistrictIndexPage,
        DistrictPage,
    ]
    from home.models import StandardPage

    models.append(StandardPage)
    return {model.__name__: model.objects.filter(locale=de).first() for model in models}
