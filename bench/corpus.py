"""A synthetic corpus of any size for the benchmark, written in bulk and in flat memory.

``generate(size)`` fills a freshly migrated database: first the demo site (home pages,
indexes, all districts, people, organisations, topics, series, both languages), then
synthetic projects, publications and interviews until the page tree holds ``size`` pages.
Every German page gets an English translation the way wagtail-localize makes them: the
same translation key, locale ``en``, under the English home.

Creating 100,000 pages with ``add_child`` and revisions would take hours here, so pages are
written the way a database restore would: treebeard paths computed in advance, ``Page`` rows
with ``bulk_create``, the page types' own rows and their relations in batches, search index
entries and change events per batch. Live pages need no revision to be served. Only one
batch is in memory at a time; what later pages link to is kept as a list of ids.
"""

from __future__ import annotations

import datetime
import io
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models import F
from django.utils.text import slugify
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

import cms.indexing
from bench.progress import Progress, peak_rss_mb
from bench.vocabulary import (
    FAMILY_NAMES,
    FICTITIOUS,
    GIVEN_NAMES,
    NOUNS,
    ORGANISATION_KINDS,
    ROLES,
    SERIES,
    TOPICS,
    Pair,
    Writer,
)
from directory.models import Organisation, Person, Topic
from districts.models import DistrictPage
from projects.models import (
    ProjectDistrict,
    ProjectIndexPage,
    ProjectOrganisation,
    ProjectPage,
    ProjectPerson,
    ProjectTopic,
)
from publications.models import (
    InterviewDistrict,
    InterviewPage,
    InterviewParticipant,
    InterviewProject,
    PublicationDistrict,
    PublicationIndexPage,
    PublicationPage,
    PublicationPerson,
    PublicationProject,
    PublicationSeries,
    PublicationTopic,
)
from syndication.models import ChangeEvent
from syndication.registry import resource_for

DEFAULT_SIZE = 10_000
DEFAULT_SEED = 5
# German originals per batch; each batch writes twice as many pages.
BATCH = 250
# Shares of the synthetic originals.
SHARES = {"projects": 0.25, "publications": 0.55, "interviews": 0.20}
SLUGS = {
    "projects": ("synth-projekt", "synth-project"),
    "publications": ("synth-publikation", "synth-publication"),
    "interviews": ("synth-interview", "synth-interview"),
}
FIRST_PUBLISHED = datetime.datetime(2014, 1, 1, 8, tzinfo=datetime.UTC)
PUBLISHING_SPAN = datetime.timedelta(days=12 * 365)


class CorpusError(RuntimeError):
    """The database is not fit for a corpus of the requested size."""


@dataclass
class CorpusReport:
    size: int
    pages: dict[str, int] = field(default_factory=dict)
    snippets: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    index_seconds: float = 0.0
    peak_rss_mb: float = 0.0

    def lines(self) -> list[str]:
        pages = ", ".join(f"{count} {name}" for name, count in self.pages.items())
        snippets = ", ".join(f"{count} {name}" for name, count in self.snippets.items())
        return [
            f"corpus: {self.size} pages in the tree; synthetic pages (both locales): {pages}",
            f"corpus: synthetic snippets (both locales): {snippets}",
            f"corpus: {self.seconds:.1f} s in all, {self.index_seconds:.1f} s of it search "
            f"indexing; peak RSS of the generator {self.peak_rss_mb:.0f} MB",
        ]


def split(originals: int) -> dict[str, int]:
    """How many German originals of each type; at least one of each."""
    counts = {name: max(1, int(originals * share)) for name, share in SHARES.items()}
    counts["publications"] += originals - sum(counts.values())
    return counts


class Ids:
    """Deterministic UUIDs and block ids from the corpus's random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def block(self) -> str:
        return str(self.uuid())


@dataclass
class Skeleton:
    """What the demo site provides: locales, parents, districts and snippets."""

    de: Locale
    en: Locale
    project_index: dict[str, Page]
    publication_index: dict[str, Page]
    districts: list[DistrictPage]
    topics: list[Topic]
    people: list[Person] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    series: list[PublicationSeries] = field(default_factory=list)
    # (model, translation_key, locale_id) → object, for indexing English pages.
    translations: dict[tuple, models.Model] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Skeleton:
        de = Locale.objects.get(language_code="de")
        en = Locale.objects.get(language_code="en")
        skeleton = cls(
            de=de,
            en=en,
            project_index={
                code: ProjectIndexPage.objects.get(locale=locale)
                for code, locale in (("de", de), ("en", en))
            },
            publication_index={
                code: PublicationIndexPage.objects.get(locale=locale)
                for code, locale in (("de", de), ("en", en))
            },
            districts=list(DistrictPage.objects.filter(locale=de).order_by("ags")),
            topics=list(Topic.objects.filter(locale=de)),
            people=list(Person.objects.filter(locale=de)),
            organisations=list(Organisation.objects.filter(locale=de)),
            series=list(PublicationSeries.objects.filter(locale=de)),
        )
        for model in (Person, Organisation, Topic, PublicationSeries, DistrictPage):
            for obj in model.objects.filter(locale=en):
                skeleton.remember(obj)
        return skeleton

    def remember(self, obj: models.Model) -> None:
        self.translations[(type(obj), obj.translation_key, obj.locale_id)] = obj

    def english(self, obj):
        return self.translations.get((type(obj), obj.translation_key, self.en.pk), obj)


@contextmanager
def translations_from_memory(skeleton: Skeleton) -> Iterator[None]:
    """Index English pages without a query per related item.

    The index text of a page names its people, districts and topics in the page's
    language (``cms.indexing``), looking each translation up in the database, several
    times per page. The corpus knows them all, so the lookups are answered from memory
    while a batch is indexed; the text is the same.
    """
    original = cms.indexing.localized_many

    def from_memory(objects, locale=None):
        objects = list(objects)
        if locale is None:
            return original(objects, locale)
        found = [
            skeleton.translations.get((type(obj), obj.translation_key, locale.pk))
            if obj.locale_id != locale.pk
            else obj
            for obj in objects
        ]
        if any(obj is None for obj in found):
            return original(objects, locale)
        return found

    cms.indexing.localized_many = from_memory
    try:
        yield
    finally:
        cms.indexing.localized_many = original


class Generator:
    def __init__(self, size: int, seed: int, progress: TextIO | None, batch: int) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.ids = Ids(self.rng)
        self.progress_stream = progress
        self.batch = batch
        self.backend = get_search_backend()
        self.report = CorpusReport(size=size)
        self.project_ids: list[int] = []
        self.publication_ids: list[int] = []
        self.number = 0
        self.originals = 0
        self.next_step: dict[int, int] = {}

    # -- set-up ---------------------------------------------------------------------

    def run(self) -> CorpusReport:
        started = time.monotonic()
        if Page.objects.filter(slug__startswith="synth-").exists():
            raise CorpusError("The database already holds a synthetic corpus; use a fresh one.")
        call_command("load_demo_content", verbosity=0, stdout=io.StringIO())
        self.skeleton = Skeleton.load()
        self.writer = Writer(self.rng, [d.title for d in self.skeleton.districts])
        existing = Page.objects.count()
        self.originals = -(-(self.size - existing) // 2)  # at least ``size`` pages
        if self.originals < len(SHARES):
            raise CorpusError(
                f"A corpus needs at least {existing + 2 * len(SHARES)} pages: the demo site "
                f"alone has {existing}."
            )
        counts = split(self.originals)
        self.make_snippets()
        bar = Progress("corpus", 2 * self.originals, self.progress_stream)
        for kind, make in (
            ("projects", self.project),
            ("publications", self.publication),
            ("interviews", self.interview),
        ):
            left = counts[kind]
            while left:
                count = min(self.batch, left)
                self.write_batch(kind, make, count)
                left -= count
                bar.advance(2 * count)
        bar.close()
        # As after a restore: the planner needs statistics of the new tables, and
        # index-only scans the visibility map, which autovacuum would only make later
        # (VACUUM cannot run in a transaction, as in the tests).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.report.seconds = time.monotonic() - started
        self.report.size = Page.objects.count()
        self.report.peak_rss_mb = peak_rss_mb()
        return self.report

    # -- snippets -------------------------------------------------------------------

    def make_snippets(self) -> None:
        """People, organisations, topics and series, German and English."""
        rng, sk, originals = self.rng, self.skeleton, self.originals
        places = [d.title for d in sk.districts]
        people = []
        for n in range(min(max(originals // 25, 12), 2000)):
            given = rng.choice(GIVEN_NAMES)
            family = f"{rng.choice(FAMILY_NAMES)} {FICTITIOUS}"
            role = Pair(*rng.choice(ROLES))
            common = {
                "given_name": given,
                "family_name": family,
                "slug": slugify(f"synth {given} {family} {n}")[:100],
            }
            people.append((common, {"role": role.de}, {"role": role.en}))
        orgs = []
        for n in range(min(max(originals // 60, 8), 500)):
            de_template, en_template, kind = rng.choice(ORGANISATION_KINDS)
            noun = rng.choice(self.nouns())
            place = rng.choice(places)
            names = [
                template.format(a=a, A=a[0].upper() + a[1:], place=place)
                for template, a in ((de_template, noun.de), (en_template, noun.en))
            ]
            common = {"kind": kind, "short_name": "", "slug": f"synth-org-{n}"}
            orgs.append((common, {"name": names[0]}, {"name": names[1]}))
        topics = [({"slug": slug}, {"name": de}, {"name": en}) for de, en, slug in TOPICS]
        series = []
        for n in range(min(2 + originals // 2000, 20)):
            de_template, en_template = SERIES[n % len(SERIES)]
            noun = self.nouns()[n % len(self.nouns())]
            titles = [
                template.format(a=a, A=a[0].upper() + a[1:])
                for template, a in ((de_template, noun.de), (en_template, noun.en))
            ]
            series.append(
                ({"slug": f"synth-reihe-{n}"}, {"title": titles[0]}, {"title": titles[1]})
            )
        with transaction.atomic():
            sk.people += self.snippet_pairs(Person, people)
            sk.organisations += self.snippet_pairs(Organisation, orgs)
            sk.topics += self.snippet_pairs(Topic, topics)
            sk.series += self.snippet_pairs(PublicationSeries, series)
        self.report.snippets = {
            "people": 2 * len(people),
            "organisations": 2 * len(orgs),
            "topics": 2 * len(topics),
            "series": 2 * len(series),
        }

    def nouns(self) -> list[Pair]:
        return [Pair(de, en) for de, en in NOUNS]

    def snippet_pairs(self, model, rows: list[tuple[dict, dict, dict]]) -> list:
        """Create German originals and English translations; return the originals."""
        originals, translations = [], []
        for common, de, en in rows:
            key = self.ids.uuid()
            originals.append(model(translation_key=key, locale=self.skeleton.de, **common, **de))
            translations.append(model(translation_key=key, locale=self.skeleton.en, **common, **en))
        model.objects.bulk_create(originals)
        model.objects.bulk_create(translations)
        for obj in translations:
            self.skeleton.remember(obj)
        if issubclass(model, Person) or issubclass(model, Organisation):
            started = time.monotonic()
            self.backend.add_bulk(model, originals + translations)
            self.report.index_seconds += time.monotonic() - started
        resource = resource_for(model)
        ChangeEvent.objects.bulk_create(
            ChangeEvent(
                kind=ChangeEvent.Kind.PUBLISHED,
                resource=resource,
                object_id=obj.pk,
                translation_key=obj.translation_key,
                locale=obj.locale.language_code,
                occurred_at=FIRST_PUBLISHED,
            )
            for obj in originals + translations
        )
        return originals

    # -- pages ----------------------------------------------------------------------

    def write_batch(self, kind: str, make, count: int) -> None:
        """``count`` German originals of one type and their translations, in one transaction."""
        pages: list[tuple[Page, dict[str, list]]] = []
        for _ in range(count):
            self.number += 1
            self.writer.start_document()
            pages += make(self.number)
        model = type(pages[0][0])
        content_type = ContentType.objects.get_for_model(model)
        with transaction.atomic():
            parents = {page.locale_id: self.parent_for(kind, page.locale_id) for page, _ in pages}
            rows = []
            for page, _ in pages:
                parent = parents[page.locale_id]
                page.content_type = content_type
                page.depth = parent.depth + 1
                page.path = Page._get_path(parent.path, page.depth, self.step(parent))
                page.url_path = f"{parent.url_path}{page.slug}/"
                rows.append(
                    Page(
                        **{f.attname: getattr(page, f.attname) for f in Page._meta.concrete_fields}
                    )
                )
            Page.objects.bulk_create(rows)
            for (page, _), row in zip(pages, rows, strict=True):
                page.id = page.page_ptr_id = row.id
            # bulk_create refuses multi-table models; insert their own table's columns the
            # way Model.save() does for each table, a batch at a time.
            fields = [f for f in model._meta.local_concrete_fields]
            model._base_manager.all()._batched_insert([p for p, _ in pages], fields, None)
            links = defaultdict(list)
            for page, relations in pages:
                for relation, items in relations.items():
                    for order, item in enumerate(items):
                        item.sort_order = order
                    setattr(page, relation, items)  # in memory too, for the index below
                    for item in items:
                        item.page_id = page.pk
                        links[type(item)].append(item)
            for link_model, items in links.items():
                link_model.objects.bulk_create(items)
            for parent in parents.values():
                Page.objects.filter(pk=parent.pk).update(
                    numchild=F("numchild")
                    + sum(1 for p, _ in pages if p.locale_id == parent.locale_id)
                )
            started = time.monotonic()
            with translations_from_memory(self.skeleton):
                self.backend.add_bulk(model, [page for page, _ in pages])
            self.report.index_seconds += time.monotonic() - started
            resource = resource_for(model)
            ChangeEvent.objects.bulk_create(
                ChangeEvent(
                    kind=ChangeEvent.Kind.PUBLISHED,
                    resource=resource,
                    object_id=page.pk,
                    translation_key=page.translation_key,
                    locale=self.language(page),
                    occurred_at=page.first_published_at,
                )
                for page, _ in pages
            )
        originals = [page.pk for page, _ in pages if page.locale_id == self.skeleton.de.pk]
        if kind == "projects":
            self.project_ids += originals
        elif kind == "publications":
            self.publication_ids += originals
        self.report.pages[kind] = self.report.pages.get(kind, 0) + len(pages)

    def language(self, page: Page) -> str:
        return "de" if page.locale_id == self.skeleton.de.pk else "en"

    def parent_for(self, kind: str, locale_id: int) -> Page:
        code = "de" if locale_id == self.skeleton.de.pk else "en"
        index = (
            self.skeleton.project_index if kind == "projects" else self.skeleton.publication_index
        )
        return index[code]

    def step(self, parent: Page) -> int:
        """Next free treebeard step under ``parent`` (after the demo pages)."""
        if parent.pk not in self.next_step:
            last = parent.get_last_child()
            self.next_step[parent.pk] = Page._str2int(last.path[-Page.steplen :]) if last else 0
        self.next_step[parent.pk] += 1
        return self.next_step[parent.pk]

    def page_pair(self, model, number: int, kind: str, de: dict, en: dict, common: dict):
        """A German original and its English translation, published a moment apart."""
        sk = self.skeleton
        published = FIRST_PUBLISHED + PUBLISHING_SPAN * (number / max(self.originals, 1))
        key = self.ids.uuid()
        slug_de, slug_en = SLUGS[kind]
        made = []
        for locale, slug, texts, offset in (
            (sk.de, slug_de, de, 0),
            (sk.en, slug_en, en, 60),
        ):
            when = published + datetime.timedelta(seconds=offset)
            made.append(
                model(
                    translation_key=key,
                    locale=locale,
                    slug=f"{slug}-{number}",
                    draft_title=texts["title"],
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=when,
                    last_published_at=when,
                    show_in_menus=False,
                    numchild=0,
                    **common,
                    **texts,
                )
            )
        return made

    def rich(self, paragraphs: list[Pair]) -> tuple[str, str]:
        return (
            "".join(f"<p>{p.de}</p>" for p in paragraphs),
            "".join(f"<p>{p.en}</p>" for p in paragraphs),
        )

    def stream(self, paragraphs: list[Pair], heading: Pair | None = None) -> tuple[list, list]:
        de, en = [], []
        if heading is not None:
            block = self.ids.block()
            de.append(
                {"type": "heading", "value": {"text": heading.de, "level": "h2"}, "id": block}
            )
            en.append(
                {"type": "heading", "value": {"text": heading.en, "level": "h2"}, "id": block}
            )
        for paragraph in paragraphs:
            block = self.ids.block()
            de.append({"type": "paragraph", "value": f"<p>{paragraph.de}</p>", "id": block})
            en.append({"type": "paragraph", "value": f"<p>{paragraph.en}</p>", "id": block})
        return de, en

    def some(self, items: list, low: int, high: int) -> list:
        return self.rng.sample(items, min(len(items), self.rng.randint(low, high)))

    def project(self, number: int) -> list[tuple[Page, dict]]:
        rng, w, sk = self.rng, self.writer, self.skeleton
        title, teaser = w.title(number), w.sentences(2)
        body_de, body_en = self.stream(w.paragraphs(rng.randint(3, 6)), w.heading())
        start = datetime.date(rng.randint(2010, 2027), rng.randint(1, 12), 1)
        end = None
        if rng.random() < 0.8:
            months = start.month - 1 + rng.randint(12, 60)
            end = datetime.date(start.year + months // 12, months % 12 + 1, 1)
        common = {
            "acronym": f"SYN{number}" if rng.random() < 0.3 else "",
            "start_date": start,
            "end_date": end,
            "dates_precision": "month",
        }
        de, en = self.page_pair(
            ProjectPage,
            number,
            "projects",
            {"title": title.de, "teaser": teaser.de, "body": body_de},
            {"title": title.en, "teaser": teaser.en, "body": body_en},
            common,
        )
        topics = self.some(sk.topics, 1, 3)
        people = self.some(sk.people, 1, 4)
        roles = ["lead"] + ["contact", "staff"] * 2
        orgs = self.some(sk.organisations, 1, 3)
        programmes = [w.programme() for _ in orgs]
        org_keys = [self.ids.uuid() for _ in orgs]
        districts = self.some(sk.districts, 1, 6)
        relations = []
        for code in ("de", "en"):
            locale = sk.de if code == "de" else sk.en
            relations.append(
                {
                    "topic_links": [ProjectTopic(topic=t) for t in topics],
                    "people": [
                        ProjectPerson(person=p, role=roles[i]) for i, p in enumerate(people)
                    ],
                    "organisations": [
                        ProjectOrganisation(
                            organisation=o if code == "de" else sk.english(o),
                            role="funder" if i == 0 else "partner",
                            programme=getattr(programmes[i], code) if i == 0 else "",
                            locale=locale,
                            translation_key=org_keys[i],
                        )
                        for i, o in enumerate(orgs)
                    ],
                    "district_links": [ProjectDistrict(district=d) for d in districts],
                }
            )
        return [(de, relations[0]), (en, relations[1])]

    def publication(self, number: int) -> list[tuple[Page, dict]]:
        rng, w, sk = self.rng, self.writer, self.skeleton
        title, subtitle = w.title(number), w.subtitle()
        abstract_de, abstract_en = self.rich(w.paragraphs(rng.randint(2, 3)))
        questions = [w.question() for _ in range(rng.randint(2, 4))]
        q_ids = [self.ids.block() for _ in questions]
        body_de, body_en = self.stream(w.paragraphs(rng.randint(0, 3)))
        series = rng.choice(sk.series) if rng.random() < 0.5 else None
        common = {
            "publication_date": datetime.date(rng.randint(2010, 2026), rng.randint(1, 12), 1),
            "kind": rng.choice(PublicationPage.Kind.values),
            "volume": rng.randint(1, 40) if series else None,
            "publisher": settings.IKPE_NAME,
        }
        de, en = self.page_pair(
            PublicationPage,
            number,
            "publications",
            {
                "title": title.de,
                "subtitle": subtitle.de,
                "abstract": abstract_de,
                "body": body_de,
                "guiding_questions": [
                    {"type": "question", "value": q.de, "id": i}
                    for q, i in zip(questions, q_ids, strict=True)
                ],
                "series": series,
            },
            {
                "title": title.en,
                "subtitle": subtitle.en,
                "abstract": abstract_en,
                "body": body_en,
                "guiding_questions": [
                    {"type": "question", "value": q.en, "id": i}
                    for q, i in zip(questions, q_ids, strict=True)
                ],
                "series": sk.english(series) if series else None,
            },
            common,
        )
        authors = self.some(sk.people, 1, 3)
        projects = self.some(self.project_ids, 0, 2)
        districts = self.some(sk.districts, 0, 3)
        topics = self.some(sk.topics, 1, 2)
        relations = [
            {
                "authors": [
                    PublicationPerson(person=p, role="editor" if i == 2 else "author")
                    for i, p in enumerate(authors)
                ],
                "project_links": [PublicationProject(project_id=pk) for pk in projects],
                "district_links": [PublicationDistrict(district=d) for d in districts],
                "topic_links": [PublicationTopic(topic=t) for t in topics],
            }
            for _ in (de, en)
        ]
        return [(de, relations[0]), (en, relations[1])]

    def interview(self, number: int) -> list[tuple[Page, dict]]:
        rng, w, sk = self.rng, self.writer, self.skeleton
        title, lead = w.title(number), w.sentences(2)
        body_de, body_en = [], []
        for _ in range(rng.randint(8, 14)):
            question = w.question()
            answer_de, answer_en = self.rich(w.paragraphs(rng.randint(2, 3)))
            block = self.ids.block()
            body_de.append(
                {
                    "type": "question_answer",
                    "value": {"question": question.de, "answer": answer_de},
                    "id": block,
                }
            )
            body_en.append(
                {
                    "type": "question_answer",
                    "value": {"question": question.en, "answer": answer_en},
                    "id": block,
                }
            )
        publication = rng.choice(self.publication_ids) if self.publication_ids else None
        common = {
            "interview_date": datetime.date(rng.randint(2012, 2026), rng.randint(1, 12), 1),
            "related_publication_id": publication if rng.random() < 0.7 else None,
            "is_sample": True,
        }
        de, en = self.page_pair(
            InterviewPage,
            number,
            "interviews",
            {"title": title.de, "lead": lead.de, "body": body_de},
            {"title": title.en, "lead": lead.en, "body": body_en},
            common,
        )
        interviewee, interviewer = rng.sample(sk.people, 2)
        institution = rng.choice(sk.organisations)
        projects = self.some(self.project_ids, 0, 1)
        districts = self.some(sk.districts, 1, 2)
        relations = [
            {
                "participants": [
                    InterviewParticipant(
                        person=interviewee, kind="interviewee", institution=institution
                    ),
                    InterviewParticipant(person=interviewer, kind="interviewer"),
                ],
                "project_links": [InterviewProject(project_id=pk) for pk in projects],
                "district_links": [InterviewDistrict(district=d) for d in districts],
            }
            for _ in (de, en)
        ]
        return [(de, relations[0]), (en, relations[1])]


def generate(
    size: int = DEFAULT_SIZE,
    *,
    seed: int = DEFAULT_SEED,
    progress: TextIO | None = None,
    batch: int = BATCH,
) -> CorpusReport:
    """Fill the (migrated, otherwise empty) database with a corpus of ``size`` pages."""
    return Generator(size, seed, progress, batch).run()
