"""District profiles in the partner API."""

import datetime
from typing import Literal

from pydantic import Field

from cms.api.resources import ListParams, Resource, linked_pages, page_base
from cms.api.schemas import PageItem, Ref
from cms.api.serialize import Batch
from districts.models import DistrictPage


def district_refs(batch: Batch, page) -> list:
    """Rows prefetched with ``page_links(…, "district", "ags")``."""
    return [
        batch.ref(district, ags=values["ags"])
        for district, values in linked_pages(page.district_links.all(), "district", "ags")
    ]


class District(PageItem):
    official_name: str
    kind: Literal["landkreis", "kreisfreie_stadt"]
    ags: str = Field(description="Official municipality key (Amtlicher Gemeindeschlüssel).")
    valid_until: datetime.date | None = Field(
        description="Set for districts that lost this status (e.g. Eisenach, 2021)."
    )
    status_note: str
    seat: str
    population: int | None
    population_date: datetime.date | None
    population_source: str
    integration_contact: Ref | None
    profile: str = Field(description="HTML")


class DistrictDetail(District):
    projects: list[Ref]
    publications: list[Ref]
    interviews: list[Ref]


class DistrictParams(ListParams):
    """Filter by kind: rural district or district-free city."""

    kind: Literal["landkreis", "kreisfreie_stadt"] | None = None
    ordering: Literal["title", "ags", "-population"] = "title"


def serialize_district(page: DistrictPage, batch: Batch) -> dict:
    return {
        **page_base(page, batch, "districts"),
        "official_name": page.official_name or page.title,
        "kind": page.kind,
        "ags": page.ags,
        "valid_until": page.valid_until,
        "status_note": page.status_note,
        "seat": page.seat,
        "population": page.population,
        "population_date": page.population_date,
        "population_source": page.population_source,
        "integration_contact": batch.ref(page.integration_contact),
        "profile": batch.rich_text(page.profile),
    }


def serialize_district_detail(page: DistrictPage, batch: Batch) -> dict:
    return {
        **serialize_district(page, batch),
        "projects": [batch.ref(p) for p in page.get_projects()],
        "publications": [batch.ref(p) for p in page.get_publications()],
        "interviews": [batch.ref(p) for p in page.get_interviews()],
    }


resource = Resource(
    name="districts",
    model=DistrictPage,
    schema=District,
    detail_schema=DistrictDetail,
    serialize=serialize_district,
    serialize_detail=serialize_district_detail,
    params=DistrictParams,
    filter=lambda queryset, params: queryset.filter(kind=params.kind) if params.kind else queryset,
    select_related=("integration_contact",),
)
