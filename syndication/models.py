"""What partners are told about: the change log and the partners themselves."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class Partner(models.Model):
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
