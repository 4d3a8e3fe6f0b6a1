"""Shared fixtures for the IKPE test suite.

The demo content (German, translated to English through wagtail-localize) is loaded once per
test session into the test database. Tests marked ``django_db`` run inside a transaction
that is rolled back afterwards, so they can read and even change the demo content freely.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from wagtail.models import Locale, Page

from districts.models import DistrictIndexPage, DistrictPage
from home.models import HomePage
from projects.models import ProjectIndexPage, ProjectPage
from publications.models import PublicationIndexPage, PublicationPage

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])

# Filled by ``django_db_setup``: what the demo loader left behind, for test_demo_content.
DEMO_LOAD = pytest.StashKey[dict]()


def pytest_configure(config):
    # WhiteNoise warns about the missing collectstatic directory on every request.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


def _compile_messages() -> None:
    """Compile stale locale/*.po to .mo (what `make test` does first), so German shows up.

    The .mo files are build artefacts (git-ignored); the project's own command writes them.
    """
    stale = [
        po
        for po in LOCALE_DIR.glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        call_command("compile_translations", verbosity=0)
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, pytestconfig):
    """Migrate (pytest-django), then load the demo site once for the whole session."""
    _compile_messages()
    report = pytestconfig.stash.setdefault(DEMO_LOAD, {})
    with django_db_blocker.unblock():
        call_command("load_demo_content", verbosity=0)
        # Remember the tree's state as the command left it; test_demo_content checks it.
        report["tree_problems"] = Page.find_problems()
        if any(report["tree_problems"]):
            # Repair it so the remaining tests exercise the site rather than this one bug
            # (see test_demo_content.test_demo_content_leaves_a_consistent_page_tree).
            Page.fix_tree()


@pytest.fixture(autouse=True)
def _isolate_process_state():
    """Requests activate a language and fill caches; keep both from leaking between tests."""
    cache.clear()
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def uncached_pages(settings):
    """For tests that measure what rendering a page costs: the HTML page cache off."""
    settings.HTML_CACHE_SECONDS = 0


# -- the demo site ---------------------------------------------------------------------------


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
def vielfalt(de) -> ProjectPage:
    return ProjectPage.objects.get(locale=de, slug="vielfalt-leben")


@pytest.fixture
def volume_1(de) -> PublicationPage:
    return PublicationPage.objects.get(locale=de, slug="kommunales-integrationsmanagement-band-1")


@pytest.fixture
def volume_1_en(en) -> PublicationPage:
    return PublicationPage.objects.get(locale=en, slug="municipal-integration-management-volume-1")


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


# -- users -----------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "testadmin", "testadmin@example.org", "irrelevant-password-123"
    )


@pytest.fixture
def editor(db):
    """A user in Wagtail's default “Editors” group."""
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


@pytest.fixture
def demo_load_report(django_db_setup, pytestconfig) -> dict:
    """What ``load_demo_content`` left behind before the suite repaired anything."""
    return pytestconfig.stash[DEMO_LOAD]


@pytest.fixture
def jena_de(de) -> DistrictPage:
    return DistrictPage.objects.get(locale=de, ags="16053")
