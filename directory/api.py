"""People, organisations and topics in the partner API."""

from typing import Literal

from pydantic import Field

from cms.api.resources import ListParams, Resource, item_base
from cms.api.schemas import Image, Item, Ref
from cms.api.serialize import Batch
from directory.models import Organisation, Person, Topic


class TopicRef(Ref):
    slug: str


def topic_refs(batch: Batch, page) -> list:
    return [batch.ref(link.topic, slug=link.topic.slug) for link in page.topic_links.all()]


class PersonOut(Item):
    slug: str
    academic_title: str
    given_name: str
    family_name: str
    full_name: str
    role: str = Field(description="Job title or function, translated.")
    photo: Image | None
    email: str
    phone: str


class PersonParams(ListParams):
    ordering: Literal["family_name", "-last_updated_at"] = "family_name"


def serialize_person(person: Person, batch: Batch) -> dict:
    return {
        **item_base(person, batch, "people"),
        "slug": person.slug,
        "academic_title": person.academic_title,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "full_name": person.full_name,
        "role": person.role,
        "photo": batch.image(person.photo_id),
        "email": person.email,
        "phone": person.phone,
    }


class OrganisationOut(Item):
    slug: str
    name: str
    short_name: str
    kind: Literal[tuple(Organisation.Kind.values)]
    website: str


class OrganisationParams(ListParams):
    """Filter by kind of organisation."""

    kind: Literal[tuple(Organisation.Kind.values)] | None = None
    ordering: Literal["name", "-last_updated_at"] = "name"


def serialize_organisation(organisation: Organisation, batch: Batch) -> dict:
    return {
        **item_base(organisation, batch, "organisations"),
        "slug": organisation.slug,
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "website": organisation.url,
    }


class TopicOut(Item):
    slug: str
    name: str
    description: str


class TopicParams(ListParams):
    ordering: Literal["name", "-last_updated_at"] = "name"


def serialize_topic(topic: Topic, batch: Batch) -> dict:
    return {
        **item_base(topic, batch, "topics"),
        "slug": topic.slug,
        "name": topic.name,
        "description": topic.description,
    }


resources = [
    Resource(
        name="people",
        model=Person,
        schema=PersonOut,
        serialize=serialize_person,
        params=PersonParams,
        orderings={"family_name": ("family_name", "given_name")},
    ),
    Resource(
        name="organisations",
        model=Organisation,
        schema=OrganisationOut,
        serialize=serialize_organisation,
        params=OrganisationParams,
        filter=lambda queryset, params: (
            queryset.filter(kind=params.kind) if params.kind else queryset
        ),
    ),
    Resource(
        name="topics",
        model=Topic,
        schema=TopicOut,
        serialize=serialize_topic,
        params=TopicParams,
    ),
]
