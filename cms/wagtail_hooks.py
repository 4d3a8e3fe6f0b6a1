"""Admin and serving hooks shared by every page type."""

from django.http import Http404
from wagtail import hooks

import cms.translation_workflow  # noqa: F401  (registers its admin button and URL)
from cms import page_cache
from cms.api.visibility import in_schedule

# The HTML page cache stores a response only once it knows which page it shows.
hooks.register("before_serve_page", page_cache.remember_page)


@hooks.register("before_serve_page")
def hide_pages_outside_their_schedule(page, request, serve_args, serve_kwargs):
    """Wagtail unpublishes expired pages only when ``publish_scheduled`` runs; until then
    they would still be served. Expired means gone, on the minute."""
    if not in_schedule(page):
        raise Http404
