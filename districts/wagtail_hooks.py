from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from districts.models import DistrictPage


class DistrictListingViewSet(PageListingViewSet):
    model = DistrictPage
    icon = "site"
    menu_label = _("District profiles")
    add_to_admin_menu = True
    menu_order = 140
    columns = [
        *PageListingViewSet.columns,
        Column("ags", label=_("official key (AGS)")),
        Column("get_kind_display", label=_("kind"), accessor="get_kind_display"),
        Column("valid_until", label=_("valid until")),
    ]


@hooks.register("register_admin_viewset")
def register_district_listing():
    return DistrictListingViewSet("district_listing")
