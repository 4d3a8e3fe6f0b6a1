"""Webhook deliveries to partners (connected to ``events.change_recorded``).

Every recorded change is matched against the active subscriptions of active partners.
Each match becomes a ``WebhookDelivery`` (the log an admin sees) and a task on the
"webhooks" queue, enqueued after the transaction commits. The task POSTs a small signed
JSON document; partners fetch the item itself from the API. Failures are retried with
exponential backoff until ``WEBHOOK_MAX_ATTEMPTS``, then the delivery is marked failed
and an admin can resend it.

Delivery is at least once: a partner may see the same delivery id twice (for example
when its answer was lost in a timeout) and should ignore repeats.

Signature: ``X-IKPE-Signature: sha256=<hex>``, the HMAC-SHA256 with the subscription's
secret over ``f"{X-IKPE-Timestamp}." + body``. Partners should also reject timestamps
that are too old, so a captured request cannot be replayed later.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from functools import partial

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from syndication.events import change_recorded
from syndication.models import (
    ChangeEvent,
    WebhookDelivery,
    WebhookSubscription,
    webhook_url_problem,
)

logger = logging.getLogger(__name__)

Kind = ChangeEvent.Kind
Status = WebhookDelivery.Status

USER_AGENT = "IKPE-Webhooks/1.0 (IKPE content platform)"
SIGNATURE_PREFIX = "sha256="
# Kinds after which the item is gone from the API, so there is nothing to link to.
GONE_KINDS = {Kind.UNPUBLISHED, Kind.DELETED}
ERROR_LENGTH = WebhookDelivery._meta.get_field("last_error").max_length


# -- signing --------------------------------------------------------------------------


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The X-IKPE-Signature value for ``body`` sent at ``timestamp``."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify(secret: str, timestamp: int | str, body: bytes, signature: str) -> bool:
    """What a partner does on receipt (documented here, used by the tests)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


# -- payload and matching -------------------------------------------------------------


def build_payload(delivery_id: int, event: ChangeEvent) -> dict:
    api_url = None
    if event.kind not in GONE_KINDS:
        path = reverse(f"api-v1:{event.resource}-detail", args=[event.object_id])
        api_url = settings.WAGTAILAPI_BASE_URL.rstrip("/") + path
    return {
        "id": delivery_id,
        "event": event.kind,
        "type": event.resource,
        "object": {
            "id": event.object_id,
            "translation_key": str(event.translation_key),
            "locale": event.locale,
            "api_url": api_url,
        },
        "occurred_at": event.occurred_at.isoformat(),
        "cursor": event.id,
    }


def matching_subscriptions(event: ChangeEvent) -> list[WebhookSubscription]:
    # Few rows; the list filters are checked in Python (JSON containment differs by database).
    candidates = WebhookSubscription.objects.filter(
        is_active=True, partner__is_active=True
    ).select_related("partner")
    return [subscription for subscription in candidates if subscription.matches(event)]


def create_deliveries(event: ChangeEvent) -> list[WebhookDelivery]:
    """Log one delivery per matching subscription and queue them once this commits."""
    deliveries = []
    with transaction.atomic():
        for subscription in matching_subscriptions(event):
            delivery = WebhookDelivery.objects.create(
                subscription=subscription, event=event, next_attempt_at=timezone.now()
            )
            delivery.payload = build_payload(delivery.pk, event)
            delivery.save(update_fields=["payload"])
            transaction.on_commit(partial(enqueue, delivery.pk, attempt=1))
            deliveries.append(delivery)
    return deliveries


@receiver(change_recorded)
def on_change_recorded(sender, event: ChangeEvent, **kwargs) -> None:
    # The change is already committed; a webhook problem must not fail the editor's request.
    try:
        create_deliveries(event)
    except Exception:
        logger.exception("Could not queue webhook deliveries for %s", event)


# -- the task -------------------------------------------------------------------------


def enqueue(delivery_id: int, attempt: int, run_after: datetime.datetime | None = None) -> None:
    """Queue an attempt; if even that fails, log the delivery as failed so it can be resent."""
    try:
        deliver.using(run_after=run_after).enqueue(delivery_id, attempt)
    except Exception as error:
        logger.exception("Could not queue webhook delivery %s", delivery_id)
        WebhookDelivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
            status=Status.FAILED,
            next_attempt_at=None,
            last_error=f"Could not queue: {type(error).__name__}: {error}"[:ERROR_LENGTH],
        )


def can_defer() -> bool:
    return deliver.get_backend().supports_defer


def resend(delivery: WebhookDelivery) -> None:
    """Start a failed delivery over: a fresh set of attempts, queued after commit."""
    delivery.status = Status.PENDING
    delivery.attempts = 0
    delivery.last_error = ""
    delivery.last_status_code = None
    delivery.next_attempt_at = timezone.now()
    delivery.save(
        update_fields=["status", "attempts", "last_error", "last_status_code", "next_attempt_at"]
    )
    transaction.on_commit(partial(enqueue, delivery.pk, attempt=1))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: recorded, not followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(subscription: WebhookSubscription, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """Send the delivery once; return the HTTP status (None if there was none) and an error."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-IKPE-Event": delivery.payload.get("event", ""),
            "X-IKPE-Delivery": str(delivery.pk),
            "X-IKPE-Timestamp": str(timestamp),
            "X-IKPE-Signature": sign(subscription.secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        with error:
            detail = error.read(200).decode("utf-8", "replace").strip()
        message = f"HTTP {error.code} {error.reason}"
        return error.code, f"{message}: {detail}" if detail else message
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"{type(error).__name__}: {reason}"


@task(backend="webhooks", queue_name="webhooks")
def deliver(delivery_id: int, attempt: int) -> str:
    """Make attempt number ``attempt`` of a delivery; schedule the next one if it fails.

    The attempt number makes the task idempotent: it only runs while the delivery is
    pending and has had ``attempt - 1`` attempts, and claims the attempt before sending,
    so a repeated or stale task (or a second worker) sends nothing.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, attempts=attempt - 1
    ).update(attempts=attempt, last_attempt_at=now, next_attempt_at=None)
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("subscription__partner").get(pk=delivery_id)
    subscription = delivery.subscription

    # Not worth retrying: an admin has to change something first, then resend.
    # The log is technical, like the HTTP errors next to it: in English.
    with translation.override("en"):
        refusal = str(webhook_url_problem(subscription.url) or "")
    if not (subscription.is_active and subscription.partner.is_active):
        refusal = "Subscription or partner inactive."
    if refusal:
        status_code, error, permanent = None, f"Not sent: {refusal}", True
    else:
        status_code, error = post(subscription, delivery)
        permanent = False

    delivery.last_status_code = status_code
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = Status.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
    elif permanent or attempt >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = Status.FAILED
        delivery.last_error = error[:ERROR_LENGTH]
    elif not can_defer():
        # An inline backend (development) cannot wait; an admin can resend instead.
        delivery.status = Status.FAILED
        delivery.last_error = f"{error} (no retries: the task backend cannot defer)"[:ERROR_LENGTH]
    else:
        delivery.last_error = error[:ERROR_LENGTH]
        delay = settings.WEBHOOK_BACKOFF_SECONDS * 2 ** (attempt - 1)
        delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=delay)
    delivery.save(
        update_fields=[
            "status",
            "last_status_code",
            "last_error",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    if delivery.status == Status.PENDING:
        enqueue(delivery.pk, attempt + 1, run_after=delivery.next_attempt_at)
    return delivery.status
