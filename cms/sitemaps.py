"""One sitemap for both locales, with hreflang alternates between translations."""

from collections import defaultdict

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page

from cms.api.visibility import visible_pages


class LocalizedSitemap(Sitemap):
    """Wagtail's sitemap covers only the site root's tree, i.e. one locale; this covers all."""

    def items(self):
        root = self.get_wagtail_site().root_page
        roots = Page.objects.filter(translation_key=root.translation_key)
        in_any_tree = Q()
        for tree in roots:
            in_any_tree |= Q(path__startswith=tree.path)
        return (
            visible_pages(Page.objects.filter(in_any_tree))
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def absolute(self, page: Page) -> str:
        """Same host as the request, like canonical and hreflang links on the pages."""
        return self.request.build_absolute_uri(page.get_url(self.request))

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        by_key = defaultdict(list)
        for item in pages:
            by_key[item.translation_key].append(item)
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        urls = []
        for item in pages:
            alternates = [
                {
                    "lang_code": languages[other.locale_id],
                    "location": self.absolute(other),
                }
                for other in by_key[item.translation_key]
            ]
            urls.append(
                {
                    "item": item,
                    "location": self.absolute(item),
                    "lastmod": item.last_published_at or item.latest_revision_created_at,
                    "alternates": alternates if len(alternates) > 1 else [],
                }
            )
        self.latest_lastmod = max((u["lastmod"] for u in urls if u["lastmod"]), default=None)
        return urls
