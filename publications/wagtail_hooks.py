from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from publications.models import InterviewPage, PublicationPage, PublicationSeries


class PublicationSeriesViewSet(SnippetViewSet):
    model = PublicationSeries
    icon = "list-ol"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "locale"]
    search_fields = ["title"]


class PublicationListingViewSet(PageListingViewSet):
    model = PublicationPage
    icon = "doc-full"
    menu_label = _("Publications")
    add_to_admin_menu = True
    menu_order = 120
    columns = [
        *PageListingViewSet.columns,
        Column("publication_date", label=_("publication date")),
        Column("get_kind_display", label=_("kind"), accessor="get_kind_display"),
        Column("volume", label=_("volume")),
    ]


class InterviewListingViewSet(PageListingViewSet):
    model = InterviewPage
    icon = "openquote"
    menu_label = _("Interviews")
    add_to_admin_menu = True
    menu_order = 130
    columns = [
        *PageListingViewSet.columns,
        Column("interview_date", label=_("date of the interview")),
    ]


register_snippet(PublicationSeriesViewSet)


@hooks.register("register_admin_viewset")
def register_publication_listing():
    return PublicationListingViewSet("publication_listing")


@hooks.register("register_admin_viewset")
def register_interview_listing():
    return InterviewListingViewSet("interview_listing")
