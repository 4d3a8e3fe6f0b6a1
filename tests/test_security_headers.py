"""Security headers on every kind of response, the admin's laxer policy, production settings.

The production checks run ``manage.py`` and a request in a subprocess: production settings
refuse to load without their environment, so they cannot be imported into this process.
The last tests drive Chromium through the public site and the admin (served by gunicorn with
production settings from a copy of the test database) and collect every CSP violation.
"""

import contextlib
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model

from bench.server import Gunicorn
from projects.models import ProjectPage
from tests.helpers import require
from tests.live_servers import collected_static_root, database_copy, manage_py

PROJECT_DIR = Path(settings.BASE_DIR)
PUBLIC_PAGES = ["/de/", "/de/projekte/", "/de/projekte/thilik/", "/en/search/?q=Jena"]
MACHINE_URLS = [
    "/api/v1/projects/",
    "/api/v1/docs/",
    "/api/v2/pages/",
    "/feeds/de/projects.atom",
    "/sitemap.xml",
    "/robots.txt",
]
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"]


def csp(response, header: str = "Content-Security-Policy") -> dict[str, set[str]]:
    """The policy as {directive: {sources}}; fails when the header is missing."""
    assert header in response, f"no {header} on {response.status_code} response"
    policy = {}
    for part in response[header].split(";"):
        name, *values = part.split()
        assert name not in policy, f"{name} given twice"
        policy[name] = set(values)
    return policy


def assert_common_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in DENIED_FEATURES:
        assert features[feature] == "()", feature


def assert_public_policy(response) -> None:
    policy = csp(response)
    assert policy["default-src"] == {"'self'"}
    assert policy["script-src"] == {"'self'"}
    assert policy["style-src"] == {"'self'"}
    assert policy["img-src"] == {"'self'", "data:"}
    assert policy["object-src"] == {"'none'"}
    assert policy["base-uri"] == {"'self'"}
    assert policy["form-action"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_send_every_header_and_the_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_common_headers(response)
    assert_public_policy(response)
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_headers_survive_a_repeated_request(client):
    """The second request may come from the HTML cache; the headers must still be there."""
    first = client.get("/de/projekte/")
    second = client.get("/de/projekte/")
    assert second.status_code == 200
    for name in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options"):
        assert second[name] == first[name]


@pytest.mark.django_db
@pytest.mark.parametrize("path", MACHINE_URLS)
def test_api_feeds_and_sitemap_send_the_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_common_headers(response)
    assert_public_policy(response)


@pytest.mark.django_db
def test_not_found_pages_send_the_headers(client):
    response = client.get("/de/gibt-es-nicht/")
    assert response.status_code == 404
    assert_common_headers(response)
    assert_public_policy(response)


@pytest.mark.django_db
def test_the_admin_gets_the_admin_policy(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_common_headers(response)
    policy = csp(response)
    assert policy["script-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == {"'none'"}
    assert policy["frame-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'self'"}
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_preview_keeps_the_public_policy_but_may_be_framed_by_the_admin(thilik):
    """The preview panel frames the page: same origin only, and still no inline script."""
    response = thilik.make_preview_request(preview_mode="")
    assert response.status_code == 200
    assert "ThILIK" in response.content.decode()
    policy = csp(response)
    assert policy["frame-ancestors"] == {"'self'"}
    assert policy["script-src"] == {"'self'"}
    assert policy["style-src"] == {"'self'"}


@pytest.mark.django_db
def test_partner_preview_may_frame_the_partner_front_end(admin_client, settings, thilik):
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        "CLIENT_URLS": {"default": "https://partner.example/preview"},
        "ENFORCE_TRAILING_SLASH": False,
    }
    url = reverse("wagtailadmin_pages:view_draft", args=[thilik.pk])
    response = admin_client.get(url, {"mode": "partner"})
    assert response.status_code == 200
    assert 'src="https://partner.example/preview?' in response.content.decode()
    assert csp(response)["frame-src"] == {"'self'", "https://partner.example"}
    # Only there: the public site frames nothing.
    assert "frame-src" not in csp(admin_client.get("/de/"))


@pytest.mark.django_db
def test_media_on_another_origin_may_be_shown(client, settings):
    settings.MEDIA_URL = "https://media.ikpe.example/site/"
    policy = csp(client.get("/de/"))
    assert policy["img-src"] == {"'self'", "data:", "https://media.ikpe.example"}
    assert "https://media.ikpe.example" not in policy["script-src"]


@pytest.mark.django_db
def test_documents_keep_wagtails_lockdown_policy(client, settings, tmp_path):
    """Served files get ``default-src 'none'`` (Wagtail's), not the page policy."""
    settings.MEDIA_ROOT = tmp_path
    document = get_document_model().objects.create(
        title="Notiz", file=ContentFile(b"Hallo\n", name="notiz.txt")
    )
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


# -- production settings (subprocesses) ------------------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "k7#Qe9!vT2@pLw4$Zr8^Nx6&Jd3*Hs5(Gf1)Mb0_Yc-Ua+Vo=Ei%Rt[Wq]Pz{Ln}Ky;",
    "ALLOWED_HOSTS": "www.ikpe.example",
}


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")
    }
    clean["DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    return subprocess.run(
        args,
        cwd=PROJECT_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        PRODUCTION_ENV,
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
@pytest.mark.parametrize("value", [None, "", " , "])
def test_production_refuses_to_start_without(missing, value, tmp_path):
    env = dict(PRODUCTION_ENV)
    if value is None:
        del env[missing]
    else:
        env[missing] = value
    result = run([sys.executable, "manage.py", "check"], env, tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"Refusing to start: the environment variable {missing} must be set in production."
    ]


PRODUCTION_REQUEST = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="www.ikpe.example")
    plain = client.get("/robots.txt")
    # Behind the TLS-terminating proxy, which says so in X-Forwarded-Proto.
    proxied = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https")
    print(json.dumps({
        "plain_status": plain.status_code,
        "plain_location": plain.get("Location"),
        "status": proxied.status_code,
        "body": proxied.content.decode(),
        "headers": dict(proxied.headers),
        "cookies_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
        "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    }))
    """
)


def test_production_sends_hsts_and_secure_cookies(tmp_path):
    result = run([sys.executable, "-c", PRODUCTION_REQUEST], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://www.ikpe.example/robots.txt"
    assert seen["status"] == 200
    assert "Sitemap: https://www.ikpe.example/sitemap.xml" in seen["body"]
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self';" in headers["Content-Security-Policy"] + ";"
    assert "camera=()" in headers["Permissions-Policy"]
    assert seen["cookies_secure"] == [True, True]
    assert seen["session_cookie_httponly"] is True


# -- in the browser --------------------------------------------------------------------------

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
ADMIN_PASSWORD = "CSP-Pruefung-2024!"
# In every frame, before any of the page's own scripts.
LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => window.__csp.push(
  `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} in ${event.documentURI}`
));
"""


@pytest.fixture(scope="module")
def live_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """(base URL, ids) of the demo site on gunicorn with production settings."""
    require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    directory = tmp_path_factory.mktemp("csp-site")
    with contextlib.ExitStack() as stack:
        with django_db_blocker.unblock():
            ids = {
                locale: ProjectPage.objects.get(locale__language_code=locale, slug="thilik").pk
                for locale in ("de", "en")
            }
            database = stack.enter_context(database_copy(directory))
        env = {
            "DATABASE_URL": database,
            "MEDIA_ROOT": str(directory / "media"),
            "STATIC_ROOT": collected_static_root(),
            "REDIS_URL": "",
        }
        manage_py(
            {**env, "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD},
            "createsuperuser",
            "--noinput",
            "--username",
            "csp-admin",
            "--email",
            "csp@example.org",
        )
        # One sync worker: SQLite copies lock under the admin's parallel requests.
        server = stack.enter_context(Gunicorn(env, workers=1))
        try:
            yield server.base_url, ids
        finally:
            with django_db_blocker.unblock():
                stack.close()


@contextlib.contextmanager
def chromium_page(base_url: str):
    """A fresh browser page that records CSP violations and CSP console messages.

    Playwright lives only inside one test: its event loop would stop Django's database
    access in the tests around it.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        context = browser.new_context(
            base_url=base_url, locale="de-DE", viewport={"width": 1400, "height": 1000}
        )
        context.set_default_timeout(20_000)
        context.add_init_script(LISTENER)
        page = context.new_page()
        page.console_csp = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and page.console_csp.append(message.text)
            ),
        )
        try:
            yield page
        finally:
            browser.close()


def violations(page) -> list[str]:
    found = list(page.console_csp)
    for frame in page.frames:
        with contextlib.suppress(Exception):  # a frame may be gone by now
            found += frame.evaluate("window.__csp || []")
    return found


def visit(page, path: str, policy_part: str) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    assert policy_part in response.headers["content-security-policy"], path
    page.wait_for_load_state("networkidle")


def test_public_site_runs_under_its_policy_in_chromium(live_site):
    base_url, _ids = live_site
    with chromium_page(base_url) as page:
        strict = "script-src 'self'"
        for path in (
            "/de/",
            "/de/projekte/?status=completed",
            "/de/projekte/thilik/",
            "/de/publikationen/",
            "/de/landkreise-und-staedte/?kind=landkreis",
            "/en/projects/thilik/",
        ):
            visit(page, path, strict)
        # The search box's suggestions come from a script file and a fetch (connect-src).
        visit(page, "/de/suche/?q=Integration", strict)
        with page.expect_response(lambda r: "/suche/" in r.url and "q=Jen" in r.url):
            page.locator("input[data-suggest-url]").fill("Jen")
        # The API's documentation (Swagger UI) needs nothing more.
        visit(page, "/api/v1/docs/", strict)
        page.locator(".opblock").first.wait_for()
        assert violations(page) == []

        # The policy is enforced: an injected inline script does not run, and is reported.
        page.evaluate(
            """() => { const s = document.createElement("script");
                       s.textContent = "window.__ran = true"; document.head.append(s); }"""
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.__ran === undefined")
        assert any("script-src" in v for v in violations(page))


def tiny_png(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (0, 120, 90)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_admin_works_under_its_policy_in_chromium(live_site, tmp_path):
    base_url, ids = live_site
    admin = "script-src 'self' 'unsafe-inline'"
    with chromium_page(base_url) as page:
        visit(page, "/admin/login/", admin)
        page.fill("#id_username", "csp-admin")
        page.fill("#id_password", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")

        # Upload an image through the drag-and-drop uploader.
        visit(page, "/admin/images/multiple/add/", admin)
        page.set_input_files("#fileupload", str(tiny_png(tmp_path / "gruen.png")))
        page.locator(".upload-success, form.image-edit-form, [id^=edit-image]").first.wait_for()

        # The page editor: date widgets and inline panels (inline scripts), the preview
        # panel (a frame of the public policy), the image chooser (a modal).
        visit(page, f"/admin/pages/{ids['de']}/edit/", admin)
        page.locator("[data-side-panel-toggle='preview']").first.click()
        preview = page.frame_locator("#w-preview-iframe")
        preview.locator("h1").first.wait_for()
        assert "Thüringer Initiative" in preview.locator("h1").first.inner_text()
        page.locator("button.c-sf-add-button").first.click()
        page.locator("[role=option]", has_text="Bild").or_(
            page.locator("[role=option]", has_text="Image")
        ).first.click()
        # The new block's button: a chosen image's own chooser button is in the DOM, hidden.
        page.locator("button:visible", has_text="Bild auswählen").or_(
            page.locator("button:visible", has_text="Choose an image")
        ).first.click()
        page.locator(".modal").get_by_text("gruen").first.wait_for()

        # The translation editor of the English version (wagtail-localize, React).
        visit(page, f"/admin/pages/{ids['en']}/edit/", admin)
        page.locator(".js-translation-editor").get_by_text(
            "Thuringian Initiative for Local Integration Management"
        ).first.wait_for()

        assert violations(page) == []
