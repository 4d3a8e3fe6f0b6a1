"""One table for the run: figures, ratios to the static file, queries, memory, targets.

The same rows are written as CSV (for the size comparison and for anyone's spreadsheet)
and drawn as a PNG chart (matplotlib, no display needed) for the documentation.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from bench.wrk import WrkResult

# The targets of the issue, as ratios and limits measured in the same run.
WARM_SHARE_OF_STATIC = 0.5
API_LIST_MAX_QUERIES = 12
API_LIST_OVER_STOCK = 3.0
SEARCH_P95_MS = 100.0
WORKER_RSS_MB = 200.0
WARM_TARGET_KINDS = {"html", "api", "feed"}


@dataclass
class Row:
    name: str
    label: str
    kind: str
    cold: WrkResult | None
    warm: WrkResult
    queries_cold: int | None = None
    queries_warm: int | None = None
    peak_rss_mb: float = 0.0
    # (True/False = PASS/FAIL, None = shown for information, the target does not apply)
    checks: list[tuple[bool | None, str]] = field(default_factory=list)

    def ratio(self, result: WrkResult | None, static: float) -> float | None:
        return result.rps / static if result and static else None

    @property
    def passed(self) -> bool:
        return all(ok is not False for ok, _ in self.checks)

    def check_text(self) -> str:
        labels = {True: "PASS ", False: "FAIL ", None: ""}
        return "; ".join(labels[ok] + text for ok, text in self.checks)


@dataclass
class Run:
    size: int
    database: str
    cache: str
    duration: float
    connections: int
    workers: int
    rows: list[Row]
    api_list_queries: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def static_rps(self) -> float:
        return next((row.warm.rps for row in self.rows if row.kind == "static"), 0.0)

    @property
    def peak_rss_mb(self) -> float:
        return max((row.peak_rss_mb for row in self.rows), default=0.0)

    def row(self, name: str) -> Row | None:
        return next((row for row in self.rows if row.name == name), None)

    def evaluate(self, search_target_applies: bool) -> None:
        """Fill every row's checks from the targets of the issue."""
        static = self.static_rps
        stock = self.row("stock_api_list")
        for row in self.rows:
            row.checks = []
            if row.kind in WARM_TARGET_KINDS:
                share = row.warm.rps / static if static else 0.0
                row.checks.append(
                    (
                        share >= WARM_SHARE_OF_STATIC,
                        f"warm {share:.2f}× static (≥ {WARM_SHARE_OF_STATIC})",
                    )
                )
            if row.name == "api_list":
                counts = self.api_list_queries
                constant = len(set(counts.values())) == 1
                worst = max(counts.values(), default=row.queries_cold or 0)
                row.checks.append(
                    (
                        constant and worst <= API_LIST_MAX_QUERIES,
                        "queries at limit "
                        + "/".join(str(limit) for limit in counts)
                        + ": "
                        + "/".join(str(n) for n in counts.values())
                        + f" (≤ {API_LIST_MAX_QUERIES}, constant)",
                    )
                )
                if stock and stock.cold and row.cold:
                    over = row.cold.rps / stock.cold.rps if stock.cold.rps else 0.0
                    row.checks.append(
                        (
                            over >= API_LIST_OVER_STOCK,
                            f"cold {over:.1f}× API v2 (≥ {API_LIST_OVER_STOCK:.0f})",
                        )
                    )
            if row.name == "search_latency":
                p95 = max(row.warm.p95_ms, row.cold.p95_ms if row.cold else 0.0)
                if search_target_applies:
                    row.checks.append(
                        (p95 < SEARCH_P95_MS, f"p95 {p95:.0f} ms (< {SEARCH_P95_MS:.0f})")
                    )
                else:
                    row.checks.append(
                        (
                            None,
                            f"p95 {p95:.0f} ms (target < {SEARCH_P95_MS:.0f} at 20k pages on PostgreSQL)",
                        )
                    )
            if any(r.errors for r in (row.cold, row.warm) if r):
                row.checks.append((False, "errors"))
            if any(not r.requests for r in (row.cold, row.warm) if r):
                row.checks.append((False, "no answer within the run"))

    @property
    def memory_ok(self) -> bool:
        return self.peak_rss_mb <= WORKER_RSS_MB

    @property
    def passed(self) -> bool:
        return all(row.passed for row in self.rows) and self.memory_ok


def _ms(value: float | None) -> str:
    return "-" if value is None else (f"{value:.0f}" if value >= 100 else f"{value:.1f}")


def _rps(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


COLUMNS = [
    ("endpoint", 26, "<"),
    ("cold r/s", 8, ">"),
    ("p50", 6, ">"),
    ("p95", 6, ">"),
    ("p99", 6, ">"),
    ("warm r/s", 8, ">"),
    ("p50", 6, ">"),
    ("p95", 6, ">"),
    ("p99", 6, ">"),
    ("cold/st", 7, ">"),
    ("warm/st", 7, ">"),
    ("SQL c/w", 7, ">"),
    ("RSS MB", 6, ">"),
    ("targets", 0, "<"),
]


def _line(values: list[str]) -> str:
    cells = []
    for (_, width, align), value in zip(COLUMNS, values, strict=True):
        cells.append(f"{value:{align}{width}}" if width else value)
    return " ".join(cells).rstrip()


def table(run: Run) -> str:
    static = run.static_rps
    lines = [
        f"IKPE benchmark: {run.size} pages, {run.database}, cache {run.cache}, gunicorn "
        f"{run.workers} workers, wrk {run.connections} connections, {run.duration:g} s per run",
        "Latencies in ms; r/s = requests per second; /st = ratio to the static file in this run;"
        " SQL c/w = queries per request cold/warm",
        _line([name for name, _, _ in COLUMNS]),
    ]
    for row in run.rows:
        cold, warm = row.cold, row.warm
        queries = "-" if row.queries_cold is None else f"{row.queries_cold}/{row.queries_warm}"
        lines.append(
            _line(
                [
                    row.label,
                    _rps(cold.rps if cold else None),
                    _ms(cold.p50_ms if cold else None),
                    _ms(cold.p95_ms if cold else None),
                    _ms(cold.p99_ms if cold else None),
                    _rps(warm.rps),
                    _ms(warm.p50_ms),
                    _ms(warm.p95_ms),
                    _ms(warm.p99_ms),
                    _ratio(row.ratio(cold, static)),
                    _ratio(row.ratio(warm, static)),
                    queries,
                    f"{row.peak_rss_mb:.0f}",
                    row.check_text(),
                ]
            )
        )
    verdict = "PASS" if run.memory_ok else "FAIL"
    lines.append(
        f"{verdict} peak RSS of a gunicorn worker {run.peak_rss_mb:.0f} MB (≤ {WORKER_RSS_MB:.0f} MB)"
    )
    lines += run.notes
    return "\n".join(lines)


CSV_FIELDS = [
    "size",
    "database",
    "cache",
    "duration_s",
    "connections",
    "workers",
    "endpoint",
    "label",
    "kind",
    "cold_rps",
    "cold_p50_ms",
    "cold_p95_ms",
    "cold_p99_ms",
    "cold_requests",
    "cold_errors",
    "warm_rps",
    "warm_p50_ms",
    "warm_p95_ms",
    "warm_p99_ms",
    "warm_requests",
    "warm_errors",
    "cold_ratio_static",
    "warm_ratio_static",
    "queries_cold",
    "queries_warm",
    "peak_rss_mb",
    "targets",
]


def write_csv(run: Run, path: Path) -> None:
    static = run.static_rps
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for row in run.rows:
            data = {
                "size": run.size,
                "database": run.database,
                "cache": run.cache,
                "duration_s": run.duration,
                "connections": run.connections,
                "workers": run.workers,
                "endpoint": row.name,
                "label": row.label,
                "kind": row.kind,
                "queries_cold": row.queries_cold,
                "queries_warm": row.queries_warm,
                "peak_rss_mb": round(row.peak_rss_mb, 1),
                "targets": row.check_text(),
                "cold_ratio_static": _round(row.ratio(row.cold, static)),
                "warm_ratio_static": _round(row.ratio(row.warm, static)),
            }
            for prefix, result in (("cold", row.cold), ("warm", row.warm)):
                if result is not None:
                    data |= {
                        f"{prefix}_rps": round(result.rps, 1),
                        f"{prefix}_p50_ms": round(result.p50_ms, 2),
                        f"{prefix}_p95_ms": round(result.p95_ms, 2),
                        f"{prefix}_p99_ms": round(result.p99_ms, 2),
                        f"{prefix}_requests": result.requests,
                        f"{prefix}_errors": result.errors,
                    }
            writer.writerow(data)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def write_chart(run: Run, path: Path) -> None:
    """Requests per second (cold and warm) and p95 latency per endpoint."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = run.rows
    labels = [row.label for row in rows]
    positions = range(len(rows))
    height = 0.4
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 0.5 * len(rows) + 2), sharey=True)
    cold = [row.cold.rps if row.cold else 0 for row in rows]
    warm = [row.warm.rps for row in rows]
    left.barh([p - height / 2 for p in positions], cold, height, label="cold", color="#b0413e")
    left.barh([p + height / 2 for p in positions], warm, height, label="warm", color="#3c6e9f")
    left.axvline(run.static_rps * WARM_SHARE_OF_STATIC, color="grey", linestyle="--", linewidth=1)
    left.set_xscale("log")
    left.set_xlabel("requests per second (log); dashed: half the static file")
    left.set_yticks(list(positions), labels)
    left.invert_yaxis()
    left.legend(loc="lower right")
    cold_p95 = [row.cold.p95_ms if row.cold else 0 for row in rows]
    warm_p95 = [row.warm.p95_ms for row in rows]
    right.barh([p - height / 2 for p in positions], cold_p95, height, label="cold", color="#b0413e")
    right.barh([p + height / 2 for p in positions], warm_p95, height, label="warm", color="#3c6e9f")
    right.set_xscale("log")
    right.set_xlabel("p95 latency in ms (log)")
    figure.suptitle(
        f"IKPE benchmark: {run.size} pages, {run.database}, cache {run.cache}, "
        f"{run.workers} gunicorn workers, {run.connections} connections"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
