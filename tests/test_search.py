"""Site search: locale, ranking, facets, snippets, bad input, suggestions and index updates."""

import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.models import IntegerField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from modelsearch import index
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from directory.models import Person
from districts.models import DistrictPage
from projects.models import ProjectDistrict, ProjectPage, ProjectPerson
from search.backends import backend_for_language, language_marker, match_by_index
from search.results import run_search, search_terms, visible_in
from tests.helpers import text
from tests.search_relevance import ENGLISH, GERMAN

BAD_QUERIES = [
    '"',
    '"unbalanced',
    "*",
    "a:b",
    "&",
    "|",
    "!",
    "a & b | !c",
    "'; DROP TABLE",
    "(((",
    "\\",
]


def titles(response) -> list[str]:
    return [page.title for page in response.context["items"]]


def slugs(response) -> list[str]:
    return [page.slug for page in response.context["items"]]


def relevance(queries, language: str) -> tuple[float, float, list]:
    """Mean precision@3 (relevant pages among the first three, over what can be there) and MRR."""
    locale = Locale.objects.get(language_code=language)
    precision, reciprocal, misses = [], [], []
    for query, expected in queries:
        ranked = [page.slug for page in run_search(query, locale)]
        top3 = ranked[:3]
        precision.append(len(expected & set(top3)) / min(3, len(expected)))
        rank = next((i for i, slug in enumerate(ranked, 1) if slug in expected), None)
        reciprocal.append(1 / rank if rank else 0.0)
        if rank != 1:
            misses.append((query, rank, top3))
    return sum(precision) / len(queries), sum(reciprocal) / len(queries), misses


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "queries", "min_precision", "min_mrr"),
    [("de", GERMAN, 0.9, 0.85), ("en", ENGLISH, 0.9, 0.85)],
)
def test_relevance_set(language, queries, min_precision, min_mrr, capsys):
    precision, mrr, misses = relevance(queries, language)
    with capsys.disabled():
        print(f"\n[{language}] {len(queries)} queries: precision@3={precision:.3f} MRR={mrr:.3f}")
        for query, rank, top3 in misses:
            print(f"    {query!r}: first relevant at rank {rank}; top 3 {top3}")
    assert precision >= min_precision, misses
    assert mrr >= min_mrr, misses


@pytest.mark.django_db
def test_search_url_is_translated(client):
    assert client.get("/de/suche/?q=Jena").status_code == 200
    assert client.get("/en/search/?q=Jena").status_code == 200
    assert client.get("/de/search/?q=Jena").status_code == 404


@pytest.mark.django_db
def test_results_stay_in_the_reader_locale_and_point_to_the_other(client):
    response = client.get("/de/suche/?q=ThILIK")
    assert response.context["items"][0].slug == "thilik"
    assert {page.locale.language_code for page in response.context["items"]} == {"de"}
    body = text(response)
    assert 'href="/en/search/?q=ThILIK"' in body
    assert "Treffer auf Englisch" in body


@pytest.mark.django_db
def test_exact_acronym_and_key_rank_first(client):
    assert slugs(client.get("/de/suche/?q=ThILIK"))[0] == "thilik"
    assert slugs(client.get("/de/suche/?q=16053"))[0] == "jena"
    assert slugs(client.get("/en/search/?q=16053"))[0] == "jena"


@pytest.mark.django_db
def test_query_stays_in_the_box_and_snippets_are_highlighted(client):
    response = client.get("/de/suche/?q=Armutspr%C3%A4vention")
    body = text(response)
    assert 'value="Armutsprävention"' in body
    assert "<mark>Armutsprävention</mark>" in body or "<mark>Armutspräventions" in body


@pytest.mark.django_db
def test_snippets_escape_page_text(client, make_project):
    make_project(slug="escape", title="Escape-Test", teaser="<script>alert(1)</script> Sonnenblume")
    body = text(client.get("/de/suche/?q=Sonnenblume"))
    assert "<script>alert(1)</script>" not in body
    assert "<mark>Sonnenblume</mark>" in body


@pytest.mark.django_db
def test_facets_count_and_filter(client):
    response = client.get("/de/suche/?q=Integration")
    facets = response.context["facets"]
    types = {facet.value: facet.count for facet in facets["type"]}
    assert types.get("projectpage", 0) >= 1
    assert types.get("publicationpage", 0) >= 1
    assert sum(types.values()) == response.context["total"]
    filtered = client.get("/de/suche/?q=Integration&type=publicationpage")
    assert filtered.context["items"]
    assert {page._meta.model_name for page in filtered.context["items"]} == {"publicationpage"}
    assert filtered.context["total"] == types["publicationpage"]
    years = {facet.value for facet in response.context["facets"]["year"]}
    assert "2019" in years
    by_year = client.get("/de/suche/?q=Integration&year=2019")
    assert by_year.context["items"]
    assert all(
        (getattr(page, "publication_date", None) and page.publication_date.year == 2019)
        or (getattr(page, "start_date", None) and page.start_date.year == 2019)
        for page in by_year.context["items"]
    )


@pytest.mark.django_db
def test_district_and_topic_facets_use_the_reader_language(client):
    response = client.get("/en/search/?q=integration")
    topics = {facet.label for facet in response.context["facets"]["topic"]}
    assert "Migration and integration" in topics
    districts = {facet.label for facet in response.context["facets"]["district"]}
    assert "Jena" in districts
    jena = next(f for f in response.context["facets"]["district"] if f.label == "Jena")
    filtered = client.get(f"/en/search/?q=integration&district={jena.value}")
    assert "thilik" in slugs(filtered)


@pytest.mark.django_db
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_input_gives_a_normal_page(client, query):
    for url in ("/de/suche/", "/en/search/", "/de/suche/vorschlaege/"):
        response = client.get(url, {"q": query})
        assert response.status_code == 200, (url, query)


@pytest.mark.django_db
def test_empty_query_and_stop_words(client):
    response = client.get("/de/suche/?q=")
    assert response.status_code == 200
    assert not list(response.context["items"])
    assert response.context["total"] == 0
    response = client.get("/de/suche/?q=%20%20")
    assert response.status_code == 200
    response = client.get("/de/suche/?q=der+die+das")
    assert response.status_code == 200


@pytest.mark.django_db
def test_very_long_query_is_cut_and_says_so(client):
    response = client.get("/de/suche/", {"q": "Jena " * 100})
    assert response.status_code == 200
    assert len(response.context["query"]) == 200
    assert "gekürzt" in text(response)


@pytest.mark.django_db
def test_no_results_help(client):
    body = text(client.get("/de/suche/?q=Quantenchromodynamik"))
    assert "Rechtschreibung" in body or "Schreibweise" in body


@pytest.mark.django_db
def test_title_suggestions(client):
    data = json.loads(client.get("/de/suche/vorschlaege/?q=Vielf").content)
    assert any(item["title"].startswith("Vielfalt leben") for item in data["suggestions"])
    data = json.loads(client.get("/en/search/suggestions/?q=Munic").content)
    assert all(item["url"].startswith("/en/") for item in data["suggestions"])
    assert data["suggestions"]


@pytest.mark.django_db
def test_drafts_private_and_unpublished_pages_are_not_found(
    client, make_project, django_capture_on_commit_callbacks
):
    """Each change retires the cached results page after its transaction commits."""
    project = make_project(slug="geheim", title="Geheimprojekt Zitronenfalter")
    assert "geheim" in slugs(client.get("/de/suche/?q=Zitronenfalter"))
    with django_capture_on_commit_callbacks(execute=True):
        project.unpublish()
    assert "geheim" not in slugs(client.get("/de/suche/?q=Zitronenfalter"))
    with django_capture_on_commit_callbacks(execute=True):
        project.save_revision().publish()
    assert "geheim" in slugs(client.get("/de/suche/?q=Zitronenfalter"))
    with django_capture_on_commit_callbacks(execute=True):
        project.view_restrictions.create(restriction_type="password", password="x")
    assert "geheim" not in slugs(client.get("/de/suche/?q=Zitronenfalter"))


def other_language_counts(response) -> dict[str, int]:
    return {other["code"]: other["count"] for other in response.context["other_languages"]}


@pytest.mark.django_db
def test_other_language_count_is_what_that_language_shows(
    client, make_project, django_capture_on_commit_callbacks
):
    """The “also in German” count holds only pages a German reader would find."""
    first = make_project(slug="falter-1", title="Zitronenfalter im Landkreis")
    second = make_project(slug="falter-2", title="Zitronenfalter in der Stadt")
    expired = make_project(slug="falter-3", title="Zitronenfalter am Stausee")
    Page.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    assert other_language_counts(client.get("/en/search/?q=Zitronenfalter")) == {"de": 2}
    with django_capture_on_commit_callbacks(execute=True):
        first.unpublish()
    assert other_language_counts(client.get("/en/search/?q=Zitronenfalter")) == {"de": 1}
    with django_capture_on_commit_callbacks(execute=True):
        second.view_restrictions.create(restriction_type="password", password="x")
    response = client.get("/en/search/?q=Zitronenfalter")
    assert other_language_counts(response) == {}
    assert "in German" not in text(response)


@pytest.mark.django_db
def test_expired_pages_are_not_found(client, make_project):
    """Expiry is checked at reading time, before ``publish_scheduled`` unpublishes."""
    make_project(slug="falter-aktuell", title="Zitronenfalter heute")
    expired = make_project(slug="falter-alt", title="Zitronenfalter gestern")
    Page.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    assert slugs(client.get("/de/suche/?q=Zitronenfalter")) == ["falter-aktuell"]


@pytest.mark.django_db
def test_a_snippet_with_a_page_id_does_not_make_that_page_a_hit(client, make_project):
    """Index entries belong to a page by its id and its type: a person whose id is a
    project's is not that project."""
    project = make_project(slug="ohne-falter", title="Projekt ohne Schmetterlinge")
    person = Person(
        pk=project.pk, given_name="Zitronenfalter", family_name="Muster", locale=project.locale
    )
    person.save()
    index.insert_or_update_object(person)
    assert "ohne-falter" not in slugs(client.get("/de/suche/?q=Zitronenfalter"))
    assert "ohne-falter" in slugs(client.get("/de/suche/?q=Schmetterlinge"))


postgres_index = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's search index"
)


def project_entries():
    return IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(ProjectPage))


@postgres_index
@pytest.mark.django_db
def test_publishing_a_page_rewrites_no_other_index_entry(make_project):
    """Publishing writes the page's own entry: Wagtail's title norms rewrote every entry
    still at the default norm, scanning the whole index on every publish (300 ms at
    100,000 pages)."""
    first = make_project(slug="falter-1", title="Zitronenfalter")
    project_entries().filter(object_id=str(first.pk)).update(title_norm=1.0)
    second = make_project(slug="falter-2", title="Zitronenfalter im Landkreis Gotha und anderswo")
    assert project_entries().get(object_id=str(first.pk)).title_norm == 1.0
    # A long title weighs less per word than the average one, as in Wagtail's ranking.
    assert project_entries().get(object_id=str(second.pk)).title_norm < 1.0


@postgres_index
@pytest.mark.django_db
@pytest.mark.parametrize("hidden", [0, 2, 3, 8])
def test_hidden_pages_among_the_best_neither_show_nor_push_visible_ones_out(
    make_project, de, hidden
):
    """The best entries of the language are ranked first and checked for visibility
    afterwards (``ranked_page_ids``): the hits must still be the best visible pages, also
    when the best candidates are hidden, and the count must count visible pages only."""
    for number in range(8):
        words = " ".join(["Zitronenfalter"] * (8 - number))
        make_project(slug=f"falter-{number}", title=f"Falter {number}", teaser=words)
    backend = backend_for_language("de")
    terms = search_terms("Zitronenfalter")
    best_first = [pk for pk, _ in backend._ranked(backend._any_word_entries(terms, None), 100)]
    assert len(best_first) == 8
    Page.objects.filter(pk__in=best_first[:hidden]).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    visible = best_first[hidden:]
    limit = 2  # the first CANDIDATES × 2 = 4 entries are checked, then the rest
    assert backend.ranked_page_ids(terms, visible_in(de), limit) == visible[:limit]
    assert backend.ranked_page_ids(terms, visible_in(de), 20) == visible
    assert backend.count_pages(terms, visible_in(de), limit) == min(limit, len(visible))
    assert backend.count_pages(terms, visible_in(de), 20) == len(visible)


@postgres_index
@pytest.mark.django_db
def test_search_plans_its_own_queries_only():
    """The site search turns table scans and JIT off for its index queries; after it, the
    same transaction plans as before, with the settings it had made itself (a leaked
    ``enable_seqscan = off`` would slow every later query of that transaction)."""
    names = ["enable_seqscan", "enable_indexscan", "jit"]

    def current() -> dict[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [names])
            return dict(cursor.fetchall())

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
    before = current()
    assert before == {"enable_seqscan": "on", "enable_indexscan": "off", "jit": "on"}
    with match_by_index("default"):
        assert current() == {"enable_seqscan": "off", "enable_indexscan": "off", "jit": "off"}
    assert current() == before
    with match_by_index("default", bitmaps_only=True):
        assert current() == {"enable_seqscan": "off", "enable_indexscan": "off", "jit": "off"}
    assert current() == before


@postgres_index
@pytest.mark.django_db
def test_page_entries_carry_their_language_marker_whoever_wrote_them(client, make_project, en):
    """The site search asks for its language's marker: an entry without it is never
    found, one with the wrong one leaks into the other language."""
    page = make_project(slug="falter", title="Zitronenfalter")
    markers = {"de": language_marker("de"), "en": language_marker("en")}

    def lexemes(obj) -> str:
        entries = IndexEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        )
        return entries.values_list("body", flat=True).get()

    assert f"'{markers['de']}'" in lexemes(page)
    assert markers["en"] not in lexemes(page)
    translation = page.copy_for_translation(en)
    translation.save_revision().publish()
    assert f"'{markers['en']}'" in lexemes(translation)
    call_command("rebuild_search_index")
    assert f"'{markers['de']}'" in lexemes(page)
    assert "falter" in slugs(client.get("/de/suche/?q=Zitronenfalter"))
    # Snippets are not pages: the site search never lists them.
    person = Person.objects.create(given_name="Zitronenfalter", family_name="M", locale=page.locale)
    index.insert_or_update_object(person)
    assert "ikpelang" not in lexemes(person)


def test_every_indexed_model_has_an_integer_key():
    """PostgreSQL ranking joins index entries to pages as numbers
    (``search.backends``); a text key in the index would make every search fail."""
    for model in index.get_indexed_models():
        key = model._meta.pk
        while key.is_relation:
            key = key.target_field
        assert isinstance(key, IntegerField), model


@pytest.mark.django_db
def test_results_page_is_served_from_the_cache_until_a_change(
    client, thilik, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    first = client.get("/de/suche/?q=Integration")
    with django_assert_max_num_queries(0):
        again = client.get("/de/suche/?q=Integration")
    assert again.content == first.content
    assert thilik.url in text(again)
    # Browsers ask again each time (and get a 304 while nothing changed).
    assert again["Cache-Control"] == "public, max-age=0"
    revalidated = client.get("/de/suche/?q=Integration", HTTP_IF_NONE_MATCH=again["ETag"])
    assert revalidated.status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        thilik.unpublish()
    assert thilik.url not in text(client.get("/de/suche/?q=Integration"))


@pytest.mark.django_db
def test_publishing_updates_the_index(client, thilik):
    thilik.teaser = "Neuer Kurztext über Pusteblumen"
    thilik.save_revision().publish()
    assert "thilik" in slugs(client.get("/de/suche/?q=Pusteblumen"))


@pytest.mark.django_db
def test_rebuild_command_shows_progress(capsys):
    call_command("rebuild_search_index")
    out = capsys.readouterr().out
    assert "[##############################]" in out
    assert "projects.ProjectPage" in out


@pytest.mark.django_db
def test_indexing_reads_each_relation_once(thilik):
    """Wagtail's indexers read every search field once per vector they build: a page's
    districts were queried five times per indexing on PostgreSQL, three on SQLite."""
    with CaptureQueriesContext(connection) as queries:
        get_search_backend().add(thilik)
    district_reads = [q for q in queries if 'FROM "projects_projectdistrict"' in q["sql"]]
    assert len(district_reads) == 1


@pytest.mark.django_db
def test_publishing_other_districts_updates_the_index(
    client, thilik, django_capture_on_commit_callbacks
):
    """The index holds the districts the page is published with, not the ones before."""
    gotha = DistrictPage.objects.get(locale=thilik.locale, ags="16067")
    thilik.district_links = [ProjectDistrict(district=gotha)]
    with django_capture_on_commit_callbacks(execute=True):
        thilik.save_revision().publish()
    assert "thilik" in slugs(client.get("/de/suche/?q=16067"))
    assert "thilik" not in slugs(client.get("/de/suche/?q=16077"))


@pytest.mark.django_db
def test_renaming_or_deleting_a_person_updates_the_pages_that_named_them(
    client, thilik, de, django_capture_on_commit_callbacks
):
    person = Person.objects.create(locale=de, given_name="Erika", family_name="Zwischenname")
    thilik.people.add(ProjectPerson(person=person))
    with django_capture_on_commit_callbacks(execute=True):
        thilik.save_revision().publish()
    assert "thilik" in slugs(client.get("/de/suche/?q=Zwischenname"))

    person.family_name = "Nachname"
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    assert "thilik" in slugs(client.get("/de/suche/?q=Nachname"))
    assert "thilik" not in slugs(client.get("/de/suche/?q=Zwischenname"))

    with django_capture_on_commit_callbacks(execute=True):
        person.delete()
    assert "thilik" not in slugs(client.get("/de/suche/?q=Nachname"))


@pytest.mark.django_db
def test_renaming_or_deleting_a_district_updates_the_pages_that_link_to_it(
    client, thilik, django_capture_on_commit_callbacks
):
    district = DistrictPage.objects.get(locale=thilik.locale, ags="16077")
    district.title = "Skatstadtland"
    with django_capture_on_commit_callbacks(execute=True):
        district.save_revision().publish()
    assert "thilik" in slugs(client.get("/de/suche/?q=Skatstadtland"))

    # Wagtail deletes pages as a tree, by their base rows.
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=district.pk).delete()
    assert "thilik" not in slugs(client.get("/de/suche/?q=Skatstadtland"))


@pytest.mark.django_db
def test_project_found_by_district_key_and_person(client):
    assert "thilik" in slugs(client.get("/de/suche/?q=16077"))  # Altenburger Land
    assert "vielfalt-leben" in slugs(client.get("/de/suche/?q=Vidot"))


@pytest.mark.parametrize(
    ("env", "error_ids"),
    [
        ({"SEARCH_BACKEND": "database"}, set()),
        ({"SEARCH_BACKEND": "solr"}, {"search.E001"}),
        ({"SEARCH_BACKEND": "opensearch2", "SEARCH_URL": ""}, {"search.E002", "search.E003"}),
        (
            {"SEARCH_BACKEND": "elasticsearch8", "SEARCH_URL": "http://127.0.0.1:9200"},
            {"search.E003"},
        ),
    ],
)
def test_search_configuration_is_checked(settings, env, error_ids):
    from search.checks import check_search_backend

    settings.SEARCH_BACKEND = env["SEARCH_BACKEND"]
    settings.SEARCH_URL = env.get("SEARCH_URL", "")
    assert {error.id for error in check_search_backend(None)} == error_ids
