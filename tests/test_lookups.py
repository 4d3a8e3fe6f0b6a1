"""``__any_of``: the same rows as ``__in``, with the list sent as one array on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from directory.models import Topic
from projects.models import ProjectTopic

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds_for_keys_foreign_keys_and_uuids():
    ids = list(Page.objects.order_by("pk").values_list("pk", flat=True)[:7])
    assert set(Page.objects.filter(pk__any_of=ids)) == set(Page.objects.filter(pk__in=ids))
    links = list(ProjectTopic.objects.values_list("page_id", flat=True))
    assert links, "the demo content links projects to topics"
    assert ProjectTopic.objects.filter(page_id__any_of=links[:2]).count() == (
        ProjectTopic.objects.filter(page_id__in=links[:2]).count()
    )
    keys = [str(key) for key in Topic.objects.values_list("translation_key", flat=True)[:3]]
    assert set(Topic.objects.filter(translation_key__any_of=keys)) == set(
        Topic.objects.filter(translation_key__in=keys)
    )


def test_any_of_an_empty_list_finds_nothing():
    assert not Page.objects.filter(pk__any_of=[]).exists()


def test_any_of_sends_one_parameter_on_postgresql():
    ids = list(Page.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        list(Page.objects.filter(pk__any_of=ids))
    sql = captured[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:
        assert " IN (" in sql
