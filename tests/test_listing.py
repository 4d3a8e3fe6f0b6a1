"""Listing pages: project and publication filters, pagination and query counts."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from cms.listing import paginate
from publications.models import PublicationPage, PublicationSeries
from tests.helpers import text

pytestmark = pytest.mark.django_db

THILIK_DE = "Thüringer Initiative für lokales Integrationsmanagement in den Kommunen"
VIELFALT_DE = "Vielfalt leben. Für eine zukunftsfähige Verwaltung"


def slugs(response) -> set[str]:
    return {page.slug for page in response.context["items"]}


def test_project_listing_shows_all_projects(client):
    response = client.get("/de/projekte/")
    assert slugs(response) == {"thilik", "vielfalt-leben"}
    body = text(response)
    assert THILIK_DE in body and VIELFALT_DE in body


def test_status_filter(client, make_project):
    make_project(
        slug="geplant",
        title="Geplantes Projekt",
        start_date=datetime.date(2099, 1, 1),
        end_date=None,
    )
    make_project(
        slug="laufend",
        title="Laufendes Projekt",
        start_date=datetime.date(2020, 1, 1),
        end_date=None,
    )

    response = client.get("/de/projekte/?status=completed")
    assert slugs(response) == {"thilik", "vielfalt-leben"}
    assert THILIK_DE in text(response)

    response = client.get("/de/projekte/?status=planned")
    assert slugs(response) == {"geplant"}
    assert THILIK_DE not in text(response)
    assert "Geplantes Projekt" in text(response)

    response = client.get("/de/projekte/?status=running")
    assert slugs(response) == {"laufend"}

    # Unknown values are ignored rather than emptying the list.
    assert slugs(client.get("/de/projekte/?status=unsinn")) >= {"thilik", "geplant", "laufend"}


def test_status_filter_in_english(client):
    response = client.get("/en/projects/?status=completed")
    assert slugs(response) == {"thilik", "vielfalt-leben"}
    assert "Thuringian Initiative for Local Integration Management" in text(response)
    assert slugs(client.get("/en/projects/?status=planned")) == set()


def test_district_filter(client):
    assert slugs(client.get("/de/projekte/?district=16053")) == {"thilik"}  # Jena
    assert slugs(client.get("/de/projekte/?district=16055")) == set()  # Weimar
    assert slugs(client.get("/en/projects/?district=16053")) == {"thilik"}


def test_topic_filter(client):
    assert slugs(client.get("/de/projekte/?topic=interkulturelle-oeffnung")) == {"vielfalt-leben"}
    assert slugs(client.get("/de/projekte/?topic=integration")) == {"thilik", "vielfalt-leben"}
    assert slugs(client.get("/de/projekte/?topic=sozialplanung&status=completed")) == {"thilik"}
    # Topic slugs are shared between the languages.
    assert slugs(client.get("/en/projects/?topic=interkulturelle-oeffnung")) == {"vielfalt-leben"}


def test_filter_menus_offer_used_topics_and_districts_in_the_reader_language(client):
    response = client.get("/en/projects/")
    topics = {t.name for t in response.context["filter_options"]["topics"]}
    assert "Intercultural opening" in topics and "Interkulturelle Öffnung" not in topics
    districts = [d.ags for d in response.context["filter_options"]["districts"]]
    assert "16053" in districts and "16055" not in districts  # Weimar has no project
    assert all(
        d.locale.language_code == "en" for d in response.context["filter_options"]["districts"]
    )


def test_project_listing_paginates(client, make_project):
    for number in range(12):
        make_project(slug=f"projekt-{number}", title=f"Seitenprojekt {number}")
    first = client.get("/de/projekte/")
    assert len(first.context["items"]) == 12
    assert first.context["paginator"].count == 14
    second = client.get("/de/projekte/?page=2")
    assert len(second.context["items"]) == 2
    assert slugs(first).isdisjoint(slugs(second))
    # Out-of-range pages show the last page instead of an error.
    last = client.get("/de/projekte/?page=99")
    assert last.status_code == 200
    assert slugs(last) == slugs(second)


@pytest.mark.usefixtures("uncached_pages")
def test_project_listing_query_count(
    client, make_project, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Measured: 25 queries (German) / 30 (English) for 2 projects, unchanged for 12."""
    client.get("/de/projekte/")
    with django_assert_max_num_queries(30):
        assert client.get("/de/projekte/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # publishing retires the count
        for number in range(10):
            make_project(slug=f"projekt-{number}", start_date=datetime.date(2020, 1, 1))
    client.get("/de/projekte/")
    with django_assert_max_num_queries(30):
        response = client.get("/de/projekte/")
    assert len(response.context["items"]) == 12
    client.get("/en/projects/")
    with django_assert_max_num_queries(36):
        assert client.get("/en/projects/").status_code == 200


@pytest.mark.usefixtures("uncached_pages")
def test_project_page_query_count_does_not_grow_with_its_districts(
    client, thilik, make_project, de, django_assert_max_num_queries
):
    """cms.i18n.localized_many exists so related pages are localised without N+1 queries.

    Measured: 30 queries with one district and with twelve. Before commit 248226a it was
    46 and 68 (two more per district: ``link.district.localized`` plus its URL).
    """
    from districts.models import DistrictPage

    page = make_project(slug="ein-kreis", title="Projekt mit einem Kreis")
    page.district_links = [
        page.district_links.model(district=DistrictPage.objects.get(locale=de, ags="16053"))
    ]
    page.save_revision().publish()
    client.get("/de/projekte/ein-kreis/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_district:
        assert client.get("/de/projekte/ein-kreis/").status_code == 200
    baseline = len(one_district.captured_queries)
    page.district_links = [
        page.district_links.model(district=district)
        for district in DistrictPage.objects.filter(locale=de).order_by("ags")[:12]
    ]
    page.save_revision().publish()
    client.get("/de/projekte/ein-kreis/")
    with django_assert_max_num_queries(baseline + 3):
        response = client.get("/de/projekte/ein-kreis/")
    assert len(response.context["page"].district_links.all()) == 12


def test_publication_year_filter(client):
    response = client.get("/de/publikationen/?year=2019")
    assert slugs(response) == {
        "kommunales-integrationsmanagement-band-1",
        "kommunales-integrationsmanagement-band-2",
    }
    assert slugs(client.get("/de/publikationen/?year=2020")) == set()
    assert len(slugs(client.get("/de/publikationen/?year=neunzehn"))) == 2


@pytest.mark.parametrize(
    "query", ["year=10000", "year=²", "series=²", "series=99999999999999999999999"]
)
def test_publication_filters_ignore_numbers_the_database_cannot_take(client, query):
    """Found by fuzzing: these answered 500 (year out of range, '²'.isdigit(), overflow)."""
    response = client.get(f"/de/publikationen/?{query}")
    assert response.status_code == 200
    if query.startswith("year"):
        assert len(slugs(response)) == 2


def test_publication_kind_filter(client, publication_index):
    page = PublicationPage(
        title="Leitfaden Sozialplanung",
        slug="leitfaden",
        publication_date=datetime.date(2021, 3, 1),
        kind="guide",
        abstract="<p>Ein Leitfaden.</p>",
    )
    publication_index.add_child(instance=page)
    page.save_revision().publish()
    assert slugs(client.get("/de/publikationen/?kind=guide")) == {"leitfaden"}
    assert slugs(client.get("/de/publikationen/?kind=report")) == {
        "kommunales-integrationsmanagement-band-1",
        "kommunales-integrationsmanagement-band-2",
    }
    assert "Leitfaden Sozialplanung" not in text(client.get("/de/publikationen/?kind=report"))


def test_publication_series_filter_works_with_either_language_id(client, publication_index):
    german = PublicationSeries.objects.get(locale__language_code="de")
    english = PublicationSeries.objects.get(locale__language_code="en")
    page = PublicationPage(
        title="Außerhalb der Reihe",
        slug="ausserhalb",
        publication_date=datetime.date(2020, 3, 1),
        abstract="<p>Ohne Reihe.</p>",
    )
    publication_index.add_child(instance=page)
    page.save_revision().publish()
    expected = {
        "kommunales-integrationsmanagement-band-1",
        "kommunales-integrationsmanagement-band-2",
    }
    assert slugs(client.get(f"/de/publikationen/?series={german.pk}")) == expected
    assert slugs(client.get(f"/de/publikationen/?series={english.pk}")) == expected
    assert len(slugs(client.get("/en/publications/?series=" + str(english.pk)))) == 2
    assert "ausserhalb" in slugs(client.get("/de/publikationen/?series=999999"))


def test_publication_listing_shows_interviews(client):
    response = client.get("/en/publications/")
    assert [i.slug for i in response.context["interviews"]] == [
        "sample-interview-integration-management"
    ]


@pytest.mark.usefixtures("uncached_pages")
def test_publication_listing_query_count(client, django_assert_max_num_queries):
    """Measured: 30 queries (German), 35 (English)."""
    client.get("/de/publikationen/")
    with django_assert_max_num_queries(35):
        assert client.get("/de/publikationen/").status_code == 200
    client.get("/en/publications/")
    with django_assert_max_num_queries(41):
        assert client.get("/en/publications/").status_code == 200


def test_search_finds_pages_in_the_reader_language(client):
    response = client.get("/de/suche/?q=ThILIK")
    titles = [page.title for page in response.context["items"]]
    assert THILIK_DE in titles
    assert all(page.locale.language_code == "de" for page in response.context["items"])
    response = client.get("/en/search/?q=ThILIK")
    assert "Thuringian Initiative for Local Integration Management in the Municipalities" in [
        page.title for page in response.context["items"]
    ]


@pytest.mark.usefixtures("uncached_pages")
def test_project_page_query_count(client, django_assert_max_num_queries):
    """Measured: 33 queries (German) / 41 (English) for ThILIK with 12 districts."""
    client.get("/de/projekte/thilik/")
    with django_assert_max_num_queries(38):
        assert client.get("/de/projekte/thilik/").status_code == 200
    client.get("/en/projects/thilik/")
    with django_assert_max_num_queries(47):
        assert client.get("/en/projects/thilik/").status_code == 200


def test_filter_form_keeps_the_chosen_values(client):
    body = text(client.get("/de/projekte/?status=completed&district=16053"))
    assert '<option value="completed" selected>' in body
    assert '<option value="16053" selected>Jena</option>' in body
    body = text(client.get("/de/publikationen/?year=2019"))
    assert '<option value="2019" selected>2019</option>' in body
    body = text(client.get("/en/districts-and-cities/?kind=landkreis"))
    assert '<option value="landkreis" selected>' in body


def test_pagination_of_a_long_listing_links_to_nearby_pages_only(rf):
    """A link to every page grew with the corpus (1,250 at 100,000 pages)."""
    request = rf.get("/de/projekte/", {"page": "50", "topic": "bildung"})
    context = paginate(request, list(range(1000)), per_page=10)
    with translation.override("de"):
        html = render_to_string("cms/includes/pagination.html", context)
    numbers = [int(n) for n in re.findall(r"(?:\?|&amp;)page=(\d+)\"", html)]
    assert sorted(set(numbers)) == [1, 48, 49, 50, 51, 52, 100]  # with previous and next
    assert html.count("…") == 2
    assert 'page=50" aria-current="page"' in html
    assert "topic=bildung&amp;page=100" in html
    assert "Seite 50 von 100" in html
