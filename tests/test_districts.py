"""District profiles list the projects, publications and interviews that name them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from districts.models import DistrictPage
from tests.helpers import text

pytestmark = pytest.mark.django_db

THILIK_DE = "Thüringer Initiative für lokales Integrationsmanagement in den Kommunen"
THILIK_EN = "Thuringian Initiative for Local Integration Management in the Municipalities"


def test_district_page_lists_projects_naming_it(client):
    response = client.get("/de/landkreise-und-staedte/jena/")
    assert response.status_code == 200
    body = text(response)
    assert THILIK_DE in body
    assert 'href="/de/projekte/thilik/"' in body


def test_district_outside_the_project_does_not_list_it(client):
    response = client.get("/de/landkreise-und-staedte/weimar/")
    assert response.status_code == 200
    body = text(response)
    assert "16055" in body
    assert THILIK_DE not in body
    assert "/de/projekte/thilik/" not in body


def test_english_district_page_lists_the_english_project(client):
    response = client.get("/en/districts-and-cities/jena/")
    assert response.status_code == 200
    body = text(response)
    assert THILIK_EN in body
    assert 'href="/en/projects/thilik/"' in body
    assert THILIK_DE not in body
    assert "No projects in this district yet." not in body
    body = text(client.get("/en/districts-and-cities/weimar/"))
    assert THILIK_EN not in body
    assert "No projects in this district yet." in body


def test_unpublished_project_disappears_from_district_page(client, thilik):
    thilik.unpublish()
    assert THILIK_DE not in text(client.get("/de/landkreise-und-staedte/jena/"))


def test_district_page_lists_a_new_project(client, make_project, jena_de):
    project = make_project(slug="jena-projekt", title="Jenaer Sozialraumanalyse")
    project.district_links = [project.district_links.model(district=jena_de)]
    project.save_revision().publish()
    body = text(client.get("/de/landkreise-und-staedte/jena/"))
    assert "Jenaer Sozialraumanalyse" in body
    assert "Jenaer Sozialraumanalyse" not in text(client.get("/de/landkreise-und-staedte/gera/"))


def test_historical_district_is_marked(client):
    body = text(client.get("/en/districts-and-cities/eisenach/"))
    assert "Valid until June 30, 2021" in body
    body = text(client.get("/en/districts-and-cities/"))
    assert "historical, until 2021" in body


def test_district_index_filters_by_kind(client):
    response = client.get("/de/landkreise-und-staedte/?kind=kreisfreie_stadt")
    districts = {page.ags for page in response.context["districts"]}
    assert "16053" in districts  # Jena
    assert "16056" in districts  # Eisenach (historical)
    assert "16063" not in districts  # Wartburgkreis is a Landkreis
    response = client.get("/de/landkreise-und-staedte/?kind=landkreis")
    assert len(response.context["districts"]) == 17
    response = client.get("/de/landkreise-und-staedte/?kind=unsinn")
    assert len(response.context["districts"]) == 23


def test_duplicate_ags_is_rejected(jena_de, district_index):
    duplicate = DistrictPage(
        title="Jena (doppelt)", slug="jena-2", kind="kreisfreie_stadt", ags="16053"
    )
    duplicate.locale = jena_de.locale
    with pytest.raises(ValidationError) as error:
        duplicate.clean()
    assert "ags" in error.value.message_dict
    # Editing the existing profile does not clash with itself.
    jena_de.clean()


def test_invalid_ags_is_rejected(jena_de):
    jena_de.ags = "15001"
    with pytest.raises(ValidationError) as error:
        jena_de.full_clean()
    assert "ags" in error.value.message_dict


def test_population_needs_date_and_source(jena_de):
    jena_de.population = 110_000
    with pytest.raises(ValidationError) as error:
        jena_de.clean()
    assert "population_source" in error.value.message_dict
    jena_de.population_date = datetime.date(2023, 12, 31)
    jena_de.population_source = "https://statistik.thueringen.de/"
    jena_de.clean()


def test_population_with_source_is_shown(client, jena_de):
    jena_de.population = 110_731
    jena_de.population_date = datetime.date(2023, 12, 31)
    jena_de.population_source = "https://statistik.thueringen.de/"
    jena_de.save_revision().publish()
    body = text(client.get("/de/landkreise-und-staedte/jena/"))
    assert "110.731" in body
    assert 'href="https://statistik.thueringen.de/"' in body


@pytest.mark.usefixtures("uncached_pages")
def test_district_page_query_count(client, django_assert_max_num_queries):
    """Measured: 29 queries (German), 34 (English) with the demo content."""
    client.get("/de/landkreise-und-staedte/jena/")
    with django_assert_max_num_queries(34):
        assert client.get("/de/landkreise-und-staedte/jena/").status_code == 200
    client.get("/en/districts-and-cities/jena/")
    with django_assert_max_num_queries(40):
        assert client.get("/en/districts-and-cities/jena/").status_code == 200


@pytest.mark.usefixtures("uncached_pages")
def test_district_index_query_count(client, django_assert_max_num_queries):
    """Measured: 22 queries for 23 districts."""
    client.get("/de/landkreise-und-staedte/")
    with django_assert_max_num_queries(27):
        assert client.get("/de/landkreise-und-staedte/").status_code == 200
