from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views
from search import views as search_views
from syndication.api import api as api_v1
from syndication.wagtail_api import router as wagtail_api_router

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api_v1.urls),
    path("api/v2/", wagtail_api_router.urls),
    path("feeds/", include("syndication.feed_urls")),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path(_("search/"), search_views.search, name="search"),
    path(_("search/suggestions/"), search_views.suggestions, name="search_suggestions"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler400 = "cms.errors.bad_request"
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"
