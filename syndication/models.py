"""What partners are told about: the change log and the partners themselves."""

import ipaddress
import secrets
from urllib.parse import urlsplit

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class ChangeEvent(models.Model):
    """One public change to one item, written in the transaction that made it.

    The auto-increment id is the cursor of the change feed: it orders events exactly
    even when two changes share a timestamp.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("published")
        UPDATED = "updated", _("updated")
        UNPUBLISHED = "unpublished", _("unpublished")
        DELETED = "deleted", _("deleted")
        MOVED = "moved", _("moved")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    resource = models.CharField(_("resource"), max_length=30)
    object_id = models.PositiveBigIntegerField(_("object id"))
    translation_key = models.UUIDField(_("translation key"))
    locale = models.CharField(_("locale"), max_length=10)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        ordering = ["id"]
        indexes = [models.Index(fields=["resource", "object_id", "-id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.resource}/{self.object_id} ({self.locale})"


def new_api_key() -> str:
    return secrets.token_urlsafe(32)


class Partner(ClusterableModel):
    """A site that pulls our content; its key buys a higher rate limit and webhooks."""

    name = models.CharField(_("name"), max_length=200)
    contact_email = models.EmailField(_("contact email"), blank=True)
    api_key = models.CharField(
        _("API key"),
        max_length=64,
        unique=True,
        default=new_api_key,
        help_text=_("Sent by the partner in the X-API-Key header. Generated automatically."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive partners' keys are refused.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# -- webhooks ---------------------------------------------------------------------------


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


def resource_choices() -> list[tuple[str, str]]:
    """The partner API's resource names, labelled with their models' plural names."""
    from syndication.registry import MODELS

    return [
        (name, capfirst(apps.get_model(label)._meta.verbose_name_plural))
        for name, label in MODELS.items()
    ]


def locale_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.WAGTAIL_CONTENT_LANGUAGES]


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def webhook_url_problem(url: str) -> str | None:
    """Why ``url`` may not receive webhooks, or None if it may.

    Deliveries carry a signature but no encryption, so only HTTPS is accepted. Plain HTTP
    is allowed for loopback receivers (tests, a partner's local development) when the
    ``WEBHOOK_ALLOW_HTTP_LOOPBACK`` setting says so.
    """
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if (
        parts.scheme == "http"
        and getattr(settings, "WEBHOOK_ALLOW_HTTP_LOOPBACK", False)
        and is_loopback(parts.hostname)
    ):
        return None
    return _("Webhook URLs must start with https://.")


def validate_webhook_url(url: str) -> None:
    if problem := webhook_url_problem(url):
        raise ValidationError(problem, code="insecure")


class ChoiceListField(models.JSONField):
    """A list of values out of a fixed set, stored as JSON and edited as checkboxes.

    An empty list means "no restriction". ``item_choices`` (a list or a callable returning
    one) is used for the form and for validation only; it stays out of migrations so new
    resources or languages need none.
    """

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = item_choices
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def get_item_choices(self) -> list[tuple[str, str]]:
        choices = self.item_choices
        return list(choices() if callable(choices) else choices)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {choice for choice, _label in self.get_item_choices()}
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValidationError(_("Choose from the offered values only."), code="invalid_choice")

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.get_item_choices,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


class WebhookSubscription(models.Model):
    """An HTTPS endpoint of a partner that is told about changes as they happen."""

    partner = ParentalKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("partner"),
    )
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[validate_webhook_url],
        help_text=_("The partner's HTTPS endpoint; it receives a signed POST per change."),
    )
    events = ChoiceListField(
        _("events"),
        item_choices=ChangeEvent.Kind.choices,
        help_text=_("Leave all unticked to receive every event."),
    )
    resources = ChoiceListField(
        _("types"),
        item_choices=resource_choices,
        help_text=_("Leave all unticked to receive every type."),
    )
    locales = ChoiceListField(
        _("languages"),
        item_choices=locale_choices,
        help_text=_("Leave all unticked to receive every language."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=64,
        default=new_webhook_secret,
        help_text=_(
            "The partner checks the X-IKPE-Signature header with it. Generated automatically."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["partner", "id"]

    def __str__(self) -> str:
        return f"{self.partner} → {self.url}"

    def matches(self, event: ChangeEvent) -> bool:
        return (
            (not self.events or event.kind in self.events)
            and (not self.resources or event.resource in self.resources)
            and (not self.locales or event.locale in self.locales)
        )


class WebhookDelivery(models.Model):
    """One change sent to one subscription: the payload, and how sending it went."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("webhook subscription"),
    )
    event = models.ForeignKey(
        ChangeEvent,
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
        verbose_name=_("change event"),
    )
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.event} → {self.subscription.url}"
