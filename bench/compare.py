"""Does the cost grow with the corpus? The same figures at two or more sizes, side by side.

Every figure at the largest size must be within 1.5× of the smallest (search within 3×):
requests per second may drop at most that much, latencies and queries may grow at most
that much. Wagtail's stock API, measured beside ours, is shown for reference only.
"""

from __future__ import annotations

import csv
from pathlib import Path

LIMIT = 1.5
SEARCH_LIMIT = 3.0
# (CSV column, label, True where larger is better)
FIGURES = [
    ("cold_rps", "cold r/s", True),
    ("warm_rps", "warm r/s", True),
    ("cold_p95_ms", "cold p95", False),
    ("warm_p95_ms", "warm p95", False),
    ("queries_cold", "SQL cold", False),
]


def _read(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {row["endpoint"]: row for row in csv.DictReader(handle)}


def growth(small: float, large: float, higher_is_better: bool) -> float:
    """How many times worse the large corpus is (1.0 = the same, < 1 = better)."""
    if higher_is_better:
        return small / large if large else float("inf")
    return large / small if small else (1.0 if not large else float("inf"))


def compare_files(files: list[Path], out: Path) -> tuple[str, bool]:
    runs = [_read(path) for path in files]
    sizes = [int(next(iter(run.values()))["size"]) for run in runs]
    small, large = runs[0], runs[-1]
    header = f"{'endpoint':26} {'figure':9} " + " ".join(f"{size:>9}" for size in sizes)
    lines = [
        f"Cost against corpus size: {sizes[0]} → {sizes[-1]} pages "
        f"(limit {LIMIT}×, search {SEARCH_LIMIT}×)",
        header + f" {'growth':>7}  check",
    ]
    rows, ok = [], True
    for name, first in small.items():
        if name not in large:
            continue
        limit = SEARCH_LIMIT if first["kind"] == "search" else LIMIT
        reference = first["kind"] == "stock"  # Wagtail's own API, measured for comparison
        for column, label, higher in FIGURES:
            values = [run.get(name, {}).get(column) or "" for run in runs]
            if not values[0] or not values[-1]:
                continue
            factor = growth(float(values[0]), float(values[-1]), higher)
            passed = factor <= limit
            check = "ref" if reference else "PASS" if passed else "FAIL"
            ok &= passed or reference
            lines.append(
                f"{first['label'][:26]:26} {label:9} "
                + " ".join(f"{value:>9}" for value in values)
                + f" {factor:>6.2f}×  {check}"
            )
            rows.append(
                {
                    "endpoint": name,
                    "figure": column,
                    **{f"size_{size}": value for size, value in zip(sizes, values, strict=True)},
                    "growth": round(factor, 3),
                    "limit": limit,
                    "check": check,
                }
            )
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"compare-{'-'.join(str(size) for size in sizes)}.csv"
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["endpoint"])
        writer.writeheader()
        writer.writerows(rows)
    lines.append(f"wrote {target}")
    return "\n".join(lines), ok
