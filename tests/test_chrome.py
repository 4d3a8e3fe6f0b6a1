"""The home link, menu and footer every page shows are kept between pages (cms.chrome)
and retired with the site scope and at a go-live or expiry moment."""

import datetime
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from home.models import StandardPage
from tests.helpers import text

pytestmark = pytest.mark.django_db

THILIK = "/de/projekte/thilik/"
PROJECTS = "/de/projekte/"
JENA = "/de/landkreise-und-staedte/jena/"


def menu_titles(html: str) -> str:
    return html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]


def test_a_second_page_takes_menu_and_footer_from_the_cache(project_index):
    client = Client()
    first = text(client.get(THILIK))
    with CaptureQueriesContext(connection) as captured:
        second = text(client.get(JENA))
    tables = " ".join(query["sql"] for query in captured)
    assert "cms_footerlinks" not in tables
    assert project_index.title in menu_titles(second)
    assert second.split('class="site-footer"', 1)[1] == first.split('class="site-footer"', 1)[1]


def test_english_pages_get_the_english_menu(project_index, en):
    client = Client()
    client.get(THILIK)
    english = project_index.get_translation(en)
    menu = menu_titles(text(client.get("/en/projects/thilik/")))
    assert f'href="{english.url}"' in menu
    assert f'href="{project_index.url}"' not in menu


def test_new_menu_page_shows_on_pages_built_later(home, django_capture_on_commit_callbacks):
    client = Client()
    client.get(THILIK)
    page = StandardPage(title="Neu im Menü", slug="neu-im-menue", show_in_menus=True)
    with django_capture_on_commit_callbacks(execute=True):
        home.add_child(instance=page)
        page.save_revision().publish()
    assert "Neu im Menü" in menu_titles(text(client.get(JENA)))


def test_expired_menu_page_leaves_the_menu_on_time(home, django_capture_on_commit_callbacks):
    client = Client()
    expires = timezone.now() + datetime.timedelta(seconds=3)
    page = StandardPage(
        title="Nur kurz im Menü", slug="nur-kurz", show_in_menus=True, expire_at=expires
    )
    with django_capture_on_commit_callbacks(execute=True):
        home.add_child(instance=page)
        page.save_revision().publish()
    assert "Nur kurz im Menü" in menu_titles(text(client.get(THILIK)))
    time.sleep(max(0.0, (expires - timezone.now()).total_seconds()) + 0.2)
    assert "Nur kurz im Menü" not in menu_titles(text(client.get(JENA)))


def test_signed_in_editors_see_the_same_menu(admin_client, project_index):
    Client().get(THILIK)
    assert project_index.title in menu_titles(text(admin_client.get(JENA)))
