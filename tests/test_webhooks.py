"""Webhooks: partners' endpoints hear about public changes, signed, retried and logged.

A real HTTP server on 127.0.0.1 plays the partner. Deliveries go through the database
task queue as in production; ``deliver_queued()`` runs the worker (``db_worker --batch``).
Tests run inside a transaction, so ``django_capture_on_commit_callbacks(execute=True)``
stands for the commit of the editor's request.
"""

import datetime
import json
import signal
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from projects.models import ProjectPage
from syndication import webhooks
from syndication.models import ChangeEvent, Partner, WebhookDelivery, WebhookSubscription
from tests.helpers import text

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


# -- the partner's receiver ----------------------------------------------------------------


class Receiver:
    """Records every POST; answers ``fail_status`` to the next ``failures`` of them.

    Header names are looked up case-insensitively, as HTTP defines them.
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.failures = 0
        self.fail_status = 500
        self.fail_headers: dict[str, str] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": self.headers, "body": body})
                if receiver.failures > 0:
                    receiver.failures -= 1
                    status, answer = receiver.fail_status, b"receiver is down"
                else:
                    status, answer = 204, b""
                self.send_response(status)
                if status != 204:
                    for name, value in receiver.fail_headers.items():
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def payloads(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]


@pytest.fixture
def receiver():
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
    thread.join()


@pytest.fixture(autouse=True)
def _loopback_http_allowed(settings):
    # The receiver speaks plain HTTP on loopback; real subscriptions need HTTPS.
    settings.WEBHOOK_ALLOW_HTTP_LOOPBACK = True


@pytest.fixture
def deliver_queued(monkeypatch):
    """Run the webhook worker until the queue holds nothing that is due."""
    # The worker drops database connections that are inside a transaction (as a test is),
    # which would end the test's transaction; it has nothing else to do here.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run() -> None:
        # The worker installs its own handlers for Ctrl+C and friends; give them back after.
        signals = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
        handlers = {sig: signal.getsignal(sig) for sig in signals}
        try:
            call_command(
                "db_worker",
                "--backend=webhooks",
                "--queue-name=webhooks",
                batch=True,
                interval=0,
                startup_delay=False,
                reload=False,
                verbosity=0,
            )
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    return run


@pytest.fixture
def partner(db) -> Partner:
    return Partner.objects.create(name="Thüringer Sozialportal", contact_email="it@example.org")


@pytest.fixture
def subscribe(partner, receiver):
    def make(path: str = "/hook", **fields) -> WebhookSubscription:
        return WebhookSubscription.objects.create(
            partner=partner, url=receiver.url + path, **fields
        )

    return make


def fast_forward() -> None:
    """Let the clock reach every scheduled retry (the worker only runs tasks that are due)."""
    DBTaskResult.objects.filter(queue_name="webhooks", status="READY").update(
        run_after=timezone.now()
    )


def publish(page) -> None:
    page.save_revision().publish()


# -- publishing, signing, payload ----------------------------------------------------------


def test_publishing_delivers_a_signed_notice_the_partner_can_verify_and_follow(
    client, subscribe, receiver, make_project, deliver_queued, django_capture_on_commit_callbacks
):
    subscription = subscribe()
    with django_capture_on_commit_callbacks(execute=True):
        page = make_project("webhook-projekt")
    deliver_queued()

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers, body = request["headers"], request["body"]
    assert request["path"] == "/hook"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("IKPE-Webhooks/")
    assert headers["X-IKPE-Event"] == "published"
    assert abs(int(headers["X-IKPE-Timestamp"]) - time.time()) < 60

    # The signature checks out with the subscription's secret, and only with it.
    timestamp, signature = headers["X-IKPE-Timestamp"], headers["X-IKPE-Signature"]
    assert signature.startswith("sha256=")
    assert webhooks.verify(subscription.secret, timestamp, body, signature)
    tampered = body.replace(b'"published"', b'"deleted"')
    assert tampered != body
    assert not webhooks.verify(subscription.secret, timestamp, tampered, signature)
    assert not webhooks.verify("another-secret", timestamp, body, signature)
    assert not webhooks.verify(subscription.secret, int(timestamp) + 1, body, signature)

    event = ChangeEvent.objects.get(resource="projects", object_id=page.pk)
    delivery = WebhookDelivery.objects.get()
    assert headers["X-IKPE-Delivery"] == str(delivery.pk)
    payload = json.loads(body)
    assert payload == {
        "id": delivery.pk,
        "event": "published",
        "type": "projects",
        "object": {
            "id": page.pk,
            "translation_key": str(page.translation_key),
            "locale": "de",
            "api_url": f"http://testserver/api/v1/projects/{page.pk}/",
        },
        "occurred_at": event.occurred_at.isoformat(),
        "cursor": event.id,
    }
    # The partner follows the link and gets the new project.
    response = client.get(payload["object"]["api_url"])
    assert response.status_code == 200
    assert response.json()["id"] == page.pk

    assert delivery.status == Status.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 204
    assert delivery.delivered_at is not None


def test_nothing_is_sent_before_the_transaction_commits(
    subscribe, receiver, make_project, deliver_queued, django_capture_on_commit_callbacks
):
    subscribe()
    with django_capture_on_commit_callbacks(execute=True):
        make_project("noch-nicht-committet")
        deliver_queued()
        assert receiver.requests == []
        assert not WebhookDelivery.objects.exists()
    deliver_queued()
    assert [payload["event"] for payload in receiver.payloads()] == ["published"]


def test_a_rolled_back_change_is_never_sent(subscribe, receiver, make_project, deliver_queued):
    subscribe()
    make_project("zurueckgerollt")  # the test's transaction never commits
    deliver_queued()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


# -- filters -------------------------------------------------------------------------------


def test_subscriptions_get_only_their_types_languages_and_events(
    subscribe,
    receiver,
    make_project,
    volume_1,
    volume_1_en,
    deliver_queued,
    django_capture_on_commit_callbacks,
):
    subscribe("/everything")
    subscribe("/english", locales=["en"])
    subscribe("/german-projects", locales=["de"], resources=["projects"])
    subscribe("/publications", resources=["publications"])
    subscribe("/removals", events=["unpublished", "deleted"])

    with django_capture_on_commit_callbacks(execute=True):
        project = make_project("gefiltert")
    with django_capture_on_commit_callbacks(execute=True):
        publish(volume_1_en)
    deliver_queued()

    received = {(r["path"], json.loads(r["body"])["object"]["id"]) for r in receiver.requests}
    assert received == {
        ("/everything", project.pk),
        ("/german-projects", project.pk),
        ("/everything", volume_1_en.pk),
        ("/english", volume_1_en.pk),
        ("/publications", volume_1_en.pk),
    }
    # The German project has no English version: English subscribers hear nothing of it.
    english = [json.loads(r["body"]) for r in receiver.requests if r["path"] == "/english"]
    assert [(p["type"], p["object"]["locale"]) for p in english] == [("publications", "en")]


def test_inactive_partners_and_subscriptions_get_nothing(
    partner, subscribe, receiver, make_project, deliver_queued, django_capture_on_commit_callbacks
):
    subscribe("/paused", is_active=False)
    other = Partner.objects.create(name="Ehemaliger Partner", is_active=False)
    WebhookSubscription.objects.create(partner=other, url=receiver.url + "/former")
    with django_capture_on_commit_callbacks(execute=True):
        make_project("niemand-hoert-zu")
    deliver_queued()
    assert receiver.requests == []


# -- unpublish, delete, and what must never be sent ------------------------------------------


@pytest.fixture
def live_project(
    subscribe, receiver, make_project, deliver_queued, django_capture_on_commit_callbacks
):
    """A published project the partner has already been told about."""
    subscribe()
    with django_capture_on_commit_callbacks(execute=True):
        page = make_project("bald-weg")
    deliver_queued()
    assert [p["event"] for p in receiver.payloads()] == ["published"]
    receiver.requests.clear()
    return page


def test_unpublishing_is_delivered_without_a_link(
    live_project, receiver, deliver_queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        live_project.unpublish()
    deliver_queued()

    assert [r["headers"]["X-IKPE-Event"] for r in receiver.requests] == ["unpublished"]
    (payload,) = receiver.payloads()
    assert (payload["event"], payload["type"]) == ("unpublished", "projects")
    assert payload["object"]["id"] == live_project.pk
    assert payload["object"]["api_url"] is None


def test_deleting_is_delivered_without_a_link(
    live_project, receiver, deliver_queued, django_capture_on_commit_callbacks
):
    page_id = live_project.pk
    with django_capture_on_commit_callbacks(execute=True):
        live_project.delete()
    deliver_queued()

    # Only the deletion: nothing after it may suggest the page is back.
    assert [r["headers"]["X-IKPE-Event"] for r in receiver.requests] == ["deleted"]
    (payload,) = receiver.payloads()
    assert (payload["event"], payload["type"]) == ("deleted", "projects")
    assert payload["object"]["id"] == page_id
    assert payload["object"]["api_url"] is None


def test_drafts_private_and_scheduled_pages_send_nothing(
    client, subscribe, receiver, project_index, deliver_queued, django_capture_on_commit_callbacks
):
    subscribe()
    values = {
        "acronym": "GEH",
        "start_date": datetime.date(2024, 1, 1),
        "teaser": "Nicht öffentlich.",
    }
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        draft = ProjectPage(title="Entwurf", slug="entwurf", live=False, **values)
        project_index.add_child(instance=draft)
        draft.save_revision()

        private = ProjectPage(title="Intern", slug="intern", live=False, **values)
        project_index.add_child(instance=private)
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
        )
        publish(private)

        scheduled = ProjectPage(
            title="Geplant",
            slug="geplant",
            live=False,
            go_live_at=now + datetime.timedelta(days=7),
            **values,
        )
        project_index.add_child(instance=scheduled)
        publish(scheduled)

        expired = ProjectPage(
            title="Abgelaufen",
            slug="abgelaufen",
            live=False,
            expire_at=now - datetime.timedelta(days=1),
            **values,
        )
        project_index.add_child(instance=expired)
        publish(expired)
    deliver_queued()

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()
    # None of them is public, so the API would not have shown them either.
    for page in (draft, private, scheduled, expired):
        assert client.get(f"/api/v1/projects/{page.pk}/").status_code == 404


# -- retries -------------------------------------------------------------------------------


def test_a_receiver_that_fails_twice_gets_the_delivery_on_the_third_attempt(
    subscribe, receiver, make_project, deliver_queued, django_capture_on_commit_callbacks
):
    subscribe()
    receiver.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        make_project("zweiter-versuch")
    deliver_queued()

    assert len(receiver.requests) == 3
    # The same delivery each time (partners de-duplicate by its id), freshly signed.
    assert len({r["headers"]["X-IKPE-Delivery"] for r in receiver.requests}) == 1
    assert len({r["body"] for r in receiver.requests}) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.SUCCEEDED
    assert delivery.attempts == 3
    assert delivery.last_status_code == 204
    assert delivery.last_error == ""


def test_retries_wait_exponentially_longer(
    settings, subscribe, receiver, make_project, deliver_queued, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_BACKOFF_SECONDS = 60
    subscribe()
    receiver.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        make_project("geduld")

    waits = []
    for attempt in (1, 2):
        deliver_queued()
        assert len(receiver.requests) == attempt
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == Status.PENDING
        assert delivery.attempts == attempt
        assert delivery.last_status_code == 500
        assert "500" in delivery.last_error
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
        # Not due yet: running the worker again sends nothing.
        deliver_queued()
        assert len(receiver.requests) == attempt
        fast_forward()

    assert [round(wait.total_seconds()) for wait in waits] == [60, 120]
    deliver_queued()
    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 3
    assert delivery.status == Status.SUCCEEDED
    assert delivery.next_attempt_at is None


def test_redirects_are_not_followed(
    settings, subscribe, receiver, make_project, deliver_queued, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    subscribe("/old-hook")
    receiver.failures = 1
    receiver.fail_status = 301
    receiver.fail_headers = {"Location": receiver.url + "/new-hook"}
    with django_capture_on_commit_callbacks(execute=True):
        make_project("umgezogen")
    deliver_queued()

    assert [r["path"] for r in receiver.requests] == ["/old-hook"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (Status.FAILED, 301)


def test_an_unreachable_receiver_is_logged_and_retried(
    settings, partner, make_project, deliver_queued, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with socket.socket() as probe:  # a port on which nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    WebhookSubscription.objects.create(partner=partner, url=f"http://127.0.0.1:{port}/hook")
    with django_capture_on_commit_callbacks(execute=True):
        make_project("niemand-da")
    deliver_queued()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 2)
    assert delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()


def test_an_inline_task_backend_sends_at_once_and_leaves_failures_to_resend(
    settings, subscribe, receiver, make_project, django_capture_on_commit_callbacks
):
    # Development runs tasks inline: no worker, and no waiting between attempts.
    settings.TASKS = {
        **settings.TASKS,
        "webhooks": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["webhooks"],
        },
    }
    subscribe()
    receiver.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        make_project("sofort")

    assert len(receiver.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        Status.FAILED,
        1,
        500,
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.resend(delivery)
    assert len(receiver.requests) == 2
    delivery.refresh_from_db()
    assert delivery.status == Status.SUCCEEDED


def test_a_delivery_that_succeeded_is_not_sent_again(
    subscribe, receiver, make_project, deliver_queued, django_capture_on_commit_callbacks
):
    subscribe()
    with django_capture_on_commit_callbacks(execute=True):
        make_project("nur-einmal")
    deliver_queued()
    delivery = WebhookDelivery.objects.get()

    # A duplicate task (say, enqueued twice) finds the attempt already made.
    webhooks.enqueue(delivery.pk, attempt=1)
    deliver_queued()
    assert webhooks.deliver.call(delivery.pk, 2) == "skipped"
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SUCCEEDED, 1)


def test_a_permanent_failure_shows_in_the_admin_log_and_can_be_resent(
    settings,
    admin_client,
    subscribe,
    receiver,
    make_project,
    deliver_queued,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    subscribe()
    receiver.failures = 100
    receiver.fail_status = 503
    with django_capture_on_commit_callbacks(execute=True):
        make_project("partner-offline")
    deliver_queued()

    assert len(receiver.requests) == 4
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == 4
    assert delivery.last_status_code == 503
    assert "receiver is down" in delivery.last_error
    assert delivery.next_attempt_at is None

    # The log lists it under "failed" with its error and offers to resend it.
    resend_url = reverse("syndication_webhook_deliveries:resend", args=[delivery.pk])
    index_url = reverse("syndication_webhook_deliveries:index")
    listing = admin_client.get(index_url, {"status": "failed"})
    assert listing.status_code == 200
    assert "receiver is down" in text(listing)
    assert resend_url in text(listing)
    assert "receiver is down" not in text(admin_client.get(index_url, {"status": "succeeded"}))
    inspect = admin_client.get(
        reverse("syndication_webhook_deliveries:inspect", args=[delivery.pk])
    )
    assert inspect.status_code == 200
    assert resend_url in text(inspect)

    # Asking is harmless; only the confirming POST resends.
    confirm = admin_client.get(resend_url)
    assert confirm.status_code == 200
    assert 'method="POST"' in text(confirm)
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED

    receiver.failures = 0
    receiver.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(resend_url)
    assert response.status_code == 302
    deliver_queued()

    assert len(receiver.requests) == 1
    assert receiver.requests[0]["headers"]["X-IKPE-Delivery"] == str(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Status.SUCCEEDED
    assert delivery.attempts == 1
    # A delivery that went through offers no resend any more.
    assert resend_url not in text(admin_client.get(index_url))
    assert admin_client.post(resend_url).status_code == 302
    deliver_queued()
    assert len(receiver.requests) == 1


def test_resend_needs_a_csrf_token(superuser, subscribe, receiver, partner):
    event = ChangeEvent.objects.create(
        kind="published",
        resource="projects",
        object_id=1,
        translation_key="00000000-0000-0000-0000-000000000001",
        locale="de",
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscribe(), event=event, status=Status.FAILED, attempts=6
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    response = client.post(reverse("syndication_webhook_deliveries:resend", args=[delivery.pk]))
    assert response.status_code == 403
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 6)


# -- the admin -----------------------------------------------------------------------------


def partner_form(url: str, **subscription) -> dict:
    data = nested_form_data(
        {
            "name": "Stadt Jena",
            "contact_email": "web@jena.example",
            "is_active": "on",
            "webhook_subscriptions": inline_formset([{"url": url, "is_active": "on", "id": ""}]),
        }
    )
    for field, values in subscription.items():
        data[f"webhook_subscriptions-0-{field}"] = values
    return data


def test_admin_adds_a_partner_with_a_webhook_and_sees_key_and_secret(admin_client):
    response = admin_client.post(
        reverse("syndication_partners:add"),
        partner_form(
            "https://jena.example/ikpe-hook",
            events=["published", "unpublished", "deleted"],
            locales=["de"],
            resources=["projects", "districts"],
        ),
    )
    assert response.status_code == 302, text(response)
    partner = Partner.objects.get(name="Stadt Jena")
    subscription = partner.webhook_subscriptions.get()
    assert subscription.url == "https://jena.example/ikpe-hook"
    assert subscription.events == ["published", "unpublished", "deleted"]
    assert subscription.locales == ["de"]
    assert subscription.resources == ["projects", "districts"]
    assert len(subscription.secret) == 64

    edit = admin_client.get(reverse("syndication_partners:edit", args=[partner.pk]))
    assert edit.status_code == 200
    assert partner.api_key in text(edit)
    assert subscription.secret in text(edit)


@pytest.mark.parametrize(
    ("url", "loopback_allowed", "accepted"),
    [
        ("http://jena.example/hook", True, False),
        ("ftp://jena.example/hook", True, False),
        ("http://127.0.0.1:8001/hook", False, False),
        ("http://127.0.0.1:8001/hook", True, True),
        ("http://localhost:8001/hook", True, True),
        ("https://jena.example/hook", False, True),
    ],
)
def test_admin_refuses_webhook_urls_without_https(
    settings, admin_client, url, loopback_allowed, accepted
):
    settings.WEBHOOK_ALLOW_HTTP_LOOPBACK = loopback_allowed
    response = admin_client.post(reverse("syndication_partners:add"), partner_form(url))
    if accepted:
        assert response.status_code == 302, text(response)
        assert WebhookSubscription.objects.filter(url=url).exists()
    else:
        assert response.status_code == 200
        assert "https://" in text(response)
        assert not Partner.objects.filter(name="Stadt Jena").exists()


def test_admin_refuses_a_subscription_to_unknown_types(admin_client):
    response = admin_client.post(
        reverse("syndication_partners:add"),
        partner_form("https://jena.example/hook", resources=["projects", "secrets"]),
    )
    assert response.status_code == 200
    assert not Partner.objects.exists()


def admin_urls(delivery: WebhookDelivery) -> list[str]:
    partner = delivery.subscription.partner
    return [
        reverse("syndication_partners:index"),
        reverse("syndication_partners:add"),
        reverse("syndication_partners:edit", args=[partner.pk]),
        reverse("syndication_webhook_deliveries:index"),
        reverse("syndication_webhook_deliveries:inspect", args=[delivery.pk]),
        reverse("syndication_webhook_deliveries:resend", args=[delivery.pk]),
    ]


@pytest.fixture
def failed_delivery(subscribe) -> WebhookDelivery:
    event = ChangeEvent.objects.create(
        kind="published",
        resource="projects",
        object_id=1,
        translation_key="00000000-0000-0000-0000-000000000001",
        locale="de",
    )
    return WebhookDelivery.objects.create(
        subscription=subscribe(),
        event=event,
        payload={"id": 1},
        status=Status.FAILED,
        attempts=6,
        last_status_code=500,
        last_error="HTTP 500 Internal Server Error",
    )


def test_admin_pages_render_for_a_superuser(admin_client, failed_delivery):
    for url in admin_urls(failed_delivery):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    dashboard = text(admin_client.get("/admin/"))
    assert reverse("syndication_partners:index") in dashboard
    assert reverse("syndication_webhook_deliveries:index") in dashboard


def test_admin_pages_are_closed_to_editors(editor_client, failed_delivery):
    for url in admin_urls(failed_delivery):
        response = editor_client.get(url)
        assert response.status_code in (302, 403), url
        assert response.status_code == 403 or response["Location"] == "/admin/", url
    response = editor_client.post(
        reverse("syndication_webhook_deliveries:resend", args=[failed_delivery.pk])
    )
    assert response.status_code in (302, 403)
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == Status.FAILED
    dashboard = text(editor_client.get("/admin/"))
    assert reverse("syndication_partners:index") not in dashboard
    assert reverse("syndication_webhook_deliveries:index") not in dashboard
