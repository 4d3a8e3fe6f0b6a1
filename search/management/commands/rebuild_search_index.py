"""Rebuild the whole search index, with a progress bar per model.

Wagtail's ``update_index`` prints a dot per chunk; editors rebuilding a large site want to
see how far it has got. This keeps Wagtail's rebuild logic and only changes the display.
"""

from modelsearch.management.commands.rebuild_modelsearch_index import (
    DEFAULT_CHUNK_SIZE,
)
from modelsearch.management.commands.rebuild_modelsearch_index import (
    Command as RebuildCommand,
)

BAR_WIDTH = 30


class Command(RebuildCommand):
    help = "Rebuild the search index of every indexed model, showing a progress bar."

    def queryset_chunks(self, qs, chunk_size=DEFAULT_CHUNK_SIZE):
        self._total = qs.count()
        return super().queryset_chunks(qs, chunk_size)

    def print_iter_progress(self, iterable):
        done, shown = 0, ""
        for chunk in iterable:
            yield chunk
            done += len(chunk)
            total = max(getattr(self, "_total", done), done)
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}"
            # Step back over the previous bar only: the model label before it stays.
            self.write("\b" * len(shown) + bar, ending="")
            self.stdout.flush()
            shown = bar
