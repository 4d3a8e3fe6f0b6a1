"""A read-only admin listing of imported Plone items: what came from where, and what it became."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from cms.permissions import ReadOnlyPolicy
from importer.models import ImportedItem

register_permission_policy(ImportedItem, ReadOnlyPolicy(ImportedItem))


class ImportedItemViewSet(ModelViewSet):
    model = ImportedItem
    icon = "download"
    menu_label = _("Plone import")
    add_to_settings_menu = True
    inspect_view_enabled = True
    list_display = ["plone_path", "portal_type", "language", "status", "page", "last_imported_at"]
    list_filter = ["status", "portal_type", "language", "needs_links"]
    search_fields = ["plone_path", "plone_uid"]
    inspect_view_fields = [
        "plone_uid",
        "plone_path",
        "portal_type",
        "language",
        "source",
        "status",
        "page",
        "image",
        "document",
        "redirect_url",
        "messages",
        "first_imported_at",
        "last_imported_at",
    ]
    form_fields = ["plone_path"]


@hooks.register("register_admin_viewset")
def register_imported_items():
    return ImportedItemViewSet("imported_plone_items")
