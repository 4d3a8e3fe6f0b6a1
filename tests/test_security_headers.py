"""Security headers on every kind of response, the admin's laxer policy, production settings.

The production checks run ``manage.py`` and a request in a subprocess: production settings
refuse to load without their environment, so they cannot be imported into this process.
"""

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
from wagtail.documents import get_document_model

PROJECT_DIR = Path(settings.BASE_DIR)
PUBLIC_PAGES = ["/de/", "/de/projekte/", "/de/projekte/thilik/", "/en/search/?q=Jena"]
MACHINE_URLS = [
    "/api/v1/projects/",
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
@pytest.mark.parametrize("path", ["/admin/login/", "/api/v1/docs/"])
def test_admin_and_api_docs_get_the_admin_policy(client, path):
    response = client.get(path)
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
    assert headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self';" in headers["Content-Security-Policy"] + ";"
    assert "camera=()" in headers["Permissions-Policy"]
    assert seen["cookies_secure"] == [True, True]
    assert seen["session_cookie_httponly"] is True
