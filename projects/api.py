"""Projects in the partner API: schema, filters and serialiser beside each other."""

import datetime
from typing import Literal

from pydantic import Field

from cms.api.resources import (
    ListParams,
    Resource,
    inline_rows,
    page_base,
    page_links,
    translation_key_of,
)
from cms.api.schemas import Block, DistrictRef, PageItem, Ref, Schema
from cms.api.serialize import Batch
from directory.api import TopicRef, topic_refs
from directory.models import Organisation, Topic
from districts.api import district_refs
from districts.models import DistrictPage
from projects.models import (
    ProjectDistrict,
    ProjectOrganisation,
    ProjectPage,
    ProjectPerson,
    ProjectTopic,
    filter_by_status,
)


class ProjectPersonOut(Schema):
    person: Ref
    role: Literal["lead", "contact", "staff"]
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    current: bool = Field(description="Whether the person holds the role this month.")


class ProjectOrganisationOut(Schema):
    organisation: Ref
    programme: str = Field(description="Funding programme, for funders.")


class Project(PageItem):
    acronym: str
    start_date: datetime.date
    end_date: datetime.date | None
    dates_precision: Literal["month", "year"]
    status: Literal["planned", "running", "completed"]
    body: list[Block]
    topics: list[TopicRef]
    people: list[ProjectPersonOut]
    partners: list[ProjectOrganisationOut]
    funders: list[ProjectOrganisationOut]
    districts: list[DistrictRef]
    districts_as_of: datetime.date | None


class ProjectDetail(Project):
    publications: list[Ref]
    interviews: list[Ref]


class ProjectParams(ListParams):
    """Filter by status, topic (slug), district (AGS) and funder (id or short name)."""

    status: Literal["planned", "running", "completed"] | None = None
    topic: str | None = Field(None, description="Topic slug, e.g. `integration`.")
    district: str | None = Field(None, pattern=r"^16\d{3}$", description="AGS, e.g. `16051`.")
    funder: str | None = Field(None, description="Organisation id or short name, e.g. `ESF`.")
    ordering: Literal["-start_date", "start_date", "title", "-title", "-last_updated_at"] = (
        "-start_date"
    )


def filter_projects(queryset, params: ProjectParams):
    if params.status:
        queryset = filter_by_status(queryset, params.status)
    if params.topic:
        key = translation_key_of(Topic, "topic", params.topic, "slug")
        queryset = queryset.filter(topic_links__topic__translation_key=key)
    if params.district:
        key = translation_key_of(DistrictPage, "district", params.district, "ags")
        queryset = queryset.filter(district_links__district__translation_key=key)
    if params.funder:
        key = translation_key_of(Organisation, "funder", params.funder, "short_name", "slug")
        queryset = queryset.filter(
            organisations__role=ProjectOrganisation.Role.FUNDER,
            organisations__organisation__translation_key=key,
        )
    # Only filters across links can repeat a row (see filter_publications).
    return queryset.distinct() if params.topic or params.district or params.funder else queryset


def serialize_project(page: ProjectPage, batch: Batch) -> dict:
    organisations = {role: [] for role in ProjectOrganisation.Role.values}
    for link in page.organisations.all():
        organisations[link.role].append(
            {"organisation": batch.ref(link.organisation), "programme": link.programme}
        )
    return {
        **page_base(page, batch, "projects"),
        "acronym": page.acronym,
        "start_date": page.start_date,
        "end_date": page.end_date,
        "dates_precision": page.dates_precision,
        "status": page.status,
        "body": batch.stream(page.body),
        "topics": topic_refs(batch, page),
        "people": [
            {
                "person": batch.ref(link.person),
                "role": link.role,
                "valid_from": link.valid_from,
                "valid_until": link.valid_until,
                "current": link.is_current(),
            }
            for link in page.people.all()
        ],
        "partners": organisations[ProjectOrganisation.Role.PARTNER],
        "funders": organisations[ProjectOrganisation.Role.FUNDER],
        "districts": district_refs(batch, page),
        "districts_as_of": page.districts_as_of,
    }


def serialize_project_detail(page: ProjectPage, batch: Batch) -> dict:
    return {
        **serialize_project(page, batch),
        "publications": [batch.ref(p) for p in page.get_publications()],
        "interviews": [batch.ref(i) for i in page.get_interviews()],
    }


resource = Resource(
    name="projects",
    model=ProjectPage,
    schema=Project,
    detail_schema=ProjectDetail,
    serialize=serialize_project,
    serialize_detail=serialize_project_detail,
    params=ProjectParams,
    filter=filter_projects,
    prefetch_related=(
        inline_rows("people", ProjectPerson, "person"),
        inline_rows("organisations", ProjectOrganisation, "organisation"),
        page_links("district_links", ProjectDistrict, "district", "ags"),
        inline_rows("topic_links", ProjectTopic, "topic"),
    ),
)
