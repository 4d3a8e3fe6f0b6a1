from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from publications.models import PublicationSeries


class PublicationSeriesViewSet(SnippetViewSet):
    model = PublicationSeries
    icon = "list-ol"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "locale"]
    search_fields = ["title"]


register_snippet(PublicationSeriesViewSet)
