"""docs/partners.md must stay true: its code runs, its URLs answer, its parameters exist."""

import hashlib
import hmac
import re
import shlex
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from syndication.preview import previewable_resources

DOC = Path(settings.BASE_DIR) / "docs" / "partners.md"
SNIPPET_MARKER = "<!-- webhook-verification-snippet -->"
SECRET = "4f9c2b0e8d7a6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c"


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of a section, from its heading to the next heading of any level."""
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#)", doc(), re.M | re.S)
    assert match, f"no section “{title}” in {DOC.name}"
    return match.group(1)


# -- the webhook signature snippet --------------------------------------------------------------


@pytest.fixture(scope="module")
def verify():
    """``verify_ikpe_webhook`` from the documentation, executed as a partner would."""
    text = doc()
    start = text.index(SNIPPET_MARKER)
    code = re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)
    namespace = {"__name__": "partner_code"}  # not "__main__": the demo receiver stays off
    exec(compile(code, "docs/partners.md#verify", "exec"), namespace)
    return namespace["verify_ikpe_webhook"]


def signed(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """Headers as IKPE sends them: HMAC-SHA256(secret, f"{timestamp}." + body)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return {
        "X-IKPE-Timestamp": str(timestamp),
        "X-IKPE-Signature": "sha256=" + digest.hexdigest(),
        "X-IKPE-Event": "updated",
        "X-IKPE-Delivery": "17",
    }


BODY = b'{"cursor":5,"event":"updated","id":17,"object":{"id":30},"type":"projects"}'


def test_snippet_accepts_a_correctly_signed_body(verify):
    assert verify(SECRET, signed(BODY), BODY) is True
    # Header names in any capitalisation, as frameworks hand them over.
    assert verify(SECRET, {k.lower(): v for k, v in signed(BODY).items()}, BODY) is True


def test_snippet_rejects_a_tampered_body_or_signature(verify):
    headers = signed(BODY)
    assert verify(SECRET, headers, BODY.replace(b'"id":30', b'"id":31')) is False
    assert verify(SECRET, headers, BODY + b" ") is False
    signature = headers["X-IKPE-Signature"]
    flipped = signature[:-1] + ("1" if signature[-1] == "0" else "0")
    assert verify(SECRET, {**headers, "X-IKPE-Signature": flipped}, BODY) is False
    assert verify("another-secret", headers, BODY) is False
    # A signature copied onto another time does not match either.
    moved = {**headers, "X-IKPE-Timestamp": str(int(headers["X-IKPE-Timestamp"]) - 1)}
    assert verify(SECRET, moved, BODY) is False


def test_snippet_rejects_old_future_and_missing_timestamps(verify):
    now = time.time()
    assert verify(SECRET, signed(BODY, int(now) - 299), BODY, now=now) is True
    assert verify(SECRET, signed(BODY, int(now) - 301), BODY, now=now) is False
    assert verify(SECRET, signed(BODY, int(now) + 301), BODY, now=now) is False
    headers = signed(BODY)
    for missing in ("X-IKPE-Timestamp", "X-IKPE-Signature"):
        partial = {k: v for k, v in headers.items() if k != missing}
        assert verify(SECRET, partial, BODY) is False
    assert verify(SECRET, {**headers, "X-IKPE-Timestamp": "-5"}, BODY) is False


def test_snippet_matches_the_signing_code():
    webhooks = pytest.importorskip("syndication.webhooks")
    if not hasattr(webhooks, "sign"):
        pytest.skip("webhook signing not built yet")
    timestamp = int(time.time())
    assert webhooks.sign(SECRET, timestamp, BODY) == signed(BODY, timestamp)["X-IKPE-Signature"]


@pytest.mark.django_db
def test_snippet_verifies_a_real_delivery(verify, thilik):
    """A delivery POSTed by the webhook code passes the documented check, unchanged."""
    webhooks = pytest.importorskip("syndication.webhooks")
    models = pytest.importorskip("syndication.models")
    if not all(hasattr(webhooks, name) for name in ("post", "build_payload")):
        pytest.skip("webhook delivery not built yet")
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        partner = models.Partner.objects.create(name="Docs partner")
        subscription = models.WebhookSubscription.objects.create(
            partner=partner, url=f"http://127.0.0.1:{server.server_port}/hook"
        )
        event = models.ChangeEvent.objects.create(
            kind="updated",
            resource="projects",
            object_id=thilik.pk,
            translation_key=thilik.translation_key,
            locale="de",
        )
        delivery = models.WebhookDelivery.objects.create(subscription=subscription, event=event)
        delivery.payload = webhooks.build_payload(delivery.pk, event)
        status, error = webhooks.post(subscription, delivery)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert status == 204, error
    ((headers, body),) = received
    assert verify(subscription.secret, headers, body) is True
    assert verify(subscription.secret, headers, body.replace(b"updated", b"deleted")) is False
    # The documented headers are the ones sent (urllib capitalises them its own way).
    headers = {name.lower(): value for name, value in headers.items()}
    assert headers["x-ikpe-event"] == "updated"
    assert headers["x-ikpe-delivery"] == str(delivery.pk)
    assert headers["x-ikpe-signature"].startswith("sha256=")


# -- the curl examples and parameter tables -------------------------------------------------------


def curl_examples() -> list[tuple[str, int]]:
    """(path with query, expected status) of every documented curl call to $IKPE."""
    text = doc().replace("\\\n", " ")  # join continued shell lines
    examples = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("curl ") or " -G " in line:
            continue
        command, _, comment = line.partition("#")
        urls = [arg for arg in shlex.split(command) if arg.startswith("$IKPE/")]
        assert len(urls) == 1, line
        status = re.search(r"→ (\d{3})", comment)
        examples.append((urls[0].removeprefix("$IKPE"), int(status.group(1)) if status else 200))
    return examples


def test_documentation_has_curl_examples():
    paths = [path for path, _status in curl_examples()]
    assert len(paths) >= 25
    assert any(path.startswith("/feeds/") for path in paths)
    assert any(path.startswith("/api/v1/changes/") for path in paths)


@pytest.mark.django_db
@pytest.mark.parametrize("path,status", curl_examples())
def test_curl_example_answers_as_documented(client, path, status):
    response = client.get(path)
    assert response.status_code == status, response.content[:300]
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def parameters(openapi: dict, resource: str) -> dict[str, dict]:
    operation = openapi["paths"][f"/api/v1/{resource}/"]["get"]
    return {param["name"]: param["schema"] for param in operation["parameters"]}


def enum(schema: dict) -> list | None:
    if "enum" in schema:
        return schema["enum"]
    for option in schema.get("anyOf", []):
        if "enum" in option:
            return option["enum"]
    return None


def table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("| ---"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[1:]  # without the header


def ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def test_documented_orderings_are_the_real_ones(openapi):
    rows = table_rows(section("Ordering"))
    assert len(rows) == 8
    for resource, values in rows:
        schema = parameters(openapi, resource)["ordering"]
        assert ticked(values) and set(ticked(values)) == set(enum(schema)), resource
        assert ticked(values)[0] == schema["default"], resource


def test_documented_filters_exist(openapi):
    resource = None
    rows = table_rows(section("Filters"))
    assert len(rows) >= 14
    for first, name, values in rows:
        resource = first or resource
        (name,) = ticked(name)
        params = parameters(openapi, resource)
        assert name in params, f"{resource}: {name}"
        choices = enum(params[name])
        if choices:
            assert set(ticked(values)) == set(choices), f"{resource}: {name}"
    common = ticked(section("Filters").split("On top of these")[0])
    for resource in ("projects", "people", "series"):
        assert set(common) <= set(parameters(openapi, resource))


def test_documented_change_feed_and_preview_parameters_exist(openapi):
    changes = openapi["paths"]["/api/v1/changes/"]["get"]["parameters"]
    assert {"since", "type", "locale", "limit"} == {param["name"] for param in changes}
    preview = openapi["paths"]["/api/v1/preview/"]["get"]["parameters"]
    assert {"content_type", "token"} == {param["name"] for param in preview}
    preview_section = section("8. Previewing drafts in your front end").split("| Status")[0]
    content_types = [ticked(row[0])[0] for row in table_rows(preview_section)]
    assert set(content_types) == set(previewable_resources())
