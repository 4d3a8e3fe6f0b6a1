"""Admin and serving hooks shared by every page type."""

from django.http import Http404
from wagtail import hooks

from cms.api.visibility import in_schedule


@hooks.register("before_serve_page")
def hide_pages_outside_their_schedule(page, request, serve_args, serve_kwargs):
    """Wagtail unpublishes expired pages only when ``publish_scheduled`` runs; until then
    they would still be served. Expired means gone, on the minute."""
    if not in_schedule(page):
        raise Http404
