"""scripts/backup.sh and scripts/restore.sh round-trip the demo site.

The demo site (a copy of the test database and the test media) is backed up, restored
into a new database and a new media directory, and a gunicorn server on each answers the
partner API, the Wagtail API, the feeds and the document downloads with identical bytes.
"""

import hashlib
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from django.conf import settings
from django.db import connection

from bench.server import Gunicorn
from tests.live_servers import PROJECT_DIR, collected_static_root, database_copy, is_postgresql

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the scripts back up PostgreSQL (pg_dump); SQLite is one file to copy",
    ),
    pytest.mark.django_db,
]

BACKUP, RESTORE = PROJECT_DIR / "scripts" / "backup.sh", PROJECT_DIR / "scripts" / "restore.sh"


def run(script: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def tree(root: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file below ``root``."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def database_url(name: str) -> str:
    """The test database server's URL for another database ``name``."""
    s = connection.settings_dict
    credentials = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def empty_database(django_db_blocker) -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    quoted = connection.ops.quote_name(name)
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quoted}")
    try:
        yield database_url(name)
    finally:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


@pytest.fixture
def source(django_db_blocker, tmp_path) -> Iterator[str]:
    """A copy of the committed demo database (the servers must not touch the test one)."""
    assert is_postgresql()
    with django_db_blocker.unblock(), database_copy(tmp_path) as url:
        yield url


def server_env(database_url: str, media_root: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "STATIC_ROOT": collected_static_root(),
        "REDIS_URL": "",
        "DATABASE_REPLICA_URL": "",
        "API_RATE_ANONYMOUS": "100000/min",
    }


def responses(base_url: str) -> dict[str, bytes]:
    """Every API list (both languages), every item's detail, changes, search, feeds, files."""
    session = requests.Session()

    def get(path: str) -> bytes:
        response = session.get(base_url + path, timeout=60)
        assert response.status_code == 200, (path, response.status_code)
        return response.content.replace(base_url.encode(), b"http://server")

    found: dict[str, bytes] = {}
    for name in json.loads(get("/api/v1/"))["resources"]:
        for locale in ("de", "en"):
            path = f"/api/v1/{name}/?locale={locale}&limit=50"
            found[path] = get(path)
            for item in json.loads(found[path])["items"]:
                detail = f"/api/v1/{name}/{item['id']}/"
                found[detail] = get(detail)
    for path in [
        "/api/v1/changes/?limit=500",
        "/api/v1/search/?q=integration",
        "/api/v1/search/?q=integration&locale=en",
        "/api/v2/pages/?limit=50",
        "/feeds/de/all.atom",
        "/feeds/en/all.rss",
        "/feeds/de/projects.json",
        "/feeds/en/publications.atom",
    ]:
        found[path] = get(path)
    for document in json.loads(get("/api/v2/documents/?limit=50"))["items"]:
        download = urlsplit(document["meta"]["download_url"]).path
        found[download] = get(download)
    return found


def test_backup_restores_into_a_new_database_with_identical_api_output(
    source, empty_database, tmp_path
):
    media = Path(settings.MEDIA_ROOT)
    backups = tmp_path / "backups"
    made = run(BACKUP, {"DATABASE_URL": source, "MEDIA_ROOT": str(media)}, str(backups))
    assert made.returncode == 0, made.stderr
    backup_dir = Path(made.stdout.strip())
    assert backup_dir.parent == backups
    assert {p.name for p in backup_dir.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

    # A restore never writes into a database that has content.
    refused = run(
        RESTORE, {"DATABASE_URL": source, "MEDIA_ROOT": str(tmp_path / "x")}, str(backup_dir)
    )
    assert refused.returncode != 0
    assert "already has" in refused.stderr

    restored_media = tmp_path / "restored-media"
    restored = run(
        RESTORE,
        {"DATABASE_URL": empty_database, "MEDIA_ROOT": str(restored_media)},
        str(backup_dir),
    )
    assert restored.returncode == 0, restored.stderr
    assert tree(restored_media) == tree(media)

    with Gunicorn(server_env(source, media), workers=1) as original:
        before = responses(original.base_url)
    with Gunicorn(server_env(empty_database, restored_media), workers=1) as copy:
        after = responses(copy.base_url)
    assert len(before) > 100  # every demo item's detail, not just a few lists
    assert after.keys() == before.keys()
    differing = [path for path in before if before[path] != after[path]]
    assert not differing, differing


def test_a_damaged_backup_is_refused(source, empty_database, tmp_path):
    made = run(BACKUP, {"DATABASE_URL": source, "MEDIA_ROOT": settings.MEDIA_ROOT}, str(tmp_path))
    assert made.returncode == 0, made.stderr
    backup_dir = Path(made.stdout.strip())
    with (backup_dir / "media.tar.gz").open("r+b") as archive:
        archive.seek(100)
        archive.write(b"\0\0\0\0")
    result = run(
        RESTORE,
        {"DATABASE_URL": empty_database, "MEDIA_ROOT": str(tmp_path / "media")},
        str(backup_dir),
    )
    assert result.returncode != 0
    assert "checksums do not match" in result.stderr
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").iterdir())
