"""Project dates: validation, month precision and the status derived from them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from projects.models import ProjectPage, ProjectPerson, ProjectStatus, filter_by_status
from tests.helpers import text

pytestmark = pytest.mark.django_db


def project(**fields) -> ProjectPage:
    values = {
        "title": "Prüfprojekt",
        "slug": "pruefprojekt",
        "teaser": "Kurz.",
        "start_date": datetime.date(2021, 1, 1),
        "end_date": datetime.date(2022, 12, 1),
    }
    values.update(fields)
    return ProjectPage(**values)


def test_end_before_start_is_rejected_on_the_end_field():
    page = project(start_date=datetime.date(2022, 5, 1), end_date=datetime.date(2021, 3, 1))
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert list(error.value.message_dict) == ["end_date"]
    with translation.override("en"):
        assert error.value.message_dict["end_date"] == ["The end must not be before the start."]


def test_end_before_start_is_rejected_by_full_clean(project_index):
    page = project(start_date=datetime.date(2022, 5, 1), end_date=datetime.date(2021, 3, 1))
    page.path, page.depth = project_index.path + "9999", project_index.depth + 1
    page.locale = project_index.locale
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "end_date" in error.value.message_dict


def test_same_month_is_accepted_and_days_are_dropped():
    page = project(start_date=datetime.date(2022, 5, 17), end_date=datetime.date(2022, 5, 3))
    page.clean()
    assert page.start_date == datetime.date(2022, 5, 1)
    assert page.end_date == datetime.date(2022, 5, 1)


def test_year_precision_covers_whole_years():
    page = project(
        dates_precision="year",
        start_date=datetime.date(2016, 7, 1),
        end_date=datetime.date(2022, 3, 1),
    )
    page.clean()
    assert page.start_date == datetime.date(2016, 1, 1)
    assert page.end_date == datetime.date(2022, 12, 1)
    assert page.get_status(today=datetime.date(2022, 11, 30)) == ProjectStatus.RUNNING


def test_open_ended_project_is_valid():
    page = project(end_date=None)
    page.clean()
    assert page.get_status(today=datetime.date(2040, 1, 1)) == ProjectStatus.RUNNING


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (datetime.date(2020, 12, 31), "planned"),
        (datetime.date(2021, 1, 1), "running"),
        (datetime.date(2021, 1, 20), "running"),
        (datetime.date(2022, 12, 31), "running"),  # the end month still counts
        (datetime.date(2023, 1, 1), "completed"),
    ],
)
def test_status_is_derived_from_the_dates(today, status):
    page = project()
    assert page.get_status(today=today) == status


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (datetime.date(2020, 12, 31), "planned"),
        (datetime.date(2021, 6, 1), "running"),
        (datetime.date(2023, 1, 1), "completed"),
    ],
)
def test_status_filter_agrees_with_page_status(thilik, vielfalt, make_project, today, status):
    make_project(slug="spaeter", start_date=datetime.date(2021, 1, 1), end_date=None)
    projects = ProjectPage.objects.live().filter(locale=thilik.locale)
    expected = {p.pk for p in projects if p.get_status(today=today) == status}
    assert {p.pk for p in filter_by_status(projects, status, today=today)} == expected


def test_demo_projects_are_completed(thilik, vielfalt):
    assert thilik.status == ProjectStatus.COMPLETED
    assert vielfalt.status == ProjectStatus.COMPLETED
    assert thilik.get_status(today=datetime.date(2016, 6, 1)) == ProjectStatus.RUNNING


def test_status_and_duration_are_shown(client):
    body = text(client.get("/en/projects/thilik/"))
    assert "Completed" in body
    assert "2016" in body and "2022" in body
    # Year precision: no months in the duration.
    assert "January 2016" not in body and "December 2022" not in body
    body = text(client.get("/en/projects/vielfalt-leben/"))
    assert "January 2021" in body and "December 2022" in body


def test_person_validity_end_before_start_is_rejected(thilik):
    link = ProjectPerson(
        page=thilik,
        person=thilik.people.first().person,
        valid_from=datetime.date(2022, 6, 1),
        valid_until=datetime.date(2022, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        link.clean()
    assert "valid_until" in error.value.message_dict


def test_person_validity_by_month(vielfalt):
    vidot = next(p for p in vielfalt.people.all() if p.person.family_name == "Vidot")
    assert vidot.is_current(today=datetime.date(2022, 5, 15))
    assert not vidot.is_current(today=datetime.date(2022, 6, 1))
    huber = next(p for p in vielfalt.people.all() if p.person.family_name == "Huber")
    assert not huber.is_current(today=datetime.date(2022, 5, 31))
    assert huber.is_current(today=datetime.date(2022, 6, 1))
