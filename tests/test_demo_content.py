"""The demo content command: complete in both languages, consistent, and safe to run twice."""

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Locale, Page, Revision

from cms.demo.districts import DISTRICTS, KINDS, read_districts_csv
from directory.models import Organisation, Person, Topic
from districts.models import DistrictPage
from projects.models import ProjectPage
from publications.models import PublicationSeries
from tests.helpers import shared_path, text

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "live pages": Page.objects.live().count(),
        "people": Person.objects.count(),
        "organisations": Organisation.objects.count(),
        "topics": Topic.objects.count(),
        "series": PublicationSeries.objects.count(),
        "revisions": Revision.objects.count(),
    }


def test_second_run_changes_nothing(capsys):
    before = counts()
    titles = dict(Page.objects.values_list("pk", "title"))
    call_command("load_demo_content")
    assert counts() == before
    assert dict(Page.objects.values_list("pk", "title")) == titles
    assert "(0 objects created)" in capsys.readouterr().out


def test_demo_content_leaves_a_consistent_page_tree(demo_load_report):
    """Right after `load_demo_content` the page tree must be consistent.

    Wagtail-localize publishes translations in ``transaction.on_commit``; inside the command's
    single ``transaction.atomic()`` those publishes run only at the very end, from revisions
    taken before any child existed, and reset ``numchild`` of the English pages to 0. Wagtail
    then routes nothing below /en/ (every English sub-page is a 404).
    """
    bad_abs, bad_depth, bad_numchild_nodes, bad_children, wrong_numchild = demo_load_report[
        "tree_problems"
    ]
    wrong = list(Page.objects.filter(pk__in=wrong_numchild).values_list("url_path", flat=True))
    assert wrong == [], f"pages with a wrong child count after the demo load: {wrong}"
    assert not (bad_abs or bad_depth or bad_numchild_nodes or bad_children)


def test_every_german_page_and_snippet_has_a_live_english_version():
    de = Locale.objects.get(language_code="de")
    en = Locale.objects.get(language_code="en")
    german_pages = Page.objects.filter(locale=de, depth__gte=2)
    assert german_pages.count() == Page.objects.filter(locale=en, depth__gte=2).count()
    for page in german_pages:
        english = page.get_translation_or_none(en)
        assert english is not None and english.live, page.url_path
    for model in (Person, Organisation, Topic, PublicationSeries):
        for obj in model.objects.filter(locale=de):
            assert obj.has_translation(en), obj


def test_demo_facts():
    assert ProjectPage.objects.filter(locale__language_code="de").count() == 2
    # 17 Landkreise, 5 kreisfreie Städte and the former kreisfreie Stadt Eisenach.
    districts = DistrictPage.objects.filter(locale__language_code="de")
    assert districts.count() == 23
    assert districts.filter(kind="kreisfreie_stadt", valid_until__isnull=True).count() == 5
    assert districts.filter(kind="landkreis").count() == 17
    eisenach = districts.get(ags="16056")
    assert eisenach.is_historical
    thilik = ProjectPage.objects.get(locale__language_code="de", slug="thilik")
    assert sorted(link.district.ags for link in thilik.district_links.all()) == sorted(
        [
            "16077",
            "16051",
            "16056",
            "16052",
            "16053",
            "16065",
            "16062",
            "16066",
            "16068",
            "16073",
            "16075",
            "16063",
        ]
    )


def test_sample_interview_is_marked_as_fictitious(client):
    response = client.get("/de/publikationen/beispielinterview-integrationsmanagement/")
    assert response.context["page"].is_sample
    # Not presented as a real schema.org Interview.
    assert '"@type": "Interview"' not in text(response)
    assert '"@type": "CreativeWork"' in text(response)


def test_missing_district_csv_is_reported(tmp_path):
    with pytest.raises(CommandError, match="District CSV not found"):
        call_command("load_demo_content", districts_csv=str(tmp_path / "fehlt.csv"))


def test_unknown_district_kind_is_reported(tmp_path):
    csv_file = tmp_path / "kreise.csv"
    csv_file.write_text(
        "ags,name,kind,seat,valid_until,population,population_date,population_source\n"
        "16099,Neukreis,Bezirk,,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="unknown district kind 'Bezirk'"):
        call_command("load_demo_content", districts_csv=str(csv_file))
    assert not DistrictPage.objects.filter(ags="16099").exists()


def test_a_bad_value_in_the_district_csv_names_its_line(tmp_path):
    csv_file = tmp_path / "kreise.csv"
    csv_file.write_text(
        "ags,name,kind,seat,valid_until,population,population_date,population_source\n"
        "16098,Altkreis,Landkreis,Altstadt,,,,\n"
        "16099,Neukreis,Landkreis,Neustadt,,viele,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"kreise\.csv, line 3: .*'viele'"):
        call_command("load_demo_content", districts_csv=str(csv_file))
    assert not DistrictPage.objects.filter(ags__in=["16098", "16099"]).exists()


def write_districts_csv(path, *rows: str) -> str:
    """The built-in districts and ``rows`` as a CSV of the reference list's columns."""
    labels = {kind: label for label, kind in KINDS.items()}
    lines = [f"{d.ags},{d.name},{labels[d.kind]},{d.seat},,,," for d in DISTRICTS]
    header = "ags,name,kind,seat,valid_until,population,population_date,population_source"
    path.write_text("\n".join([header, *lines, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_a_status_note_belongs_to_its_district_only(tmp_path):
    """Eisenach's page says it joined the Wartburgkreis; another district whose status
    ended (from a CSV) must not say that of itself."""
    eisenach = DistrictPage.objects.get(ags="16056", locale__language_code="de")
    assert "Wartburgkreis" in eisenach.status_note
    csv_file = write_districts_csv(
        tmp_path / "kreise.csv", "16099,Altstadt,kreisfreie Stadt,,2020-12-31,,,"
    )
    call_command("load_demo_content", districts_csv=csv_file)
    ended = DistrictPage.objects.get(ags="16099", locale__language_code="de")
    assert ended.valid_until.isoformat() == "2020-12-31"
    assert ended.status_note == ""


def test_a_district_list_without_the_projects_districts_is_refused(tmp_path):
    csv_file = tmp_path / "kreise.csv"
    csv_file.write_text(
        "ags,name,kind,seat,valid_until,population,population_date,population_source\n"
        "16051,Erfurt,kreisfreie Stadt,,,,,\n",
        encoding="utf-8",
    )
    before = counts()
    with pytest.raises(CommandError, match=r"the demo projects name districts it lacks: .*16077"):
        call_command("load_demo_content", districts_csv=str(csv_file))
    assert counts() == before


def test_the_built_in_districts_are_the_reference_list():
    """``make run`` loads the built-in list, so that a clone works on its own; it must say
    what the institute's reference list (``../shared/data``) says."""
    assert list(DISTRICTS) == read_districts_csv(shared_path("data", "thueringen-kreise.csv"))


def test_dev_admin_command_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("ensure_dev_admin")


def test_dev_admin_command_creates_the_documented_account_once(settings, client):
    from django.contrib.auth import get_user_model

    settings.DEBUG = True
    call_command("ensure_dev_admin")
    call_command("ensure_dev_admin")
    users = get_user_model().objects.filter(username="admin")
    assert users.count() == 1
    assert users.get().is_superuser
    assert client.login(username="admin", password="ikpe-dev-admin")
    assert client.get("/admin/").status_code == 200
