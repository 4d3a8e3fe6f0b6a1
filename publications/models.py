"""Publications, their series, and the interviews published with them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.blocks import CharBlock
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms.api.visibility import visible_pages
from cms.blocks import RICH_TEXT_FEATURES, body_blocks, interview_blocks
from cms.i18n import localize_links, localized_many
from cms.indexing import districts_text, people_text, related_text, topics_text
from cms.listing import FilterField, listing_filter_options, number_param, paginate
from cms.models import BasePage, SyndicatedSnippet, page_tabs
from directory.models import TopicLink
from districts.models import DistrictLink
from projects.models import ProjectLink
from publications.citation import citation_response, publication_jsonld
from publications.validators import normalise_isbn, validate_doi, validate_isbn


def relation_context(page) -> dict:
    """Related projects and districts of a publication or interview, in the reader's locale."""
    return {
        "project_links": localize_links(page.project_links.select_related("project"), "project"),
        "district_links": localize_links(
            page.district_links.select_related("district"), "district"
        ),
    }


class PublicationSeries(TranslatableMixin, SyndicatedSnippet):
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("description")]
    override_translatable_fields = [SynchronizedField("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("publication series")
        verbose_name_plural = _("publication series")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class PublicationIndexPage(BasePage):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["publications.PublicationPage", "publications.InterviewPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("publication index")
        verbose_name_plural = _("publication indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        publications = visible_pages(PublicationPage.objects.child_of(self)).order_by(
            "-publication_date"
        )
        filters = {key: request.GET.get(key, "") for key in ("year", "kind", "series", "topic")}
        year = number_param(filters["year"], maximum=9999)
        if year is not None:
            publications = publications.filter(publication_date__year=year)
        if filters["kind"] in PublicationPage.Kind.values:
            publications = publications.filter(kind=filters["kind"])
        series = PublicationSeries.objects.filter(
            pk=number_param(filters["series"], maximum=2**63 - 1)
        ).first()
        if series:
            publications = publications.filter(series__translation_key=series.translation_key)
        if filters["topic"]:
            publications = publications.filter(topic_links__topic__slug=filters["topic"])
        # DISTINCT only where the topic filter (across links) can repeat a publication.
        context.update(
            paginate(
                request,
                publications.distinct() if filters["topic"] else publications,
                scopes=["publications"],  # a changed topic or series bumps it too
            )
        )
        options = listing_filter_options(PublicationTopic, PublicationDistrict)
        years = visible_pages(PublicationPage.objects.child_of(self)).dates(
            "publication_date", "year", order="DESC"
        )
        series_options = PublicationSeries.objects.filter(locale=self.locale)
        context.update(
            filter_options=options,
            filter_fields=[
                FilterField(
                    "year",
                    _("Year"),
                    _("All years"),
                    [(str(d.year),) * 2 for d in years],
                    filters["year"],
                ),
                FilterField(
                    "kind", _("Kind"), _("All kinds"), PublicationPage.Kind.choices, filters["kind"]
                ),
                FilterField(
                    "series",
                    _("Series"),
                    _("All series"),
                    [(str(s.pk), s.title) for s in series_options],
                    filters["series"],
                ),
                FilterField(
                    "topic",
                    _("Topic"),
                    _("All topics"),
                    [(t.slug, t.name) for t in options["topics"]],
                    filters["topic"],
                ),
            ],
            interviews=visible_pages(InterviewPage.objects.child_of(self)).order_by(
                "-interview_date"
            )[:6],
        )
        return context


class PublicationPage(RoutablePageMixin, BasePage):
    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        BROCHURE = "brochure", _("Brochure")
        ARTICLE = "article", _("Article")
        BOOK = "book", _("Book")
        WORKING_PAPER = "working_paper", _("Working paper")
        GUIDE = "guide", _("Guide")

    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    publication_date = models.DateField(_("publication date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    series = models.ForeignKey(
        PublicationSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    volume = models.PositiveSmallIntegerField(_("volume"), null=True, blank=True)
    publisher = models.CharField(_("publisher"), max_length=255, default=settings.IKPE_NAME)
    abstract = RichTextField(_("abstract"), features=RICH_TEXT_FEATURES)
    guiding_questions = StreamField(
        [("question", CharBlock(label=_("Question"), max_length=500))],
        blank=True,
        verbose_name=_("guiding questions"),
        help_text=_("The questions this publication answers."),
    )
    body = StreamField(body_blocks(), blank=True, verbose_name=_("further content"))
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    isbn = models.CharField(_("ISBN"), max_length=20, blank=True, validators=[validate_isbn])
    doi = models.CharField(_("DOI"), max_length=200, blank=True, validators=[validate_doi])

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("subtitle"),
        FieldRowPanel([FieldPanel("publication_date"), FieldPanel("kind")]),
        FieldPanel("abstract"),
        FieldPanel("guiding_questions"),
        FieldPanel("body"),
        InlinePanel("topic_links", label=_("Topics")),
    ]
    bibliographic_panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("series"), FieldPanel("volume")])], heading=_("Series")
        ),
        InlinePanel("authors", label=_("Authors and editors")),
        FieldPanel("publisher"),
        FieldRowPanel([FieldPanel("isbn"), FieldPanel("doi")]),
        FieldPanel("document"),
        FieldPanel("cover_image"),
    ]
    relation_panels = [
        InlinePanel("project_links", label=_("Related projects")),
        InlinePanel("district_links", label=_("Related districts")),
    ]
    edit_handler = page_tabs(
        (content_panels, _("Content")),
        (bibliographic_panels, _("Bibliographic data")),
        (relation_panels, _("Relations")),
    )
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("subtitle", boost=2),
        index.SearchField("abstract", boost=2),
        index.SearchField("guiding_questions"),
        index.SearchField("body"),
        index.SearchField("search_people", boost=2),
        index.SearchField("search_series", boost=2),
        index.SearchField("search_districts"),
        index.SearchField("search_topics", boost=2),
        index.FilterField("publication_date"),
        index.FilterField("kind"),
    ]
    override_translatable_fields = [SynchronizedField("isbn"), SynchronizedField("doi")]
    parent_page_types = ["publications.PublicationIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        # Newest first everywhere (see ProjectPage.Meta).
        indexes = [models.Index(fields=["-publication_date"], name="publication_date_idx")]

    def clean(self):
        super().clean()
        if self.isbn:
            self.isbn = normalise_isbn(self.isbn)

    def get_teaser(self) -> str:
        return self.listing_teaser or self.subtitle or self.search_description

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            relation_context(self),
            authors=list(self.authors.select_related("person")),
            series=localized_many([self.series])[0] if self.series_id else None,
            topic_links=localize_links(self.topic_links.select_related("topic"), "topic"),
            interviews=self.get_interviews(),
        )
        return context

    def get_interviews(self):
        """Interviews published in any translation of this publication, in its locale."""
        return (
            visible_pages(InterviewPage.objects.all())
            .filter(
                locale_id=self.locale_id, related_publication__translation_key=self.translation_key
            )
            .order_by("interview_date")
        )

    def search_people(self) -> str:
        return people_text(self, "authors")

    def search_series(self) -> str:
        series = localized_many([self.series], self.locale)[0] if self.series_id else None
        return series.title if series else ""

    def search_districts(self) -> str:
        return districts_text(self)

    def search_topics(self) -> str:
        return topics_text(self)

    def get_authors(self, role: str | None = None) -> list["PublicationPerson"]:
        return [a for a in self.authors.all() if role is None or a.role == role]

    @path("cite/<str:fmt>/")
    def citation(self, request, fmt: str):
        return citation_response(self, request, fmt)

    def get_jsonld(self, request=None) -> dict:
        return publication_jsonld(self, request)


class PublicationPerson(Orderable):
    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        EDITOR = "editor", _("Editor")

    page = ParentalKey(PublicationPage, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(
        "directory.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AUTHOR)

    panels = [FieldRowPanel([FieldPanel("person"), FieldPanel("role")])]

    class Meta(Orderable.Meta):
        verbose_name = _("author or editor")


class PublicationProject(ProjectLink):
    page = ParentalKey(PublicationPage, on_delete=models.CASCADE, related_name="project_links")


class PublicationDistrict(DistrictLink):
    page = ParentalKey(PublicationPage, on_delete=models.CASCADE, related_name="district_links")


class PublicationTopic(TopicLink):
    page = ParentalKey(PublicationPage, on_delete=models.CASCADE, related_name="topic_links")


class InterviewPage(BasePage):
    interview_date = models.DateField(_("date of the interview"))
    lead = models.TextField(_("lead text"), max_length=1000)
    body = StreamField(interview_blocks(), verbose_name=_("interview"))
    related_publication = models.ForeignKey(
        PublicationPage,
        verbose_name=_("published in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews",
    )
    is_sample = models.BooleanField(
        _("sample content"),
        default=False,
        help_text=_("Marks demonstration content with fictitious people; shown as a notice."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("interview_date"),
        FieldPanel("lead"),
        FieldPanel("body"),
    ]
    people_panels = [InlinePanel("participants", label=_("Interviewees and interviewer"))]
    relation_panels = [
        FieldPanel("related_publication"),
        InlinePanel("project_links", label=_("Related projects")),
        InlinePanel("district_links", label=_("Related districts")),
        FieldPanel("is_sample"),
    ]
    edit_handler = page_tabs(
        (content_panels, _("Content")),
        (people_panels, _("People")),
        (relation_panels, _("Relations")),
    )
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("lead", boost=2),
        index.SearchField("body"),
        index.SearchField("search_people", boost=2),
        index.SearchField("search_institutions"),
        index.SearchField("search_districts"),
        index.FilterField("interview_date"),
    ]
    parent_page_types = ["publications.PublicationIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        indexes = [models.Index(fields=["-interview_date"], name="interview_date_idx")]

    def get_teaser(self) -> str:
        return self.listing_teaser or self.lead

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        participants = localize_links(
            self.participants.select_related("person", "institution"), "person"
        )
        institutions = iter(localized_many(p.institution for p in participants if p.institution_id))
        for participant in participants:
            participant.institution_target = (
                next(institutions) if participant.institution_id else None
            )
        publication = self.related_publication
        context.update(
            relation_context(self),
            participants=participants,
            related_publication=localized_many([publication])[0] if publication else None,
        )
        return context

    def search_people(self) -> str:
        return people_text(self, "participants")

    def search_institutions(self) -> str:
        return related_text(self, "participants", "institution", ["name", "short_name"])

    def search_districts(self) -> str:
        return districts_text(self)

    def get_participants(self, kind: str) -> list["InterviewParticipant"]:
        return [p for p in self.participants.all() if p.kind == kind]

    def get_jsonld(self, request=None) -> dict:
        people = [p.person.get_jsonld() for p in self.get_participants("interviewee")]
        return {
            "@type": "Interview" if not self.is_sample else "CreativeWork",
            "name": self.title,
            "abstract": self.lead,
            "dateCreated": self.interview_date.isoformat(),
            "about": people,
        }


class InterviewParticipant(Orderable):
    class Kind(models.TextChoices):
        INTERVIEWEE = "interviewee", _("Interviewee")
        INTERVIEWER = "interviewer", _("Interviewer")

    page = ParentalKey(InterviewPage, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        "directory.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        _("part"), max_length=20, choices=Kind.choices, default=Kind.INTERVIEWEE
    )
    institution = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ministry, district administration or city the person speaks for."),
    )

    panels = [FieldRowPanel([FieldPanel("person"), FieldPanel("kind")]), FieldPanel("institution")]

    class Meta(Orderable.Meta):
        verbose_name = _("participant")


class InterviewProject(ProjectLink):
    page = ParentalKey(InterviewPage, on_delete=models.CASCADE, related_name="project_links")


class InterviewDistrict(DistrictLink):
    page = ParentalKey(InterviewPage, on_delete=models.CASCADE, related_name="district_links")
