"""Load the institute's demo site in German and translate it to English with wagtail-localize.

Idempotent: everything is looked up by a natural key first, so a second run creates and
changes nothing. English versions go through wagtail-localize's own PO export/import, the
same path an editor's uploaded PO file takes.
"""

from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText
from wagtail_localize.models import Translation, TranslationSource

from cms.demo import content as demo
from cms.demo.districts import DISTRICTS, STATUS_NOTES, District, profile, read_districts_csv
from cms.demo.roles import ensure_roles
from cms.demo.text import Glossary, T
from cms.models import FooterLinks
from directory.models import Organisation, Person, Topic
from districts.models import DistrictIndexPage, DistrictPage
from home.models import HomePage, StandardPage
from projects.models import ProjectIndexPage, ProjectPage
from publications.models import (
    InterviewPage,
    PublicationIndexPage,
    PublicationPage,
    PublicationSeries,
)

UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def german_slug(name: str) -> str:
    """“Sömmerda” → “soemmerda”, as Germans spell umlauts in URLs."""
    return slugify(name.translate(UMLAUTS))


class Command(BaseCommand):
    help = "Load the IKPE demo content (German, with English translations). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--districts-csv",
            help=(
                "CSV of districts (ags,name,kind,seat,valid_until,population,…) to load instead "
                "of Thuringia's built-in list."
            ),
        )

    def handle(self, *args, **options):
        csv_path = options["districts_csv"]
        districts = read_districts_csv(Path(csv_path)) if csv_path else DISTRICTS
        named = {ags for project in demo.PROJECTS for ags in project["districts"]}
        if missing := sorted(named - {district.ags for district in districts}):
            raise CommandError(
                f"{csv_path}: the demo projects name districts it lacks: {', '.join(missing)}"
            )
        self.glossary = Glossary()
        self.created = 0
        self.de = Locale.objects.get_or_create(language_code="de")[0]
        self.en = Locale.objects.get_or_create(language_code="en")[0]
        with transaction.atomic():
            originals = self.load(districts)
        for instance in originals:
            # One transaction each: wagtail-localize publishes on commit, and a publish
            # deferred past later tree changes would write stale tree counters back.
            with transaction.atomic():
                self.translate(instance)
        with transaction.atomic():
            # Last: the workflow is assigned to both home pages, the English one included.
            self.created += ensure_roles()
        self.stdout.write(
            self.style.SUCCESS(f"Demo content ready ({self.created} objects created).")
        )

    # -- loading -------------------------------------------------------------------------

    def load(self, districts: Sequence[District]) -> list:
        """Create the German originals; return them in the order they must be translated."""
        g = self.glossary
        topics = {
            slug: self.snippet(Topic, {"slug": slug}, name=g(name))
            for slug, (name,) in demo.TOPICS.items()
        }
        people = {key: self.person(data) for key, data in demo.PEOPLE.items()}
        orgs = {
            key: self.snippet(
                Organisation,
                {"short_name": data["short_name"], "name": g(data["name"])},
                kind=data["kind"],
            )
            for key, data in demo.ORGANISATIONS.items()
        }
        series = {
            key: self.snippet(
                PublicationSeries, {"title": g(data["title"])}, description=g(data["description"])
            )
            for key, data in demo.SERIES.items()
        }

        home = self.home_page()
        project_index = self.index_page(home, ProjectIndexPage, demo.INDEXES["projects"])
        publication_index = self.index_page(
            home, PublicationIndexPage, demo.INDEXES["publications"]
        )
        district_index = self.index_page(home, DistrictIndexPage, demo.INDEXES["districts"])
        districts = self.district_pages(district_index, districts)
        projects = [
            self.project(project_index, data, topics, people, orgs, districts)
            for data in demo.PROJECTS
        ]
        by_slug = {p.slug: p for p in projects}
        for data in demo.PUBLICATIONS:
            self.publication(publication_index, data, topics, series, by_slug)
        self.interview(publication_index, people, orgs)
        standard = {data["key"]: self.standard_page(home, data) for data in demo.STANDARD_PAGES}
        self.footer(standard)

        pages = (
            home.get_descendants(inclusive=True).filter(locale=self.de).specific().order_by("path")
        )
        return [*topics.values(), *people.values(), *orgs.values(), *series.values(), *pages]

    def snippet(self, model, lookup: dict, **defaults):
        obj, created = model.objects.get_or_create(locale=self.de, **lookup, defaults=defaults)
        self.created += created
        return obj

    def person(self, data: dict) -> Person:
        return self.snippet(
            Person,
            {"given_name": data["given_name"], "family_name": data["family_name"]},
            academic_title=data["academic_title"],
            role=self.glossary(data["role"]),
        )

    def add_page(self, parent: Page, page: Page) -> Page:
        """Create and publish ``page`` under ``parent`` unless a page with its slug exists."""
        existing = parent.get_children().filter(slug=page.slug).specific().first()
        if existing is not None:
            return existing
        page.locale = self.de
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1
        return page

    def rich(self, *paragraphs: T) -> str:
        return self.glossary.html(*paragraphs)

    def home_page(self) -> HomePage:
        g = self.glossary
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        if not isinstance(home, HomePage):
            raise CommandError("The default site's root page is not a HomePage; run migrate first.")
        if not home.intro:
            home.title = g(demo.HOME["title"])
            home.intro = self.rich(*demo.HOME["intro"])
            home.save_revision().publish()
            self.created += 1
        g.entries.setdefault(home.slug, home.slug)
        g(demo.HOME["title"])
        g(T(home.title, demo.HOME["title"].en))
        return home

    def index_page(self, home: Page, model, data: dict) -> Page:
        g = self.glossary
        page = model(
            title=g(data["title"]),
            slug=g(data["slug"]),
            intro=self.rich(data["intro"]),
            show_in_menus=True,
        )
        return self.add_page(home, page)

    def district_pages(self, index: Page, districts: Sequence[District]) -> dict[str, DistrictPage]:
        g = self.glossary
        pages = {}
        for district in districts:
            note = STATUS_NOTES.get(district.ags)
            page = DistrictPage(
                title=district.name,
                slug=german_slug(district.name),
                kind=district.kind,
                ags=district.ags,
                seat=district.seat,
                valid_until=district.valid_until,
                population=district.population,
                population_date=district.population_date,
                population_source=district.population_source,
                profile=self.rich(profile(district)),
                status_note=g(note) if note else "",
            )
            for term in (district.name, page.slug, district.seat):
                if term:
                    g.entries.setdefault(term, term)
            pages[district.ags] = self.add_page(index, page)
        return pages

    def project(self, index, data, topics, people, orgs, districts) -> ProjectPage:
        g = self.glossary
        page = ProjectPage(
            title=g(data["title"]),
            slug=g(data["slug"]),
            acronym=data["acronym"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            dates_precision=data["dates_precision"],
            teaser=g(data["teaser"]),
            body=[("paragraph", RichText(self.rich(p))) for p in data["body"]],
            districts_as_of=data["districts_as_of"],
        )
        page.topic_links = [page.topic_links.model(topic=topics[slug]) for slug in data["topics"]]
        page.people = [
            page.people.model(
                person=people[p["person"]],
                role=p["role"],
                valid_from=p.get("valid_from"),
                valid_until=p.get("valid_until"),
            )
            for p in data["people"]
        ]
        page.organisations = [
            page.organisations.model(
                organisation=orgs[o["organisation"]],
                role=o["role"],
                programme=g(o["programme"]) if o["programme"] else "",
                locale=self.de,
            )
            for o in data["organisations"]
        ]
        page.district_links = [
            page.district_links.model(district=districts[ags]) for ags in data["districts"]
        ]
        return self.add_page(index, page)

    def publication(self, index, data, topics, series, projects_by_slug) -> PublicationPage:
        g = self.glossary
        page = PublicationPage(
            title=g(data["title"]),
            slug=g(data["slug"]),
            subtitle=g(data["subtitle"]),
            publication_date=data["publication_date"],
            kind=data["kind"],
            series=series[data["series"]],
            volume=data["volume"],
            publisher=settings.IKPE_NAME,
            abstract=self.rich(*data["abstract"]),
            guiding_questions=[("question", g(q)) for q in data["questions"]],
        )
        g(T(settings.IKPE_NAME, demo.ORGANISATIONS["ikpe"]["name"].en))
        page.topic_links = [page.topic_links.model(topic=topics[slug]) for slug in data["topics"]]
        page.project_links = [
            page.project_links.model(project=projects_by_slug[p["slug"].de])
            for p in data["projects"]
        ]
        return self.add_page(index, page)

    def interview(self, index, people, orgs) -> InterviewPage:
        g = self.glossary
        data = demo.SAMPLE_INTERVIEW
        body = [
            ("question_answer", {"question": g(q), "answer": RichText(self.rich(a))})
            for q, a in data["qa"]
        ]
        page = InterviewPage(
            title=g(data["title"]),
            slug=g(data["slug"]),
            interview_date=data["interview_date"],
            lead=g(data["lead"]),
            body=body,
            is_sample=True,
        )
        page.participants = [
            page.participants.model(
                person=people["sample_interviewee"],
                kind="interviewee",
                institution=orgs["sample_administration"],
            ),
            page.participants.model(person=people["sample_interviewer"], kind="interviewer"),
        ]
        return self.add_page(index, page)

    def standard_page(self, home, data) -> StandardPage:
        g = self.glossary
        page = StandardPage(
            title=g(data["title"]),
            slug=g(data["slug"]),
            intro=g(data["intro"]),
            body=[("paragraph", RichText(self.rich(p))) for p in data["body"]],
            show_in_menus=data["show_in_menus"],
        )
        return self.add_page(home, page)

    def footer(self, standard: dict[str, StandardPage]) -> None:
        site = Site.objects.get(is_default_site=True)
        footer = FooterLinks.for_site(site)
        if footer.imprint_page_id:
            return
        footer.imprint_page = standard["imprint"]
        footer.privacy_page = standard["privacy"]
        footer.accessibility_page = standard["accessibility"]
        footer.easy_read_page = standard["easy_read"]
        footer.save()

    # -- translation ---------------------------------------------------------------------

    def translate(self, instance) -> None:
        """Translate through wagtail-localize's PO round trip; skip what is already translated."""
        if instance.has_translation(self.en):
            return
        source, _ = TranslationSource.get_or_create_from_instance(instance)
        translation, _ = Translation.objects.get_or_create(source=source, target_locale=self.en)
        po = translation.export_po()
        missing = []
        for entry in po:
            english = self.glossary.translate(entry.msgid)
            if english is None:
                missing.append(entry.msgid)
            else:
                entry.msgstr = english
        if missing:
            raise CommandError(f"No English demo text for {instance!r}: {missing}")
        translation.import_po(po)
        translation.save_target(publish=True)
        self.created += 1
