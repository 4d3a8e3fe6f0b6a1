"""From the editor's desk to every place a visitor can find a project, in a real browser.

An editor (group “Redaktion”, cannot publish) creates a project with dates, lead and
district, submits it to the workflow “Redaktion → Freigabe”, translates it to English in
wagtail-localize's translation editor and submits the translation too, with “Submit
translation for approval” in the page explorer (cms/translation_workflow.py: the translation
editor itself has no workflow action). A moderator (group “Freigabe”) approves both from the
dashboard's “awaiting your review”, which publishes them.

Before the approval a visitor finds the project nowhere; afterwards in German and English,
on its district's page, in the listing filter, in search, in the API and in the feeds. The
visitor's pages, API and feeds are requested (and so cached) before the approval too, so
stale caches would fail these tests.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.e2e.site_server import Site

pytestmark = pytest.mark.e2e

TITLE_DE = "Kommunale Wärmeplanung im Saaletal"
SLUG_DE = "kommunale-waermeplanung-saaletal"
TEASER_DE = "Jena und seine Nachbarn planen gemeinsam die Wärmeversorgung von morgen."
TITLE_EN = "Municipal heat planning in the Saale valley"
SLUG_EN = "municipal-heat-planning-saale-valley"
TEASER_EN = "Jena and its neighbours plan tomorrow's heat supply together."
ACRONYM = "KWS"
LEAD = "Dr. Stefan Huber"
DISTRICT = "Jena"
DISTRICT_AGS = "16053"  # its official key, the API's district filter
OTHER_DISTRICT = "Gera"
SEARCH_WORD = {"de": "Wärmeplanung", "en": "heat planning"}
ATOM = "{http://www.w3.org/2005/Atom}"


# -- what a visitor can see without a browser ------------------------------------------------


def status(site: Site, path: str) -> int:
    try:
        site.get(path)
    except HTTPError as error:
        return error.code
    return 200


def feed_titles(site: Site, locale: str) -> list[str]:
    feed = ET.fromstring(site.get(f"/feeds/{locale}/projects.atom"))
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def api_titles(site: Site, locale: str, **filters) -> list[str]:
    listed = site.get_json("/api/v1/projects/", locale=locale, limit=50, **filters)
    return [item["title"] for item in listed["items"]]


def search_titles(site: Site, page: Page, locale: str) -> list[str]:
    page.goto(f"/{locale}/")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("searchbox").fill(SEARCH_WORD[locale])
        page.keyboard.press("Enter")
    return page.locator(".search-result h3").all_inner_texts()


def what_a_visitor_finds(site: Site, page: Page) -> dict:
    return {
        "de_page": status(site, f"/de/projekte/{SLUG_DE}/"),
        "en_page": status(site, f"/en/projects/{SLUG_EN}/"),
        "de_listing": TITLE_DE in site.get("/de/projekte/"),
        "api_de": TITLE_DE in api_titles(site, "de"),
        "api_en": [t for t in api_titles(site, "en") if t in (TITLE_DE, TITLE_EN)],
        "feed_de": TITLE_DE in feed_titles(site, "de"),
        "feed_en": [t for t in feed_titles(site, "en") if t in (TITLE_DE, TITLE_EN)],
        "search_de": search_titles(site, page, "de"),
        "search_en": search_titles(site, page, "en"),
    }


# -- the admin, as editor and moderator ------------------------------------------------------


def sign_in(context: BrowserContext, username: str, password: str) -> Page:
    page = context.new_page()
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert urlsplit(page.url).path == "/admin/", "sign-in failed"
    return page


def choose_in_modal(page: Page, opener: str, choice, search: str | None = None) -> None:
    page.locator(opener).click()
    modal = page.locator(".modal-dialog")
    if search:
        modal.locator("input[name=q]").fill(search)
    choice(modal).click()
    modal.wait_for(state="hidden")


def create_project(editor: Page, site: Site) -> int:
    """Fill in the new project's form as the editor; save a draft; return the page id."""
    (index,) = site.get_json(
        "/api/v2/pages/", type="projects.ProjectIndexPage", locale="de", limit=1
    )["items"]
    # Wagtail notices edits (and autosaves them) only against a snapshot of the form it takes
    # 2 s after the form appears: typed in before it, they would be part of the snapshot and
    # never autosaved, and the wait for the autosave below would time out.
    editor.add_init_script(
        "document.addEventListener('w-unsaved:watch-edits', () => { window.e2eWatching = true })"
    )
    editor.goto(f"/admin/pages/add/projects/projectpage/{index['id']}/")
    editor.wait_for_function("() => window.e2eWatching === true")
    editor.locator("#id_title").fill(TITLE_DE)
    editor.locator("#id_acronym").fill(ACRONYM)
    for field, value in (("#id_start_date", "2024-03-01"), ("#id_end_date", "2027-02-28")):
        editor.locator(field).fill(value)
        editor.keyboard.press("Escape")  # closes the date picker
    editor.locator("#id_teaser").fill(TEASER_DE)

    editor.get_by_role("tab", name="Beteiligte und Förderung").click()
    editor.locator("#id_people-ADD").click()
    choose_in_modal(
        editor,
        "#id_people-0-person-chooser .unchosen button",
        lambda modal: modal.get_by_role("link", name=LEAD, exact=True),
    )
    editor.locator("#id_people-0-role").select_option("lead")

    editor.get_by_role("tab", name="Regionen").click()
    editor.locator("#id_district_links-ADD").click()
    choose_in_modal(
        editor,
        "#id_district_links-0-district-chooser .unchosen button",
        lambda modal: modal.locator("a.choose-page[data-url^='/de/']", has_text=DISTRICT),
        search=DISTRICT,
    )

    editor.get_by_role("tab", name="SEO").click()
    editor.locator("#id_slug").fill(SLUG_DE)
    # Wagtail autosaves the new page and then points the form at the page's edit view;
    # saving while that first autosave is on its way would create the page a second time.
    editor.wait_for_function(
        """() => !document.querySelector("#w-autosave-indicator")
            || document.querySelector("#page-edit-form").action.includes("/edit/")"""
    )
    with editor.expect_navigation(url=re.compile(r"/admin/pages/\d+/edit/")):
        editor.get_by_role("button", name="Entwurf speichern").click()
    return int(re.search(r"/pages/(\d+)/edit/", editor.url)[1])


def translate_segment(editor: Page, field: str, text: str) -> None:
    segment = editor.locator("li").filter(
        has=editor.locator("h3", has_text=re.compile(f"^{field}$"))
    )
    segment.get_by_role("button", name="Übersetzen").click()
    segment.locator("textarea").fill(text)
    segment.get_by_role("button", name="Speichern").click()
    segment.get_by_role("button", name="Bearbeiten").wait_for()  # saved


def translate_to_english(editor: Page, page_id: int) -> int:
    """“Translate this page” → English → the translation editor; return the English page id."""
    editor.goto(f"/admin/pages/{page_id}/edit/")
    editor.locator("header [data-w-dropdown-target=toggle]").first.click()
    editor.get_by_role("link", name="Diese Seite übersetzen").click()
    editor.get_by_label("Englisch").check()
    with editor.expect_navigation(url=re.compile(r"/admin/pages/\d+/edit/")):
        editor.get_by_role("button", name="Absenden").click()
    english_id = int(re.search(r"/pages/(\d+)/edit/", editor.url)[1])
    assert english_id != page_id

    translate_segment(editor, "Titel", TITLE_EN)
    translate_segment(editor, "Kurztext", TEASER_EN)
    editor.get_by_role("tab", name="SEO").click()
    translate_segment(editor, "Slug", SLUG_EN)
    return english_id


def submit_to_moderation(editor: Page, page_id: int) -> None:
    editor.goto(f"/admin/pages/{page_id}/edit/")
    editor.locator("footer .w-dropdown__toggle").click()
    submit = editor.locator("button[name=action-submit]")
    assert "Redaktion → Freigabe" in submit.inner_text()
    with editor.expect_navigation():
        submit.click()


def submit_translation(editor: Page, site: Site, english_id: int) -> bool:
    """“Submit translation for approval” in the English page's row of the page explorer.

    Return whether the row's menu no longer offers it afterwards (nothing left to submit).
    """
    (index,) = site.get_json(
        "/api/v2/pages/", type="projects.ProjectIndexPage", locale="en", limit=1
    )["items"]
    explorer = f"/admin/pages/{index['id']}/"
    row = editor.locator("tr").filter(
        has=editor.locator(f"a[href='/admin/pages/{english_id}/edit/']")
    )
    # Addressed by its target: the label is German only once the lead's .po is compiled.
    submit = row.locator(
        f"button[data-w-action-url-value='/admin/translation-workflow/{english_id}/submit/']"
    )

    def open_row_menu() -> None:
        row.locator("[data-w-dropdown-target=toggle]").click()
        row.locator(".w-dropdown__content").wait_for()  # shown

    editor.goto(explorer)
    open_row_menu()
    with editor.expect_navigation():
        submit.click()
    assert urlsplit(editor.url).path == explorer  # back where it was
    editor.locator(".messages .success").wait_for()
    open_row_menu()
    return submit.count() == 0


def approve(moderator: Page, title: str) -> None:
    """Approve a page from the dashboard's “awaiting your review” list."""
    moderator.goto("/admin/")
    row = moderator.locator("#awaiting-review-section tr").filter(has_text=title)
    row.get_by_role("button", name="Aktionen").click()
    with moderator.expect_navigation():
        row.get_by_role("button", name="Freigeben", exact=True).click()


@pytest.fixture(scope="module")
def moderated_project(browser, site: Site, accounts: dict, artifacts_dir: Path) -> dict:
    """Run the whole editorial flow once; record what the editor and the visitor saw."""
    seen: dict = {}
    options = {
        "base_url": site.base_url,
        "locale": "de-DE",
        "viewport": {"width": 1280, "height": 900},
    }
    editor_context = browser.new_context(**options)
    moderator_context = browser.new_context(**options)
    visitor_context = browser.new_context(**options)
    try:
        for context in (editor_context, moderator_context, visitor_context):
            context.set_default_timeout(30_000)
        visitor = visitor_context.new_page()
        seen["before"] = what_a_visitor_finds(site, visitor)

        editor = sign_in(editor_context, accounts["editor"], accounts["password"])
        page_id = create_project(editor, site)
        seen["editor_can_publish"] = editor.locator("[name=action-publish]").count() > 0
        english_id = translate_to_english(editor, page_id)
        seen["editor_can_publish_translation"] = (
            editor.get_by_role("button", name="Veröffentlichen in Englisch").count() > 0
        )
        submit_to_moderation(editor, page_id)
        seen["translation_button_gone"] = submit_translation(editor, site, english_id)
        seen["submitted"] = what_a_visitor_finds(site, visitor)

        moderator = sign_in(moderator_context, accounts["moderator"], accounts["password"])
        moderator.goto("/admin/")
        seen["awaiting_review"] = moderator.locator("#awaiting-review-section tr").all_inner_texts()
        approve(moderator, TITLE_DE)
        approve(moderator, TITLE_EN)
        seen["published"] = what_a_visitor_finds(site, visitor)
        return seen
    except Exception:
        (artifacts_dir / "failures").mkdir(exist_ok=True)
        for role, context in (("editor", editor_context), ("moderator", moderator_context)):
            for number, opened in enumerate(context.pages):
                opened.screenshot(path=artifacts_dir / "failures" / f"flow-{role}-{number}.png")
        raise
    finally:
        for context in (editor_context, moderator_context, visitor_context):
            context.close()


# -- the tests -------------------------------------------------------------------------------


def test_editors_cannot_publish(moderated_project: dict):
    assert not moderated_project["editor_can_publish"]
    assert not moderated_project["editor_can_publish_translation"]


def test_both_languages_wait_for_the_moderator(moderated_project: dict):
    assert moderated_project["translation_button_gone"]
    awaiting = moderated_project["awaiting_review"]
    assert any(TITLE_DE in row for row in awaiting)
    assert any(TITLE_EN in row for row in awaiting)


def test_nothing_is_public_before_the_moderator_approves(moderated_project: dict):
    for moment in ("before", "submitted"):
        found = moderated_project[moment]
        assert found["de_page"] == found["en_page"] == 404, moment
        assert not found["de_listing"] and not found["api_de"] and not found["feed_de"], moment
        assert not found["api_en"] and not found["feed_en"], moment
        assert TITLE_DE not in found["search_de"] and TITLE_EN not in found["search_en"], moment


def test_after_approval_caches_show_it_everywhere(moderated_project: dict):
    found = moderated_project["published"]
    assert found["de_page"] == found["en_page"] == 200 and found["de_listing"]
    assert found["api_de"] and found["api_en"] == [TITLE_EN]
    assert found["feed_de"] and found["feed_en"] == [TITLE_EN]
    assert found["search_de"][:1] == [TITLE_DE]
    assert found["search_en"][:1] == [TITLE_EN]


def test_visitor_reads_it_in_german_and_english(moderated_project: dict, page: Page):
    page.goto(f"/de/projekte/{SLUG_DE}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"{TITLE_DE} ({ACRONYM})"
    facts = page.locator(".facts")
    assert facts.locator("dt:has-text('Projektleitung') + dd").inner_text() == LEAD
    assert facts.locator("dt:has-text('Laufzeit') + dd").inner_text() == "März 2024 – Februar 2027"
    districts = page.get_by_role("region", name="Beteiligte Landkreise und Städte")
    assert districts.get_by_role("link").all_inner_texts() == [DISTRICT]

    with page.expect_navigation():
        page.get_by_role("navigation", name="Sprache").get_by_role("link", name="English").click()
    assert urlsplit(page.url).path == f"/en/projects/{SLUG_EN}/"
    assert page.get_by_role("heading", level=1).inner_text() == f"{TITLE_EN} ({ACRONYM})"
    assert page.locator(".lead").inner_text() == TEASER_EN
    facts = page.locator(".facts")
    assert facts.locator("dt:has-text('Project lead') + dd").inner_text() == LEAD
    assert (
        facts.locator("dt:has-text('Duration') + dd").inner_text() == "March 2024 – February 2027"
    )
    # The district link leads to the district's English profile.
    with page.expect_navigation():
        page.get_by_role("region", name="Participating districts").get_by_role(
            "link", name=DISTRICT
        ).click()
    assert urlsplit(page.url).path.startswith("/en/")
    cards = page.get_by_role("region", name="Projects").locator(".card__title")
    assert TITLE_EN in cards.all_inner_texts()


def test_visitor_finds_it_on_the_district_page(moderated_project: dict, page: Page):
    page.goto(f"/de/projekte/{SLUG_DE}/")
    with page.expect_navigation():
        page.get_by_role("region", name="Beteiligte Landkreise und Städte").get_by_role(
            "link", name=DISTRICT
        ).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(DISTRICT)
    cards = page.get_by_role("region", name="Projekte").locator(".card__title")
    assert TITLE_DE in cards.all_inner_texts()


def test_visitor_finds_it_with_the_listing_filter(moderated_project: dict, page: Page):
    def filter_by(district: str) -> list[str]:
        page.goto("/de/projekte/")
        page.get_by_label("Landkreis/Stadt").select_option(label=district)
        with page.expect_navigation():
            page.get_by_role("button", name="Filter anwenden").click()
        return page.locator(".card__title").all_inner_texts()

    assert TITLE_DE in filter_by(DISTRICT)
    assert TITLE_DE not in filter_by(OTHER_DISTRICT)


def test_api_and_feeds_link_both_languages(moderated_project: dict, site: Site):
    project = site.get_json(f"/api/v1/projects/by-slug/{SLUG_DE}/", locale="de")
    assert project["title"] == TITLE_DE and project["acronym"] == ACRONYM
    assert (project["start_date"], project["end_date"]) == ("2024-03-01", "2027-02-01")
    (english,) = [t for t in project["translations"] if t["locale"] == "en"]
    assert urlsplit(english["url"]).path == f"/en/projects/{SLUG_EN}/"
    assert TITLE_DE in api_titles(site, "de", district=DISTRICT_AGS)

    feed = ET.fromstring(site.get("/feeds/de/projects.atom"))
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert any(urlsplit(href).path == f"/de/projekte/{quote(SLUG_DE)}/" for href in links)
