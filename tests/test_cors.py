"""CORS: partner front ends on allowed origins may read the API and feeds from the browser."""

import pytest
from django.test import override_settings

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("partner_origin"),
]

PARTNER = "https://partner.example"


@pytest.fixture
def partner_origin():
    with override_settings(CORS_ALLOWED_ORIGINS=[PARTNER]):
        yield


def get(client, path: str, origin: str = PARTNER, **headers):
    return client.get(path, headers={"Origin": origin, **headers})


def preflight(client, path: str, method: str = "GET", headers: str = "", origin: str = PARTNER):
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=request_headers)


def listed(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",")}


def test_allowed_origin_may_read_the_api(client):
    response = get(client, "/api/v1/projects/")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == PARTNER
    assert "origin" in listed(response["Vary"])
    # The browser lets the front end's script see the caching and rate-limit headers.
    assert {"etag", "last-modified", "retry-after"} <= listed(
        response["Access-Control-Expose-Headers"]
    )
    assert "Access-Control-Allow-Credentials" not in response


def test_conditional_requests_keep_the_cors_header(client):
    etag = get(client, "/api/v1/projects/")["ETag"]
    response = get(client, "/api/v1/projects/", **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response["Access-Control-Allow-Origin"] == PARTNER


def test_preflight_allows_get_with_the_api_headers(client):
    response = preflight(client, "/api/v1/projects/", headers="x-api-key, if-none-match")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == PARTNER
    assert {"get", "head", "options"} == listed(response["Access-Control-Allow-Methods"])
    assert {"x-api-key", "if-none-match", "if-modified-since"} <= listed(
        response["Access-Control-Allow-Headers"]
    )
    assert int(response["Access-Control-Max-Age"]) > 0


def test_unknown_origin_gets_no_cors_headers(client):
    response = get(client, "/api/v1/projects/", origin="https://evil.example")
    assert response.status_code == 200  # same-origin rules are the browser's to enforce
    assert "Access-Control-Allow-Origin" not in response
    response = preflight(client, "/api/v1/projects/", origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_writing_methods_are_not_allowed(client):
    response = preflight(client, "/api/v1/projects/", method="POST")
    assert "post" not in listed(response.get("Access-Control-Allow-Methods", ""))
    for method in ("post", "put", "delete"):
        response = getattr(client, method)("/api/v1/projects/", headers={"Origin": PARTNER})
        assert response.status_code == 405, method


def test_feeds_and_the_preview_endpoint_are_covered(client):
    for path in ("/feeds/de/all.atom", "/api/v1/preview/", "/api/v1/openapi.json"):
        assert get(client, path)["Access-Control-Allow-Origin"] == PARTNER, path


@pytest.mark.parametrize("path", ["/de/", "/de/projekte/", "/admin/login/", "/sitemap.xml"])
def test_website_pages_get_no_cors_headers(client, path):
    response = get(client, path)
    assert response.status_code in {200, 302}
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Methods" not in preflight(client, path)
