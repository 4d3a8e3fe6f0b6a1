"""One record per Plone item: what it became here, so re-runs update instead of duplicating."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedItem(models.Model):
    """Where a Plone item (by UID) went, and the hash of the data it was imported from.

    The UID is the only identity that survives moves and renames in Plone, so it is the key;
    the hash lets a second run skip unchanged items, which is what makes runs resumable.
    """

    class Status(models.TextChoices):
        IMPORTED = "imported", _("imported")
        LINKED = "linked", _("mapped onto an existing page")
        SKIPPED = "skipped", _("skipped")
        FAILED = "failed", _("failed")

    plone_uid = models.CharField(_("Plone UID"), max_length=64, unique=True)
    plone_path = models.CharField(_("Plone path"), max_length=1000, db_index=True)
    portal_type = models.CharField(_("Plone type"), max_length=100)
    language = models.CharField(_("language"), max_length=16, blank=True)
    translation_group = models.CharField(
        _("translation group"), max_length=255, blank=True, db_index=True
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    redirect_url = models.CharField(_("link target"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    effective = models.DateTimeField(_("effective date in Plone"), null=True, blank=True)
    needs_links = models.BooleanField(
        _("links to resolve"),
        default=False,
        help_text=_("Internal links or listings still point at Plone items."),
    )
    pending = models.JSONField(_("pending references"), default=dict, blank=True)
    messages = models.JSONField(_("messages"), default=list, blank=True)
    first_imported_at = models.DateTimeField(_("first imported"), auto_now_add=True)
    last_imported_at = models.DateTimeField(_("last imported"), auto_now=True)

    class Meta:
        verbose_name = _("imported Plone item")
        verbose_name_plural = _("imported Plone items")
        ordering = ["plone_path"]

    def __str__(self) -> str:
        return f"{self.portal_type} {self.plone_path}"

    @property
    def target(self):
        """The Wagtail object this item became, if any."""
        return self.page or self.image or self.document
