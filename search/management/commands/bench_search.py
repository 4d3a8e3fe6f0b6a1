"""Measure search latency over a generated corpus (default 20,000 pages in both locales).

    DATABASE_URL=postgres://…/ikpe_bench manage.py bench_search --pages 20000

Generated pages are marked by a ``bench-`` slug prefix and reused on the next run; use a
throwaway database. Prints p50/p95/max per query for the backend call and the whole
results page, then the overall figures.
"""

import random
import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from wagtail.models import Locale

from projects.models import ProjectIndexPage, ProjectPage
from publications.models import PublicationIndexPage, PublicationPage
from search.results import run_search

WORDS = {
    "de": [
        "Integration",
        "Armutsprävention",
        "Sozialplanung",
        "Landkreis",
        "Verwaltung",
        "Kommune",
        "Teilhabe",
        "Bildung",
        "Familie",
        "Zuwanderung",
        "Beratung",
        "Evaluation",
        "Netzwerk",
        "Quartier",
        "Jugendhilfe",
        "Gesundheit",
        "Pflege",
        "Wohnen",
        "Arbeitsmarkt",
        "Sprachförderung",
        "Ehrenamt",
        "Steuerung",
        "Strategie",
        "Bedarfsanalyse",
        "Kinderarmut",
        "Senioren",
        "Mobilität",
        "Digitalisierung",
        "Öffnung",
        "Vielfalt",
    ],
    "en": [
        "integration",
        "poverty",
        "prevention",
        "social",
        "planning",
        "district",
        "administration",
        "municipality",
        "participation",
        "education",
        "family",
        "immigration",
        "advice",
        "evaluation",
        "network",
        "neighbourhood",
        "youth",
        "welfare",
        "health",
        "care",
        "housing",
        "labour",
        "market",
        "language",
        "support",
        "volunteering",
        "steering",
        "strategy",
        "needs",
        "analysis",
        "child",
        "poverty",
        "seniors",
        "mobility",
        "diversity",
        "opening",
    ],
}
QUERIES = {
    "de": [
        "Armutsprävention",
        "Integration Landkreis",
        "Sozialplanung",
        "Vielfalt Verwaltung",
        "Kinderarmut Quartier",
        "ThILIK",
        "16053",
        "Teilhabe Bildung Familie",
    ],
    "en": [
        "poverty prevention",
        "integration district",
        "social planning",
        "diversity",
        "child poverty",
        "ThILIK",
        "16053",
        "participation education family",
    ],
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Generate a corpus and report search latency percentiles."

    def add_arguments(self, parser):
        parser.add_argument("--pages", type=int, default=20_000, help="Pages in the corpus.")
        parser.add_argument("--repeat", type=int, default=20, help="Runs per query.")
        parser.add_argument("--allow-sqlite", action="store_true")

    def handle(self, *args, pages: int, repeat: int, allow_sqlite: bool, **options):
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError(
                "Run the benchmark on PostgreSQL (set DATABASE_URL) or pass --allow-sqlite."
            )
        self.generate(pages)
        client = Client()
        rows, backend_all, page_all = [], [], []
        for language, queries in QUERIES.items():
            locale = Locale.objects.get(language_code=language)
            url = "/de/suche/" if language == "de" else "/en/search/"
            for query in queries:
                run_search(query, locale)  # warm up
                backend_times, page_times = [], []
                for _ in range(repeat):
                    start = time.perf_counter()
                    hits = run_search(query, locale)
                    backend_times.append((time.perf_counter() - start) * 1000)
                    start = time.perf_counter()
                    response = client.get(url, {"q": query}, HTTP_HOST="127.0.0.1")
                    page_times.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200
                backend_all += backend_times
                page_all += page_times
                rows.append((language, query, len(hits), backend_times, page_times))
        self.report(rows, backend_all, page_all)

    def report(self, rows, backend_all, page_all) -> None:
        out = self.stdout
        out.write(
            f"{'lang':4} {'query':28} {'hits':>5} {'search p50':>11} {'p95':>8} {'page p50':>9} {'p95':>8}"
        )
        for language, query, hits, backend, page in rows:
            out.write(
                f"{language:4} {query[:28]:28} {hits:>5} {statistics.median(backend):>9.1f}ms"
                f" {percentile(backend, 0.95):>6.1f}ms {statistics.median(page):>7.1f}ms"
                f" {percentile(page, 0.95):>6.1f}ms"
            )
        out.write(
            f"{'all':4} {'':28} {'':>5} {statistics.median(backend_all):>9.1f}ms"
            f" {percentile(backend_all, 0.95):>6.1f}ms {statistics.median(page_all):>7.1f}ms"
            f" {percentile(page_all, 0.95):>6.1f}ms"
        )
        out.write(
            f"database: {connection.vendor}, pages: {ProjectPage.objects.count() + PublicationPage.objects.count()} projects+publications"
        )

    def generate(self, target: int) -> None:
        """Add bench pages until the corpus has ``target`` of them; index once at the end."""
        existing = ProjectPage.objects.filter(slug__startswith="bench-").count()
        existing += PublicationPage.objects.filter(slug__startswith="bench-").count()
        missing = target - existing
        if missing <= 0:
            return
        backend_settings = settings.WAGTAILSEARCH_BACKENDS["default"]
        backend_settings["AUTO_UPDATE"] = False  # index in bulk afterwards
        rng = random.Random(existing)
        made = 0
        try:
            while made < missing:
                language = "de" if made % 2 == 0 else "en"
                locale = Locale.objects.get(language_code=language)
                words = WORDS[language]
                number = existing + made
                title = " ".join(rng.sample(words, 4)).capitalize()
                text = " ".join(rng.choice(words) for _ in range(120))
                if made % 3:
                    index = ProjectIndexPage.objects.get(locale=locale)
                    page = ProjectPage(
                        title=title,
                        slug=f"bench-{number}",
                        start_date=f"{rng.randint(2010, 2030)}-01-01",
                        teaser=text[:300],
                        body=[("paragraph", f"<p>{text}</p>")],
                    )
                else:
                    index = PublicationIndexPage.objects.get(locale=locale)
                    page = PublicationPage(
                        title=title,
                        slug=f"bench-{number}",
                        publication_date=f"{rng.randint(2010, 2026)}-06-01",
                        abstract=f"<p>{text}</p>",
                    )
                page.locale = locale
                index.add_child(instance=page)
                made += 1
                if made % 500 == 0 or made == missing:
                    self.stderr.write(f"\rgenerated {made}/{missing} pages", ending="")
            self.stderr.write("")
        finally:
            backend_settings.pop("AUTO_UPDATE", None)
        call_command("rebuild_search_index", stdout=self.stderr)
