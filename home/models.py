"""The home page and free-form standard pages (about, Impressum, Datenschutz, …)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.api.visibility import visible_pages
from cms.blocks import RICH_TEXT_FEATURES, body_blocks
from cms.models import BasePage, page_tabs
from projects.models import ProjectPage, ProjectStatus, filter_by_status
from publications.models import PublicationPage


class HomePage(BasePage):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    body = StreamField(body_blocks(), blank=True, verbose_name=_("content"))

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.StandardPage",
        "projects.ProjectIndexPage",
        "publications.PublicationIndexPage",
        "districts.DistrictIndexPage",
    ]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        projects = visible_pages(ProjectPage.objects.all()).filter(locale=self.locale)
        running = list(
            filter_by_status(projects, ProjectStatus.RUNNING).order_by("-start_date")[:3]
        )
        # With nothing running, show the latest projects under a heading that says so.
        context["projects_are_current"] = bool(running)
        context["projects"] = running or list(projects.order_by("-start_date")[:3])
        context["publications"] = (
            visible_pages(PublicationPage.objects.all())
            .filter(locale=self.locale)
            .order_by("-publication_date")[:3]
        )
        return context

    def get_jsonld(self, request=None) -> dict:
        return {"@type": "ResearchOrganization", "name": self.title}


class StandardPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    body = StreamField(body_blocks(), blank=True, verbose_name=_("content"))

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    edit_handler = page_tabs((content_panels, _("Content")))
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")

    def get_teaser(self) -> str:
        return self.listing_teaser or self.intro or self.search_description

    def get_jsonld(self, request=None) -> dict:
        return {"@type": "WebPage", "name": self.title}
