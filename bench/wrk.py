"""Drive a server with wrk (Debian package ``wrk``) and read back its figures.

wrk's own summary rounds percentiles and hides the error breakdown; the Lua script
``roundrobin.lua`` beside this module spreads the load over several URLs and prints one
parseable line with exact percentiles from ``latency:percentile()``.
"""

from __future__ import annotations

import math
import re
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SCRIPT = Path(__file__).with_name("roundrobin.lua")
_LINE = re.compile(r"^BENCH (.*)$", re.MULTILINE)


class WrkMissing(RuntimeError):
    """wrk is not installed."""


@dataclass
class WrkResult:
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    # Responses with a status ≥ 400 plus connect/read/write errors and timeouts.
    errors: int
    status_errors: int = 0
    socket_errors: int = 0
    max_ms: float = 0.0
    mean_ms: float = 0.0
    duration_s: float = 0.0


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing(
            "wrk is not installed: apt-get install wrk (Debian/Ubuntu) or brew install wrk"
        )
    return path


def _base_and_paths(urls: list[str]) -> tuple[str, list[str]]:
    if not urls:
        raise ValueError("run_wrk needs at least one URL")
    bases, paths = set(), []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"not an absolute http(s) URL: {url!r}")
        bases.add(f"{parts.scheme}://{parts.netloc}")
        paths.append((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
    if len(bases) > 1:
        raise ValueError(f"wrk drives one server per run; got {sorted(bases)}")
    return bases.pop(), paths


def parse_output(output: str) -> WrkResult:
    """The BENCH line of roundrobin.lua as a WrkResult."""
    match = _LINE.search(output)
    if match is None:
        raise RuntimeError(f"wrk printed no result line:\n{output[-2000:]}")
    values = {
        key: float(value) for key, value in (item.split("=") for item in match.group(1).split())
    }
    duration_s = values["duration_us"] / 1e6
    socket_errors = int(values["connect"] + values["read"] + values["write"] + values["timeout"])
    status_errors = int(values["status"])
    return WrkResult(
        requests=int(values["requests"]),
        rps=values["requests"] / duration_s if duration_s else 0.0,
        p50_ms=values["p50_us"] / 1000,
        p95_ms=values["p95_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        errors=status_errors + socket_errors,
        status_errors=status_errors,
        socket_errors=socket_errors,
        max_ms=values["max_us"] / 1000,
        mean_ms=values["mean_us"] / 1000,
        duration_s=duration_s,
    )


def run_wrk(
    urls: list[str],
    *,
    duration: float,
    connections: int,
    threads: int = 2,
    headers: dict | None = None,
    timeout: float = 10,
    each_once: bool = False,
) -> WrkResult:
    """Load ``urls`` (one server, requested in turn) for ``duration`` seconds.

    wrk counts whole seconds; shorter durations are rounded up to one second. With
    ``each_once`` every URL is requested once at most and the run ends early when they
    have all been answered (a few more may be sent while the last answers are under way).

    Such a run uses one wrk thread. A thread that stops leaves its other connections
    open, and gunicorn's sync worker, after answering on one, waits up to 2 s for the
    client to close it (``gunicorn.util.close_graceful``); with two threads the other
    one's requests waited behind: the cold API list at 1,000 pages had a p99 of 2–4 s
    and 51–61 instead of 92–96 requests/s, with no request taking the server over 70 ms.
    One thread drives a cold run's few hundred requests/s easily.
    """
    base, paths = _base_and_paths(urls)
    threads = 1 if each_once else max(1, min(threads, connections))
    if each_once:
        connections = min(connections, len(paths))
    command = [
        wrk_path(),
        "--threads",
        str(threads),
        "--connections",
        str(max(connections, threads)),
        "--duration",
        f"{max(1, math.ceil(duration))}s",
        "--timeout",
        f"{max(1, math.ceil(timeout))}s",
        "--script",
        str(SCRIPT),
    ]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    command += [base, "--"]
    if each_once:
        command += ["--once", str(threads)]
    command += paths
    return parse_output(_run(command, threads if each_once else 0, duration + timeout + 60))


def _run(command: list[str], stopping_threads: int, limit: float) -> str:
    """wrk's output. wrk sleeps for the whole duration even when every thread has
    stopped, and counts that sleep in its run time; threads that stop say so on stdout,
    and an interrupt then ends the sleep, so the measured time ends with the last answer.
    """
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    ) as process:
        killer = threading.Timer(limit, process.kill)
        killer.start()
        try:
            lines, stopped = [], 0
            assert process.stdout is not None and process.stderr is not None
            for line in process.stdout:
                lines.append(line)
                if line.startswith("STOPPED"):
                    stopped += 1
                    if stopped == stopping_threads:
                        process.send_signal(signal.SIGINT)
            error = process.stderr.read()
            code = process.wait()
        finally:
            killer.cancel()
    if code != 0:
        raise RuntimeError(f"wrk failed ({code}): {error.strip()}")
    return "".join(lines)
