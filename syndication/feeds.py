"""Atom, RSS 2.0 and JSON Feed 1.1 feeds of projects, publications and interviews.

One ``Feed`` class serves every scope (a content type, everything, a district, a project,
a topic) in every format; ``syndication/feed_urls.py`` maps the URLs onto ``feed``.
Items are chosen with ``visible_pages`` in the feed's locale only, so drafts, private,
scheduled, expired and untranslated pages never appear. Responses are cached under the
``feeds`` scope, which ``syndication/events.py`` retires on every content change.
"""

import datetime
import html
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator, translation
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.models import CollectionViewRestriction, Locale, Page

from cms.api.responses import cached_response
from cms.api.visibility import visible_pages
from cms.i18n import locale_by_code, localized_many
from directory.models import Topic
from districts.models import DistrictPage
from projects.models import ProjectIndexPage, ProjectPage, ProjectPerson
from publications.models import (
    InterviewPage,
    InterviewParticipant,
    PublicationIndexPage,
    PublicationPage,
    PublicationPerson,
)

MAX_ITEMS = 50
NEVER = datetime.datetime.min.replace(tzinfo=datetime.UTC)
SUMMARY_WORDS = 80


class JSONFeed(feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1), which Django does not ship."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding: str) -> None:
        feed = self.feed
        data = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "authors": [{"name": feed["author_name"]}] if feed["author_name"] else None,
            "items": [self._item(item) for item in self.items],
        }
        outfile.write(json.dumps(_without_empty(data), ensure_ascii=False, indent=1))

    @staticmethod
    def _item(item: dict) -> dict:
        names = item.get("author_names") or ([item["author_name"]] if item["author_name"] else [])
        return _without_empty(
            {
                "id": item["unique_id"] or item["link"],
                "url": item["link"],
                "title": item["title"],
                "summary": item["description"],
                # Every item needs content_html or content_text; the summary is all we have.
                "content_text": item["description"] or item["title"],
                "date_published": item["pubdate"] and item["pubdate"].isoformat(),
                "date_modified": item["updateddate"] and item["updateddate"].isoformat(),
                "authors": [{"name": name} for name in names],
                "tags": list(item["categories"] or ()),
                "attachments": [
                    {
                        "url": enclosure.url,
                        "mime_type": enclosure.mime_type,
                        "size_in_bytes": int(enclosure.length),
                    }
                    for enclosure in item["enclosures"] or ()
                ],
            }
        )


def _without_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [])}


FORMATS: dict[str, type[feedgenerator.SyndicationFeed]] = {
    "atom": feedgenerator.Atom1Feed,
    "rss": feedgenerator.Rss201rev2Feed,
    "json": JSONFeed,
}
# Scopes without a key: which page types each one mixes.
KINDS: dict[str, tuple[type[Page], ...]] = {
    "all": (ProjectPage, PublicationPage, InterviewPage),
    "projects": (ProjectPage,),
    "publications": (PublicationPage,),
    "interviews": (InterviewPage,),
}
KEYED_SCOPES = ("district", "project", "topic")


def feed_title(scope: str, name: str = "") -> str:
    """The feed's title in the active language; also the title of its discovery link."""
    labels = {
        "all": lambda: _("Projects, publications and interviews"),
        "projects": lambda: _("Projects"),
        "publications": lambda: _("Publications"),
        "interviews": lambda: _("Interviews"),
        "district": lambda: (
            _("Projects, publications and interviews on %(district)s") % {"district": name}
        ),
        "project": lambda: (
            _("Publications and interviews from the project %(project)s") % {"project": name}
        ),
        "topic": lambda: _("Projects and publications on %(topic)s") % {"topic": name},
    }
    return f"{settings.IKPE_SHORT_NAME}: {labels[scope]()}"


def feed_description(scope: str, name: str = "") -> str:
    """No full stop after the names: the institute's ends in one (“e.V.”)."""
    values = {"institute": settings.IKPE_NAME, "name": name}
    texts = {
        "all": lambda: _("New projects, publications and interviews of %(institute)s"),
        "projects": lambda: _("New projects of %(institute)s"),
        "publications": lambda: _("New publications of %(institute)s"),
        "interviews": lambda: _("New interviews of %(institute)s"),
        "district": lambda: _(
            "Projects, publications and interviews of %(institute)s related to %(name)s"
        ),
        "project": lambda: _("Publications and interviews of the project %(name)s"),
        "topic": lambda: _("Projects and publications of %(institute)s on %(name)s"),
    }
    return texts[scope]() % values


def feed_name(page: Page) -> str:
    """What a district's or project's feed is called by: the acronym (“ThILIK”) if any."""
    return getattr(page, "acronym", "") or page.title


@dataclass
class Entry:
    """One feed item, fully computed so the Feed methods only read attributes."""

    title: str
    link: str
    summary: str
    published: datetime.datetime | None
    updated: datetime.datetime | None
    authors: list[str]
    categories: list[str]
    enclosure: feedgenerator.Enclosure | None = None


@dataclass
class Channel:
    title: str
    description: str
    link: str
    entries: list[Entry] = field(default_factory=list)


# -- choosing the pages ----------------------------------------------------------------------


def _with_relations(model: type[Page], queryset: QuerySet) -> QuerySet:
    """Everything an entry shows, fetched per page type rather than per item."""
    if model is ProjectPage:
        topics = Prefetch("topic_links", queryset=_topic_links(model))
        leads = ProjectPerson.objects.filter(role=ProjectPerson.Role.LEAD).select_related("person")
        return queryset.prefetch_related(
            topics, Prefetch("people", queryset=leads, to_attr="feed_people")
        )
    if model is PublicationPage:
        topics = Prefetch("topic_links", queryset=_topic_links(model))
        authors = PublicationPerson.objects.select_related("person")
        return queryset.select_related("document__collection").prefetch_related(
            topics, Prefetch("authors", queryset=authors, to_attr="feed_people")
        )
    interviewers = InterviewParticipant.objects.filter(
        kind=InterviewParticipant.Kind.INTERVIEWER
    ).select_related("person")
    return queryset.prefetch_related(
        Prefetch("participants", queryset=interviewers, to_attr="feed_people")
    )


def _topic_links(model: type[Page]) -> QuerySet:
    related = model._meta.get_field("topic_links").related_model
    return related.objects.select_related("topic")


def _pages(models: tuple[type[Page], ...], locale: Locale, related: Q | None = None) -> list:
    """The newest visible pages of ``models`` in ``locale``, newest first.

    Aliases are left out: in another locale's tree they carry the original's untranslated
    content. Relation filters go through a subquery so a page linked twice appears once.
    """
    pages = []
    for model in models:
        # The content type is implied by the model's table; said outright, it lets the
        # newest pages of this type be read from one index (cms migration 0004).
        queryset = model.objects.filter(
            locale=locale,
            alias_of__isnull=True,
            content_type_id__in=get_descendants_content_types_pks(model),
        )
        queryset = visible_pages(queryset)
        if related is not None:
            queryset = queryset.filter(pk__in=model.objects.filter(related).values("pk"))
        queryset = queryset.order_by("-first_published_at", "-pk")[:MAX_ITEMS]
        pages += _with_relations(model, queryset)
    pages.sort(key=lambda page: (page.first_published_at or NEVER, page.pk), reverse=True)
    return pages[:MAX_ITEMS]


# -- turning pages into entries --------------------------------------------------------------


def canonical_url(page: Page, request: HttpRequest) -> str:
    """The URL the page's own ``<link rel="canonical">`` gives (base.html), so readers
    and search engines see one address; ``get_full_url`` would use the Site's hostname."""
    return request.build_absolute_uri(page.get_url(request) or "/")


def _summary(page: Page) -> str:
    text = page.get_teaser()
    if not text and isinstance(page, PublicationPage):
        # Paragraphs end without a space; keep the words apart.
        plain = html.unescape(strip_tags(page.abstract.replace("</p>", "</p> ")))
        text = Truncator(" ".join(plain.split())).words(SUMMARY_WORDS)
    return text or ""


def _title(page: Page) -> str:
    subtitle = getattr(page, "subtitle", "")
    return f"{page.title}: {subtitle}" if subtitle else page.title


def _authors(page: Page) -> list[str]:
    people = page.feed_people
    if isinstance(page, ProjectPage):
        people = [link for link in people if link.is_current()]
    elif isinstance(page, PublicationPage):
        authors = [link for link in people if link.role == PublicationPerson.Role.AUTHOR]
        people = authors or people  # an edited volume names its editors
    return [link.person.full_name for link in people] or [settings.IKPE_NAME]


def _enclosure(page: Page, request: HttpRequest, private_paths: list[str]):
    document = getattr(page, "document", None)
    if document is None or any(document.collection.path.startswith(p) for p in private_paths):
        return None
    size = document.get_file_size() or 0
    url = request.build_absolute_uri(document.url)
    return feedgenerator.Enclosure(url, str(size), document.content_type)


def _entries(pages: list[Page], locale: Locale, request: HttpRequest) -> list[Entry]:
    links = [link for page in pages for link in _prefetched_topics(page)]
    topics = localized_many([link.topic for link in links], locale)
    names = {link.topic_id: topic.name for link, topic in zip(links, topics, strict=True)}
    private_paths = []
    if any(getattr(page, "document_id", None) for page in pages):
        private_paths = list(
            CollectionViewRestriction.objects.values_list("collection__path", flat=True)
        )
    entries = []
    for page in pages:
        url = page.get_url(request)
        if url is None:  # outside every site: nowhere to link to
            continue
        entries.append(
            Entry(
                title=_title(page),
                link=request.build_absolute_uri(url),
                summary=_summary(page),
                published=page.first_published_at,
                updated=page.last_published_at or page.first_published_at,
                authors=_authors(page),
                categories=[names[link.topic_id] for link in _prefetched_topics(page)],
                enclosure=_enclosure(page, request, private_paths),
            )
        )
    return entries


def _prefetched_topics(page: Page) -> list[Model]:
    return list(page.topic_links.all()) if hasattr(page, "topic_links") else []


# -- the channel -----------------------------------------------------------------------------


def _page_url(queryset: QuerySet, request: HttpRequest, fallback: str = "/") -> str:
    page = visible_pages(queryset).order_by("path").first()
    return canonical_url(page, request) if page else request.build_absolute_uri(fallback)


def build_channel(request: HttpRequest, language: str, scope: str, key: str = "") -> Channel:
    """The feed's title, link and entries; raises Http404 for anything unknown."""
    try:
        locale = locale_by_code(language)
    except Locale.DoesNotExist as error:
        raise Http404("Unknown locale.") from error
    in_locale = {"locale": locale, "alias_of__isnull": True}
    name = ""
    if scope in KINDS:
        models, related = KINDS[scope], None
        listing = {"all": Page, "projects": ProjectIndexPage}.get(scope, PublicationIndexPage)
        home = {"depth": 2} if scope == "all" else {}
        link = _page_url(listing.objects.filter(**home, **in_locale), request)
    elif scope == "district":
        district = visible_pages(DistrictPage.objects.filter(ags=key, **in_locale)).first()
        if district is None:
            raise Http404("Unknown district.")
        name, link = feed_name(district), canonical_url(district, request)
        models = (ProjectPage, PublicationPage, InterviewPage)
        related = Q(district_links__district__translation_key=district.translation_key)
    elif scope == "project":
        project = visible_pages(ProjectPage.objects.filter(slug=key, **in_locale)).first()
        if project is None:
            raise Http404("Unknown project.")
        name, link = feed_name(project), canonical_url(project, request)
        models = (PublicationPage, InterviewPage)
        related = Q(project_links__project__translation_key=project.translation_key)
    elif scope == "topic":
        topic = Topic.objects.filter(slug=key, locale=locale).first()
        if topic is None:
            raise Http404("Unknown topic.")
        name = topic.name
        link = _page_url(ProjectIndexPage.objects.filter(**in_locale), request)
        link = f"{link}?topic={topic.slug}"
        models = (ProjectPage, PublicationPage)
        related = Q(topic_links__topic__slug=topic.slug)
    else:
        raise Http404("Unknown feed.")
    pages = _pages(models, locale, related)
    return Channel(
        title=feed_title(scope, name),
        description=feed_description(scope, name),
        link=link,
        entries=_entries(pages, locale, request),
    )


class PageFeed(Feed):
    """Any scope in any format; the format is chosen per instance."""

    def __init__(self, fmt: str):
        self.feed_type = FORMATS[fmt]
        # Atom summaries (type="html") and RSS descriptions are read as HTML; ours is text.
        self.summary_is_html = fmt != "json"

    def get_object(self, request: HttpRequest, language: str, scope: str, key: str = ""):
        return build_channel(request, language, scope, key)

    def title(self, obj: Channel) -> str:
        return obj.title

    def subtitle(self, obj: Channel) -> str:  # Atom's name for the description
        return obj.description

    def description(self, obj: Channel) -> str:
        return obj.description

    def link(self, obj: Channel) -> str:
        return obj.link

    def author_name(self) -> str:
        return settings.IKPE_NAME

    def items(self, obj: Channel) -> list[Entry]:
        return obj.entries

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_guid(self, item: Entry) -> str:
        return item.link

    def item_guid_is_permalink(self) -> bool:
        return True

    def item_description(self, item: Entry) -> str:
        return escape(item.summary) if self.summary_is_html else item.summary

    def item_pubdate(self, item: Entry):
        return item.published

    def item_updateddate(self, item: Entry):
        return item.updated

    def item_author_name(self, item: Entry) -> str:
        return ", ".join(item.authors)

    def item_categories(self, item: Entry) -> list[str]:
        return item.categories

    def item_enclosures(self, item: Entry) -> list[feedgenerator.Enclosure]:
        return [item.enclosure] if item.enclosure else []

    def item_extra_kwargs(self, item: Entry) -> dict:
        return {"author_names": item.authors}  # JSON Feed lists authors separately


# -- the view --------------------------------------------------------------------------------


def feed(request: HttpRequest, language: str, fmt: str, scope: str, key: str = "") -> HttpResponse:
    """Serve a feed from the shared cache with ETag, Last-Modified and 304s."""
    if language not in dict(settings.LANGUAGES):
        raise Http404("Unknown locale.")
    view = PageFeed(fmt)

    def build() -> bytes:
        with translation.override(language):
            return view(request, language=language, scope=scope, key=key).content

    return cached_response(request, ["feeds"], build, content_type=FORMATS[fmt].content_type)


def feed_url(language: str, scope: str, fmt: str, key: str = "") -> str:
    """Path of a feed, for discovery links and tests."""
    if scope in KINDS:
        return reverse("feeds:kind", kwargs={"language": language, "scope": scope, "fmt": fmt})
    return reverse(f"feeds:{scope}", kwargs={"language": language, "key": key, "fmt": fmt})
