"""One benchmark run: database, corpus, gunicorn, wrk per endpoint, the table and its files.

Everything runs with ``cms.settings.production`` (DEBUG off), in this process (corpus,
query counts) and in gunicorn (load), so what is measured is what would be deployed.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.database import Database, flush_redis, prepare_database, prepare_redis

# The anonymous API limit (120/min) would answer most benchmark requests with 429; the
# throttle still counts every request, over a one-second window.
API_RATE_FOR_BENCHMARK = "1000000/s"


@dataclass
class Options:
    size: int = 10_000
    db: str | None = None
    redis: str | None = None
    duration: float = 10.0
    connections: int = 16
    threads: int = 2
    workers: int = 2
    out: Path = Path("bench-results")
    reuse: bool = False
    force: bool = False
    keep: bool = False
    only: tuple[str, ...] = ()
    seed: int = 5


def server_environment(database: Database, options: Options, static_root: Path) -> dict[str, str]:
    """What gunicorn and this process both run with."""
    return {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DATABASE_URL": database.url,
        "REDIS_URL": options.redis or "",
        "STATIC_ROOT": str(static_root),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "API_RATE_ANONYMOUS": API_RATE_FOR_BENCHMARK,
        "LOG_LEVEL": "ERROR",
    }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(options: Options):
    """Run the benchmark; returns the evaluated ``report.Run`` and the files written."""
    database = prepare_database(options.db, reuse=options.reuse, force=options.force)
    if options.redis:
        prepare_redis(options.redis, force=options.force)
    static_root = Path(tempfile.mkdtemp(prefix="ikpe-bench-static-"))
    env = server_environment(database, options, static_root)
    os.environ.update(env)
    try:
        return _run(options, database, env, static_root)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if options.redis:
            flush_redis(options.redis)  # its DB number is the benchmark's (checked empty)
        if not options.keep:
            database.cleanup()


def _run(options: Options, database: Database, env: dict[str, str], static_root: Path):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from wagtail.models import Page

    from bench import queries
    from bench.corpus import generate
    from bench.endpoints import build_endpoints
    from bench.report import Row, Run, table, write_chart, write_csv
    from bench.server import Gunicorn
    from bench.wrk import run_wrk, wrk_path

    wrk_path()  # fail before the corpus is built, not after
    # Before anything loads a catalogue: the translated URLs (/de/suche/) need the .mo files,
    # which a fresh checkout does not have yet.
    call_command("compile_translations", verbosity=0, stdout=io.StringIO())
    notes = []
    if database.reused:
        if not Page.objects.filter(slug__startswith="synth-").exists():
            raise SystemExit(f"--reuse: {database.name} holds no benchmark corpus.")
        size = Page.objects.count()
        log(f"reusing the corpus in {database.name}: {size} pages")
        call_command("migrate", interactive=False, verbosity=0)  # the code may be newer
    else:
        log(f"migrating {database.vendor} database {database.name} …")
        call_command("migrate", interactive=False, verbosity=0)
        report = generate(options.size, seed=options.seed, progress=sys.stderr)
        size = report.size
        notes += report.lines()
        for line in report.lines():
            log(line)
    call_command("collectstatic", interactive=False, verbosity=0)

    endpoints = build_endpoints(workers=options.workers)
    if options.only:
        endpoints = [e for e in endpoints if e.name == "static" or e.name in options.only]
    log("counting queries per request …")
    counts = queries.count_endpoints(endpoints)
    by_limit = queries.api_list_by_limit() if any(e.name == "api_list" for e in endpoints) else {}
    connections.close_all()

    rows = []
    with Gunicorn(env, workers=options.workers) as server:
        base = server.base_url

        def load(endpoint, paths: list[str], duration: float, once: bool = False):
            return run_wrk(
                [base + path for path in paths],
                duration=duration,
                connections=endpoint.connections or options.connections,
                threads=options.threads,
                each_once=once,
            )

        for endpoint in endpoints:
            log(f"loading {endpoint.label} …")
            cold = None
            if endpoint.has_cold:
                if options.redis:
                    flush_redis(options.redis)
                else:
                    server.restart_workers()
                server.prime(endpoint.prime)
                cold = load(endpoint, endpoint.cold, options.duration, once=True)
            # Every worker gets every warm URL (in parallel, so each worker takes some),
            # then a second of load settles the workers before the measured run.
            for path in endpoint.warm:
                server.prime(path)
            load(endpoint, endpoint.warm, 1)
            warm = load(endpoint, endpoint.warm, options.duration)
            rows.append(
                Row(
                    name=endpoint.name,
                    label=endpoint.label,
                    kind=endpoint.kind,
                    cold=cold,
                    warm=warm,
                    queries_cold=counts[endpoint.name].cold,
                    queries_warm=counts[endpoint.name].warm,
                    peak_rss_mb=server.peak_rss_mb(),
                )
            )
    result = Run(
        size=size,
        database=database.vendor,
        cache="redis" if options.redis else "locmem",
        duration=options.duration,
        connections=options.connections,
        workers=options.workers,
        rows=rows,
        api_list_queries=by_limit,
        notes=notes,
    )
    result.evaluate(search_target_applies=database.vendor == "postgresql" and size >= 20_000)
    options.out.mkdir(parents=True, exist_ok=True)
    stem = options.out / f"bench-{size}-{result.database}-{result.cache}"
    text = table(result)
    files = [stem.with_suffix(".txt"), stem.with_suffix(".csv"), stem.with_suffix(".png")]
    files[0].write_text(text + "\n", encoding="utf-8")
    write_csv(result, files[1])
    write_chart(result, files[2])
    print(text)
    log("wrote " + ", ".join(str(path) for path in files))
    return result, files
