"""Admin listings: flat lists of projects with the dates and derived status editors scan for."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from projects.models import ProjectPage


class ProjectListingViewSet(PageListingViewSet):
    model = ProjectPage
    icon = "clipboard-list"
    menu_label = _("Projects")
    add_to_admin_menu = True
    menu_order = 110
    columns = [
        *PageListingViewSet.columns,
        Column("acronym", label=_("acronym")),
        Column("start_date", label=_("start")),
        Column("end_date", label=_("end")),
        Column("get_status_display", label=_("project status"), accessor="get_status_display"),
    ]


@hooks.register("register_admin_viewset")
def register_project_listing():
    return ProjectListingViewSet("project_listing")
