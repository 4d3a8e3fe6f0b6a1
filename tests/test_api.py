"""The partner API v1 against the demo content: what a partner's developer relies on."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.api.utils import get_full_url
from wagtail.documents import get_document_model

from cms.api.schemas import Listing, Ref
from cms.api.serialize import api_url
from directory.models import Organisation, Person, Topic
from districts.models import DistrictPage
from projects.models import ProjectDistrict, ProjectOrganisation, ProjectPerson, ProjectTopic
from publications.models import PublicationPage
from syndication.registry import MODELS
from tests.helpers import count_cache_calls, tags

pytestmark = pytest.mark.django_db

API = "/api/v1"
RESOURCES = list(MODELS)


def get(client, path: str, **params):
    return client.get(f"{API}{path}", params)


def ok(client, path: str, **params) -> dict:
    response = get(client, path, **params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def by_slug(items: list[dict]) -> dict[str, dict]:
    return {item["slug"]: item for item in items}


# -- documentation ---------------------------------------------------------------------------


def test_openapi_document_is_generated_and_lists_every_endpoint(client):
    schema = ok(client, "/openapi.json")
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for resource in RESOURCES:
        assert f"{API}/{resource}/" in paths
        assert f"{API}/{resource}/{{item_id}}/" in paths
        assert f"{API}/{resource}/by-slug/{{slug}}/" in paths
    assert f"{API}/changes/" in paths
    assert f"{API}/search/" in paths
    listing = paths[f"{API}/projects/"]["get"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    assert {"locale", "fallback", "limit", "offset", "updated_since", "status", "funder"} <= set(
        parameters
    )
    assert parameters["limit"]["schema"]["maximum"] == 50
    # The key is documented as a security scheme.
    assert "X-API-Key" in str(schema["components"]["securitySchemes"])


def test_interactive_documentation_page_loads_nothing_from_elsewhere(client):
    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
    assets = [a.get("src") or a.get("href") for a in tags(response, "script", "link")]
    assert assets and all(url.startswith("/static/") for url in assets if url)


def test_api_root_points_to_the_documentation(client):
    data = ok(client, "/")
    assert data["openapi"].endswith("/api/v1/openapi.json")
    assert set(data["resources"]) >= {"projects", "districts", "series"}


# -- projects --------------------------------------------------------------------------------


def test_project_list_carries_every_structured_field(client, thilik):
    data = ok(client, "/projects/")
    assert data["count"] == 2
    project = by_slug(data["items"])["thilik"]
    assert project["id"] == thilik.pk
    assert project["translation_key"] == str(thilik.translation_key)
    assert project["locale"] == "de"
    assert project["acronym"] == "ThILIK"
    assert project["start_date"] == "2016-01-01"
    assert project["dates_precision"] == "year"
    assert project["status"] == "completed"
    assert project["url"].startswith("http") and project["url"].endswith("/de/projekte/thilik/")
    assert project["api_url"].endswith(f"/api/v1/projects/{thilik.pk}/")
    assert project["first_published_at"] and project["last_updated_at"]
    assert [t["locale"] for t in project["translations"]] == ["en"]
    funders = {f["organisation"]["title"] for f in project["funders"]}
    assert any("ESF" in name for name in funders)
    assert project["funders"][0]["programme"] == "ESF-Armutspräventionslinie"
    lead = project["people"][0]
    assert lead["role"] == "lead" and "Huber" in lead["person"]["title"]
    assert lead["person"]["api_url"].endswith(f"/api/v1/people/{lead['person']['id']}/")
    jena = next(d for d in project["districts"] if d["ags"] == "16053")
    assert jena["title"] == "Jena" and jena["url"].startswith("http")
    assert {t["slug"] for t in project["topics"]} >= {"integration"}
    assert project["body"][0]["type"] == "paragraph"
    assert project["body"][0]["value"].startswith("<p>")


def test_english_listing_embeds_english_related_items(client, en):
    project = by_slug(ok(client, "/projects/", locale="en")["items"])["thilik"]
    assert project["locale"] == "en"
    assert project["title"].startswith("Thuringian Initiative")
    assert project["funders"][0]["programme"] == "ESF poverty-prevention line"
    assert all(t["locale"] == "en" for t in project["topics"])
    assert all(d["locale"] == "en" for d in project["districts"])
    assert "/en/" in project["districts"][0]["url"]
    assert [t["locale"] for t in project["translations"]] == ["de"]


def test_people_keep_their_validity_period(client):
    project = by_slug(ok(client, "/projects/")["items"])["vielfalt-leben"]
    periods = {p["person"]["title"]: p for p in project["people"]}
    vidot = next(p for name, p in periods.items() if "Vidot" in name)
    huber = next(p for name, p in periods.items() if "Huber" in name)
    assert vidot["valid_until"] == "2022-05-31" and vidot["current"] is False
    assert huber["valid_from"] == "2022-06-01" and huber["current"] is True


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "completed"}, {"thilik", "vielfalt-leben"}),
        ({"status": "running"}, set()),
        ({"funder": "ESF"}, {"thilik"}),
        ({"funder": "TMMJV"}, {"vielfalt-leben"}),
        ({"district": "16053"}, {"thilik"}),
        ({"topic": "interkulturelle-oeffnung"}, {"vielfalt-leben"}),
    ],
)
def test_project_filters(client, params, expected):
    assert set(by_slug(ok(client, "/projects/", **params)["items"])) == expected


def test_ordering_and_pagination(client):
    first = ok(client, "/projects/", ordering="title", limit=1)
    assert first["count"] == 2 and len(first["items"]) == 1
    assert first["next"] and "offset=1" in first["next"] and first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["next"] is None and second["previous"]
    titles = [first["items"][0]["title"], second["items"][0]["title"]]
    assert titles == sorted(titles)


def test_ordering_by_any_offered_field(client, district_index):
    by_population = ok(client, "/districts/", ordering="-population", limit=50)["items"]
    populations = [d["population"] for d in by_population if d["population"] is not None]
    assert populations and populations == sorted(populations, reverse=True)
    person = Person.objects.filter(locale__language_code="de").order_by("family_name").last()
    person.save()  # now the most recently updated person
    newest = ok(client, "/people/", ordering="-last_updated_at")["items"][0]
    assert newest["id"] == person.pk
    assert ok(client, "/people/")["items"][0]["family_name"] <= newest["family_name"]


def test_detail_by_id_and_by_slug_agree_and_add_reverse_relations(client, thilik, volume_1):
    by_id = ok(client, f"/projects/{thilik.pk}/")
    slugged = ok(client, "/projects/by-slug/thilik/")
    assert by_id == slugged
    assert volume_1.pk in {p["id"] for p in by_id["publications"]}
    english = ok(client, "/projects/by-slug/thilik/", locale="en")
    assert english["locale"] == "en" and english["id"] != thilik.pk


def test_updated_since(client, thilik):
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert ok(client, "/projects/", updated_since=later)["count"] == 0
    assert ok(client, "/projects/", updated_since="2000-01-01")["count"] == 2


# -- locale fallback -------------------------------------------------------------------------


def test_untranslated_items_only_with_fallback(client, make_project):
    page = make_project(slug="nur-deutsch", title="Nur auf Deutsch")
    english = by_slug(ok(client, "/projects/", locale="en")["items"])
    assert "nur-deutsch" not in english
    mixed = by_slug(ok(client, "/projects/", locale="en", fallback="de")["items"])
    assert mixed["nur-deutsch"]["locale"] == "de"
    assert mixed["nur-deutsch"]["requested_locale"] == "en"
    assert mixed["thilik"]["locale"] == "en"
    assert len(mixed) == 3
    # By slug: the fallback also applies, and without it the item is missing.
    assert get(client, "/projects/by-slug/nur-deutsch/", locale="en").status_code == 404
    assert ok(client, "/projects/by-slug/nur-deutsch/", locale="en", fallback="de")["id"] == page.pk


# -- publications, interviews, districts, snippets --------------------------------------------


def test_publication_fields_and_pdf(client, volume_1, thilik):
    document = get_document_model()(title="Band 1 (PDF)")
    document.file.save("band-1.pdf", ContentFile(b"%PDF-1.4\n" + b"0" * 2000), save=False)
    document.save()
    PublicationPage.objects.filter(pk=volume_1.pk).update(document=document)
    item = ok(client, f"/publications/{volume_1.pk}/")
    assert item["kind"] == "report" and item["volume"] == 1
    assert item["series"]["title"] == "Kommunales Integrationsmanagement in Thüringen"
    assert item["document"]["url"].startswith("http://testserver/documents/")
    assert item["document"]["size"] == document.file.size > 2000
    assert item["document"]["mime_type"] == "application/pdf"
    assert item["guiding_questions"] and all(isinstance(q, str) for q in item["guiding_questions"])
    assert "<p>" in item["abstract"]
    assert [p["id"] for p in item["projects"]] == [thilik.pk]


def test_publication_filters(client, thilik, volume_1):
    in_2019 = PublicationPage.objects.filter(locale=volume_1.locale, publication_date__year=2019)
    assert ok(client, "/publications/", year=2019)["count"] == in_2019.count() >= 1
    assert ok(client, "/publications/", year=1999)["count"] == 0
    assert ok(client, "/publications/", project="thilik")["count"] >= 1
    assert ok(client, "/publications/", project=str(thilik.pk))["count"] >= 1
    assert ok(client, "/publications/", series=volume_1.series_id)["count"] == 2
    assert ok(client, "/publications/", kind="book")["count"] == 0


def test_rich_text_has_absolute_links_and_no_internal_markup(client, volume_1, thilik):
    volume_1.abstract = f'<p>Siehe <a linktype="page" id="{thilik.pk}">ThILIK</a> und <a href="/de/kontakt/">x</a>.</p>'
    volume_1.save_revision().publish()
    abstract = ok(client, f"/publications/{volume_1.pk}/")["abstract"]
    assert "linktype" not in abstract
    assert 'href="http://' in abstract and "/de/projekte/thilik/" in abstract
    assert not re.search(r'href="/', abstract)


def test_districts_filter_by_kind_and_show_status_end(client):
    cities = ok(client, "/districts/", kind="kreisfreie_stadt", limit=50)["items"]
    assert {d["ags"] for d in cities} >= {"16051", "16052", "16053"}
    assert all(d["kind"] == "kreisfreie_stadt" for d in cities)
    eisenach = next(d for d in cities if d["ags"] == "16056")
    assert eisenach["valid_until"] == "2021-06-30"


def test_district_detail_lists_what_refers_to_it(client, jena_de, thilik):
    detail = ok(client, f"/districts/{jena_de.pk}/")
    assert thilik.pk in {p["id"] for p in detail["projects"]}


def test_interviews_filter_by_project_and_district(client):
    data = ok(client, "/interviews/")
    assert data["count"] >= 1
    interview = data["items"][0]
    assert interview["body"] and interview["is_sample"] is True
    assert {p["kind"] for p in interview["participants"]} <= {"interviewee", "interviewer"}


@pytest.mark.parametrize(
    ("resource", "model"),
    [("people", Person), ("organisations", Organisation), ("topics", Topic)],
)
def test_snippet_resources_in_both_locales(client, resource, model):
    for locale in ("de", "en"):
        data = ok(client, f"/{resource}/", locale=locale, limit=50)
        assert data["count"] == model.objects.filter(locale__language_code=locale).count() > 0
        item = data["items"][0]
        assert item["locale"] == locale and item["slug"]
        assert item["translations"][0]["locale"] != locale
        assert ok(client, f"/{resource}/by-slug/{item['slug']}/", locale=locale)["id"] == item["id"]


def test_series_resource(client):
    series = ok(client, "/series/", locale="en")["items"]
    assert series[0]["title"].startswith("Municipal integration management")


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "status", "parameter"),
    [
        ("/projects/", {"locale": "fr"}, 422, "locale"),
        ("/projects/", {"limit": "0"}, 422, "limit"),
        ("/projects/", {"limit": "51"}, 422, "limit"),
        ("/projects/", {"offset": "-1"}, 422, "offset"),
        ("/projects/", {"status": "paused"}, 422, "status"),
        ("/projects/", {"updated_since": "yesterday"}, 422, "updated_since"),
        ("/projects/", {"district": "99999"}, 422, "district"),
        ("/projects/", {"funder": "Nobody"}, 400, "funder"),
        ("/projects/", {"topic": "no-such-topic"}, 400, "topic"),
        ("/projects/", {"colour": "blue"}, 400, "colour"),
        ("/projects/", {"fallback": "en"}, 422, "fallback"),
        ("/publications/", {"year": "twenty"}, 422, "year"),
        ("/publications/", {"project": "no-such-project"}, 400, "project"),
        ("/publications/", {"series": "999999"}, 400, "series"),
        ("/interviews/", {"publication": "nothing"}, 400, "publication"),
        ("/districts/", {"kind": "village"}, 422, "kind"),
        ("/changes/", {"since": "last tuesday"}, 400, "since"),
        ("/search/", {}, 422, "q"),
        ("/search/", {"q": "x", "type": "people"}, 422, "type"),
    ],
)
def test_bad_input_names_the_parameter(client, path, params, status, parameter):
    response = get(client, path, **params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert parameter in str([error.get("loc") for error in body["errors"]])


def test_unknown_ids_and_slugs_are_404_json(client):
    for path in ["/projects/999999/", "/people/999999/", "/projects/by-slug/nope/"]:
        response = get(client, path)
        assert response.status_code == 404
        assert response.json()["status"] == 404


# -- HTTP caching ----------------------------------------------------------------------------


def test_strong_etag_and_conditional_get(client):
    response = get(client, "/projects/")
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "max-age=" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response["Last-Modified"]
    again = client.get(f"{API}/projects/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    since = client.get(f"{API}/projects/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304


def test_publishing_invalidates_cached_lists_and_details(
    client, thilik, django_capture_on_commit_callbacks
):
    before = get(client, "/projects/")
    detail_before = ok(client, f"/projects/{thilik.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        thilik.title = "ThILIK – neuer Titel"
        thilik.save_revision().publish()
    after = get(client, "/projects/")
    assert after["ETag"] != before["ETag"]
    assert "ThILIK – neuer Titel" in {p["title"] for p in after.json()["items"]}
    assert ok(client, f"/projects/{thilik.pk}/")["title"] != detail_before["title"]
    # The old ETag no longer matches.
    assert client.get(f"{API}/projects/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_renaming_a_person_updates_embedding_resources(
    client, thilik, django_capture_on_commit_callbacks
):
    ok(client, "/projects/")  # warm the cache
    person = ProjectPerson.objects.filter(page=thilik).first().person
    with django_capture_on_commit_callbacks(execute=True):
        person.family_name = "Huber-Neu"
        person.save()
    project = by_slug(ok(client, "/projects/")["items"])["thilik"]
    assert "Huber-Neu" in project["people"][0]["person"]["title"]


# -- keys and rate limits --------------------------------------------------------------------


def test_anonymous_rate_limit_then_429_with_retry_after(client, settings):
    settings.API_RATE_LIMITS = {"anonymous": "3/min", "partner": "100/min"}
    statuses = [get(client, "/topics/").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = get(client, "/topics/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["status"] == 429


def test_partner_key_has_its_own_higher_limit(client, settings):
    from syndication.models import Partner

    settings.API_RATE_LIMITS = {"anonymous": "1/min", "partner": "5/min"}
    partner = Partner.objects.create(name="Thüringer Ministerium")
    assert get(client, "/topics/").status_code == 200
    assert get(client, "/topics/").status_code == 429
    keyed = [
        client.get(f"{API}/topics/", HTTP_X_API_KEY=partner.api_key).status_code for _ in range(5)
    ]
    assert keyed == [200] * 5
    assert client.get(f"{API}/topics/", HTTP_X_API_KEY=partner.api_key).status_code == 429


def test_invalid_or_inactive_key_is_refused(client):
    from syndication.models import Partner

    assert client.get(f"{API}/topics/", HTTP_X_API_KEY="wrong").status_code == 401
    partner = Partner.objects.create(name="Alt", is_active=False)
    assert client.get(f"{API}/topics/", HTTP_X_API_KEY=partner.api_key).status_code == 401


# -- query budget ----------------------------------------------------------------------------


@pytest.fixture
def many_projects(make_project, thilik):
    """Twelve more projects with people, partners, districts and topics."""
    person = ProjectPerson.objects.filter(page=thilik).first().person
    organisation = ProjectOrganisation.objects.filter(page=thilik).first().organisation
    topic = ProjectTopic.objects.filter(page=thilik).first().topic
    districts = list(DistrictPage.objects.filter(locale=thilik.locale)[:3])
    for number in range(12):
        page = make_project(slug=f"projekt-{number}", title=f"Projekt {number}")
        ProjectPerson.objects.create(page=page, person=person, role="lead")
        ProjectOrganisation.objects.create(
            page=page, organisation=organisation, role="funder", locale=page.locale
        )
        ProjectTopic.objects.create(page=page, topic=topic)
        for district in districts:
            ProjectDistrict.objects.create(page=page, district=district)


# Projects in English with the German fallback need the most (13 with an empty cache:
# people, partners, districts, topics); the issue's budget for publications is 12.
LIST_QUERY_BUDGET = 13
PUBLICATION_LIST_BUDGET = 12


def _queries(client, path: str, **params) -> int:
    cache.clear()  # measure the cold path
    with CaptureQueriesContext(connection) as captured:
        ok(client, path, **params)
    return len(captured)


def test_more_items_cost_no_more_queries(client, many_projects):
    """Twelve alike projects: a page of one and a page of twelve cost the same."""
    one = _queries(client, "/projects/", limit=1, ordering="-start_date")
    twelve = _queries(client, "/projects/", limit=12, ordering="-start_date")
    assert one == twelve


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("locale", ["de", "en"])
def test_list_queries_do_not_grow_with_the_limit(client, resource, locale, many_projects):
    ok(client, f"/{resource}/", limit=50, locale=locale)  # first call may create renditions
    one = _queries(client, f"/{resource}/", limit=1, locale=locale, fallback="de")
    fifty = _queries(client, f"/{resource}/", limit=50, locale=locale, fallback="de")
    # Bounded by the kinds of related data, never by the number of items.
    budget = PUBLICATION_LIST_BUDGET if resource == "publications" else LIST_QUERY_BUDGET
    assert one <= budget
    assert fifty <= budget


@pytest.mark.parametrize("resource", RESOURCES)
def test_item_links_are_the_detail_routes(rf, resource):
    """``api_url`` builds links from the list route; they must be what Django reverses."""
    request = rf.get("/api/v1/")
    expected = get_full_url(request, reverse(f"api-v1:{resource}-detail", args=[4711]))
    assert api_url(request, resource, 4711) == expected


def test_cached_list_needs_no_sql(client, django_assert_max_num_queries):
    ok(client, "/projects/", limit=50)
    with django_assert_max_num_queries(0):  # the rate limit and the response come from cache
        ok(client, "/projects/", limit=50)


def test_list_count_is_kept_until_the_resource_changes(
    client, make_project, django_capture_on_commit_callbacks
):
    """Another page of the same list reuses the count; a publish recounts."""

    def counted(**params) -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            count = ok(client, "/projects/", **params)["count"]
        return count, [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]

    first, first_counts = counted(limit=1)
    assert first_counts
    again, again_counts = counted(limit=1, offset=1)
    assert again == first and not again_counts
    with django_capture_on_commit_callbacks(execute=True):
        make_project(slug="gezaehlt", title="Gezähltes Projekt")
    after, after_counts = counted(limit=1, offset=2)
    assert after == first + 1 and after_counts


def test_cached_answer_costs_two_cache_round_trips(client, monkeypatch):
    """The answer and its stamps in one ``get_many``, the rate limit's count in one ``incr``:
    what keeps a cached answer near the static file's speed."""
    first = get(client, "/publications/", limit=20)
    calls = count_cache_calls(monkeypatch)
    again = get(client, "/publications/", limit=20)
    assert calls == ["get_many", "incr"]
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert again["Cache-Control"] == first["Cache-Control"]
    assert again["Last-Modified"] == first["Last-Modified"]


@pytest.mark.parametrize(
    "path",
    ["/projects/", "/people/", "/districts/?limit=3", "/changes/", "/search/?q=Integration"],
)
def test_every_kind_of_cached_answer_leaves_before_the_api(client, monkeypatch, path):
    first = client.get(f"{API}{path}")
    assert first.status_code == 200
    calls = count_cache_calls(monkeypatch)
    assert client.get(f"{API}{path}").content == first.content
    assert calls == ["get_many", "incr"]


def test_cached_answers_count_against_the_rate_limit(client, settings):
    settings.API_RATE_LIMITS = {"anonymous": "4/min", "partner": "100/min"}
    statuses = [get(client, "/projects/", limit=5).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_rate_limit_counts_every_process_alike(client, settings):
    """Counts live in the shared cache: a fresh throttle object (another process) sees the
    requests counted by this one."""
    from syndication.access import ClientThrottle

    settings.API_RATE_LIMITS = {"anonymous": "3/min", "partner": "100/min"}
    assert [get(client, "/topics/").status_code for _ in range(3)] == [200] * 3
    request = get(client, "/series/").wsgi_request
    assert not ClientThrottle().allow_request(request)


def test_partners_get_the_cached_answer_with_their_own_limit(client, settings):
    from syndication.models import Partner

    settings.API_RATE_LIMITS = {"anonymous": "1/min", "partner": "3/min"}
    partner = Partner.objects.create(name="Landratsamt")
    anonymous = get(client, "/projects/")
    keyed = [client.get(f"{API}/projects/", HTTP_X_API_KEY=partner.api_key) for _ in range(3)]
    assert [response.status_code for response in keyed] == [200] * 3
    assert {response["ETag"] for response in keyed} == {anonymous["ETag"]}
    assert client.get(f"{API}/projects/", HTTP_X_API_KEY=partner.api_key).status_code == 429
    assert client.get(f"{API}/projects/", HTTP_X_API_KEY="falsch").status_code == 401


def test_operation_ids_are_unique(client):
    schema = ok(client, "/openapi.json")
    ids = [
        operation["operationId"]
        for path in schema["paths"].values()
        for operation in path.values()
        if "operationId" in operation
    ]
    assert len(ids) == len(set(ids))


def test_a_rate_limit_the_api_cannot_parse_fails_the_system_check(settings):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "anonymous": "100000/minute"}
    with pytest.raises(SystemCheckError, match="API_RATE_ANONYMOUS='100000/minute'"):
        call_command("check")


def test_schemas_read_dicts_directly_and_objects_through_ninja(monkeypatch):
    """The serialisers hand the schemas dicts, and ninja's getter (made for model
    instances) took an eighth of building a list; objects are still read through it, and
    a dict that doesn't fit still answers with ninja's validation error."""
    import ninja.schema

    getters = []

    class CountingGetter(ninja.schema.DjangoGetter):
        def __init__(self, *args, **kwargs):
            getters.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(ninja.schema, "DjangoGetter", CountingGetter)
    ref = {"id": 7, "title": "ThILIK", "locale": "de", "url": None, "api_url": None}
    listing = {"count": 1, "limit": 20, "offset": 0, "next": None, "previous": None}
    page = Listing[Ref].model_validate({**listing, "items": [ref]})
    assert page.items[0].title == "ThILIK"
    assert getters == []
    assert Ref.model_validate(SimpleNamespace(**ref)).title == "ThILIK"
    assert len(getters) == 1
    with pytest.raises(ValueError, match="title"):
        Ref.model_validate({**ref, "title": None})
