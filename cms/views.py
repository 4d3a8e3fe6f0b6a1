"""Site-wide views: sitemap, robots.txt and the error pages."""

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import cache_page
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from cms.sitemaps import LocalizedSitemap


def sitemap(request: HttpRequest) -> HttpResponse:
    return wagtail_sitemap(request, sitemaps={"pages": LocalizedSitemap(request)})


@cache_page(60 * 60)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without context processors: the database may be what failed."""
    return HttpResponseServerError(loader.get_template("500.html").render())
