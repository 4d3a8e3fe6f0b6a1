"""A one-line progress bar on stderr (no dependency for something this small)."""

from __future__ import annotations

import resource
import sys
import time
from typing import TextIO

WIDTH = 30


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Progress:
    """``bar.advance(n)`` redraws at most ten times a second; ``close()`` ends the line."""

    def __init__(self, label: str, total: int, stream: TextIO | None = sys.stderr) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.started = time.monotonic()
        self._drawn = 0.0
        self._drawn_done = -1

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._drawn >= 0.1 or self.done >= self.total:
            self._draw(now)

    def _draw(self, now: float) -> None:
        if self.stream is None:
            return
        filled = min(WIDTH, WIDTH * self.done // self.total)
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed else 0.0
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total}"
            f"  {elapsed:5.0f} s  {rate:6.0f}/s  peak RSS {peak_rss_mb():4.0f} MB"
        )
        self.stream.flush()
        self._drawn = now
        self._drawn_done = self.done

    def close(self) -> None:
        if self._drawn_done != self.done:
            self._draw(time.monotonic())
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()
