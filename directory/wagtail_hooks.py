from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from directory.models import Organisation, Person, Topic


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    list_display = ["__str__", "role", "email", "locale"]
    search_fields = ["given_name", "family_name", "role"]
    ordering = ["family_name", "given_name"]


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "short_name", "kind", "locale"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug", "locale"]
    search_fields = ["name"]


class DirectoryGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (PersonViewSet, OrganisationViewSet, TopicViewSet)


register_snippet(DirectoryGroup)
