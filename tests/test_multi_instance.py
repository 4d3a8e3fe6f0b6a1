"""Two app instances, one PostgreSQL, one Redis: what scaling out must not break.

Instances A and B are gunicorn servers (two workers each, production settings) on a copy
of the demo site, sharing the database, the cache and the media directory, as replicas
behind a load balancer do. An editor works on A; visitors read from B: every cached
surface of B (API list and detail, feed, HTML home, listing and detail page) must show a
publish, an edit and an unpublish within one second, sessions must carry over, and
uploads must be served by the instance that did not receive them.
"""

import concurrent.futures
import contextlib
import datetime
import io
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import requests
from django.conf import settings
from PIL import Image

from bench.server import Gunicorn
from projects.models import ProjectIndexPage
from tests.admin_http import AdminSession
from tests.helpers import require_redis
from tests.live_servers import collected_static_root, database_copy, manage_py

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
EDITOR, PASSWORD = "ops-multi-editor", "multi-instance-password-123"
FRESH_WITHIN = 1.0  # seconds from a publish on A until B serves the change
CHECKS_AFTER_FRESH = 6  # more requests, so both workers of B are asked

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="app instances in separate processes share PostgreSQL; SQLite is one file "
        "on one host",
    ),
    # The instances' database is a copy of the test database.
    pytest.mark.django_db,
]


@pytest.fixture(scope="module")
def instances(django_db_setup, django_db_blocker, tmp_path_factory):
    """(A, B, project index URL and id) on a shared database copy, Redis prefix and media."""
    require_redis(REDIS_URL)
    directory = tmp_path_factory.mktemp("instances")
    prefix = f"ikpe-test-{uuid.uuid4().hex[:8]}"
    stack = contextlib.ExitStack()
    with django_db_blocker.unblock():
        index = ProjectIndexPage.objects.get(locale__language_code="de")
        index_url, index_id = index.url, index.pk
        database = stack.enter_context(database_copy(directory))
    try:
        env = {
            # One key for all instances, or sessions and signed URLs fail on the other.
            "SECRET_KEY": f"multi-instance-{uuid.uuid4().hex}{uuid.uuid4().hex}",
            "DATABASE_URL": database,
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": prefix,
            "MEDIA_ROOT": str(directory / "media"),
            "STATIC_ROOT": collected_static_root(),
            # Polling is not what the rate limit is for.
            "API_RATE_ANONYMOUS": "100000/min",
        }
        manage_py(
            {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
            "createsuperuser",
            "--noinput",
            "--username",
            EDITOR,
            "--email",
            "multi@example.org",
        )
        a = stack.enter_context(Gunicorn(env, workers=2))
        b = stack.enter_context(Gunicorn(env, workers=2))
        yield a, b, index_url, index_id
    finally:
        with django_db_blocker.unblock():
            stack.close()
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture(scope="module")
def editor_on_a(instances) -> AdminSession:
    a, _b, _index_url, _index_id = instances
    editor = AdminSession(a.base_url)
    editor.log_in(EDITOR, PASSWORD)
    return editor


def get(url: str) -> requests.Response:
    return requests.get(url, timeout=30)


# -- surfaces and how fast they change -------------------------------------------------------

Surface = tuple[str, str, Callable[[requests.Response], bool]]


def wait_until_fresh(base_url: str, surfaces: list[Surface], since: float) -> dict[str, float]:
    """Poll every surface at once until it shows the change; seconds after ``since`` at
    which the first fresh response was requested (the moment any visitor gets it)."""

    def poll(surface: Surface) -> float:
        name, path, fresh = surface
        deadline = since + 15
        while True:
            started = time.monotonic()
            response = get(base_url + path)
            if fresh(response):
                return started - since
            assert time.monotonic() < deadline, f"{name} still stale: {response.status_code}"
            time.sleep(0.02)

    with concurrent.futures.ThreadPoolExecutor(len(surfaces)) as pool:
        seconds = dict(zip([s[0] for s in surfaces], pool.map(poll, surfaces), strict=True))
    return seconds


def assert_fresh_everywhere(
    phase: str, a, b, surfaces: list[Surface], since: float
) -> dict[str, float]:
    seconds = wait_until_fresh(b.base_url, surfaces, since)
    print(f"\n{phase}: first fresh response on B after (s)")
    for name, value in seconds.items():
        print(f"  {name:<12} {value:6.3f}")
    late = {name: value for name, value in seconds.items() if value > FRESH_WITHIN}
    assert not late, f"{phase}: stale on B for longer than {FRESH_WITHIN} s: {late}"
    # And it stays fresh, whichever worker answers, on both instances.
    for name, path, fresh in surfaces:
        for base_url in [b.base_url] * CHECKS_AFTER_FRESH + [a.base_url]:
            response = get(base_url + path)
            assert fresh(response), f"{phase}: {name} stale again at {base_url}"
    return seconds


def warm(b, surfaces: list[Surface]) -> None:
    """Fill B's caches with the state before the change (each worker, probably)."""
    for _name, path, fresh in surfaces:
        for _ in range(3):
            response = get(b.base_url + path)
            assert not fresh(response), f"{path} shows the change before it was made"


def in_api_list(title: str) -> Callable[[requests.Response], bool]:
    return lambda r: r.status_code == 200 and title in [i["title"] for i in r.json()["items"]]


def in_text(text: str) -> Callable[[requests.Response], bool]:
    return lambda r: r.status_code == 200 and text in r.text


def not_in_text(text: str) -> Callable[[requests.Response], bool]:
    return lambda r: r.status_code == 200 and text not in r.text


def gone(r: requests.Response) -> bool:
    return r.status_code == 404


# -- the tests -------------------------------------------------------------------------------


def test_both_instances_report_the_shared_database_and_cache(instances):
    a, b, _index_url, _index_id = instances
    for server in (a, b):
        assert get(server.base_url + "/healthz").json() == {
            "status": "ok",
            "database": "ok",
            "cache": "ok",
        }


def test_a_session_started_on_one_instance_is_valid_on_the_other(instances):
    a, b, _index_url, _index_id = instances
    on_a = AdminSession(a.base_url)
    on_a.log_in(EDITOR, PASSWORD)
    on_b = AdminSession(b.base_url, cookies=on_a.cookies)
    dashboard = on_b.get("/admin/")
    assert dashboard.status_code == 200
    assert EDITOR in dashboard.text
    # Signing out on B ends the session on A as well.
    logout = on_b.request(
        "POST",
        "/admin/logout/",
        data={"csrfmiddlewaretoken": on_b.cookies["csrftoken"]},
        headers={"Referer": b.base_url + "/admin/"},
    )
    assert logout.status_code == 302
    after = AdminSession(a.base_url, cookies=on_a.cookies).get("/admin/")
    assert after.status_code == 302
    assert "/admin/login/" in after.headers["Location"]


def test_publish_edit_and_unpublish_on_one_instance_show_on_the_other_within_a_second(
    instances, editor_on_a
):
    a, b, index_url, index_id = instances
    slug = f"mehrinstanz-{uuid.uuid4().hex[:8]}"
    title = f"Mehrinstanzprojekt {slug[-8:]}"
    listing = [
        ("API list", "/api/v1/projects/?locale=de&limit=50", in_api_list(title)),
        ("Atom feed", "/feeds/de/projects.atom", in_text(title)),
        ("HTML listing", index_url, in_text(title)),
        # The home page shows the running projects that started last: this one.
        ("HTML home", "/de/", in_text(title)),
    ]

    # 1. A new project, published through A's admin.
    warm(b, listing)
    created = editor_on_a.submit(
        f"/admin/pages/add/projects/projectpage/{index_id}/",
        {
            "title": title,
            "slug": slug,
            "acronym": "MIP",
            "start_date": datetime.date.today().replace(day=1).isoformat(),
            "teaser": "Ein Projekt, das zwei Instanzen sehen.",
            "action-publish": "action-publish",
        },
        form_id="page-edit-form",
    )
    published = time.monotonic()
    assert created.status_code == 302, created.text[-3000:]
    assert_fresh_everywhere("publish", a, b, listing, published)

    # 2. Its title changed and republished through A.
    item = next(i for i in get(b.base_url + listing[0][1]).json()["items"] if i["title"] == title)
    page_id, page_url = item["id"], f"{index_url}{slug}/"
    edited = f"{title} (überarbeitet)"
    everywhere = [
        ("API detail", f"/api/v1/projects/{page_id}/", lambda r: r.json().get("title") == edited),
        ("HTML page", page_url, in_text(edited)),
        ("API list", listing[0][1], in_api_list(edited)),
        ("Atom feed", listing[1][1], in_text(edited)),
        ("HTML listing", index_url, in_text(edited)),
        ("HTML home", "/de/", in_text(edited)),
    ]
    warm(b, everywhere)
    response = editor_on_a.submit(
        f"/admin/pages/{page_id}/edit/",
        {"title": edited, "action-publish": "action-publish"},
        form_id="page-edit-form",
    )
    changed = time.monotonic()
    assert response.status_code == 302, response.text[-3000:]
    assert_fresh_everywhere("edit", a, b, everywhere, changed)

    # 3. Unpublished through A: gone from every surface of B.
    withdrawn = [
        ("API detail", f"/api/v1/projects/{page_id}/", gone),
        ("HTML page", page_url, gone),
        ("API list", listing[0][1], lambda r: r.status_code == 200 and edited not in r.text),
        ("Atom feed", listing[1][1], not_in_text(edited)),
        ("HTML listing", index_url, not_in_text(edited)),
        ("HTML home", "/de/", not_in_text(edited)),
    ]
    warm(b, withdrawn)
    response = editor_on_a.submit(f"/admin/pages/{page_id}/unpublish/")
    unpublished = time.monotonic()
    assert response.status_code == 302, response.text[-3000:]
    assert_fresh_everywhere("unpublish", a, b, withdrawn, unpublished)


def test_uploads_through_one_instance_are_served_by_the_other(instances, editor_on_a):
    a, b, _index_url, _index_id = instances
    media_root = Path(a.env["MEDIA_ROOT"])
    marker = uuid.uuid4().hex[:8]

    # An image uploaded through A ...
    png = io.BytesIO()
    Image.new("RGB", (320, 200), (0, 90, 160)).save(png, "PNG")
    title = f"Karte {marker}"
    response = editor_on_a.submit(
        "/admin/images/add/",
        {"title": title},
        files={"file": (f"karte-{marker}.png", png.getvalue(), "image/png")},
    )
    assert response.status_code == 302, response.text[-3000:]
    # ... is listed by B, whose admin renders a preview from the file A stored.
    (image,) = get(f"{b.base_url}/api/v2/images/?title={title}").json()["items"]
    editor_on_b = AdminSession(b.base_url, cookies=editor_on_a.cookies)
    edit = editor_on_b.get(f"/admin/images/{image['id']}/")
    assert edit.status_code == 200
    assert title in edit.text
    renditions = list((media_root / "images").glob(f"karte-{marker}*"))
    assert renditions, "B made no rendition of the image uploaded through A"
    with Image.open(renditions[0]) as preview:
        assert preview.size[0] <= 320

    # A document uploaded through A is downloaded from B.
    content = f"Landkreis;Einwohner\nErfurt;{marker}\n".encode()
    title = f"Tabelle {marker}"
    response = editor_on_a.submit(
        "/admin/documents/add/",
        {"title": title},
        files={"file": (f"tabelle-{marker}.csv", content, "text/csv")},
    )
    assert response.status_code == 302, response.text[-3000:]
    (document,) = get(f"{b.base_url}/api/v2/documents/?title={title}").json()["items"]
    download = get(b.base_url + urlsplit(document["meta"]["download_url"]).path)
    assert download.status_code == 200
    assert download.content == content
