"""Every page type can be created where it is allowed, and the demo pages render in both locales."""

import datetime

import pytest
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from districts.models import DistrictIndexPage, DistrictPage
from home.models import HomePage, StandardPage
from projects.models import ProjectIndexPage, ProjectPage
from publications.models import InterviewPage, PublicationIndexPage, PublicationPage
from tests.helpers import text

pytestmark = pytest.mark.django_db

NEW_HOST = "zweite-site.test"


@pytest.fixture
def new_site(de, settings):
    """A second site with a fresh German home page, so index pages can be created again."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, NEW_HOST]
    root = Page.get_first_root_node()
    home = HomePage(title="Testinstitut Startseite", slug="test-start", locale=de)
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.create(hostname=NEW_HOST, port=80, root_page=home, site_name="Test")
    return home


def publish_under(parent: Page, page: Page) -> Page:
    assert type(page).can_create_at(parent), f"{type(page).__name__} refused under {parent}"
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def build_tree(home: HomePage) -> dict[str, Page]:
    """Create one page of each type below ``home``, each under its allowed parent."""
    pages = {"HomePage": home}
    pages["StandardPage"] = publish_under(
        home,
        StandardPage(
            title="Über das Testinstitut",
            slug="ueber",
            intro="Eine Seite mit freiem Inhalt.",
            body=[("paragraph", RichText("<p>Absatz im Fließtext.</p>"))],
        ),
    )
    pages["ProjectIndexPage"] = publish_under(
        home, ProjectIndexPage(title="Unsere Projekte", slug="projekte", intro="<p>Alle.</p>")
    )
    pages["DistrictIndexPage"] = publish_under(
        home, DistrictIndexPage(title="Unsere Kreise", slug="kreise")
    )
    pages["PublicationIndexPage"] = publish_under(
        home, PublicationIndexPage(title="Unsere Publikationen", slug="publikationen")
    )
    pages["DistrictPage"] = publish_under(
        pages["DistrictIndexPage"],
        DistrictPage(
            title="Testkreis", slug="testkreis", kind="landkreis", ags="16099", seat="Testhausen"
        ),
    )
    project = ProjectPage(
        title="Testprojekt Quartiersarbeit",
        slug="quartiersarbeit",
        acronym="TQA",
        start_date=datetime.date(2020, 4, 1),
        end_date=datetime.date(2021, 9, 1),
        teaser="Ein Projekt im Testkreis.",
    )
    project.district_links = [project.district_links.model(district=pages["DistrictPage"])]
    pages["ProjectPage"] = publish_under(pages["ProjectIndexPage"], project)
    pages["PublicationPage"] = publish_under(
        pages["PublicationIndexPage"],
        PublicationPage(
            title="Testbericht zur Quartiersarbeit",
            slug="testbericht",
            publication_date=datetime.date(2021, 11, 5),
            abstract="<p>Zusammenfassung des Testberichts.</p>",
        ),
    )
    pages["InterviewPage"] = publish_under(
        pages["PublicationIndexPage"],
        InterviewPage(
            title="Testgespräch mit der Quartiersmanagerin",
            slug="testgespraech",
            interview_date=datetime.date(2021, 10, 1),
            lead="Ein Gespräch über Quartiersarbeit.",
            body=[
                (
                    "question_answer",
                    {"question": "Was machen Sie?", "answer": RichText("<p>Ich plane.</p>")},
                )
            ],
        ),
    )
    return pages


def test_every_page_type_is_created_under_its_parent_and_renders(client, new_site):
    pages = build_tree(new_site)
    for name, page in pages.items():
        _site_id, _root, path = page.specific.get_url_parts()
        response = client.get(path, HTTP_HOST=NEW_HOST)
        assert response.status_code == 200, f"{name} at {path}"
        body = text(response)
        assert page.title in body, f"{name}: title missing"
        assert '<html lang="de"' in body


def test_new_project_facts_are_shown(client, new_site):
    pages = build_tree(new_site)
    _site_id, _root, path = pages["ProjectPage"].get_url_parts()
    assert path == "/de/projekte/quartiersarbeit/"
    response = client.get(path, HTTP_HOST=NEW_HOST)
    body = text(response)
    assert response.status_code == 200
    assert "TQA" in body
    assert "April 2020" in body and "September 2021" in body
    assert "Testkreis" in body  # participating district


def test_new_pages_appear_in_their_index_listings(client, new_site):
    build_tree(new_site)
    body = text(client.get("/de/projekte/", HTTP_HOST=NEW_HOST))
    assert "Testprojekt Quartiersarbeit" in body
    body = text(client.get("/de/publikationen/", HTTP_HOST=NEW_HOST))
    assert "Testbericht zur Quartiersarbeit" in body
    body = text(client.get("/de/kreise/", HTTP_HOST=NEW_HOST))
    assert "Testkreis" in body and "16099" in body
    # The district profile names the project that works there.
    body = text(client.get("/de/kreise/testkreis/", HTTP_HOST=NEW_HOST))
    assert "Testprojekt Quartiersarbeit" in body
    # … and the demo site on the default host is not affected by the second site.
    assert "Testprojekt Quartiersarbeit" not in text(client.get("/de/projekte/"))


# Demo pages of every type, with facts a reader expects to see, in both languages.
DEMO_PAGES = [
    (
        "HomePage",
        "/de/",
        ["Institut für kommunale Planung und Entwicklung", "berät die Thüringer Landkreise"],
    ),
    (
        "HomePage",
        "/en/",
        ["Institute for Municipal Planning and Development", "advises Thuringia's rural districts"],
    ),
    ("StandardPage", "/de/ueber-uns/", ["Über uns", "An-Institut der Fachhochschule Erfurt"]),
    (
        "StandardPage",
        "/en/about-us/",
        ["About us", "affiliated institute of Erfurt University of Applied Sciences"],
    ),
    (
        "ProjectIndexPage",
        "/de/projekte/",
        [
            "Projekte",
            "Thüringer Initiative für lokales Integrationsmanagement in den Kommunen",
            "Vielfalt leben. Für eine zukunftsfähige Verwaltung",
        ],
    ),
    (
        "ProjectIndexPage",
        "/en/projects/",
        [
            "Projects",
            "Thuringian Initiative for Local Integration Management in the Municipalities",
            "Vielfalt leben (Living diversity)",
        ],
    ),
    (
        "ProjectPage",
        "/de/projekte/thilik/",
        [
            "Thüringer Initiative für lokales Integrationsmanagement in den Kommunen",
            "ThILIK",
            "Dr. Stefan Huber",
            "2016",
            "2022",
            "Stand: Mai 2022",  # participating districts as of May 2022
            "Abgeschlossen",
            "Jena",
            "Europäischer Sozialfonds",
            "ESF-Armutspräventionslinie",
            "Migration und Integration",
        ],
    ),
    (
        "ProjectPage",
        "/en/projects/thilik/",
        [
            "Thuringian Initiative for Local Integration Management in the Municipalities",
            "ThILIK",
            "Dr. Stefan Huber",
            "2016",
            "2022",
            "As of May 2022",
            "Completed",
            "Jena",
            "European Social Fund",
            "ESF poverty-prevention line",
            "Migration and integration",
        ],
    ),
    (
        "PublicationIndexPage",
        "/de/publikationen/",
        [
            "Publikationen",
            "Kommunales Integrationsmanagement in Thüringen",
            "Beispielinterview: Integrationsmanagement in einer Kreisverwaltung",
        ],
    ),
    (
        "PublicationIndexPage",
        "/en/publications/",
        [
            "Publications",
            "Municipal integration management in Thuringia",
            "Sample interview: integration management in a district administration",
        ],
    ),
    (
        "PublicationPage",
        "/de/publikationen/kommunales-integrationsmanagement-band-2/",
        [
            "Kommunales Integrationsmanagement in Thüringen",
            "Innovative Steuerungsstrukturen und Erfolgsbeispiele",
            "Dezember 2019",
            "Band 2",
            "Institut für kommunale Planung und Entwicklung e.V.",
            "Thüringer Initiative für lokales Integrationsmanagement in den Kommunen",
        ],
    ),
    (
        "PublicationPage",
        "/en/publications/municipal-integration-management-volume-2/",
        [
            "Municipal integration management in Thuringia",
            "Innovative steering structures and examples of success",
            "December 2019",
            "Volume 2",
            "Thuringian Initiative for Local Integration Management in the Municipalities",
        ],
    ),
    (
        "InterviewPage",
        "/de/publikationen/beispielinterview-integrationsmanagement/",
        [
            "Beispielinterview: Integrationsmanagement in einer Kreisverwaltung",
            "Mara Muster (fiktiv)",
            "Beispiel-Landratsamt (fiktiv)",
            "Was ist Ihre Aufgabe als Integrationsmanagerin?",
        ],
    ),
    (
        "InterviewPage",
        "/en/publications/sample-interview-integration-management/",
        [
            "Sample interview: integration management in a district administration",
            "Mara Muster (fiktiv)",
            "Sample district administration (fictitious)",
            "What is your job as an integration manager?",
            "Sample content",
        ],
    ),
    (
        "DistrictIndexPage",
        "/de/landkreise-und-staedte/",
        ["Landkreise und kreisfreie Städte", "Jena", "16053", "Eisenach", "Wartburgkreis"],
    ),
    (
        "DistrictIndexPage",
        "/en/districts-and-cities/",
        ["Rural districts and district-free cities", "Jena", "16053", "Eisenach"],
    ),
    (
        "DistrictPage",
        "/de/landkreise-und-staedte/eisenach/",
        ["Eisenach", "16056", "Seit dem 1. Juli 2021 gehört Eisenach"],
    ),
    (
        "DistrictPage",
        "/en/districts-and-cities/eisenach/",
        ["Eisenach", "16056", "Since 1 July 2021 Eisenach has belonged to the Wartburgkreis"],
    ),
]


@pytest.mark.parametrize(
    ("page_type", "url", "facts"),
    DEMO_PAGES,
    ids=[f"{page_type}-{url.split('/')[1]}" for page_type, url, _facts in DEMO_PAGES],
)
def test_demo_page_renders_with_its_facts(client, page_type, url, facts):
    response = client.get(url)
    assert response.status_code == 200
    assert type(response.context["page"]).__name__ == page_type
    body = text(response)
    language = url.split("/")[1]
    assert f'<html lang="{language}"' in body
    missing = [fact for fact in facts if fact not in body]
    assert not missing, f"{url} does not show {missing}"


def test_english_pages_do_not_show_german_content(client):
    body = text(client.get("/en/projects/thilik/"))
    assert "Thüringer Initiative für lokales Integrationsmanagement" not in body
    assert "Europäischer Sozialfonds" not in body
    body = text(client.get("/en/publications/municipal-integration-management-volume-1/"))
    assert "In den Städten und Gemeinden" not in body
    assert "Everyday encounters between long-established residents" in body


def test_project_page_shows_its_publications(client):
    body = text(client.get("/de/projekte/thilik/"))
    assert "Innovative Steuerungsstrukturen und Erfolgsbeispiele" in body
    assert "/de/publikationen/kommunales-integrationsmanagement-band-1/" in body
    body = text(client.get("/en/projects/thilik/"))
    assert "/en/publications/municipal-integration-management-volume-1/" in body


def test_former_contact_is_shown_with_end_of_validity(client):
    """Dr. Viviane Vidot was the Vielfalt leben contact until 05/2022; Huber since 06/2022."""
    body = text(client.get("/en/projects/vielfalt-leben/"))
    former = body.split("Former contacts", 1)
    assert len(former) == 2, "no “Former contacts” section"
    assert "Dr. Viviane Vidot" in former[1]
    assert "(until 05/2022)" in former[1]
    # The current contact is listed before the former ones, not among them.
    assert "Dr. Stefan Huber" in former[0]
    assert "Dr. Stefan Huber" not in former[1].split("</dl>", 1)[0]

    body = text(client.get("/de/projekte/vielfalt-leben/"))
    former = body.split("Frühere Ansprechpersonen", 1)
    assert len(former) == 2, "no “Frühere Ansprechpersonen” section"
    assert "Dr. Viviane Vidot" in former[1]
    assert "(bis 05/2022)" in former[1]
    assert "Dr. Viviane Vidot" not in former[0].split('class="facts"', 1)[-1]


def test_draft_page_is_not_served(client, make_project):
    page = make_project(slug="entwurf")
    page.unpublish()
    assert client.get("/de/projekte/entwurf/").status_code == 404


def test_project_jsonld_describes_a_research_project(client):
    import json
    import re

    body = text(client.get("/de/projekte/thilik/"))
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data = [json.loads(block) for block in blocks]
    project = next(d for d in data if d.get("@type") == "ResearchProject")
    assert project["alternateName"] == "ThILIK"
    assert project["startDate"] == "2016-01"
    assert project["endDate"] == "2022-12"
    assert "Europäischer Sozialfonds" in [f["name"] for f in project["funder"]]


def test_home_page_current_projects_are_not_completed(client, make_project):
    """The home page heads its project cards “Current projects” (“Aktuelle Projekte”)."""
    make_project(
        slug="laufend",
        title="Laufendes Projekt",
        start_date=datetime.date(2024, 1, 1),
        end_date=None,
    )
    response = client.get("/de/")
    shown = {page.slug: page.status for page in response.context["projects"]}
    assert "laufend" in shown
    assert "completed" not in shown.values(), (
        f"completed projects under “Current projects”: {shown}"
    )
    assert "Thüringer Initiative für lokales Integrationsmanagement" not in text(response)
