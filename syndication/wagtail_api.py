"""Wagtail's own API v2 (pages, images, documents) for Wagtail-aware front ends."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms.api.visibility import visible_pages


class VisiblePagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, minus expired and not-yet-live pages (as everywhere else)."""

    def get_base_queryset(self):
        return visible_pages(super().get_base_queryset())


router = WagtailAPIRouter("wagtailapi")
router.register_endpoint("pages", VisiblePagesAPIViewSet)
router.register_endpoint("images", ImagesAPIViewSet)
router.register_endpoint("documents", DocumentsAPIViewSet)
