"""District profiles of Thuringia's Landkreise and kreisfreie Städte."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms.api.visibility import visible_pages
from cms.blocks import RICH_TEXT_FEATURES
from cms.listing import FilterField
from cms.models import BasePage, page_tabs

ags_validator = RegexValidator(
    r"^16\d{3}$", _("Enter the 5-digit official key of a Thuringian district (16xxx).")
)


class DistrictIndexPage(BasePage):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["districts.DistrictPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("district index")
        verbose_name_plural = _("district indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        districts = visible_pages(DistrictPage.objects.child_of(self)).order_by("kind", "title")
        kind = request.GET.get("kind", "")
        if kind in DistrictPage.Kind.values:
            districts = districts.filter(kind=kind)
        context.update(
            districts=districts,
            filter_fields=[
                FilterField("kind", _("Kind"), _("All kinds"), DistrictPage.Kind.choices, kind)
            ],
        )
        return context


class DistrictPage(BasePage):
    class Kind(models.TextChoices):
        LANDKREIS = "landkreis", _("Landkreis (rural district)")
        KREISFREIE_STADT = "kreisfreie_stadt", _("Kreisfreie Stadt (district-free city)")

    official_name = models.CharField(
        _("official name"), max_length=255, blank=True, help_text=_("If it differs from the title.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ags = models.CharField(
        _("official key (AGS)"),
        max_length=5,
        validators=[ags_validator],
        help_text=_("Amtlicher Gemeindeschlüssel of the district, e.g. 16051 for Erfurt."),
    )
    valid_until = models.DateField(
        _("kind and key valid until"),
        null=True,
        blank=True,
        help_text=_("Set when the district lost this status, e.g. Eisenach on 30 June 2021."),
    )
    status_note = models.CharField(
        _("note on the status change"),
        max_length=255,
        blank=True,
        help_text=_("E.g. “Since 1 July 2021 part of the Wartburgkreis.”"),
    )
    seat = models.CharField(_("administrative seat"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_date = models.DateField(_("population reference date"), null=True, blank=True)
    population_source = models.URLField(_("population source"), blank=True)
    integration_contact = models.ForeignKey(
        "directory.Person",
        verbose_name=_("integration management contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    profile = RichTextField(_("profile"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("official_name"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("ags")]),
        FieldRowPanel([FieldPanel("valid_until"), FieldPanel("status_note")]),
        FieldPanel("seat"),
        FieldPanel("profile"),
    ]
    facts_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("population"), FieldPanel("population_date")]),
                FieldPanel("population_source"),
            ],
            heading=_("Population"),
        ),
        FieldPanel("integration_contact"),
    ]
    edit_handler = page_tabs((content_panels, _("Content")), (facts_panels, _("Facts and contact")))
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("official_name"),
        index.SearchField("ags", boost=5),
        index.SearchField("seat"),
        index.SearchField("profile"),
        index.FilterField("kind"),
    ]
    override_translatable_fields = [SynchronizedField("ags"), SynchronizedField("seat")]
    parent_page_types = ["districts.DistrictIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("district profile")
        verbose_name_plural = _("district profiles")

    def clean(self):
        super().clean()
        clash = DistrictPage.objects.filter(ags=self.ags, locale_id=self.locale_id)
        if self.pk:
            clash = clash.exclude(pk=self.pk).exclude(translation_key=self.translation_key)
        if self.ags and clash.exists():
            raise ValidationError({"ags": _("Another district profile already uses this key.")})
        if self.population and not (self.population_date and self.population_source):
            raise ValidationError(
                {"population_source": _("A population figure needs a reference date and a source.")}
            )

    @property
    def is_historical(self) -> bool:
        return self.valid_until is not None

    def _linked(self, app_label: str, model_name: str):
        """Live pages in this page's locale that link to any translation of this district."""
        model = apps.get_model(app_label, model_name)
        return (
            visible_pages(model.objects.all())
            .filter(
                locale_id=self.locale_id,
                district_links__district__translation_key=self.translation_key,
            )
            .distinct()
        )

    def get_projects(self):
        return self._linked("projects", "ProjectPage").order_by("-start_date")

    def get_publications(self):
        return self._linked("publications", "PublicationPage").order_by("-publication_date")

    def get_interviews(self):
        return self._linked("publications", "InterviewPage").order_by("-interview_date")

    def get_jsonld(self, request=None) -> dict:
        data = {
            "@type": "AdministrativeArea",
            "name": self.official_name or self.title,
            "identifier": {"@type": "PropertyValue", "propertyID": "AGS", "value": self.ags},
            "containedInPlace": {"@type": "State", "name": "Thüringen"},
        }
        if self.population:
            data["population"] = self.population
        return data


class DistrictLink(Orderable):
    """A page's participating or related district; concrete models add the ParentalKey."""

    district = models.ForeignKey(
        DistrictPage, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("district")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("district")
        verbose_name_plural = _("districts")
