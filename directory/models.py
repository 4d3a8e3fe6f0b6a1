"""Snippets shared by projects, publications, interviews and districts."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from cms.models import SyndicatedSnippet


class Person(TranslatableMixin, SyndicatedSnippet, index.Indexed):
    """A person named on the site; the name is shared, the role is translated."""

    academic_title = models.CharField(
        _("academic title"), max_length=40, blank=True, help_text=_("For example “Dr.”")
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("For example “Project lead”")
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("academic_title"), FieldPanel("given_name")]),
        FieldPanel("family_name"),
        FieldPanel("role"),
        FieldPanel("photo"),
        MultiFieldPanel([FieldPanel("email"), FieldPanel("phone")], heading=_("Contact details")),
    ]
    search_fields = [
        index.SearchField("given_name", boost=2),
        index.SearchField("family_name", boost=3),
        index.AutocompleteField("family_name"),
        index.SearchField("role"),
        index.FilterField("locale"),
    ]
    translatable_fields = [
        SynchronizedField("slug"),
        SynchronizedField("academic_title"),
        SynchronizedField("given_name"),
        SynchronizedField("family_name"),
        TranslatableField("role"),
        SynchronizedField("photo"),
        SynchronizedField("email"),
        SynchronizedField("phone"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.full_name

    def slug_source(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.academic_title, self.given_name, self.family_name) if p)

    def get_jsonld(self) -> dict:
        data = {
            "@type": "Person",
            "name": f"{self.given_name} {self.family_name}",
            "givenName": self.given_name,
            "familyName": self.family_name,
        }
        if self.academic_title:
            data["honorificPrefix"] = self.academic_title
        if self.role:
            data["jobTitle"] = self.role
        return data


class Organisation(TranslatableMixin, SyndicatedSnippet, index.Indexed):
    """Partners, funders, ministries and administrations; names are translated."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        ADMINISTRATION = "administration", _("District or city administration")
        ASSOCIATION = "association", _("Association")
        RESEARCH = "research", _("Research institute or university")
        FUND = "fund", _("Funding programme or EU fund")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(
        _("short name"), max_length=40, blank=True, help_text=_("For example “TMMJV”")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    url = models.URLField(_("website"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("kind")]),
        FieldPanel("url"),
    ]
    search_fields = [
        index.SearchField("name", boost=2),
        index.SearchField("short_name", boost=3),
        index.AutocompleteField("name"),
        index.FilterField("locale"),
    ]
    translatable_fields = [
        SynchronizedField("slug"),
        TranslatableField("name"),
        SynchronizedField("short_name"),
        SynchronizedField("kind"),
        SynchronizedField("url"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def slug_source(self) -> str:
        return self.short_name or self.name

    def get_jsonld(self) -> dict:
        data = {"@type": "Organization", "name": self.name}
        if self.short_name:
            data["alternateName"] = self.short_name
        if self.url:
            data["url"] = self.url
        return data


class Topic(TranslatableMixin, SyndicatedSnippet):
    """A field of work (Handlungsfeld); the slug is shared so filters work in both locales."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, allow_unicode=False, help_text=_("Used in filter URLs.")
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    translatable_fields = [
        TranslatableField("name"),
        SynchronizedField("slug"),
        TranslatableField("description"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_topic_slug_per_locale")
        ]

    def __str__(self) -> str:
        return self.name


class TopicLink(Orderable):
    """A page's topic; concrete models add the ParentalKey (related_name="topic_links")."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("topic")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
