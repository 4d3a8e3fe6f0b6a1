"""Synthetic plone.exportimport exports, and a measurement of a large import.

``write_export`` is also what the tests use to build small exports with bad input.
Run the measurement (not part of the test suite) with a scratch database, e.g.:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 MEDIA_ROOT=/tmp/bench-media \\
        .venv/bin/python -m importer.bench --items 10000

It migrates that database, writes the export to a temporary folder, imports it and prints
the time and the peak resident memory (``resource.getrusage``), sampling the memory after
every 1,000 items to show that it stays flat.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path


def write_export(
    root: Path,
    items: Iterable[dict],
    blobs: dict[str, bytes] | None = None,
    translations: list | None = None,
    redirects: dict | None = None,
    raw_files: dict[str, str] | None = None,
) -> Path:
    """Write a plone.exportimport folder; items are streamed to disk one by one."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    data_files = []
    for item in items:
        folder = content / item["UID"]
        folder.mkdir(exist_ok=True)
        (folder / "data.json").write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
        data_files.append(f"{item['UID']}/data.json")
    for relative, text in (raw_files or {}).items():  # e.g. deliberately broken data files
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if relative not in data_files:
            data_files.append(relative)
    for relative, data in (blobs or {}).items():
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    metadata = {
        "__version__": "1.0.0",
        "_blob_files_": list(blobs or {}),
        "_data_files_": data_files,
    }
    (content / "__metadata__.json").write_text(json.dumps(metadata), encoding="utf-8")
    (root / "translations.json").write_text(json.dumps(translations or []), encoding="utf-8")
    (root / "redirects.json").write_text(json.dumps(redirects or {}), encoding="utf-8")
    return root


def document(uid: str, path: str, title: str, parent_uid: str = "", **extra) -> dict:
    """A minimal published Plone Document as plone.restapi serialises it."""
    data = {
        "@id": path,
        "@type": "Document",
        "UID": uid,
        "id": path.rsplit("/", 1)[1],
        "title": title,
        "description": "",
        "language": "de",
        "review_state": "published",
        "effective": "2024-01-01T09:00:00+00:00",
        "expires": None,
        "parent": {"@id": path.rsplit("/", 1)[0] or "/", "UID": parent_uid or "plone_site_root"},
        "text": {"data": f"<p>{title}: ein Absatz mit <strong>Text</strong>.</p>"},
    }
    data.update(extra)
    return data


def synthetic_items(count: int, per_folder: int = 100) -> Iterable[dict]:
    """``count`` items: folders of ``per_folder`` documents under one language root."""
    yield {
        "@id": "/de",
        "@type": "LRF",
        "UID": "0" * 32,
        "id": "de",
        "title": "Deutsch",
        "language": "de",
        "review_state": "published",
    }
    made, folder_no = 1, 0
    while made < count:
        folder_no += 1
        folder_uid = f"f{folder_no:031x}"
        folder_path = f"/de/bereich-{folder_no}"
        yield document(
            folder_uid, folder_path, f"Bereich {folder_no}", "0" * 32, **{"@type": "Folder"}
        )
        made += 1
        for n in range(min(per_folder, count - made)):
            uid = f"d{folder_no:015x}{n:016x}"
            yield document(uid, f"{folder_path}/seite-{n}", f"Seite {folder_no}.{n}", folder_uid)
            made += 1


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    from importer.engine import PloneImporter
    from importer.mapping import load_mapping
    from importer.readers import PloneExportReader

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        write_export(Path(tmp), synthetic_items(args.items))
        print(
            f"wrote {args.items} items in {time.monotonic() - started:.1f} s; peak RSS {peak_rss_mb():.0f} MB"
        )

        class Sampling(PloneExportReader):
            def items(self, uids=None):
                for n, item in enumerate(super().items(uids), start=1):
                    if n % 1000 == 0:
                        print(f"  {n} items read, peak RSS {peak_rss_mb():.0f} MB", flush=True)
                    yield item

        for run in ("first", "second"):
            started = time.monotonic()
            report = PloneImporter(Sampling(tmp), load_mapping()).run()
            seconds = time.monotonic() - started
            print(
                f"{run} run: {seconds:.1f} s, created {report.total('created')}, "
                f"unchanged {report.total('unchanged')}, failed {report.total('failed')}, "
                f"peak RSS {peak_rss_mb():.0f} MB"
            )


if __name__ == "__main__":
    main()
