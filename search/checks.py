"""``manage.py check`` validates the search configuration before anything is served."""

import importlib.util
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Error, register

CLIENT_PACKAGES = {
    "elasticsearch8": "elasticsearch",
    "elasticsearch9": "elasticsearch",
    "opensearch2": "opensearchpy",
    "opensearch3": "opensearchpy",
}


@register()
def check_search_backend(app_configs, **kwargs) -> list[Error]:
    backend = settings.SEARCH_BACKEND
    if backend == "database":
        return []
    if backend not in settings.SEARCH_EXTERNAL_BACKENDS:
        choices = ", ".join(["database", *settings.SEARCH_EXTERNAL_BACKENDS])
        return [Error(f"SEARCH_BACKEND={backend!r} is not one of: {choices}.", id="search.E001")]
    errors = []
    url = urlparse(settings.SEARCH_URL)
    if url.scheme not in {"http", "https"} or not url.hostname:
        errors.append(
            Error(
                f"SEARCH_BACKEND={backend} needs SEARCH_URL, e.g. http://127.0.0.1:9200.",
                id="search.E002",
            )
        )
    package = CLIENT_PACKAGES[backend]
    if importlib.util.find_spec(package) is None:
        errors.append(
            Error(
                f"SEARCH_BACKEND={backend} needs the Python package {package!r}.",
                hint=f"pip install {package if package != 'opensearchpy' else 'opensearch-py'}",
                id="search.E003",
            )
        )
    return errors
