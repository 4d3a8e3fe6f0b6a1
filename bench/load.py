"""``python -m bench.load``: 50 readers for 2 minutes while an editor keeps publishing.

    python -m bench.load                                  # 120 s, 50 connections, 1,000 pages
    python -m bench.load --duration 10 --connections 10   # a quick look
    python -m bench.load --db postgres://…/ikpe_load --reuse   # the corpus already there

gunicorn (production settings, Redis) serves a fresh PostgreSQL database (``ikpe_load``
beside the database ``DATABASE_URL`` names, created if missing, refused if not empty
unless ``--force``) filled by the benchmark's corpus generator. wrk loads a mix of API
lists and details, the change feed and API search, HTML pages, feeds and the search page,
while an editor signed in to the admin over HTTP publishes a new version of a project
every few seconds, and every worker's resident memory is sampled. The table says how many
requests were answered, how fast (p50/p95/p99), how many failed (must be none), how many
publishes were done and seen in the API, and whether the workers' memory stayed flat.
Exit status 1 when anything failed. See docs/robustness.md.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.database import NotEmpty, prepare_database, with_database_name
from bench.runner import API_RATE_FOR_BENCHMARK
from bench.wrk import WrkMissing

DEFAULT_DB = "ikpe_load"
WARM_UP_SHARE = 0.2  # memory is compared with its value once this much of the run is over
STABLE_WITHIN = 0.10  # end within 10 % of the warmed-up value
EDITOR = "load-moderator"


@dataclass
class WorkerMemory:
    pid: int
    warm_mb: float = 0.0
    end_mb: float = 0.0
    peak_mb: float = 0.0
    samples: list[tuple[float, float]] = field(default_factory=list)

    @property
    def stable(self) -> bool:
        return self.end_mb <= self.warm_mb * (1 + STABLE_WITHIN)


@dataclass
class LoadReport:
    duration_s: float
    connections: int
    workers: int
    pages: int
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    errors: int = 0
    status_errors: int = 0
    socket_errors: int = 0
    publishes: int = 0
    publish_failures: list[str] = field(default_factory=list)
    visible: int = 0
    visible_after_s: list[float] = field(default_factory=list)
    memory: list[WorkerMemory] = field(default_factory=list)
    # Other work on the machine shares the CPU with gunicorn and wrk; say how much.
    load_average: tuple[float, float] = (0.0, 0.0)

    @property
    def ok(self) -> bool:
        return (
            self.errors == 0
            and self.publishes > 0
            and not self.publish_failures
            and self.visible == self.publishes
            and all(worker.stable for worker in self.memory)
        )


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemorySampler(threading.Thread):
    """Every worker's resident size every ``interval`` seconds."""

    def __init__(self, server, interval: float):
        super().__init__(daemon=True)
        self.server = server
        self.interval = interval
        self.stopping = threading.Event()
        self.started_at = time.monotonic()
        self.workers: dict[int, WorkerMemory] = {}

    def run(self) -> None:
        while not self.stopping.is_set():
            now = time.monotonic() - self.started_at
            for pid in self.server.worker_pids():
                size = rss_mb(pid)
                if size:
                    self.workers.setdefault(pid, WorkerMemory(pid)).samples.append((now, size))
            self.stopping.wait(self.interval)

    def summary(self, duration: float) -> list[WorkerMemory]:
        warm_at = duration * WARM_UP_SHARE
        for worker in self.workers.values():
            sizes = [size for _, size in worker.samples]
            warm = [size for at, size in worker.samples if at >= warm_at] or sizes
            worker.warm_mb, worker.end_mb, worker.peak_mb = warm[0], sizes[-1], max(sizes)
        return sorted(self.workers.values(), key=lambda worker: worker.pid)


class Editor(threading.Thread):
    """A moderator in the admin: edits the teaser of one project and publishes, again and
    again, and watches the API until each version shows."""

    def __init__(self, base_url: str, page_id: int, password: str, every: float):
        super().__init__(daemon=True)
        from tests.admin_http import AdminSession

        self.session = AdminSession(base_url)
        self.password = password
        self.page_id = page_id
        self.every = every
        self.stopping = threading.Event()
        self.publishes = 0
        self.failures: list[str] = []
        self.visible_after: list[float] = []

    def run(self) -> None:
        import requests

        try:
            self.session.log_in(EDITOR, self.password)
        except AssertionError as error:
            self.failures.append(f"sign-in failed: {error}")
            return
        api = f"{self.session.base_url}/api/v1/projects/{self.page_id}/"
        for number in itertools.count(1):
            if self.stopping.wait(self.every):
                return
            teaser = f"Stand der Lastprobe: Fassung {number}"
            response = self.session.submit(
                f"/admin/pages/{self.page_id}/edit/",
                {"teaser": teaser, "action-publish": "action-publish"},
                form_id="page-edit-form",
            )
            if response.status_code != 302:
                self.failures.append(f"publish {number}: HTTP {response.status_code}")
                continue
            self.publishes += 1
            published = time.monotonic()
            while time.monotonic() - published < 10:
                if requests.get(api, timeout=30).json().get("teaser") == teaser:
                    self.visible_after.append(time.monotonic() - published)
                    break
                time.sleep(0.05)
            else:
                self.failures.append(f"publish {number}: not in the API after 10 s")


def load_urls(page_id: int, page_url: str) -> tuple[list[str], list[str]]:
    """(popular URLs, the mix): API lists, details, changes and search, home, listings,
    project pages, feeds and the search page, in both languages.

    Readers mostly ask for the same popular URLs (what caches are for) and now and then for
    one of the long tail: the mix sends every popular URL once per round, then a few
    distinct tail URLs, so about one request in five is one no cache holds yet, besides
    what every publish retires.
    """
    from bench.endpoints import build_endpoints

    endpoints = {endpoint.name: endpoint for endpoint in build_endpoints(workers=2)}
    names = ["api_list", "api_detail", "changes", "home", "listing", "project", "atom", "search"]
    own = [f"/api/v1/projects/{page_id}/", page_url, "/api/v1/projects/?limit=20"]
    searches = [f"/api/v1/search/?q={q}" for q in ("integration", "sozialplanung", "jena")]
    popular = _interleave([endpoints[name].warm for name in names]) + own + searches
    tail = _interleave([endpoints[name].cold for name in names])
    per_round = max(1, len(popular) // 4)
    mix: list[str] = []
    for start in range(0, min(len(tail), 40 * per_round), per_round):
        mix += popular + tail[start : start + per_round]
    return popular, mix


def _interleave(pools: list[list[str]]) -> list[str]:
    return [url for row in itertools.zip_longest(*pools) for url in row if url]


def prepare_content(size: int, reuse: bool, collect_static: bool) -> int:
    """Migrate and generate the corpus (unless reusing); returns the number of pages."""
    from django.core.management import call_command
    from wagtail.models import Page

    if not reuse:
        print("migrating and generating the corpus …", file=sys.stderr, flush=True)
        call_command("migrate", interactive=False, verbosity=0)
        from bench.corpus import generate

        generate(size, progress=sys.stderr)
    call_command("compile_translations", verbosity=0)
    if collect_static:
        call_command("collectstatic", interactive=False, verbosity=0)
    return Page.objects.count()


def editor_and_page(password: str) -> tuple[int, str]:
    """The moderator account and the project page it publishes (both made if missing)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cms.demo.roles import MODERATORS, ensure_roles
    from projects.models import ProjectIndexPage, ProjectPage

    ensure_roles()
    user, _ = get_user_model().objects.get_or_create(
        username=EDITOR, defaults={"email": "load@example.org"}
    )
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=MODERATORS))
    page = ProjectPage.objects.filter(slug="lastprobe").first()
    if page is None:
        index = ProjectIndexPage.objects.get(locale__language_code="de")
        page = ProjectPage(
            title="Lastprobe",
            slug="lastprobe",
            acronym="LAST",
            start_date=datetime.date(2024, 1, 1),
            teaser="Stand der Lastprobe: noch nicht bearbeitet",
        )
        index.add_child(instance=page)
        page.save_revision().publish()
    return page.pk, page.url


def run_load(args: argparse.Namespace) -> LoadReport:
    """Everything but the database choice: content, server, load, editor, memory."""
    import django

    django.setup()
    from django.db import connections

    from bench.server import Gunicorn
    from bench.wrk import run_wrk, wrk_path

    wrk_path()  # fail before the corpus is built, not after
    pages = prepare_content(args.size, args.reuse, collect_static=args.static_root is None)
    password = secrets.token_urlsafe(16)
    page_id, page_url = editor_and_page(password)
    popular, urls = load_urls(page_id, page_url)
    connections.close_all()

    report = LoadReport(args.duration, args.connections, args.workers, pages)
    with Gunicorn({}, workers=args.workers) as server:
        base = server.base_url
        print(f"warming up {base} …", file=sys.stderr, flush=True)
        run_wrk(
            [base + url for url in popular], duration=30, connections=args.workers, each_once=True
        )
        sampler = MemorySampler(server, interval=2)
        editor = Editor(base, page_id, password, args.publish_every)
        sampler.start()
        editor.start()
        print(
            f"loading with {args.connections} connections for {args.duration:.0f} s …",
            file=sys.stderr,
            flush=True,
        )
        load_before = os.getloadavg()[0]
        result = run_wrk(
            [base + url for url in urls],
            duration=args.duration,
            connections=args.connections,
            threads=2,
            timeout=30,
        )
        editor.stopping.set()
        editor.join(timeout=60)
        sampler.stopping.set()
        sampler.join(timeout=10)
        if not editor.publishes and not editor.failures:
            editor.failures.append("no publish during the run")
    for name in ("requests", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors"):
        setattr(report, name, getattr(result, name))
    report.status_errors, report.socket_errors = result.status_errors, result.socket_errors
    report.publishes, report.publish_failures = editor.publishes, editor.failures
    report.visible, report.visible_after_s = len(editor.visible_after), editor.visible_after
    report.memory = sampler.summary(args.duration)
    report.load_average = (load_before, os.getloadavg()[0])
    return report


def table(report: LoadReport) -> str:
    seen = report.visible_after_s
    rows = [
        ("duration", f"{report.duration_s:.0f} s"),
        ("connections / gunicorn workers", f"{report.connections} / {report.workers}"),
        ("pages in the database", f"{report.pages:,}"),
        (
            f"machine load average ({os.cpu_count()} CPUs), start / end",
            f"{report.load_average[0]:.1f} / {report.load_average[1]:.1f}",
        ),
        ("requests", f"{report.requests:,}"),
        ("requests per second", f"{report.rps:,.1f}"),
        (
            "latency p50 / p95 / p99",
            f"{report.p50_ms:.0f} / {report.p95_ms:.0f} / {report.p99_ms:.0f} ms",
        ),
        ("latency max", f"{report.max_ms:.0f} ms"),
        (
            "errors (HTTP ≥ 400 / socket)",
            f"{report.errors} ({report.status_errors} / {report.socket_errors})",
        ),
        ("publishes (failed)", f"{report.publishes} ({len(report.publish_failures)})"),
        (
            "seen in the API",
            f"{report.visible} of {report.publishes}"
            + (f", median {statistics.median(seen):.2f} s, max {max(seen):.2f} s" if seen else ""),
        ),
    ]
    for worker in report.memory:
        rows.append(
            (
                f"worker {worker.pid} RSS warm / end / peak",
                f"{worker.warm_mb:.0f} / {worker.end_mb:.0f} / {worker.peak_mb:.0f} MB "
                + ("stable" if worker.stable else f"GREW > {STABLE_WITHIN:.0%}"),
            )
        )
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    lines += [f"failure: {failure}" for failure in report.publish_failures]
    lines.append("result: " + ("OK" if report.ok else "FAILED"))
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--duration", type=float, default=120, help="seconds of load (default 120)")
    p.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    p.add_argument(
        "--publish-every", type=float, default=5, help="seconds between publishes (default 5)"
    )
    p.add_argument("--size", type=int, default=1000, help="pages in the corpus (default 1000)")
    p.add_argument(
        "--db", help=f"PostgreSQL URL (default: database {DEFAULT_DB} beside $DATABASE_URL)"
    )
    p.add_argument("--reuse", action="store_true", help="load the content already in --db")
    p.add_argument("--force", action="store_true", help="wipe a non-empty --db")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="Redis URL for the cache")
    p.add_argument("--json", type=Path, help="also write the figures as JSON here")
    p.add_argument(
        "--static-root", type=Path, help="an already collected STATIC_ROOT (skips collectstatic)"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = args.db or with_database_name(base, DEFAULT_DB)
    if not url.startswith(("postgres://", "postgresql://")):
        print("The load test runs on PostgreSQL: pass --db postgres://…", file=sys.stderr)
        return 2
    try:
        database = prepare_database(url, reuse=args.reuse, force=args.force)
    except NotEmpty as error:
        print(error, file=sys.stderr)
        return 2
    if args.reuse and not database.reused:
        print(f"--reuse: {database.name} is empty", file=sys.stderr)
        return 2
    prefix = f"ikpe-load-{uuid.uuid4().hex[:8]}"  # a shared Redis keeps others' keys
    static_root = args.static_root or Path(tempfile.mkdtemp(prefix="ikpe-load-static-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "DATABASE_URL": database.url,
            "DATABASE_REPLICA_URL": "",
            "REDIS_URL": args.redis,
            "CACHE_KEY_PREFIX": prefix,
            "STATIC_ROOT": str(static_root),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "API_RATE_ANONYMOUS": API_RATE_FOR_BENCHMARK,
            "LOG_LEVEL": "ERROR",
        }
    )
    try:
        report = run_load(args)
    except WrkMissing as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        if args.static_root is None:
            shutil.rmtree(static_root, ignore_errors=True)
        _forget_cache(args.redis, prefix)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
    return 0 if report.ok else 1


def _forget_cache(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


if __name__ == "__main__":
    sys.exit(main())
