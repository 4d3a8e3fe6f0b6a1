"""Django's LocaleMiddleware, minus its 404 redirect for paths outside the language tree."""

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

# Machine-facing URLs have no language prefix: a 404 there is an answer, not a hint to
# try ``/de/…`` (which the page tree's catch-all would then swallow).
UNPREFIXED = ("/api/", "/feeds/", "/documents/", "/admin/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path_info.startswith(UNPREFIXED):
            return response
        return super().process_response(request, response)
