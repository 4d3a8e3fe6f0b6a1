"""``python -m bench``: generate a corpus, serve it with gunicorn, load it with wrk.

    python -m bench                                   # 10,000 pages, temporary SQLite
    python -m bench --size 1000 --redis redis://127.0.0.1:6379/15
    python -m bench --db postgres://postgres@127.0.0.1:5432/ikpe_bench --size 20000
    python -m bench --compare-sizes 1000,100000       # does cost grow with the corpus?

See docs/performance.md, section “Benchmark”, for what each column means.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from bench.database import NotEmpty, with_database_name
from bench.runner import Options, run
from bench.wrk import WrkMissing


def parse_sizes(value: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected sizes like 1000,100000, got {value!r}"
        ) from None
    if len(sizes) < 2 or any(size < 100 for size in sizes):
        raise argparse.ArgumentTypeError("give at least two sizes of 100 pages or more")
    return sizes


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--size", type=int, default=10_000, help="pages in the corpus (default 10000)")
    p.add_argument(
        "--db",
        default=None,
        help="database URL (default: $DATABASE_URL, else a temporary SQLite file); "
        "PostgreSQL databases are created when missing",
    )
    cache = p.add_mutually_exclusive_group()
    cache.add_argument("--redis", metavar="URL", help="use Redis, e.g. redis://127.0.0.1:6379/15")
    cache.add_argument(
        "--no-redis", action="store_true", help="process-local memory cache (the default)"
    )
    p.add_argument("--duration", type=float, default=10, help="seconds per wrk run (default 10)")
    p.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--out", type=Path, default=Path("bench-results"), help="where to write")
    p.add_argument("--reuse", action="store_true", help="benchmark the corpus already in --db")
    p.add_argument("--force", action="store_true", help="wipe a non-empty --db / Redis DB")
    p.add_argument("--keep", action="store_true", help="keep the temporary SQLite database")
    p.add_argument("--only", default="", help="comma-separated endpoint names (static always)")
    p.add_argument("--seed", type=int, default=5, help="seed of the corpus (default 5)")
    p.add_argument(
        "--compare-sizes",
        type=parse_sizes,
        metavar="N,M",
        help="run at each size (one database each) and compare the figures",
    )
    p.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target is missed"
    )
    return p


def options_from(args: argparse.Namespace) -> Options:
    import os

    return Options(
        size=args.size,
        db=args.db or os.environ.get("DATABASE_URL") or None,
        redis=None if args.no_redis else args.redis,
        duration=args.duration,
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
        out=args.out,
        reuse=args.reuse,
        force=args.force,
        keep=args.keep,
        only=tuple(name.strip() for name in args.only.split(",") if name.strip()),
        seed=args.seed,
    )


def compare(args: argparse.Namespace, argv: list[str]) -> int:
    """Each size in a process of its own (its own database), then one comparison."""
    from bench.compare import compare_files

    options = options_from(args)
    passed_through = []
    skip = {"--compare-sizes", "--size", "--db", "--out"}
    iterator = iter(argv)
    for item in iterator:
        name = item.split("=", 1)[0]
        if name in skip:
            if "=" not in item:
                next(iterator, None)
            continue
        passed_through.append(item)
    files = []
    for size in args.compare_sizes:
        out = options.out / f"size-{size}"
        command = [sys.executable, "-m", "bench", "--size", str(size), "--out", str(out)]
        command += passed_through
        if options.db:
            name = options.db.rstrip("/").rsplit("/", 1)[-1].split(".")[0]
            command += ["--db", with_database_name(options.db, f"{name}_{size}")]
        print(f"== {size} pages", file=sys.stderr, flush=True)
        completed = subprocess.run(command, check=False)
        if completed.returncode not in (0, 1):
            return completed.returncode
        files.append(max(out.glob("bench-*.csv"), key=lambda path: path.stat().st_mtime))
    text, ok = compare_files(files, options.out)
    print(text)
    return 0 if ok or not args.strict else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    if args.compare_sizes:
        return compare(args, argv)
    try:
        result, _files = run(options_from(args))
    except (NotEmpty, WrkMissing) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0 if result.passed or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
