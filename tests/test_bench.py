"""The benchmark: its corpus generator on the test database, and a quick real run.

The generator writes pages the way a restore would (bulk rows, computed tree paths), so
these tests check what a careless bulk writer gets wrong: the tree, the translations, the
links, the search index, the change feed, and that the pages are actually served.
"""

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from wagtail.models import Locale, Page

from bench.corpus import SLUGS, CorpusError, generate
from bench.database import NotEmpty, prepare_database
from bench.server import Gunicorn
from bench.vocabulary import Writer
from bench.wrk import run_wrk
from projects.models import ProjectOrganisation, ProjectPage
from publications.models import InterviewPage, PublicationPage
from search.results import run_search
from syndication.models import ChangeEvent
from tests.helpers import require

PROJECT_DIR = Path(__file__).resolve().parent.parent
EXTRA_PAGES = 120


@pytest.fixture(scope="module")
def module_corpus(django_db_setup, django_db_blocker):
    """A small synthetic corpus on top of the demo site, generated once for this module
    and rolled back after it (the tests only read it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = Page.objects.count()
        report = generate(before + EXTRA_PAGES, seed=11)
        yield before, report
        transaction.set_rollback(True)


@pytest.fixture
def corpus(module_corpus, db):
    return module_corpus


def synthetic(model, language: str):
    return model.objects.filter(slug__startswith="synth-", locale__language_code=language)


def test_corpus_reaches_the_size_with_every_type_in_both_languages(corpus):
    before, report = corpus
    assert Page.objects.count() >= before + EXTRA_PAGES
    assert report.size == Page.objects.count()
    for model, kind in (
        (ProjectPage, "projects"),
        (PublicationPage, "publications"),
        (InterviewPage, "interviews"),
    ):
        german, english = synthetic(model, "de"), synthetic(model, "en")
        assert german.count() == english.count() > 0
        assert report.pages[kind] == german.count() + english.count()
        assert all(page.slug.startswith(SLUGS[kind][0]) for page in german)


def test_every_english_page_is_a_translation_under_the_english_home(corpus):
    en = Locale.objects.get(language_code="en")
    for model in (ProjectPage, PublicationPage, InterviewPage):
        for original in synthetic(model, "de"):
            translation = original.get_translation(en)
            assert translation.live
            assert translation.url.startswith("/en/")
            assert translation.get_parent().specific.locale == en
            assert translation.title != original.title  # really translated


def test_the_page_tree_is_consistent(corpus):
    assert Page.find_problems() == ([], [], [], [], [])
    for index in Page.objects.filter(depth=3):
        assert index.numchild == index.get_children().count(), index.url_path


def test_pages_are_linked_like_real_ones(corpus):
    projects = synthetic(ProjectPage, "de")
    for project in projects:
        assert project.topic_links.exists()
        assert project.people.filter(role="lead").count() == 1
        assert project.district_links.exists()
        funders = project.organisations.filter(role="funder")
        assert funders.count() == 1 and funders.get().programme
    # The English rows of a project's partners are translations of the German rows.
    for row in ProjectOrganisation.objects.filter(
        page__slug__startswith="synth-", locale__language_code="en"
    ):
        assert ProjectOrganisation.objects.filter(
            translation_key=row.translation_key, locale__language_code="de"
        ).exists()
    project_ids = set(projects.values_list("pk", flat=True))
    linked = {
        link.project_id
        for pub in synthetic(PublicationPage, "de")
        for link in pub.project_links.all()
    }
    assert linked and linked <= project_ids
    for interview in synthetic(InterviewPage, "en"):
        kinds = sorted(p.kind for p in interview.participants.all())
        assert kinds == ["interviewee", "interviewer"]
        answers = [block for block in interview.body if block.block_type == "question_answer"]
        assert len(answers) >= 8
        assert interview.is_sample  # fictitious people are marked as such


def test_synthetic_pages_are_searchable_served_and_announced(corpus, client):
    de, en = (Locale.objects.get(language_code=code) for code in ("de", "en"))
    project = synthetic(ProjectPage, "de").order_by("pk").first()
    english = project.get_translation(en)
    for page, locale in ((project, de), (english, en)):
        # The title's first words and its number find the page in its own language.
        words = page.title.split(" [")[0]
        number = page.title.rsplit("#", 1)[1].rstrip("]")
        hits = run_search(f"{words} {number}", locale)
        assert page.pk in [hit.pk for hit in hits]
        assert client.get(page.url).status_code == 200
        events = ChangeEvent.objects.filter(object_id=page.pk, resource="projects")
        assert [event.kind for event in events] == ["published"]
    for model in (PublicationPage, InterviewPage):
        for language in ("de", "en"):
            page = synthetic(model, language).last()
            assert client.get(page.url).status_code == 200
    listed = client.get("/api/v1/publications/?locale=en&limit=50").json()
    assert listed["count"] == PublicationPage.objects.live().filter(locale=en).count()


def test_the_same_seed_writes_the_same_text():
    import random

    first = Writer(random.Random(3), ["Erfurt", "Gotha"])
    second = Writer(random.Random(3), ["Erfurt", "Gotha"])
    for writer in (first, second):
        writer.start_document()
    assert [first.title(1), first.sentences(3)] == [second.title(1), second.sentences(3)]


def test_a_corpus_is_refused_on_top_of_another(corpus):
    with pytest.raises(CorpusError, match="already holds"):
        generate(Page.objects.count() + 10)


# -- databases the runner may and may not use ----------------------------------------------


def test_a_sqlite_database_with_tables_is_not_wiped_without_force(tmp_path):
    path = tmp_path / "somebody.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE precious (id integer)")
    url = f"sqlite:///{path}"
    with pytest.raises(NotEmpty, match="--force"):
        prepare_database(url, reuse=False, force=False)
    assert path.exists()
    assert prepare_database(url, reuse=True, force=False).reused
    prepare_database(url, reuse=False, force=True)
    assert not path.exists()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL)",
)
def test_a_postgres_database_with_tables_is_not_wiped_without_force():
    import psycopg
    from psycopg import sql

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"ikpe_bench_refusal_{os.getpid()}"
    url = f"{base}/{name}"
    created = prepare_database(url, reuse=False, force=False)  # creates it
    try:
        assert created.vendor == "postgresql" and not created.reused
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("CREATE TABLE precious (id integer)")
        with pytest.raises(NotEmpty, match="--force"):
            prepare_database(url, reuse=False, force=False)
        prepare_database(url, reuse=False, force=True)
        with psycopg.connect(url, autocommit=True) as db:
            tables = db.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()[0]
        assert tables == 0
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


# -- a real run --------------------------------------------------------------------------


def _require_wrk() -> None:
    require(shutil.which("wrk") is not None, "wrk is not installed (apt-get install wrk)")


def test_a_cold_run_is_not_held_up_by_connections_wrk_left_open():
    """A cold run requests each URL once and stops when all are answered. A wrk thread
    that stopped left its other connections open; gunicorn's sync worker, after answering
    one, waits up to 2 s for the client to close it, and the other thread's requests
    waited behind: the cold API list at 1,000 pages had a p99 of 2–4 s, with no request
    taking the server more than 70 ms."""
    _require_wrk()
    with Gunicorn({}, app="tests.sleepy_wsgi:app") as server:
        urls = [f"{server.base_url}/{number}" for number in range(300)]
        result = run_wrk(urls, duration=10, connections=16, each_once=True)
    assert result.errors == 0
    assert result.requests >= len(urls)
    assert result.max_ms < 1000


def test_a_quick_run_writes_the_table_csv_and_chart(tmp_path):
    """``python -m bench`` end to end on a tiny corpus: gunicorn, wrk, files."""
    _require_wrk()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = tmp_path / "results"
    command = [
        sys.executable,
        "-m",
        "bench",
        "--size",
        "200",
        "--duration",
        "1",
        "--connections",
        "4",
        "--only",
        "home,api_list",
        "--out",
        str(out),
    ]
    completed = subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    table = completed.stdout
    for label in ("Static file (CSS)", "Home page", "API list, 20 publications"):
        assert label in table
    assert "peak RSS of a gunicorn worker" in table
    (csv_path,) = out.glob("bench-*-sqlite-locmem.csv")
    assert csv_path.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    assert csv_path.with_suffix(".txt").read_text(encoding="utf-8").strip() == table.strip()
    with csv_path.open(encoding="utf-8") as handle:
        rows = {row["endpoint"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"static", "home", "api_list"}
    for name, row in rows.items():
        assert float(row["warm_rps"]) > 0, name
        assert int(row["warm_errors"]) == 0, name
        assert int(row["size"]) >= 200
    for name in ("home", "api_list"):
        assert float(rows[name]["cold_rps"]) > 0 and int(rows[name]["cold_errors"]) == 0
        assert int(rows[name]["queries_cold"]) > int(rows[name]["queries_warm"])
    assert float(rows["static"]["warm_ratio_static"]) == 1.0
    assert connection.vendor  # the test database was left alone
