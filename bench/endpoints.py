"""What the benchmark requests, and the URLs it rotates through for each endpoint.

Each endpoint has a few **warm** URLs (requested over and over, so the cache serves them)
and a long **cold** pool of distinct URLs, each requested at most once after the cache
was emptied, so every answer is built from the database. Where an endpoint has few
natural URLs (the home page, the feed of everything), the pool adds an unused query
parameter (``?bench=N``): the page is the same, its cache entry is not. The API refuses
unknown parameters, so API pools vary what the API itself offers (offset, locale, ids,
cursors).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.staticfiles.storage import staticfiles_storage
from wagtail.models import Locale

from bench.vocabulary import NOUNS
from districts.models import DistrictPage
from projects.models import ProjectPage
from publications.models import PublicationPage
from syndication.models import ChangeEvent

# Cold pools are cut to this length; a cold run that gets through its pool ends early.
POOL = 4000
WARM_URLS = 10
STOCK_API = "/api/v2/pages/?type=publications.PublicationPage&fields=*&limit=20"


@dataclass
class Endpoint:
    name: str
    label: str
    # html, api, feed, search or static: which targets apply.
    kind: str
    warm: list[str]
    cold: list[str] = field(default_factory=list)
    # Requested once per worker after a restart, so the cold run measures missing cache
    # entries, not a worker's first request (imports, template compilation).
    prime: str = ""
    # Concurrency of this endpoint's runs when not the benchmark's (see "search_latency").
    connections: int | None = None

    @property
    def has_cold(self) -> bool:
        return bool(self.cold)


def _busted(paths: list[str], limit: int = POOL) -> list[str]:
    """``paths`` once each, then again with ``bench=N`` until the pool is full."""
    pool = list(paths)
    for number in itertools.count(1):
        if len(pool) >= limit:
            break
        for path in paths:
            joiner = "&" if "?" in path else "?"
            pool.append(f"{path}{joiner}bench={number}")
    return pool[:limit]


def _interleave(*pools: list[str]) -> list[str]:
    """Alternate between pools (e.g. German and English) so both are in every run."""
    mixed = [url for group in itertools.zip_longest(*pools) for url in group if url]
    return mixed[:POOL]


def static_path() -> str:
    """The hashed URL of the site's style sheet, as pages link it."""
    return staticfiles_storage.url("css/site.css")


def _urls(queryset, locale: Locale, limit: int = POOL) -> list[str]:
    pages = queryset.filter(locale=locale).live().order_by("pk")[:limit]
    return [page.url for page in pages]


def _offsets(count: int) -> list[int]:
    return list(range(0, max(count - 20, 1)))


def build_endpoints(workers: int = 2, include_stock_api: bool = True) -> list[Endpoint]:
    """The endpoints of the issue, in the order of the table."""
    de = Locale.objects.get(language_code="de")
    en = Locale.objects.get(language_code="en")
    project_urls = {
        code: _urls(ProjectPage.objects.all(), loc) for code, loc in (("de", de), ("en", en))
    }
    publications = {
        code: PublicationPage.objects.live().filter(locale=loc).count()
        for code, loc in (("de", de), ("en", en))
    }
    publication_ids = list(
        PublicationPage.objects.live().order_by("pk").values_list("pk", flat=True)[:POOL]
    )
    cursors = list(ChangeEvent.objects.order_by("id").values_list("id", flat=True)[:POOL])
    list_pools = {
        code: [
            f"/api/v1/publications/?limit=20&locale={code}&offset={offset}"
            for offset in _offsets(publications[code])
        ]
        for code in ("de", "en")
    }
    stock_pools = {
        code: [
            f"{STOCK_API}&locale={code}&offset={offset}" for offset in _offsets(publications[code])
        ]
        for code in ("de", "en")
    }
    projects_index = {
        "de": ProjectPage.objects.filter(locale=de).first().get_parent().url,
        "en": ProjectPage.objects.filter(locale=en).first().get_parent().url,
    }
    listing_pages = [
        f"{projects_index[code]}?page={page}" for page in range(1, 6) for code in ("de", "en")
    ]
    feed_kinds = [
        f"/feeds/{code}/{kind}.atom"
        for kind in ("all", "publications", "projects", "interviews")
        for code in ("de", "en")
    ]
    queries = search_queries()
    search_urls = [
        f"{'/de/suche/' if code == 'de' else '/en/search/'}?{urlencode({'q': query})}"
        for pair in zip(queries["de"], queries["en"], strict=True)
        for code, query in zip(("de", "en"), pair, strict=True)
    ]
    first_project = project_urls["de"][0]
    first_slug = PublicationPage.objects.get(pk=publication_ids[0]).slug
    endpoints = [
        Endpoint("static", "Static file (CSS)", "static", [static_path()]),
        Endpoint(
            "home",
            "Home page",
            "html",
            ["/de/", "/en/"],
            _busted(["/de/", "/en/"]),
            prime="/de/?prime=1",
        ),
        Endpoint(
            "listing",
            "Project listing",
            "html",
            [projects_index["de"], projects_index["en"]],
            _busted(listing_pages),
            prime=f"{projects_index['de']}?prime=1",
        ),
        Endpoint(
            "project",
            "Project page",
            "html",
            _interleave(project_urls["de"][:5], project_urls["en"][:5]),
            _busted(_interleave(project_urls["de"], project_urls["en"])),
            prime=f"{first_project}?prime=1",
        ),
        Endpoint(
            "api_list",
            "API list, 20 publications",
            "api",
            _interleave(list_pools["de"][:60:20], list_pools["en"][:60:20]),
            _interleave(list_pools["de"], list_pools["en"]),
            prime="/api/v1/publications/?limit=19",
        ),
    ]
    if include_stock_api:
        endpoints.append(
            Endpoint(
                "stock_api_list",
                "Wagtail API v2, same list",
                "stock",
                _interleave(stock_pools["de"][:60:20], stock_pools["en"][:60:20]),
                _interleave(stock_pools["de"], stock_pools["en"]),
                prime=STOCK_API.replace("limit=20", "limit=19"),
            )
        )
    endpoints += [
        Endpoint(
            "api_detail",
            "API publication detail",
            "api",
            [f"/api/v1/publications/{pk}/" for pk in publication_ids[:WARM_URLS]],
            [f"/api/v1/publications/{pk}/" for pk in publication_ids],
            prime=f"/api/v1/publications/by-slug/{first_slug}/",
        ),
        Endpoint(
            "changes",
            "API change feed",
            "api",
            ["/api/v1/changes/", *[f"/api/v1/changes/?since={c}" for c in cursors[100:1000:100]]],
            [f"/api/v1/changes/?since={c}" for c in cursors],
            prime="/api/v1/changes/?limit=99",
        ),
        Endpoint(
            "atom",
            "Atom feed",
            "feed",
            ["/feeds/de/all.atom", "/feeds/en/all.atom"],
            _busted(feed_kinds),
            prime="/feeds/de/all.atom?prime=1",
        ),
        Endpoint(
            "search",
            "Search page",
            "search",
            search_urls[:8],
            _busted(search_urls),
            prime="/de/suche/?q=prime",
        ),
        Endpoint(
            "search_latency",
            f"Search page, {workers} connections",
            "search",
            search_urls[:8],
            _busted(search_urls),
            prime="/de/suche/?q=prime",
            connections=workers,
        ),
    ]
    return endpoints


def search_queries() -> dict[str, list[str]]:
    """Realistic queries in both languages: one field of work, two, a district, a key."""
    de, en = [], []
    for index, (noun_de, noun_en) in enumerate(NOUNS):
        de.append(noun_de)
        en.append(noun_en)
        other_de, other_en = NOUNS[(index * 7 + 3) % len(NOUNS)]
        de.append(f"{noun_de} {other_de}")
        en.append(f"{noun_en} {other_en}")
    for district in DistrictPage.objects.filter(locale__language_code="de").order_by("ags")[:6]:
        de += [district.title, district.ags]
        en += [district.title, district.ags]
    return {"de": de, "en": en}
