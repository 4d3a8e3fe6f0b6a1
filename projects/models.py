"""Research and advisory projects of the institute."""

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms.api.visibility import visible_pages
from cms.blocks import RICH_TEXT_FEATURES, body_blocks
from cms.dates import current_month, first_of_month
from cms.i18n import localize_links
from cms.indexing import districts_text, people_text, related_text, topics_text
from cms.listing import FilterField, listing_filter_options, paginate
from cms.models import BasePage, page_tabs
from directory.models import TopicLink
from districts.models import DistrictLink


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    COMPLETED = "completed", _("completed")


def filter_by_status(
    queryset: QuerySet, status: str, today: datetime.date | None = None
) -> QuerySet:
    """Status is derived from the dates, so filtering translates it back into date ranges."""
    month = current_month(today)
    if status == ProjectStatus.PLANNED:
        return queryset.filter(start_date__gt=month)
    if status == ProjectStatus.COMPLETED:
        return queryset.filter(end_date__lt=month)
    if status == ProjectStatus.RUNNING:
        return queryset.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=month), start_date__lte=month
        )
    return queryset


def filter_projects(projects: QuerySet, request) -> dict:
    """Apply the listing filters from the query string; unknown values are ignored."""
    status = request.GET.get("status", "")
    topic = request.GET.get("topic", "")
    district = request.GET.get("district", "")
    if status in ProjectStatus.values:
        projects = filter_by_status(projects, status)
    if topic:
        projects = projects.filter(topic_links__topic__slug=topic)
    if district:
        projects = projects.filter(district_links__district__ags=district)
    options = listing_filter_options(ProjectTopic, ProjectDistrict)
    return {
        # DISTINCT only where a filter across links can repeat a project: over every
        # column it cost more than the rest of the listing at 100,000 pages.
        **paginate(
            request,
            projects.distinct() if topic or district else projects,
            scopes=["projects"],  # a changed topic or district bumps projects too
        ),
        "filter_options": options,
        "filter_fields": [
            FilterField(
                "status",
                _("Status"),
                _("All"),
                [(value, capfirst(label)) for value, label in ProjectStatus.choices],
                status,
            ),
            FilterField(
                "topic",
                _("Topic"),
                _("All topics"),
                [(t.slug, t.name) for t in options["topics"]],
                topic,
            ),
            FilterField(
                "district",
                _("District"),
                _("All districts"),
                [(d.ags, d.title) for d in options["districts"]],
                district,
            ),
        ],
    }


class ProjectIndexPage(BasePage):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["projects.ProjectPage"]
    max_count_per_parent = 1
    page_size = 12

    class Meta:
        verbose_name = _("project index")
        verbose_name_plural = _("project indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        projects = visible_pages(ProjectPage.objects.child_of(self)).order_by("-start_date")
        context.update(filter_projects(projects, request))
        return context


class ProjectPage(BasePage):
    acronym = models.CharField(
        _("acronym"), max_length=30, blank=True, help_text=_("Short name, e.g. “ThILIK”.")
    )
    start_date = models.DateField(
        _("start"), help_text=_("Month precision: the day is set to the first of the month.")
    )
    end_date = models.DateField(
        _("end"), null=True, blank=True, help_text=_("Leave empty for open-ended projects.")
    )
    dates_precision = models.CharField(
        _("precision of the dates"),
        max_length=5,
        choices=[("month", _("Month")), ("year", _("Year only"))],
        default="month",
        help_text=_("Choose “year only” when the source gives years, e.g. “2016 – 2022”."),
    )
    teaser = models.TextField(_("teaser"), max_length=600, help_text=_("One or two sentences."))
    body = StreamField(body_blocks(), blank=True, verbose_name=_("description"))
    districts_as_of = models.DateField(
        _("participating districts as of"),
        null=True,
        blank=True,
        help_text=_("Month the list of districts refers to (“Stand Mai 2022”)."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("acronym"),
        FieldRowPanel(
            [FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("dates_precision")],
            heading=_("Duration"),
        ),
        FieldPanel("teaser"),
        FieldPanel("body"),
        InlinePanel("topic_links", label=_("Topics")),
    ]
    people_panels = [
        InlinePanel("people", label=_("Lead and contacts")),
        InlinePanel("organisations", label=_("Partners and funders")),
    ]
    region_panels = [
        FieldPanel("districts_as_of"),
        InlinePanel("district_links", label=_("Participating districts")),
    ]
    edit_handler = page_tabs(
        (content_panels, _("Content")),
        (people_panels, _("People and funding")),
        (region_panels, _("Regions")),
    )
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("acronym", boost=10),
        index.AutocompleteField("acronym"),
        index.SearchField("teaser", boost=2),
        index.SearchField("body"),
        index.SearchField("search_people", boost=2),
        index.SearchField("search_organisations"),
        index.SearchField("search_districts"),
        index.SearchField("search_topics", boost=2),
        index.FilterField("start_date"),
        index.FilterField("end_date"),
    ]
    override_translatable_fields = [SynchronizedField("acronym")]
    parent_page_types = ["projects.ProjectIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        # Listings, the home page and the API show the newest first: with the index the
        # database reads the first rows in order instead of sorting every project.
        indexes = [models.Index(fields=["-start_date"], name="project_start_date_idx")]

    def clean(self):
        super().clean()
        self.start_date = first_of_month(self.start_date)
        self.end_date = first_of_month(self.end_date)
        self.districts_as_of = first_of_month(self.districts_as_of)
        if self.dates_precision == "year":
            # A year-only end means the project runs through that December.
            self.start_date = self.start_date and self.start_date.replace(month=1)
            self.end_date = self.end_date and self.end_date.replace(month=12)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end must not be before the start.")})

    @property
    def date_format(self) -> str:
        """Django date format for the duration: “Januar 2021” or “2016”."""
        return "Y" if self.dates_precision == "year" else "F Y"

    def search_people(self) -> str:
        return people_text(self, "people")

    def search_organisations(self) -> str:
        return related_text(self, "organisations", "organisation", ["name", "short_name"])

    def search_districts(self) -> str:
        return districts_text(self)

    def search_topics(self) -> str:
        return topics_text(self)

    def get_status(self, today: datetime.date | None = None) -> str:
        month = current_month(today)
        if self.start_date and self.start_date > month:
            return ProjectStatus.PLANNED
        if self.end_date and self.end_date < month:
            return ProjectStatus.COMPLETED
        return ProjectStatus.RUNNING

    @property
    def status(self) -> str:
        return self.get_status()

    def get_status_display(self) -> str:
        return ProjectStatus(self.status).label

    def get_teaser(self) -> str:
        return self.listing_teaser or self.teaser

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            people=self.people_links,
            organisations=self.organisation_links,
            topic_links=localize_links(self.topic_links.select_related("topic"), "topic"),
            district_links=localize_links(
                self.district_links.select_related("district"), "district"
            ),
        )
        return context

    @cached_property
    def people_links(self) -> list["ProjectPerson"]:
        """Fetched once per request for the template and the JSON-LD."""
        return list(self.people.select_related("person"))

    @cached_property
    def organisation_links(self) -> list["ProjectOrganisation"]:
        return localize_links(self.organisations.select_related("organisation"), "organisation")

    def _linked(self, model_name: str):
        """Live pages in this locale that name any translation of this project."""
        model = apps.get_model("publications", model_name)
        return (
            visible_pages(model.objects.all())
            .filter(
                locale_id=self.locale_id,
                project_links__project__translation_key=self.translation_key,
            )
            .distinct()
        )

    def get_publications(self):
        return self._linked("PublicationPage").order_by("-publication_date")

    def get_interviews(self):
        return self._linked("InterviewPage").order_by("-interview_date")

    def get_jsonld(self, request=None) -> dict:
        data = {
            "@type": "ResearchProject",
            "name": self.title,
            "description": self.teaser,
            "startDate": self.start_date.strftime("%Y-%m"),
        }
        if self.acronym:
            data["alternateName"] = self.acronym
        if self.end_date:
            data["endDate"] = self.end_date.strftime("%Y-%m")
        funders = [link.target for link in self.organisation_links if link.role == "funder"]
        if funders:
            data["funder"] = [org.get_jsonld() for org in funders]
        members = [link.person for link in self.people_links if link.is_current()]
        if members:
            data["member"] = [person.get_jsonld() for person in members]
        return data


class ProjectPerson(Orderable):
    """A person's part in a project, optionally limited in time (“bis 05/2022”)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Project lead")
        CONTACT = "contact", _("Contact")
        STAFF = "staff", _("Staff")

    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(
        "directory.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONTACT)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_until = models.DateField(_("until"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("person"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("project person")

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end must not be before the start.")})

    def is_current(self, today: datetime.date | None = None) -> bool:
        month = current_month(today)
        if self.valid_from and first_of_month(self.valid_from) > month:
            return False
        return not (self.valid_until and first_of_month(self.valid_until) < month)


class ProjectOrganisation(TranslatableMixin, Orderable):
    """A partner or funder; the funding programme is translated with the page."""

    class Role(models.TextChoices):
        PARTNER = "partner", _("Partner")
        FUNDER = "funder", _("Funder")

    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="organisations")
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTNER)
    programme = models.CharField(
        _("funding programme"),
        max_length=255,
        blank=True,
        help_text=_("E.g. “ESF – poverty prevention guideline”."),
    )

    panels = [
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("role")]),
        FieldPanel("programme"),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("partner or funder")


class ProjectDistrict(DistrictLink):
    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="district_links")


class ProjectTopic(TopicLink):
    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="topic_links")


class ProjectLink(Orderable):
    """A publication's or interview's related project; concrete models add the ParentalKey."""

    project = models.ForeignKey(
        ProjectPage, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("project")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("related project")
        verbose_name_plural = _("related projects")
