"""Publications, interviews and publication series in the partner API."""

import datetime
from typing import Literal

from pydantic import Field

from cms.api.resources import (
    ListParams,
    Resource,
    inline_rows,
    item_base,
    linked_pages,
    page_base,
    page_links,
    translation_key_of,
)
from cms.api.schemas import Block, DistrictRef, Document, Image, Item, PageItem, Ref, Schema
from cms.api.serialize import Batch
from directory.api import TopicRef, topic_refs
from directory.models import Topic
from districts.api import district_refs
from districts.models import DistrictPage
from projects.models import ProjectPage
from publications.models import (
    InterviewDistrict,
    InterviewPage,
    InterviewParticipant,
    InterviewProject,
    PublicationDistrict,
    PublicationPage,
    PublicationPerson,
    PublicationProject,
    PublicationSeries,
    PublicationTopic,
)

PublicationKind = Literal[tuple(PublicationPage.Kind.values)]


def project_refs(batch: Batch, page) -> list:
    return [batch.ref(project) for project, _ in linked_pages(page.project_links.all(), "project")]


def by_district(queryset, value: str | None):
    if not value:
        return queryset
    key = translation_key_of(DistrictPage, "district", value, "ags")
    return queryset.filter(district_links__district__translation_key=key)


def by_project(queryset, value: str | None):
    if not value:
        return queryset
    key = translation_key_of(ProjectPage, "project", value, "slug")
    return queryset.filter(project_links__project__translation_key=key)


class Author(Schema):
    person: Ref
    role: Literal["author", "editor"]


class Publication(PageItem):
    subtitle: str
    publication_date: datetime.date
    kind: PublicationKind
    series: Ref | None
    volume: int | None
    publisher: str
    abstract: str = Field(description="HTML")
    guiding_questions: list[str]
    body: list[Block]
    document: Document | None = Field(description="The publication as PDF.")
    cover_image: Image | None
    isbn: str
    doi: str
    authors: list[Author]
    projects: list[Ref]
    districts: list[DistrictRef]
    topics: list[TopicRef]


class PublicationDetail(Publication):
    interviews: list[Ref]


class PublicationParams(ListParams):
    """Filter by year, kind, series (id), project (id or slug), district (AGS), topic (slug)."""

    year: int | None = Field(None, ge=1900, le=2100)
    kind: PublicationKind | None = None
    series: int | None = Field(None, description="Series id.")
    project: str | None = Field(None, description="Project id or slug.")
    district: str | None = Field(None, pattern=r"^16\d{3}$", description="AGS.")
    topic: str | None = Field(None, description="Topic slug.")
    ordering: Literal["-publication_date", "publication_date", "title", "-last_updated_at"] = (
        "-publication_date"
    )


def filter_publications(queryset, params: PublicationParams):
    if params.year:
        queryset = queryset.filter(publication_date__year=params.year)
    if params.kind:
        queryset = queryset.filter(kind=params.kind)
    if params.series:
        key = translation_key_of(PublicationSeries, "series", str(params.series))
        queryset = queryset.filter(series__translation_key=key)
    if params.topic:
        key = translation_key_of(Topic, "topic", params.topic, "slug")
        queryset = queryset.filter(topic_links__topic__translation_key=key)
    queryset = by_district(by_project(queryset, params.project), params.district)
    # Only filters across links can repeat a row; DISTINCT over every column (abstract and
    # body included) otherwise cost more than the rest of the list, growing with the corpus.
    return queryset.distinct() if params.topic or params.project or params.district else queryset


def serialize_publication(page: PublicationPage, batch: Batch) -> dict:
    return {
        **page_base(page, batch, "publications"),
        "subtitle": page.subtitle,
        "publication_date": page.publication_date,
        "kind": page.kind,
        "series": batch.ref(page.series),
        "volume": page.volume,
        "publisher": page.publisher,
        "abstract": batch.rich_text(page.abstract),
        "guiding_questions": [block["value"] for block in page.guiding_questions.raw_data],
        "body": batch.stream(page.body),
        "document": batch.document(page.document_id),
        "cover_image": batch.image(page.cover_image_id),
        "isbn": page.isbn,
        "doi": page.doi,
        "authors": [
            {"person": batch.ref(link.person), "role": link.role} for link in page.authors.all()
        ],
        "projects": project_refs(batch, page),
        "districts": district_refs(batch, page),
        "topics": topic_refs(batch, page),
    }


def serialize_publication_detail(page: PublicationPage, batch: Batch) -> dict:
    return {
        **serialize_publication(page, batch),
        "interviews": [batch.ref(i) for i in page.get_interviews()],
    }


class Participant(Schema):
    person: Ref
    kind: Literal["interviewee", "interviewer"]
    institution: Ref | None


class Interview(PageItem):
    interview_date: datetime.date
    lead: str
    body: list[Block]
    participants: list[Participant]
    related_publication: Ref | None
    projects: list[Ref]
    districts: list[DistrictRef]
    is_sample: bool = Field(description="Demonstration content with fictitious people.")


class InterviewParams(ListParams):
    """Filter by project (id or slug), publication (id or slug) and district (AGS)."""

    project: str | None = None
    publication: str | None = None
    district: str | None = Field(None, pattern=r"^16\d{3}$")
    ordering: Literal["-interview_date", "interview_date", "title"] = "-interview_date"


def filter_interviews(queryset, params: InterviewParams):
    if params.publication:
        key = translation_key_of(PublicationPage, "publication", params.publication, "slug")
        queryset = queryset.filter(related_publication__translation_key=key)
    queryset = by_district(by_project(queryset, params.project), params.district)
    return queryset.distinct() if params.project or params.district else queryset


def serialize_interview(page: InterviewPage, batch: Batch) -> dict:
    return {
        **page_base(page, batch, "interviews"),
        "interview_date": page.interview_date,
        "lead": page.lead,
        "body": batch.stream(page.body),
        "participants": [
            {
                "person": batch.ref(p.person),
                "kind": p.kind,
                "institution": batch.ref(p.institution),
            }
            for p in page.participants.all()
        ],
        "related_publication": batch.ref(page.related_publication),
        "projects": project_refs(batch, page),
        "districts": district_refs(batch, page),
        "is_sample": page.is_sample,
    }


class Series(Item):
    slug: str
    title: str
    description: str


class SeriesParams(ListParams):
    ordering: Literal["title", "-last_updated_at"] = "title"


def serialize_series(series: PublicationSeries, batch: Batch) -> dict:
    return {
        **item_base(series, batch, "series"),
        "slug": series.slug,
        "title": series.title,
        "description": series.description,
    }


resources = [
    Resource(
        name="publications",
        model=PublicationPage,
        schema=Publication,
        detail_schema=PublicationDetail,
        serialize=serialize_publication,
        serialize_detail=serialize_publication_detail,
        params=PublicationParams,
        filter=filter_publications,
        select_related=("series",),
        prefetch_related=(
            inline_rows("authors", PublicationPerson, "person"),
            page_links("project_links", PublicationProject, "project"),
            page_links("district_links", PublicationDistrict, "district", "ags"),
            inline_rows("topic_links", PublicationTopic, "topic"),
        ),
    ),
    Resource(
        name="interviews",
        model=InterviewPage,
        schema=Interview,
        serialize=serialize_interview,
        params=InterviewParams,
        filter=filter_interviews,
        select_related=("related_publication",),
        prefetch_related=(
            inline_rows("participants", InterviewParticipant, "person", "institution"),
            page_links("project_links", InterviewProject, "project"),
            page_links("district_links", InterviewDistrict, "district", "ags"),
        ),
    ),
    Resource(
        name="series",
        model=PublicationSeries,
        schema=Series,
        serialize=serialize_series,
        params=SeriesParams,
    ),
]
