"""Search latency in-process, without HTTP: the backend call and the whole results page.

    DATABASE_URL=postgres://…/ikpe_bench manage.py bench_search --pages 20000

On a freshly migrated database it first generates the benchmark corpus
(``bench.corpus``: demo site plus synthetic projects, publications and interviews in both
languages); a database that already holds it is reused as it is. Prints p50/p95/max per
query for ``run_search`` and for the results page, then the overall figures. The same
queries are what ``python -m bench`` sends over HTTP (see docs/performance.md).
"""

import statistics
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from wagtail.models import Locale, Page

from bench.corpus import generate
from bench.endpoints import search_queries
from search.results import run_search

PAGE_URLS = {"de": "/de/suche/", "en": "/en/search/"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Generate the benchmark corpus if missing and report search latency percentiles."

    def add_arguments(self, parser):
        parser.add_argument("--pages", type=int, default=20_000, help="Pages in the corpus.")
        parser.add_argument("--repeat", type=int, default=5, help="Runs per query.")
        parser.add_argument("--queries", type=int, default=12, help="Queries per language.")
        parser.add_argument("--allow-sqlite", action="store_true")

    def handle(self, *args, pages: int, repeat: int, queries: int, allow_sqlite: bool, **options):
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError(
                "Run the benchmark on PostgreSQL (set DATABASE_URL) or pass --allow-sqlite."
            )
        if not Page.objects.filter(slug__startswith="synth-").exists():
            report = generate(pages, progress=sys.stderr)
            for line in report.lines():
                self.stderr.write(line)
        client = Client()
        rows, backend_all, page_all = [], [], []
        for language, texts in search_queries().items():
            locale = Locale.objects.get(language_code=language)
            for query in texts[:queries]:
                run_search(query, locale)  # warm up
                backend_times, page_times = [], []
                for _ in range(repeat):
                    start = time.perf_counter()
                    hits = run_search(query, locale)
                    backend_times.append((time.perf_counter() - start) * 1000)
                    start = time.perf_counter()
                    response = client.get(PAGE_URLS[language], {"q": query}, HTTP_HOST="127.0.0.1")
                    page_times.append((time.perf_counter() - start) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{query!r} answered {response.status_code}")
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
        out.write(f"database: {connection.vendor}, pages: {Page.objects.count()}")
